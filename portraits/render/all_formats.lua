--[[
The built-in engine's renderer, run as `pandoc lua all_formats.lua JOB.json`: the notebook is
read once and the passes the same for every format run once; then each output (HTML page,
Typst source) gets its own copy of the document, its format's filters and its writer, as
`pandoc NB -f ipynb+... -L quarto_cells.lua -L ... -t FORMAT` would do for each in turn. One
process, one read and one run of the shared passes per portrait instead of one per output
(docs/PERFORMANCE.md).

JOB.json (written by portraits/render/builtin.py):
  input, from                   the notebook and the reader's format with its extensions
  shared: filters, metadata     the passes the same for every output (common_passes.lua), run
                                once with FORMAT empty, and the metadata every output has
  outputs[]: format, output     the writer ("html5", "typst") and the file written
             filters            its Lua filter files, in order (format_passes.lua, ...)
             metadata           its own metadata (e.g. the HTML page's evidence links)
             template           the template file (standalone output)
             variables          as -V / --include-in-header (header-includes)
             toc, toc_depth     as --toc / --toc-depth
             cwd                the directory the filters write beside (Typst's images)
Metadata is as --metadata-file: parsed as Markdown, under the notebook's own.

Filters read the global FORMAT when they load (pandoc_helpers.lua), so each output loads them
afresh, with FORMAT set to its writer, and its own copies of their modules.
]]

local job = pandoc.json.decode(io.open(arg[1], "rb"):read("a"), false)

local function read_file(path)
  local fh = assert(io.open(path, "rb"))
  local text = fh:read("a")
  fh:close()
  return text
end

-- as --metadata-file: the values parsed as Markdown (JSON is YAML), under the notebook's own
-- metadata (``own``: its keys as read), over what the passes took from the front matter
local function with_metadata(doc, values, own)
  if not values or next(values) == nil then return doc end
  local yaml = pandoc.json.encode(values)
  local meta = pandoc.read("---\n" .. yaml .. "\n---\n", "markdown").meta
  for key, value in pairs(meta) do
    if not own[key] then doc.meta[key] = value end
  end
  return doc
end

-- a filter file's passes, loaded for the current FORMAT: a list of filters, one filter, or (as
-- pandoc takes them) the global functions the file defines
local function load_filter(path)
  local own = PANDOC_SCRIPT_FILE
  PANDOC_SCRIPT_FILE = path -- the filters find their modules beside themselves
  local env = setmetatable({}, { __index = _G })
  local result = assert(loadfile(path, "t", env))()
  PANDOC_SCRIPT_FILE = own
  if result == nil then result = env end
  if result.Pandoc or result.Meta or result.Blocks or result.Inlines or #result == 0 then
    return { result }
  end
  return result
end

-- Each pass's result goes back through pandoc's types, as between two filters of the pandoc
-- command (a pass may set doc.blocks to a plain List, which has no :walk()).
local function run_filters(doc, files)
  for _, path in ipairs(files) do
    for _, filter in ipairs(load_filter(path)) do
      doc = doc:walk(filter)
      doc = pandoc.Pandoc(doc.blocks, doc.meta)
    end
  end
  return doc
end

-- the modules the filters require, loaded again for each format (they read FORMAT at load)
local function forget_modules(before)
  for name in pairs(package.loaded) do
    if not before[name] then package.loaded[name] = nil end
  end
end

local preloaded = {}
for name in pairs(package.loaded) do preloaded[name] = true end

local function render_all()
  local source = pandoc.read(read_file(job.input), job.from)
  local own = {}
  for key in pairs(source.meta) do own[key] = true end

  FORMAT = "" -- the shared passes must not depend on it (project_filters.lua checks its filters)
  local shared = job.shared or {}
  source = run_filters(with_metadata(source, shared.metadata, own), shared.filters or {})

  for _, out in ipairs(job.outputs) do
    FORMAT = out.format
    forget_modules(preloaded)
    local doc = with_metadata(source:clone(), out.metadata, own)
    doc = pandoc.system.with_working_directory(out.cwd or ".", function()
      return run_filters(doc, out.filters or {})
    end)
    local options = {
      template = pandoc.template.compile(read_file(out.template), out.template),
      variables = out.variables or {},
      wrap_text = "wrap-none",
      highlight_method = "none", -- --syntax-highlighting=none: the code is for reviewers, not here
      table_of_contents = out.toc or false,
      toc_depth = out.toc_depth or 3,
    }
    local text = pandoc.write(doc, out.format, options)
    local fh = assert(io.open(out.output, "wb"))
    fh:write(text)
    fh:close()
  end
end

-- a failure says what pandoc or a filter said, as the pandoc command would, without the Lua
-- stack trace of this script
local ok, err = pcall(render_all)
if not ok then
  io.stderr:write((tostring(err):gsub("\nstack traceback:.*$", "")), "\n")
  os.exit(1)
end
