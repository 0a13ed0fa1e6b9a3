--[[
Apply Quarto's cell options to a notebook read by pandoc's ipynb reader
(`-f ipynb+... --ipynb-output=all`), so that the built-in engine renders a portrait the way
Quarto would. Pandoc alone shows all code, every representation of each output and no
captions; this filter:
  * moves the front-matter raw cell into the document metadata;
  * reads the `#|` options of each code cell (YAML, parsed by pandoc's own reader);
  * echo (default false here), include, output (false / asis), warning (stderr hidden by default);
  * keeps one representation per output: markdown > svg > png > html > plain text, never a
    `<... object>` repr; HTML tables (DataFrames) become pandoc tables (all formats), minus
    the pandas index-name header row;
  * label + fig-cap / tbl-cap / fig-alt: figures and tables with captions, ids, alt text;
  * cross-references @fig-x / @tbl-x -> "Figure 1" / "Tableau 1" (Typst: native refs);
  * .content-visible / .content-hidden with when-format / unless-format;
  * portrait classes (.key-figures, .key-figure, .source, .portrait-nav, .callout-*):
    HTML keeps classed elements for the stylesheet, Typst gets calls to portrait.typ functions.
docs/RENDERING.md documents the conventions.

The passes are modules beside this file, one per concept: code_cells.lua (front matter, cell
options of cell_options.lua, outputs of cell_outputs.lua, captions), conditional_content.lua,
crossrefs.lua, portrait_classes.lua and finish.lua (pandoc_helpers.lua: what they share).
]]

-- the modules sit beside this file, wherever pandoc is given it from (builtin.py, profilers)
local here = (PANDOC_SCRIPT_FILE or ""):match("^(.*[/\\])") or "./"
package.path = here .. "?.lua;" .. package.path

local code_cells = require("code_cells")
local conditional_content = require("conditional_content")
local crossrefs = require("crossrefs")
local portrait_classes = require("portrait_classes")
local finish = require("finish")
local stringify = pandoc.utils.stringify

-- The project's filters (_quarto.yml `filters`, absolute paths given as metadata by the engine:
-- French typography, portraits/text/typo.py's rules) on the text once the outputs are parsed,
-- before the portrait classes turn blocks into raw Typst. Quarto runs them at the same point,
-- before its own filters (src/resources/filters/main.lua, the "pre-quarto" entry point).
local function project_filters(doc)
  for _, path in ipairs(doc.meta["portraits-filters"] or {}) do
    for _, filter in ipairs(dofile(stringify(path))) do
      if filter.Pandoc then doc = filter.Pandoc(doc) or doc else doc = doc:walk(filter) end
    end
  end
  doc.meta["portraits-filters"] = nil
  return doc
end

-- one pass (one trip of the document between pandoc and Lua) for both
local function conditionals_and_project_filters(doc)
  return project_filters(conditional_content.conditionals(doc))
end

return {
  { Pandoc = code_cells.front_matter },
  { Pandoc = conditional_content.conditionals },
  { Pandoc = code_cells.cells },
  { Pandoc = conditionals_and_project_filters },
  { Pandoc = crossrefs.crossrefs },
  { Pandoc = portrait_classes.keep_with_source },
  { Pandoc = portrait_classes.portrait_classes },
  { Pandoc = portrait_classes.beside },
  { Pandoc = finish.finish },
}
