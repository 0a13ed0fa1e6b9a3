"""Portraits des Territoires d'industrie.

Subpackages, in dependency order (each imports only from those above it; docs/ARCHITECTURE.md
describes their modules, tests/test_architecture.py enforces the order):

- ``core``: paths, atomic writes, the exception hierarchy, the registries (levels, outputs).
- ``data``: raw sources -> validated tables -> processed tables, and ``store``, their read API.
- ``text``: French numbers and typography, the commentary's rules, the template's phrasing API.
- ``blocks``: the ``Portrait`` facade the template calls, its blocks and charts.
- ``execution``: template reader (.qmd -> notebook), notebook execution (papermill, warm kernels).
- ``render``: executed notebook -> HTML, PDF, Word (pandoc + Typst, or Quarto); review pages.
- ``build``: the incremental batch build, its report and its review of text changes.
- ``site``: the readers' catalogue and the statisticians' preview server.
- ``cli``: the ``portraits`` command line.
"""

__version__ = "0.1.0"
