-- For benchmarks/profile_territory.py: the real filter (PORTRAITS_LUA_FILTER, quarto_cells.lua)
-- loaded as pandoc would load it, each of its passes timed with os.clock() (pandoc's CPU time)
-- and written to PORTRAITS_LUA_TIMES as "index <tab> line where the pass is defined <tab> s".
local target = os.getenv("PORTRAITS_LUA_FILTER")
local times = io.open(os.getenv("PORTRAITS_LUA_TIMES"), "a")
local own = PANDOC_SCRIPT_FILE
PANDOC_SCRIPT_FILE = target -- the filter finds french_typography.lua beside itself
local filters = dofile(target)
PANDOC_SCRIPT_FILE = own

local wrapped = {}
for i, filter in ipairs(filters) do
  local pass = filter.Pandoc
  if pass then
    local line = debug.getinfo(pass, "S").linedefined
    wrapped[i] = { Pandoc = function(doc)
      local t0 = os.clock()
      local result = pass(doc)
      times:write(string.format("%d\t%d\t%.6f\n", i, line, os.clock() - t0))
      times:flush()
      return result
    end }
  else
    wrapped[i] = filter -- not a whole-document pass: run as is, untimed
  end
end
return wrapped
