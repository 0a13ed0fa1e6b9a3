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
options of cell_options.lua, outputs of cell_outputs.lua, captions), project_filters.lua,
conditional_content.lua, crossrefs.lua, portrait_classes.lua and finish.lua (pandoc_helpers.lua:
what they share). They run in two lists: common_passes.lua, the same for every format, then
format_passes.lua; this file is both, for `pandoc -L quarto_cells.lua` (the Word document, tests),
and all_formats.lua runs the first once per portrait and the second per output.
]]

-- the modules sit beside this file, wherever pandoc is given it from (builtin.py, profilers)
local here = (PANDOC_SCRIPT_FILE or ""):match("^(.*[/\\])") or "./"

local passes = pandoc.List()
for _, name in ipairs({ "common_passes.lua", "format_passes.lua" }) do
  passes:extend(dofile(here .. name))
end
return passes
