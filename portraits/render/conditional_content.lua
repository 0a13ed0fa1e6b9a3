-- Quarto's conditional content: .content-visible / .content-hidden with when-format /
-- unless-format ("pdf" and "typst" name the PDF, "html" the page).
local M = {}
local h = require("pandoc_helpers")
local has_class, is_typst, is_html = h.has_class, h.is_typst, h.is_html

local function format_matches(spec)
  for f in spec:gmatch("[^%s,]+") do
    if f == FORMAT or (f == "pdf" and is_typst) or (f == "typst" and is_typst)
      or (f == "html" and is_html) then
      return true
    end
  end
  return false
end

function M.conditional(div)
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

-- the pass: every conditional div kept or dropped
function M.conditionals(doc)
  doc.blocks = doc.blocks:walk({ Div = M.conditional })
  return doc
end

return M
