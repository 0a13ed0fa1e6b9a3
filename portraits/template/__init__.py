"""The template language, one job per module: ``reader`` (.qmd -> notebook, Quarto's rules),
``inline`` (inline expressions evaluated in the kernel), ``conditions`` (``when-meta`` blocks
kept or dropped in the kernel), ``names`` and ``api_source`` (the names and attributes a
template uses, checked before running). Cell options and ``when-format`` conditions are applied
at rendering, by the Lua filters of ``portraits/render/``."""
