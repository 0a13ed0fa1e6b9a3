--[[
Apply Quarto's cell options to a notebook read by pandoc's ipynb reader
(`-f ipynb+... --ipynb-output=all`), so that the built-in engine renders a portrait the way
Quarto would. Pandoc alone shows all code, every representation of each output and no
captions; this filter:
  * moves the front-matter raw cell into the document metadata;
  * reads the `#|` options of each code cell (YAML, parsed by pandoc's own reader);
  * echo (default false here), include, output (false / asis), warning (stderr hidden by default);
  * keeps one representation per output: markdown > svg > png > html > plain text, never a
    `<... object>` repr; HTML tables (DataFrames) become pandoc tables (all formats), minus
    the pandas index-name header row;
  * label + fig-cap / tbl-cap / fig-alt: figures and tables with captions, ids, alt text;
  * cross-references @fig-x / @tbl-x -> "Figure 1" / "Tableau 1" (Typst: native refs);
  * .content-visible / .content-hidden with when-format / unless-format;
  * portrait classes (.key-figures, .key-figure, .source, .portrait-nav, .callout-*):
    HTML keeps classed elements for the stylesheet, Typst gets calls to portrait.typ functions.
docs/RENDERING.md documents the conventions.
]]

local stringify = pandoc.utils.stringify
local is_typst = FORMAT:match("typst") ~= nil
local is_html = FORMAT:match("html") ~= nil

local MD_EXT = "markdown-yaml_metadata_block"

-- ---------------------------------------------------------------- helpers

local function has_class(el, cls)
  for _, c in ipairs(el.classes or {}) do
    if c == cls then return true end
  end
  return false
end

local function class_prefixed(el, prefix)
  for _, c in ipairs(el.classes or {}) do
    if c:sub(1, #prefix) == prefix then return c end
  end
  return nil
end

local function parse_md(text)
  return pandoc.read(text, MD_EXT).blocks
end

-- Cell options: leading `#|` lines, read as YAML through pandoc's markdown metadata reader.
local function cell_options(code)
  local yaml_lines, rest, in_opts = {}, {}, true
  for line in (code .. "\n"):gmatch("(.-)\r?\n") do
    if in_opts and line:match("^%s*#|") then
      local opt = line:gsub("^%s*#|", ""):gsub("^ ", "")
      yaml_lines[#yaml_lines + 1] = opt
    else
      in_opts = false
      rest[#rest + 1] = line
    end
  end
  while #rest > 0 and rest[#rest]:match("^%s*$") do rest[#rest] = nil end
  local opts = {}
  if #yaml_lines > 0 then
    local ok, doc = pcall(pandoc.read, "---\n" .. table.concat(yaml_lines, "\n") .. "\n---\n", "markdown")
    if ok then opts = doc.meta end
  end
  return opts, table.concat(rest, "\n")
end

local function opt_bool(opts, key, default)
  local v = opts[key]
  if v == nil then return default end
  if type(v) == "boolean" then return v end
  local s = stringify(v)
  if s == "true" then return true elseif s == "false" then return false end
  return s
end

local function opt_inlines(v)
  if v == nil then return nil end
  if type(v) == "string" then return pandoc.Inlines(v) end
  if pandoc.utils.type(v) == "Inlines" then return v end
  if pandoc.utils.type(v) == "Blocks" then return pandoc.utils.blocks_to_inlines(v) end
  return pandoc.Inlines(stringify(v))
end

-- ---------------------------------------------------------------- outputs

local function image_of(block)
  if (block.t == "Para" or block.t == "Plain") and #block.content == 1 and block.content[1].t == "Image" then
    return block.content[1]
  end
  return nil
end

local JUNK_REPR = { "^<[%w%._]+ object at 0x%x+>$", "^<[%w%._]+ object>$", "^<Figure size [^>]*>$" }

local function is_junk(text)
  text = text:gsub("^%s+", ""):gsub("%s+$", "")
  if text == "" then return true end
  for _, pat in ipairs(JUNK_REPR) do
    if text:match(pat) then return true end
  end
  return false
end

-- pandas writes the index name as a second header row (name, then empty cells): drop it.
local function drop_index_name_row(tbl)
  local rows = tbl.head.rows
  if #rows < 2 then return end
  local kept = pandoc.List()
  for i, row in ipairs(rows) do
    local empty_rest = true
    for j, cell in ipairs(row.cells) do
      if j > 1 and stringify(cell.contents) ~= "" then empty_rest = false end
    end
    if not (i > 1 and empty_rest) then kept:insert(row) end
  end
  tbl.head.rows = kept
end

-- Numbers (French formatting, signs, n.d. / s markers) are right-aligned.
local function looks_numeric(text)
  text = text:gsub("\u{202f}", ""):gsub("\u{a0}", ""):gsub("\u{2212}", "-"):gsub("%s", "")
  return text == "" or text == "n.d." or text == "s" or text:match("^[%+%-]?%d") ~= nil
end

local function tidy_table(tbl)
  drop_index_name_row(tbl)
  tbl.attr = pandoc.Attr(tbl.identifier, {})
  local ncols = #tbl.colspecs
  for col = 1, ncols do
    local numeric, seen = true, false
    for _, body in ipairs(tbl.bodies) do
      for _, row in ipairs(body.body) do
        local cell = row.cells[col]
        if cell and not (col <= body.row_head_columns) then
          local text = stringify(cell.contents)
          if text ~= "" then seen = true end
          if not looks_numeric(text) then numeric = false end
        end
        row.attr = pandoc.Attr()
      end
    end
    local align = (numeric and seen) and pandoc.AlignRight or pandoc.AlignLeft
    tbl.colspecs[col] = { align, tbl.colspecs[col][2] }
  end
  for _, row in ipairs(tbl.head.rows) do row.attr = pandoc.Attr() end
  return tbl
end

local function html_to_blocks(html)
  local ok, doc = pcall(pandoc.read, html, "html")
  if not ok then return nil end
  local tables = pandoc.List()
  doc.blocks:walk({ Table = function(t) tables:insert(t) end })
  if #tables == 0 then return nil end
  for _, t in ipairs(tables) do tidy_table(t) end
  return tables
end

-- One output Div -> the blocks of its best representation.
local function choose_output(div, asis)
  local stream = has_class(div, "stream")
  if stream then
    local cb = div.content[1]
    if not cb or cb.t ~= "CodeBlock" then return div.content end
    if asis and not has_class(div, "stderr") then return parse_md(cb.text) end
    return { pandoc.CodeBlock(cb.text, pandoc.Attr("", { "cell-output" })) }
  end
  if has_class(div, "error") then
    return { pandoc.CodeBlock(stringify(div.content), pandoc.Attr("", { "cell-output", "error" })) }
  end
  local best = { markdown = nil, svg = nil, png = nil, html = nil, plain = nil }
  for _, b in ipairs(div.content) do
    local img = image_of(b)
    if b.t == "RawBlock" and b.format == "markdown" then
      best.markdown = best.markdown or b
    elseif img then
      if img.src:match("%.svg$") then best.svg = best.svg or b else best.png = best.png or b end
    elseif b.t == "RawBlock" and b.format == "html" then
      best.html = best.html or b
    elseif b.t == "CodeBlock" then
      best.plain = best.plain or b
    end
  end
  if best.markdown then return parse_md(best.markdown.text) end
  if best.svg then return { best.svg } end
  if best.png then return { best.png } end
  if best.html then
    local tables = html_to_blocks(best.html.text)
    if tables then return tables end
    if is_html then return { best.html } end
  end
  if best.plain and not is_junk(best.plain.text) then
    if asis then return parse_md(best.plain.text) end
    return { pandoc.CodeBlock(best.plain.text, pandoc.Attr("", { "cell-output" })) }
  end
  return {}
end

-- ---------------------------------------------------------------- code cells

local function code_cell(div)
  local source = div.content[1]
  local opts, code = {}, ""
  if source and source.t == "CodeBlock" then
    opts, code = cell_options(source.text)
  end
  if opt_bool(opts, "include", true) == false then return {} end
  local echo = opt_bool(opts, "echo", false)
  local output = opt_bool(opts, "output", true)
  local warning = opt_bool(opts, "warning", false)
  local asis = output == "asis"

  local blocks = pandoc.Blocks({})
  if echo == true and code ~= "" then
    blocks:insert(pandoc.CodeBlock(code, pandoc.Attr("", { "python", "cell-code" })))
  end
  if output ~= false then
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
          blocks:extend(choose_output(out, asis))
        end
      else
        flush()
        blocks:insert(out)
      end
    end
    flush()
  end

  local label = opts.label and stringify(opts.label) or nil
  local alt = opts["fig-alt"] and stringify(opts["fig-alt"]) or nil
  local fig_cap = opt_inlines(opts["fig-cap"])
  local tbl_cap = opt_inlines(opts["tbl-cap"])

  -- alt text on every image of the cell (accessibility); an image's own alt (output
  -- metadata, written from the data) wins: a static fig-alt is the fallback, which is what
  -- the Quarto engine (ignoring output metadata) shows
  if alt then
    blocks = blocks:walk({ Image = function(img)
      if (img.attributes.alt or "") == "" then img.attributes.alt = alt end
      return img
    end })
  end

  -- tables: caption and id
  if tbl_cap or (label and label:match("^tbl%-")) then
    local done = false
    blocks = blocks:walk({ Table = function(t)
      if done then return nil end
      done = true
      if tbl_cap then t.caption = pandoc.Caption({ pandoc.Plain(tbl_cap) }) end
      if label and label:match("^tbl%-") then t.identifier = label end
      return t
    end })
  end

  -- figures: wrap the cell's image(s) into one Figure
  if fig_cap or (label and label:match("^fig%-")) then
    local images, others = pandoc.List(), pandoc.List()
    for _, b in ipairs(blocks) do
      if image_of(b) then images:insert(pandoc.Plain(image_of(b))) else others:insert(b) end
    end
    if #images > 0 then
      local id = (label and label:match("^fig%-")) and label or ""
      local fig = pandoc.Figure(images, fig_cap and { pandoc.Plain(fig_cap) } or {}, pandoc.Attr(id))
      -- keep the figure where its first image was
      local result, placed = pandoc.Blocks({}), false
      for _, b in ipairs(blocks) do
        if image_of(b) then
          if not placed then result:insert(fig); placed = true end
        else
          result:insert(b)
        end
      end
      blocks = result
    elseif fig_cap and #blocks > 0 then
      -- no image (a chart without data shows a note): Quarto still makes the cell a numbered
      -- figure around its output (a float of the labelled cell), so do we
      local id = (label and label:match("^fig%-")) and label or ""
      blocks = pandoc.Blocks({ pandoc.Figure(blocks, { pandoc.Plain(fig_cap) }, pandoc.Attr(id)) })
    end
  end
  -- Quarto's `column: margin`: kept as a .column-margin div, set beside the previous block
  -- by the `beside` pass
  if opts.column and stringify(opts.column) == "margin" and #blocks > 0 then
    return { pandoc.Div(blocks, pandoc.Attr("", { "column-margin" })) }
  end
  return blocks
end

-- ---------------------------------------------------------------- typst helpers

local function typst_inline(inlines)
  local out = pandoc.write(pandoc.Pandoc({ pandoc.Plain(inlines) }), "typst")
  return (out:gsub("%s+$", ""))
end

-- blocks between two raw blocks of one output format ("html" or "typst")
local function raw_wrap(format, open, blocks, close)
  local res = pandoc.List({ pandoc.RawBlock(format, open) })
  res:extend(blocks)
  res:insert(pandoc.RawBlock(format, close))
  return res
end

local function escape_html(s)
  return (s:gsub("&", "&amp;"):gsub("<", "&lt;"):gsub(">", "&gt;"):gsub('"', "&quot;"))
end

-- A key figure: spans .value, .label, .benchmark (anywhere inside the div).
local function key_figure_parts(div)
  local parts = {}
  div:walk({ Span = function(s)
    for _, k in ipairs({ "value", "label", "benchmark" }) do
      if has_class(s, k) and not parts[k] then parts[k] = s.content end
    end
  end })
  return parts
end

local function key_figures_typst(div)
  local items = {}
  for _, b in ipairs(div.content) do
    if b.t == "Div" and has_class(b, "key-figure") then
      local p = key_figure_parts(b)
      if p.value then
        items[#items + 1] = string.format("keyfigure(value: [%s], label: [%s], benchmark: [%s])",
          typst_inline(p.value), typst_inline(p.label or {}), typst_inline(p.benchmark or {}))
      else
        items[#items + 1] = "keyfigure(body: [" .. pandoc.write(pandoc.Pandoc(b.content), "typst") .. "])"
      end
    end
  end
  return pandoc.RawBlock("typst", "#keyfigures(\n" .. table.concat(items, ",\n") .. ",\n)")
end

local CALLOUT_TITLES = { note = "Note", tip = "Conseil", warning = "Attention",
                         important = "Important", caution = "Prudence" }

local function callout(div, kind)
  local title = div.attributes.title
  local body = div.content
  if not title and body[1] and body[1].t == "Header" then
    title = stringify(body[1].content)
    body = pandoc.List({ table.unpack(body, 2) })
  end
  title = title or CALLOUT_TITLES[kind] or ""
  if is_typst then
    return raw_wrap("typst", "#callout(kind: \"" .. kind .. "\", title: [" ..
      typst_inline(pandoc.Inlines(title)) .. "])[", body, "]")
  end
  if is_html then
    return raw_wrap("html", '<aside class="callout callout-' .. kind .. '" aria-label="' .. escape_html(title) ..
      '"><p class="callout-title">' .. escape_html(title) .. '</p>', body, "</aside>")
  end
  return body
end

-- ---------------------------------------------------------------- conditional content

local function format_matches(spec)
  for f in spec:gmatch("[^%s,]+") do
    if f == FORMAT or (f == "pdf" and is_typst) or (f == "typst" and is_typst)
      or (f == "html" and is_html) then
      return true
    end
  end
  return false
end

local function conditional(div)
  local visible = has_class(div, "content-visible")
  local hidden = has_class(div, "content-hidden")
  if not (visible or hidden) then return nil end
  local when, unless = div.attributes["when-format"], div.attributes["unless-format"]
  local show
  if when then show = format_matches(when)
  elseif unless then show = not format_matches(unless)
  else show = true end
  if hidden then show = not show end
  if show then return div.content end
  return {}
end

-- ---------------------------------------------------------------- passes

local function front_matter(doc)
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

local function cells(doc)
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

local function conditionals(doc)
  doc.blocks = doc.blocks:walk({ Div = conditional })
  return doc
end

-- The project's crossref labels (_quarto.yml `crossref`, given as metadata by the engine), as
-- Quarto composes them (src/resources/filters/crossref/format.lua, titlePrefix: title, a
-- no-break space, the number, title-delim, a space).
local function crossref_option(doc, key, default)
  local opts = doc.meta.crossref
  local v = opts and opts[key]
  return v and stringify(v) or default
end

-- Number captioned figures and tables in document order; resolve @fig-x / @tbl-x.
local function crossrefs(doc)
  local numbers, counters = {}, { fig = 0, tbl = 0 }
  local names = { fig = crossref_option(doc, "fig-prefix", "Figure"), tbl = crossref_option(doc, "tbl-prefix", "Table") }
  local titles = { fig = crossref_option(doc, "fig-title", "Figure"), tbl = crossref_option(doc, "tbl-title", "Table") }
  local delim = crossref_option(doc, "title-delim", ":")
  doc.blocks = doc.blocks:walk({
    Figure = function(f)
      if f.identifier:match("^fig%-") then
        counters.fig = counters.fig + 1
        numbers[f.identifier] = counters.fig
        if is_html and #f.caption.long > 0 then
          local first = f.caption.long[1]
          first.content:insert(1, pandoc.Space())
          first.content:insert(1, pandoc.Str(titles.fig .. "\u{a0}" .. counters.fig .. delim))
        end
        return f
      end
    end,
    Table = function(t)
      if t.identifier:match("^tbl%-") then
        counters.tbl = counters.tbl + 1
        numbers[t.identifier] = counters.tbl
        if is_html and #t.caption.long > 0 then
          t.caption.long[1].content:insert(1, pandoc.Space())
          t.caption.long[1].content:insert(1, pandoc.Str(titles.tbl .. "\u{a0}" .. counters.tbl .. delim))
        end
        return t
      end
    end,
  })
  doc.blocks = doc.blocks:walk({
    Cite = function(c)
      if #c.citations ~= 1 then return nil end
      local id = c.citations[1].id
      local kind = id:match("^(%a+)%-")
      if not (kind and names[kind] and numbers[id]) then return nil end
      if is_typst then return pandoc.RawInline("typst", "#ref(<" .. id .. ">)") end
      return pandoc.Link(names[kind] .. "\u{a0}" .. numbers[id], "#" .. id)
    end,
  })
  return doc
end

local function portrait_classes(doc)
  doc.blocks = doc.blocks:walk({
    Div = function(div)
      if has_class(div, "key-figures") then
        if is_typst then return key_figures_typst(div) end
        if is_html then
          return raw_wrap("html", '<div class="key-figures" role="list">', div.content:map(function(b)
            if b.t == "Div" and has_class(b, "key-figure") then b.attributes.role = "listitem" end
            return b
          end), "</div>")
        end
        return nil
      end
      if has_class(div, "portrait-nav") then
        if is_typst then return {} end
        if is_html then
          return raw_wrap("html", '<nav class="portrait-nav" aria-label="Navigation entre les portraits">',
            div.content, "</nav>")
        end
      end
      if has_class(div, "source") and is_typst then
        return raw_wrap("typst", "#source-note[", div.content, "]")
      end
      if has_class(div, "understand") and is_typst then
        return raw_wrap("typst", "#understand[", div.content, "]")
      end
      local c = class_prefixed(div, "callout-")
      if c then return callout(div, c:sub(9)) end
      return nil
    end,
  })
  return doc
end

-- Typst: a section's source note stays on the page of the block it closes (a paragraph, the
-- key figures): that block sticks to the note and is not split, so a page break never parts them.
local function keep_with_source(doc)
  if not is_typst then return doc end
  local out = pandoc.List()
  for _, b in ipairs(doc.blocks) do
    local prev = out[#out]
    if b.t == "Div" and has_class(b, "source") and prev
      and (prev.t == "Para" or (prev.t == "Div" and has_class(prev, "key-figures"))) then
      out:remove(#out)
      out:extend(raw_wrap("typst", "#block(sticky: true, breakable: false)[", { prev }, "]"))
    end
    out:insert(b)
  end
  doc.blocks = out
  return doc
end

-- A top-level .column-margin div and the block before it become one two-column block
-- (Typst: grid; HTML: a div the stylesheet lays out side by side on wide screens).
local function beside(doc)
  local out = pandoc.List()
  for _, b in ipairs(doc.blocks) do
    local prev = out[#out]
    if b.t == "Div" and has_class(b, "column-margin") and prev and prev.t ~= "Header"
      and (is_typst or is_html) then
      out:remove(#out)
      if is_typst then
        out:insert(pandoc.RawBlock("typst", "#beside(["))
        out:insert(prev)
        out:insert(pandoc.RawBlock("typst", "], ["))
        out:extend(b.content)
        out:insert(pandoc.RawBlock("typst", "])"))
      else
        out:insert(pandoc.RawBlock("html", '<div class="with-margin"><div class="with-margin-main">'))
        out:insert(prev)
        out:insert(pandoc.RawBlock("html", "</div>"))
        out:insert(b)
        out:insert(pandoc.RawBlock("html", "</div>"))
      end
    else
      out:insert(b)
    end
  end
  doc.blocks = out
  return doc
end

local EXT = { ["image/svg+xml"] = "svg", ["image/png"] = "png", ["image/jpeg"] = "jpg",
              ["image/gif"] = "gif", ["image/webp"] = "webp" }

local function typst_str(s)
  return (s:gsub("\\", "\\\\"):gsub('"', '\\"'))
end

-- Typst: write each image next to the .typ file (pandoc's cwd) under a content-hash name and
-- call fitimage (portrait.typ) with the alt text, which pandoc's Typst writer would drop.
local function typst_image(img)
  local mime, contents = pandoc.mediabag.lookup(img.src)
  if not contents then
    local ok, m, c = pcall(pandoc.mediabag.fetch, img.src)
    if ok then mime, contents = m, c end
  end
  if not contents then
    io.stderr:write("quarto_cells.lua: image not found: " .. img.src .. "\n")
    return pandoc.Str("[image manquante]")
  end
  local ext = EXT[(mime or ""):gsub(";.*", "")] or img.src:match("%.(%w+)$") or "png"
  local name = pandoc.utils.sha1(contents) .. "." .. ext
  local fh = assert(io.open(name, "wb"))
  fh:write(contents)
  fh:close()
  local alt = img.attributes["fig-alt"] or img.attributes.alt or stringify(img.caption)
  local args = '"' .. name .. '"'
  if alt ~= "" then args = args .. ', alt: "' .. typst_str(alt) .. '"' end
  return pandoc.RawInline("typst", "#fitimage(" .. args .. ")")
end

local function finish(doc)
  local filter = {
    -- the ipynb reader leaves a div's last paragraph as Plain: make it a paragraph again
    Div = function(div)
      div.content = div.content:map(function(b)
        if b.t == "Plain" and not (#b.content == 1 and b.content[1].t == "Image") then
          return pandoc.Para(b.content)
        end
        return b
      end)
      return div
    end,
  }
  if is_typst then
    filter.Image = typst_image
  else
    -- one alt text: an `alt` attribute (per-mime output metadata, fig-alt) becomes the
    -- image description, which the HTML writer turns into alt="..."
    filter.Image = function(img)
      local alt = img.attributes["fig-alt"] or img.attributes.alt
      if alt then
        img.attributes.alt = nil
        img.attributes["fig-alt"] = nil
        img.caption = pandoc.Inlines(alt)
      end
      return img
    end
  end
  -- Column widths: automatic. Pandoc gives a pipe table wider than 72 characters relative
  -- widths from its dashes, which squeezes the label column of the comparison table.
  filter.Table = function(t)
    for i, spec in ipairs(t.colspecs) do t.colspecs[i] = { spec[1], pandoc.ColWidthDefault } end
    if is_html then
      -- A scrollable region must be reachable by keyboard and named (axe: scrollable-region-focusable).
      local name = "Tableau (défilement horizontal)"
      if t.caption and t.caption.long and #t.caption.long > 0 then
        name = pandoc.utils.stringify(t.caption.long):gsub('"', "&quot;")
      end
      return { pandoc.RawBlock("html", '<div class="table-wrap" tabindex="0" role="region" aria-label="' .. name .. '">'),
               t, pandoc.RawBlock("html", "</div>") }
    end
    return t
  end
  doc.blocks = doc.blocks:walk(filter)
  return doc
end

-- The project's filters (_quarto.yml `filters`, absolute paths given as metadata by the engine:
-- French typography, portraits/text/typo.py's rules) on the text once the outputs are parsed,
-- before the portrait classes turn blocks into raw Typst. Quarto runs them at the same point,
-- before its own filters (src/resources/filters/main.lua, the "pre-quarto" entry point).
local function project_filters(doc)
  for _, path in ipairs(doc.meta["portraits-filters"] or {}) do
    for _, filter in ipairs(dofile(stringify(path))) do
      if filter.Pandoc then doc = filter.Pandoc(doc) or doc else doc = doc:walk(filter) end
    end
  end
  doc.meta["portraits-filters"] = nil
  return doc
end

return {
  { Pandoc = front_matter },
  { Pandoc = conditionals },
  { Pandoc = cells },
  -- one pass (one trip of the document between pandoc and Lua) for both
  { Pandoc = function(doc) return project_filters(conditionals(doc)) end },
  { Pandoc = crossrefs },
  { Pandoc = keep_with_source },
  { Pandoc = portrait_classes },
  { Pandoc = beside },
  { Pandoc = finish },
}
