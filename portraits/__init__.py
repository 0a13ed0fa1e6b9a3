"""Portraits des Territoires d'industrie.

Modules, in dependency order (each imports only from those above it):

- ``config``, ``atomic``, ``errors``: paths, atomic file writes, the exception hierarchy
  (``PortraitsError`` and its exit status).
- ``sources``: the raw-source manifest (data/sources.toml), fetch from a mirror, checksums.
- ``schemas``, ``territories``, ``indicators``, ``processing``: raw tables to processed tables.
- ``store``: read processed tables for one territory (what the template uses); each accessor
  declares what it reads, which is what a territory's fingerprint hashes.
- ``fmt``, ``commentary``, ``charts``, ``maps``: French text, charts and the locator map.
- ``qmd``, ``execute``: template reader and notebook execution (papermill, warm kernels).
- ``render``: executed notebook to HTML and PDF (built-in pandoc + Typst engine, or Quarto).
- ``build``: incremental batch build, manifest and build report.
- ``catalogue``: the reader's index page of every portrait.
- ``cli``: the ``portraits`` command line.
"""

__version__ = "0.1.0"
