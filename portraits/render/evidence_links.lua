--[[
HTML only, after quarto_cells.lua: the links from the portrait to its review page. Each section
heading, chart and table whose words or figures have an evidence table gets one small link
« Éléments de preuve » under it, to that table (metadata `evidence-links`: {portrait id: URL},
from portraits.render.review.evidence_targets; the build gives it only for the HTML page).
Its hidden end names what it is the evidence of, for screen readers ("Éléments de preuve : L’essentiel").
]]

if not FORMAT:match("html") then return {} end

local stringify = pandoc.utils.stringify
local NNBSP = "\u{202F}"
local links = {}

local function escape(s)
  return (s:gsub("&", "&amp;"):gsub("<", "&lt;"):gsub(">", "&gt;"):gsub('"', "&quot;"))
end

local function link(id, what)
  local href = links[id]
  if not href then return nil end
  return pandoc.RawBlock("html", '<p class="evidence-link"><a href="' .. escape(href) .. '">Éléments de preuve'
    .. '<span class="visually-hidden">' .. NNBSP .. ": " .. escape(what) .. "</span></a></p>")
end

local function table_wrap_end(block)
  return block and block.t == "RawBlock" and block.format == "html" and block.text == "</div>"
end

-- after each heading, figure and table with evidence (a table after the box that scrolls it)
local function add_links(blocks)
  local out, pending = pandoc.List(), nil
  for i, b in ipairs(blocks) do
    out:insert(b)
    local extra
    if b.t == "Header" then
      extra = link(b.identifier, stringify(b.content))
    elseif b.t == "Figure" then
      extra = link(b.identifier, stringify(b.caption.long))
    elseif b.t == "Table" then
      extra = link(b.identifier, stringify(b.caption.long))
      if extra and table_wrap_end(blocks[i + 1]) then pending, extra = extra, nil end
    elseif pending and table_wrap_end(b) then
      extra, pending = pending, nil
    end
    if extra then out:insert(extra) end
  end
  return out
end

return {
  {
    Meta = function(meta)
      for id, href in pairs(meta["evidence-links"] or {}) do links[id] = stringify(href) end
    end,
  },
  { Blocks = add_links },
}
