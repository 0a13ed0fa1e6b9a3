-- For benchmarks/profile_territory.py: a real list of passes (common_passes.lua or
-- format_passes.lua) loaded as pandoc would load it, each pass timed with os.clock() (pandoc's
-- CPU time) and written to PORTRAITS_LUA_TIMES as "format <tab> index <tab> pass <tab> s"
-- (format empty for the passes all_formats.lua shares), the pass named "module.lua: function"
-- after the line it is defined on (the passes live in several modules). The profiler gives
-- pandoc a one-line file per list: `return dofile(THIS)(LIST)`.
return function(target)
  local times = io.open(os.getenv("PORTRAITS_LUA_TIMES"), "a")
  local own = PANDOC_SCRIPT_FILE
  PANDOC_SCRIPT_FILE = target -- the filter finds its modules beside itself
  local filters = dofile(target)
  PANDOC_SCRIPT_FILE = own

  local function pass_name(fn)
    local info = debug.getinfo(fn, "S")
    local file = info.source:gsub("^@", "")
    local n, name = 0, nil
    for line in io.lines(file) do
      n = n + 1
      if n == info.linedefined then name = line:match("function%s+([%w_.:]+)"); break end
    end
    return (file:match("[^/\\]+$") or file) .. ": " .. (name or ("line " .. info.linedefined))
  end

  local wrapped = {}
  for i, filter in ipairs(filters) do
    local pass = filter.Pandoc
    if pass then
      local name = pass_name(pass)
      wrapped[i] = { Pandoc = function(doc)
        local t0 = os.clock()
        local result = pass(doc)
        times:write(string.format("%s\t%d\t%s\t%.6f\n", FORMAT, i, name, os.clock() - t0))
        times:flush()
        return result
      end }
    else
      wrapped[i] = filter -- not a whole-document pass: run as is, untimed
    end
  end
  return wrapped
end
