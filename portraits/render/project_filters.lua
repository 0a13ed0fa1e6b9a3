-- The project's filters (_quarto.yml `filters`, absolute paths given as metadata by the engine:
-- French typography, portraits/text/typo.py's rules) on the text once the cells' outputs are
-- parsed: Quarto runs them at its "pre-quarto" entry point, before its own filters and its
-- conditional content (src/resources/filters/main.lua).
--
-- all_formats.lua runs the passes shared by every output once, with FORMAT empty. There, a
-- filter that reads FORMAT (or PANDOC_WRITER_OPTIONS) is undone and left, with the filters
-- after it, to each output's own passes (M.rest), since Quarto runs every filter per format.
local M = {}
local stringify = pandoc.utils.stringify
local FORMAT_GLOBALS = { FORMAT = true, PANDOC_WRITER_OPTIONS = true }

-- the filters of one file, and whether it read the output format (when it loaded or ran)
local function load(path)
  local seen = { format = false }
  local env = setmetatable({}, { __index = function(_, key)
    if FORMAT_GLOBALS[key] then seen.format = true end
    return _G[key]
  end })
  local result = assert(loadfile(path, "t", env))()
  if result == nil then result = { env } end -- a file of global functions is one filter
  if result.Pandoc or result.Blocks or result.Inlines or result.Meta then result = { result } end
  return result, seen
end

local function run(doc, filters)
  for _, filter in ipairs(filters) do
    if filter.Pandoc then doc = filter.Pandoc(doc) or doc else doc = doc:walk(filter) end
  end
  return doc
end

-- the pass shared by every output: each filter in order, until one needs the format
function M.shared(doc)
  local shared_run = FORMAT == ""
  local rest = pandoc.List()
  for _, item in ipairs(doc.meta["portraits-filters"] or {}) do
    if #rest > 0 then
      rest:insert(item)
    else
      local filters, seen = load(stringify(item))
      if not shared_run then
        doc = run(doc, filters)
      else
        local before = doc:clone()
        local after = not seen.format and run(doc, filters)
        if seen.format then
          doc = before
          rest:insert(item)
        else
          doc = after
        end
      end
    end
  end
  doc.meta["portraits-filters"] = #rest > 0 and rest or nil
  return doc
end

-- each output's pass: the filters the shared pass left (none when every filter could run there)
function M.rest(doc)
  for _, item in ipairs(doc.meta["portraits-filters"] or {}) do
    doc = run(doc, (load(stringify(item))))
  end
  doc.meta["portraits-filters"] = nil
  return doc
end

return M
