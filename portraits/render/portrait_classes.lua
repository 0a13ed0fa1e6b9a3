-- The portrait's classes (.key-figures, .key-figure, .source, .understand, .portrait-nav,
-- .callout-*, .column-margin): HTML keeps classed elements for the stylesheet, Typst gets calls
-- to the functions of templates/portrait.typ. Three passes: portrait_classes, keep_with_source
-- (Typst: a source note stays with its block) and beside (a margin block beside the previous).
local M = {}
local h = require("pandoc_helpers")
local stringify = pandoc.utils.stringify
local has_class, class_prefixed, raw_wrap = h.has_class, h.class_prefixed, h.raw_wrap
local is_typst, is_html = h.is_typst, h.is_html

local function typst_inline(inlines)
  local out = pandoc.write(pandoc.Pandoc({ pandoc.Plain(inlines) }), "typst")
  return (out:gsub("%s+$", ""))
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

function M.portrait_classes(doc)
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
function M.keep_with_source(doc)
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
function M.beside(doc)
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

return M
