--[[
French typography on the document's text, for both engines (the rules of portraits/text/typo.py,
which documents them; tests/text/test_typo.py checks that both give the same text):
  * one rule for the high punctuation: a narrow no-break space (U+202F) before ; : ! ? and %,
    replacing any space before them (a no-break space U+00A0 too: "Sources : ") or added;
  * narrow no-break spaces inside « »; double quotes (pandoc's Quoted) become « … »;
  * the apostrophe ’ for a straight one between letters (pandoc's smart extension does it
    too; this covers text read without it);
  * a narrow no-break space between groups of thousands ("5 000");
  * a no-break space (U+00A0) between a number and the word after it ("12 communes"), and
    between "%" and "par an" ("0,4 % par an").
Only Str/Space elements are touched: code, URLs and raw blocks are left alone.
]]

local NNBSP = "\u{202F}"
local NBSP = "\u{A0}"

local function starts_punct(s)
  local c = s:sub(1, 1)
  return c == ";" or c == ":" or c == "!" or c == "?" or s:sub(1, 2) == "»"
end

local function ends_digit(s) return s:match("%d$") ~= nil end

-- inside one Str: "zone);" -> "zone) ;", "«x" -> "« x", "x»" -> "x »"
local function fix_str(s)
  -- most words hold none of these characters: leave them at once (this filter runs on every page)
  if not s:find("[\194\226%%;:!?']") then return s end
  s = s:gsub("([%w\128-\255])'([%w\128-\255])", "%1’%2")
  -- a no-break space before ; : ! ? becomes the narrow one (the one rule for all)
  s = s:gsub("\u{A0}([;:!?])", NNBSP .. "%1")
  s = s:gsub("“%s*", "«" .. NNBSP):gsub("%s*”", NNBSP .. "»")
  s = s:gsub("«(" .. "[^" .. "\u{202F}" .. "])", "«" .. NNBSP .. "%1")
  s = s:gsub("«$", "«" .. NNBSP)
  s = s:gsub("([^\u{202F}\u{A0} ])»", "%1" .. NNBSP .. "»")
  s = s:gsub("(%d)%%", "%1" .. NNBSP .. "%%")
  -- ; : ! ? ending a word (followed by a space or the end): not inside URLs or times
  s = s:gsub("([^%s\u{202F}\u{A0}])([;:!?]+)$", "%1" .. NNBSP .. "%2")
  return s
end

local function is_space(el)
  return el and (el.t == "Space")
end

local function needs_work(inlines)
  for i = 1, #inlines do
    local el = inlines[i]
    if el.t == "Quoted" then return true end
    if el.t == "Str" and el.text:find("[\194\226%%;:!?'%d]") then return true end
  end
  return false
end

local function fix_inlines(inlines)
  if not needs_work(inlines) then return nil end  -- nil: pandoc keeps the list as it is
  local out = pandoc.List()
  local i = 1
  while i <= #inlines do
    local el = inlines[i]
    if el.t == "Quoted" and el.quotetype == "DoubleQuote" then
      out:insert(pandoc.Str("«" .. NNBSP))
      out:extend(el.content)
      out:insert(pandoc.Str(NNBSP .. "»"))
    elseif el.t == "Str" then
      el.text = fix_str(el.text)
      out:insert(el)
    elseif is_space(el) and i > 1 and i < #inlines and inlines[i + 1].t == "Str" then
      local prev, nxt = out[#out], inlines[i + 1]
      local ptext = prev and prev.t == "Str" and prev.text or nil
      if starts_punct(nxt.text) and prev and prev.t ~= "SoftBreak" and prev.t ~= "LineBreak" then
        nxt.text = NNBSP .. nxt.text
      elseif nxt.text:sub(1, 1) == "%" and ptext and ends_digit(ptext) then
        nxt.text = NNBSP .. nxt.text
      elseif ptext and ptext:sub(-1) == "%" and nxt.text == "par" and inlines[i + 3]
          and inlines[i + 3].t == "Str" and inlines[i + 3].text:match("^an") then
        nxt.text = NBSP .. nxt.text
      elseif ptext and (ptext:sub(-2) == "«" or ptext:sub(-5) == "«" .. NNBSP) then
        if ptext:sub(-2) == "«" then prev.text = ptext .. NNBSP end
      elseif ptext and ends_digit(ptext) and nxt.text:match("^%d%d%d") and not nxt.text:match("^%d%d%d%d") then
        nxt.text = NNBSP .. nxt.text
      elseif ptext and ends_digit(ptext) and (nxt.text:match("^[%a\128-\255]") or nxt.text:sub(1, 3) == "€") then
        nxt.text = NBSP .. nxt.text
      else
        out:insert(el)
      end
    else
      out:insert(el)
    end
    i = i + 1
  end
  -- merge a Str starting with a no-break space into the Str before it (one word for the writers)
  local merged = pandoc.List()
  for _, el in ipairs(out) do
    local last = merged[#merged]
    if el.t == "Str" and last and last.t == "Str" and
       (el.text:sub(1, 3) == NNBSP or el.text:sub(1, 2) == NBSP or last.text:sub(-3) == NNBSP) then
      last.text = last.text .. el.text
    else
      merged:insert(el)
    end
  end
  return merged
end

local function fix_meta(meta)
  for _, key in ipairs({ "title", "subtitle", "pagetitle", "name" }) do
    local v = meta[key]
    if v and pandoc.utils.type(v) == "Inlines" then
      meta[key] = pandoc.Inlines(fix_inlines(v) or v)
    end
  end
  return meta
end

-- Run alone (`-L french_typography.lua`, e.g. from _quarto.yml), or called by quarto_cells.lua
-- once the cells' outputs are parsed and before its blocks become raw Typst.
local function document(doc)
  doc.blocks = doc.blocks:walk({ Inlines = fix_inlines })
  doc.meta = fix_meta(doc.meta)
  return doc
end

return {
  { Pandoc = document },
}
