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

With `pairs` instead of `input` (portraits/render/incremental.py), the job renders blocks, not
pages: each pair is [old, new], two small notebooks (the front matter and one text cell, before
and after a wording edit); for each output, the top-level blocks the two differ in are written
on their own, and `result` gets {FORMAT: [[old text, new text], ...]}, or {refused: why} when
the change is one a page cannot take block by block (a heading, figure, table, note or
cross-reference changed, or the blocks no longer pair up).

Filters read the global FORMAT when they load (pandoc_helpers.lua), so each output loads them
afresh, with FORMAT set to its writer, and its own copies of their modules.
]]

local job -- the job being run (set below, once per job in --serve mode)

local function read_file(path)
  local fh = assert(io.open(path, "rb"))
  local text = fh:read("a")
  fh:close()
  return text
end

-- as --metadata-file: the values parsed as Markdown (JSON is YAML), under the notebook's own
-- metadata (``own``: its keys as read), over what the passes took from the front matter
local parsed = setmetatable({}, { __mode = "k" }) -- by values table: both sides of a pair share it

local function with_metadata(doc, values, own)
  if not values or next(values) == nil then return doc end
  local meta = parsed[values]
  if not meta then
    meta = pandoc.read("---\n" .. pandoc.json.encode(values) .. "\n---\n", "markdown").meta
    parsed[values] = meta
  end
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

-- the elements whose rendering depends on the rest of the page (numbering, the table of
-- contents, notes, evidence links, images written beside the Typst file)
local GLOBAL = { "Header", "Figure", "Table", "Note", "Cite", "Image" }

local function global_elements(doc)
  local found = pandoc.List()
  local filter = {}
  for _, tag in ipairs(GLOBAL) do
    filter[tag] = function(el) found:insert(pandoc.json.encode(el)) end
  end
  doc:walk(filter)
  return found
end

local function same_list(a, b)
  if #a ~= #b then return false end
  for i = 1, #a do if a[i] ~= b[i] then return false end end
  return true
end

-- the texts of the top-level blocks two documents differ in, written alone (nil: no pairing)
local function changed_blocks(old, new, out)
  if #old.blocks ~= #new.blocks then return nil end
  local options = { wrap_text = "wrap-none", highlight_method = "none" }
  local changed = pandoc.List()
  for i = 1, #old.blocks do
    local a, b = old.blocks[i], new.blocks[i]
    if pandoc.json.encode(a) ~= pandoc.json.encode(b) then
      changed:insert({ pandoc.write(pandoc.Pandoc({ a }, old.meta), out.format, options),
                       pandoc.write(pandoc.Pandoc({ b }, new.meta), out.format, options) })
    end
  end
  return changed
end

local function render_fragments()
  local shared = job.shared or {}
  local sources = {}
  FORMAT = ""
  for i, pair in ipairs(job.pairs) do
    sources[i] = {}
    for side = 1, 2 do
      local doc = pandoc.read(read_file(pair[side]), job.from)
      local own = {}
      for key in pairs(doc.meta) do own[key] = true end
      doc = run_filters(with_metadata(doc, shared.metadata, own), shared.filters or {})
      sources[i][side] = { doc = doc, own = own }
    end
    if not same_list(global_elements(sources[i][1].doc), global_elements(sources[i][2].doc)) then
      return { refused = "a heading, figure, table, note or cross-reference changed" }
    end
  end
  local result = {}
  for _, out in ipairs(job.outputs) do
    FORMAT = out.format
    forget_modules(preloaded)
    local texts = pandoc.List()
    for _, pair in ipairs(sources) do
      local docs = {}
      for side = 1, 2 do
        local doc = with_metadata(pair[side].doc:clone(), out.metadata, pair[side].own)
        docs[side] = pandoc.system.with_working_directory(out.cwd or ".", function()
          return run_filters(doc, out.filters or {})
        end)
      end
      local changed = changed_blocks(docs[1], docs[2], out)
      if not changed then return { refused = "the blocks of a changed cell no longer pair up" } end
      texts:extend(changed)
    end
    result[out.format] = texts
  end
  return result
end

local function run_job()
  if not job.pairs then return render_all() end
  local fh = assert(io.open(job.result, "wb"))
  fh:write(pandoc.json.encode(render_fragments()))
  fh:close()
end

-- a failure says what pandoc or a filter said, as the pandoc command would, without the Lua
-- stack trace of this script
local function message(err)
  return (tostring(err):gsub("\nstack traceback:.*$", ""))
end

local function load_job(path)
  job = pandoc.json.decode(read_file(path), false)
end

if arg[1] ~= "--serve" then
  local ok, err = pcall(function() load_job(arg[1]); run_job() end)
  if not ok then
    io.stderr:write(message(err), "\n")
    os.exit(1)
  end
  return
end

-- `--serve` (portraits/render/pandoc_service.py): one job file per line on stdin, run in its
-- directory, as the command above would in its own process; each answered on stdout by a line
-- REPLY .. {"ok": true} or {"error": message}. It ends with its input.
local REPLY = "\30portraits-job "
local path_before = package.path -- the filters add their directory to it when they load
for line in io.lines() do
  package.path = path_before
  pandoc.mediabag.empty() -- the last job's images: this one reads its own
  local ok, err = pcall(function()
    load_job(line)
    pandoc.system.with_working_directory(line:match("^(.*)/[^/]*$") or ".", run_job)
  end)
  io.stdout:write(REPLY, pandoc.json.encode(ok and { ok = true } or { error = message(err) }), "\n")
  io.stdout:flush()
end
