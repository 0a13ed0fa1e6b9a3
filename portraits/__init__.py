"""Portraits des Territoires d'industrie.

Subpackages by concept (core, data, text, template, blocks, execution, render, build, preview,
site) and the command line (cli). docs/ARCHITECTURE.md says what each module does and declares
which subpackage may import which; tests/test_architecture.py checks every import against it.
"""

__version__ = "0.1.0"
