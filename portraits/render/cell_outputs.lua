-- The outputs of a code cell: one representation per output (markdown > svg > png > html >
-- plain text, never a `<... object>` repr); HTML tables (DataFrames) become pandoc tables,
-- minus the pandas index-name header row, numbers right-aligned.
local M = {}
local h = require("pandoc_helpers")
local stringify = pandoc.utils.stringify
local has_class, parse_md, image_of = h.has_class, h.parse_md, h.image_of

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
function M.choose_output(div, asis)
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
  local plain = {}
  if best.plain and not is_junk(best.plain.text) then
    plain = asis and parse_md(best.plain.text)
      or { pandoc.CodeBlock(best.plain.text, pandoc.Attr("", { "cell-output" })) }
  end
  if best.html then
    local tables = html_to_blocks(best.html.text)
    if tables then return tables end
    -- other HTML: the page shows it, another format its plain text. Said as Quarto's
    -- conditional content, which each output resolves: this pass is the same for all
    -- (all_formats.lua runs it once)
    return { pandoc.Div({ best.html }, pandoc.Attr("", { "content-visible" }, { ["when-format"] = "html" })),
             pandoc.Div(plain, pandoc.Attr("", { "content-hidden" }, { ["when-format"] = "html" })) }
  end
  return plain
end

return M
