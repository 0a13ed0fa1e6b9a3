"""The template language: the reader (.qmd -> notebook), inline expressions and metadata
conditions evaluated in the kernel, and the checks of the names a template uses."""
