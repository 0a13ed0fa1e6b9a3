-- Code cells as Quarto shows them: the front-matter raw cell becomes the document metadata;
-- each code cell's options (cell_options.lua) decide what is kept: echo (default false here),
-- include, output (false / asis), warning (stderr hidden by default); label + fig-cap /
-- tbl-cap / fig-alt make figures and tables with captions, ids and alt text.
local M = {}
local h = require("pandoc_helpers")
local options = require("cell_options")
local outputs = require("cell_outputs")
local stringify = pandoc.utils.stringify
local has_class, parse_md, image_of = h.has_class, h.parse_md, h.image_of

-- The blocks of a cell's outputs (div.content[2..]), by its output and warning options.
local function output_blocks(div, asis, warning)
  local blocks = pandoc.Blocks({})
  -- asis: consecutive prints are one Markdown text (a fenced div may span several)
  local pending = nil
  local function flush()
    if pending then blocks:extend(parse_md(pending)); pending = nil end
  end
  for i = 2, #div.content do
    local out = div.content[i]
    if out.t == "Div" and has_class(out, "output") then
      local is_stdout = has_class(out, "stream") and not has_class(out, "stderr")
      if asis and is_stdout and out.content[1] and out.content[1].t == "CodeBlock" then
        pending = (pending or "") .. out.content[1].text
      elseif not (has_class(out, "stderr") and warning ~= true) then
        flush()
        blocks:extend(outputs.choose_output(out, asis))
      end
    else
      flush()
      blocks:insert(out)
    end
  end
  flush()
  return blocks
end

-- alt text on every image of the cell (accessibility); an image's own alt (output
-- metadata, written from the data) wins: a static fig-alt is the fallback, which is what
-- the Quarto engine (ignoring output metadata) shows
local function with_alt(blocks, alt)
  if not alt then return blocks end
  return blocks:walk({ Image = function(img)
    if (img.attributes.alt or "") == "" then img.attributes.alt = alt end
    return img
  end })
end

-- tables: caption and id, on the cell's first table
local function with_table_caption(blocks, label, tbl_cap)
  if not (tbl_cap or (label and label:match("^tbl%-"))) then return blocks end
  local done = false
  return blocks:walk({ Table = function(t)
    if done then return nil end
    done = true
    if tbl_cap then t.caption = pandoc.Caption({ pandoc.Plain(tbl_cap) }) end
    if label and label:match("^tbl%-") then t.identifier = label end
    return t
  end })
end

-- figures: the cell's image(s) wrapped into one Figure, where its first image was
local function as_figure(blocks, label, fig_cap)
  if not (fig_cap or (label and label:match("^fig%-"))) then return blocks end
  local id = (label and label:match("^fig%-")) and label or ""
  local images = pandoc.List()
  for _, b in ipairs(blocks) do
    if image_of(b) then images:insert(pandoc.Plain(image_of(b))) end
  end
  if #images > 0 then
    local fig = pandoc.Figure(images, fig_cap and { pandoc.Plain(fig_cap) } or {}, pandoc.Attr(id))
    local result, placed = pandoc.Blocks({}), false
    for _, b in ipairs(blocks) do
      if image_of(b) then
        if not placed then result:insert(fig); placed = true end
      else
        result:insert(b)
      end
    end
    return result
  elseif fig_cap and #blocks > 0 then
    -- no image (a chart without data shows a note): Quarto still makes the cell a numbered
    -- figure around its output (a float of the labelled cell), so do we
    return pandoc.Blocks({ pandoc.Figure(blocks, { pandoc.Plain(fig_cap) }, pandoc.Attr(id)) })
  end
  return blocks
end

local function code_cell(div)
  local source = div.content[1]
  local opts, code = {}, ""
  if source and source.t == "CodeBlock" then
    opts, code = options.cell_options(source.text)
  end
  if options.opt_bool(opts, "include", true) == false then return {} end
  local echo = options.opt_bool(opts, "echo", false)
  local output = options.opt_bool(opts, "output", true)
  local warning = options.opt_bool(opts, "warning", false)

  local blocks = pandoc.Blocks({})
  if echo == true and code ~= "" then
    blocks:insert(pandoc.CodeBlock(code, pandoc.Attr("", { "python", "cell-code" })))
  end
  if output ~= false then blocks:extend(output_blocks(div, output == "asis", warning)) end

  local label = opts.label and stringify(opts.label) or nil
  blocks = with_alt(blocks, opts["fig-alt"] and stringify(opts["fig-alt"]) or nil)
  blocks = with_table_caption(blocks, label, options.opt_inlines(opts["tbl-cap"]))
  blocks = as_figure(blocks, label, options.opt_inlines(opts["fig-cap"]))
  -- Quarto's `column: margin`: kept as a .column-margin div, set beside the previous block
  -- by the `beside` pass (portrait_classes.lua)
  if opts.column and stringify(opts.column) == "margin" and #blocks > 0 then
    return { pandoc.Div(blocks, pandoc.Attr("", { "column-margin" })) }
  end
  return blocks
end

-- the pass: the front-matter raw cell -> the document metadata
function M.front_matter(doc)
  local blocks = pandoc.List()
  local found = false
  for _, b in ipairs(doc.blocks) do
    local raw = (b.t == "Div" and has_class(b, "raw")) and b.content[1] or b
    if not found and raw and raw.t == "RawBlock" and raw.text:match("^%-%-%-") then
      found = true
      local ok, fm = pcall(pandoc.read, raw.text .. "\n", "markdown")
      if ok then
        -- values given by the build (--metadata-file) win over the template's front matter
        for k, v in pairs(fm.meta) do
          if doc.meta[k] == nil or k == "lang" then doc.meta[k] = v end
        end
      end
    else
      blocks:insert(b)
    end
  end
  doc.meta.jupyter = nil
  doc.blocks = blocks
  return doc
end

-- the pass: every cell -> its blocks (code cells by their options, raw ipynb cells dropped)
function M.cells(doc)
  doc.blocks = doc.blocks:walk({
    Div = function(div)
      if has_class(div, "cell") then
        if has_class(div, "code") then return code_cell(div) end
        if has_class(div, "raw") then
          local raw = div.content[1]
          if raw and raw.t == "RawBlock" and raw.format == "ipynb" then return {} end
        end
        return div.content
      end
      return nil
    end,
  })
  return doc
end

return M
