-- The passes of quarto_cells.lua that are the same for every output format: all_formats.lua
-- runs them once per portrait (with FORMAT empty), then format_passes.lua for each output.
-- Quarto's order: the cells' outputs parsed, then the project's filters, then its own.
local here = (PANDOC_SCRIPT_FILE or ""):match("^(.*[/\\])") or "./"
package.path = here .. "?.lua;" .. package.path

local code_cells = require("code_cells")
local project_filters = require("project_filters")

return {
  { Pandoc = code_cells.front_matter },
  { Pandoc = code_cells.cells },
  { Pandoc = project_filters.shared },
}
