-- Helpers shared by the filters of the built-in engine (quarto_cells.lua and its modules): the
-- output format, classes, Markdown read by pandoc, raw blocks of one format, an image's bytes.
local M = {}

M.is_typst = FORMAT:match("typst") ~= nil
M.is_html = FORMAT:match("html") ~= nil

local MD_EXT = "markdown-yaml_metadata_block"

function M.has_class(el, cls)
  for _, c in ipairs(el.classes or {}) do
    if c == cls then return true end
  end
  return false
end

function M.class_prefixed(el, prefix)
  for _, c in ipairs(el.classes or {}) do
    if c:sub(1, #prefix) == prefix then return c end
  end
  return nil
end

function M.parse_md(text)
  return pandoc.read(text, MD_EXT).blocks
end

-- blocks between two raw blocks of one output format ("html" or "typst")
function M.raw_wrap(format, open, blocks, close)
  local res = pandoc.List({ pandoc.RawBlock(format, open) })
  res:extend(blocks)
  res:insert(pandoc.RawBlock(format, close))
  return res
end

-- the image of a paragraph that holds only one, else nil
function M.image_of(block)
  if (block.t == "Para" or block.t == "Plain") and #block.content == 1 and block.content[1].t == "Image" then
    return block.content[1]
  end
  return nil
end

-- An image's MIME type and bytes: from pandoc's mediabag (the notebook's outputs), else fetched
-- (a path or URL); nil when neither has it.
function M.image_contents(src)
  local mime, contents = pandoc.mediabag.lookup(src)
  if not contents then
    local ok, m, c = pcall(pandoc.mediabag.fetch, src)
    if ok then mime, contents = m, c end
  end
  return mime, contents
end

return M
