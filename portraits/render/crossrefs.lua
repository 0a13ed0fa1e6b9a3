-- Cross-references: captioned figures and tables numbered in document order ("Figure 1 : …"
-- in HTML, Typst numbers its own), @fig-x / @tbl-x resolved ("Figure 1"; Typst: native refs).
local M = {}
local h = require("pandoc_helpers")
local stringify = pandoc.utils.stringify
local is_typst, is_html = h.is_typst, h.is_html

-- The project's crossref labels (_quarto.yml `crossref`, given as metadata by the engine), as
-- Quarto composes them (src/resources/filters/crossref/format.lua, titlePrefix: title, a
-- no-break space, the number, title-delim, a space).
local function crossref_option(doc, key, default)
  local opts = doc.meta.crossref
  local v = opts and opts[key]
  return v and stringify(v) or default
end

-- Number captioned figures and tables in document order; resolve @fig-x / @tbl-x.
function M.crossrefs(doc)
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

return M
