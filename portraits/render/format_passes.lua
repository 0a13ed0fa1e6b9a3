-- The passes of quarto_cells.lua that depend on the output format (FORMAT when they load):
-- after common_passes.lua, once per output.
local here = (PANDOC_SCRIPT_FILE or ""):match("^(.*[/\\])") or "./"
package.path = here .. "?.lua;" .. package.path

local project_filters = require("project_filters")
local conditional_content = require("conditional_content")
local crossrefs = require("crossrefs")
local portrait_classes = require("portrait_classes")
local finish = require("finish")

-- one pass (one trip of the document between pandoc and Lua) for both: a project filter that
-- needs the format, then Quarto's conditional content, as Quarto orders them
local function rest_and_conditionals(doc)
  return conditional_content.conditionals(project_filters.rest(doc))
end

return {
  { Pandoc = rest_and_conditionals },
  { Pandoc = crossrefs.crossrefs },
  { Pandoc = portrait_classes.keep_with_source },
  { Pandoc = portrait_classes.portrait_classes },
  { Pandoc = portrait_classes.beside },
  { Pandoc = finish.finish },
}
