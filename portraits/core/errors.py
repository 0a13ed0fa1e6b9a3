"""The exceptions of the package, in one hierarchy, each with the exit status it means.

``portraits.cli.main`` catches :class:`PortraitsError` once and exits with its ``exit_code``
after one line on stderr (``portraits: <message>``), without a traceback. The message must
therefore say what is wrong and what to do.

::

    PortraitsError                      exit_code 1: a step failed
    ├── InputError                      exit_code 2: bad input, nothing was started
    │   ├── UsageError                  bad command-line arguments
    │   │   └── BuildUsageError         (portraits.build.results) bad input for a build
    │   ├── UnknownTerritory            (portraits.data.store) not one of the 183 ids
    │   ├── TemplateError               the template cannot be executed
    │   ├── DataError                   the data are not usable
    │   │   ├── SourceError             (portraits.data.sources) raw file missing or altered
    │   │   ├── RawSchemaError          (portraits.data.schemas) raw table against its schema
    │   │   ├── ProcessedDataError      a table of data/processed is missing or corrupt
    │   │   │   └── ProcessedDataMissing (portraits.data.store)
    │   │   └── CatalogueError          (portraits.data.indicators) indicators.toml is wrong
    ├── KernelStartError                (portraits.execution.execute) the Jupyter kernel did not start
    └── RenderError                     (portraits.render) a document did not render

The classes keep being importable from the modules that raise them (``store.UnknownTerritory``
...). Those that used to derive from a builtin (``ValueError``, ``RuntimeError``,
``FileNotFoundError``) still do, so older ``except`` clauses keep catching them.

A failure of one territory during a build (a cell error, a render error) is not raised to the
command line: it is recorded and the build exits with status 1 once the others are done."""

from __future__ import annotations

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class PortraitsError(Exception):
    """Base of every error the package raises on purpose; ``exit_code`` is the CLI's status."""

    exit_code = EXIT_FAILED


class InputError(PortraitsError):
    """Bad input (arguments, data, template): reported in one message, exit status 2."""

    exit_code = EXIT_USAGE


class UsageError(InputError):
    """Bad command-line arguments."""


class TemplateError(InputError, ValueError):
    """The template cannot be executed as a portrait (no parameters cell, bad syntax...)."""


class DataError(InputError):
    """Input data that cannot be used as they are."""


class ProcessedDataError(DataError):
    """A table of data/processed is missing, truncated or unreadable: rebuild it."""


class CatalogueError(DataError, ValueError):
    """The indicator catalogue (portraits/data/indicators.toml) is malformed."""


class RawSchemaError(DataError, ValueError):
    """A raw table does not match its declared schema."""


class SourceError(DataError, RuntimeError):
    """A raw source is missing, altered or badly declared."""


class KernelStartError(PortraitsError, RuntimeError):
    """The kernel did not start or did not answer."""


class RenderError(PortraitsError, RuntimeError):
    """A document could not be rendered; the message says why (tool stderr tail included)."""
