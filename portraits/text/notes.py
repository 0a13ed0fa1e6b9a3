"""The French text of the processed tables' notes. The data layer stores a code and its
parameters (``note_code``, ``note_args``: see ``portraits.data.note_codes``); the words are the
templates of ``notes.toml`` (Jinja), rendered here, so rewording a note needs no ``portraits data``.

    note_text("secret_communes", '{"n_communes": 41, "n_missing": 3}')
    -> "Médiane non diffusée (secret statistique) pour 3 communes sur 41, exclues du calcul."
"""

from __future__ import annotations

import json
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

import jinja2

NOTES_PATH = Path(__file__).resolve().parent / "notes.toml"


def plural(n: int, one: str, many: str) -> str:
    """French agreement: the singular for 0 and 1 ("1 commune exclue"), else the plural."""
    return one if n <= 1 else many


@lru_cache(maxsize=1)
def templates() -> dict[str, jinja2.Template]:
    """code -> its compiled template (notes.toml read once per process)."""
    # StrictUndefined: a parameter missing from note_args fails loudly instead of printing nothing
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False,
                             keep_trailing_newline=False)
    env.filters["plural"] = plural
    doc = tomllib.loads(NOTES_PATH.read_text(encoding="utf-8"))
    return {code: env.from_string(text) for code, text in doc.items()}


def _args(args: Mapping[str, Any] | str | None) -> dict[str, Any]:
    if args is None or (isinstance(args, float) and args != args):   # None, NaN: no parameters
        return {}
    if isinstance(args, str):
        return json.loads(args) if args.strip() else {}
    return dict(args)


def note_text(code: str | None, args: Mapping[str, Any] | str | None = None) -> str:
    """The French sentence of a note: ``code`` (``""``/None: no note, ``""``) with ``args``,
    a mapping or the JSON text of a ``note_args`` column. An unknown code raises KeyError."""
    if not isinstance(code, str) or not code:
        return ""
    return templates()[code].render(**_args(args))


def row_note(row: Mapping[str, Any], level: str = "territory") -> str:
    """The note of one level of a ``store.indicators`` row: its ``note_code``/``note_args``
    (territory) or ``region_note_code``/``region_note_args``… (benchmarks)."""
    prefix = "" if level == "territory" else f"{level}_"
    return note_text(row.get(f"{prefix}note_code"), row.get(f"{prefix}note_args"))


def zones_text(zones: str | list | None) -> str:
    """The zones d'emploi of ``a38.zones`` (JSON list), as one line of French."""
    if isinstance(zones, str):
        zones = json.loads(zones) if zones.strip() else []
    return note_text("a38_zones", {"zones": zones or []})
