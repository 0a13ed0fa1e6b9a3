-- The last pass: a div's last paragraph made a paragraph again, images given their alt text
-- (Typst: written beside the .typ file and set by fitimage), tables automatic column widths
-- (HTML: in a named, keyboard-reachable scrolling region).
local M = {}
local h = require("pandoc_helpers")
local stringify = pandoc.utils.stringify
local is_typst, is_html = h.is_typst, h.is_html

local EXT = { ["image/svg+xml"] = "svg", ["image/png"] = "png", ["image/jpeg"] = "jpg",
              ["image/gif"] = "gif", ["image/webp"] = "webp" }

local function typst_str(s)
  return (s:gsub("\\", "\\\\"):gsub('"', '\\"'))
end

-- Typst: write each image next to the .typ file (pandoc's cwd) under a content-hash name and
-- call fitimage (portrait.typ) with the alt text, which pandoc's Typst writer would drop.
local function typst_image(img)
  local mime, contents = h.image_contents(img.src)
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

function M.finish(doc)
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

return M
