--[[
HTML only, after quarto_cells.lua: the page's images in the page itself, so that pandoc runs
without --embed-resources (which re-parsed the whole page, its inline charts included: a
third of the HTML's pandoc time). Other images become data: URIs. Each SVG chart goes into the
page as an inline <svg> element instead of an <img src="data:…">. An SVG shown as an image sees neither the page's
fonts nor the reader's, so each chart had to carry its own @font-face rules (about 17 kB a
weight, twice or more per page); inline, the chart's <text> uses the page's one font subset
(portraits/render/builtin.py), and it weighs a third less than its base64 form.
  * the chart's own @font-face block (written by portraits/blocks/svg.py for viewers that show
    the SVG alone: Jupyter, Quarto) is left out, with the XML prolog, DOCTYPE and metadata;
  * its ids get a prefix per chart (matplotlib numbers them from 1 in every figure);
  * the image's description becomes role="img" + aria-label, as on the <img> it replaces.
]]

if not FORMAT:match("html") then return {} end

-- pandoc_helpers.lua sits beside this file (as for quarto_cells.lua)
local here = (PANDOC_SCRIPT_FILE or ""):match("^(.*[/\\])") or "./"
package.path = here .. "?.lua;" .. package.path
local h = require("pandoc_helpers")

local count = 0

local function escape_attr(s)
  return (s:gsub("&", "&amp;"):gsub("<", "&lt;"):gsub(">", "&gt;"):gsub('"', "&quot;"))
end

local function inline(svg, alt)
  count = count + 1
  local prefix = "c" .. count .. "-"
  svg = svg:gsub("^%s*<%?xml.-%?>%s*", ""):gsub("^<!DOCTYPE.->%s*", "")
  svg = svg:gsub("%s*<metadata>.-</metadata>", "")
  -- the block svg.py inserts right after the opening tag, and only that one
  svg = svg:gsub('%s*<defs>%s*<style type="text/css">@font%-face.-</style>%s*</defs>', "", 1)
  svg = svg:gsub(' id="', ' id="' .. prefix):gsub('href="#', 'href="#' .. prefix)
           :gsub("url%(#", "url(#" .. prefix)
  local label = alt ~= "" and (' aria-label="' .. escape_attr(alt) .. '"') or ' aria-hidden="true"'
  local head = '<svg class="chart" role="img"' .. label
  return (svg:gsub("^<svg", function() return head end, 1))
end

local B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

local function base64(data)
  local out = {}
  for i = 1, #data, 3 do
    local a, b, c = data:byte(i, i + 2)
    local n = a * 65536 + (b or 0) * 256 + (c or 0)
    local s = ""
    for k = 3, 0, -1 do
      local v = (n // (64 ^ k)) % 64
      s = s .. B64:sub(v + 1, v + 1)
    end
    if not b then s = s:sub(1, 2) .. "==" elseif not c then s = s:sub(1, 3) .. "=" end
    out[#out + 1] = s
  end
  return table.concat(out)
end

return {
  {
    Image = function(img)
      if img.src:match("^data:") and not img.src:match("^data:image/svg") then return nil end
      local mime, contents = h.image_contents(img.src)
      if not contents then
        io.stderr:write("inline_images.lua: image not found: " .. img.src .. "\n")
        return nil
      end
      mime = (mime or ""):gsub(";.*", "")
      if mime == "image/svg+xml" then
        return pandoc.RawInline("html", inline(contents, pandoc.utils.stringify(img.caption)))
      end
      img.src = "data:" .. mime .. ";base64," .. base64(contents)
      return img
    end,
  },
}
