"""``portraits preview --cover``: the fewest territories whose portraits take every branch of the
template's conditions and every outcome of its rules, read from the evidence of the last build.

The last build's executed notebooks (``output/notebooks/ID.ipynb``, ``core.outputs``) hold, for
each territory, what its text was decided from, as data:

- the metadata block (``p.metadata()``, role ``metadata``): the values its ``when-meta``
  conditions were resolved against; a *branch* is a condition of the template's text cells
  (``available.jobs``) with the value it took (true or false);
- the evidence rows (``evidence.from_output``, role ``evidence``): an *outcome* is a rule applied
  at one place of the template (the cell's template line, else the block's evidence anchor), on
  one indicator (a chart's name for a chart), for one expression or table cell (``asked``; a
  chart's elements name the data drawn, so are left out), with the rule as the row states it, its
  figures replaced by a placeholder (``shapes.placeholders``, as the build report groups edits):
  « |d| = 21,4 ≥ 5 point(s) -> « nettement » » and « |d| = 8,0 ≥ 5 … » are one outcome.

Greedy set cover: each pick takes the most items not yet taken (at most ln(n) + 1 times the
fewest), starting from the territories given; each pick is then explained by what it takes
that no other pick does.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any, Iterable

import nbformat
import yaml

from portraits.build.results import BuildUsageError
from portraits.build.shapes import placeholders
from portraits.core import outputs
from portraits.execution import narrative
from portraits.text import evidence

NOTEBOOKS = next(o for o in outputs.OUTPUTS if o.id == "notebook")


@dataclasses.dataclass(frozen=True, order=True)
class Item:
    """A branch (``kind`` "branch": a condition key, the value it took) or a rule's outcome
    (``kind`` "outcome": where in the template, indicator and what asked, the rule's shape)."""

    kind: str
    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where} = {self.what}" if self.kind == "branch" else f"{self.where}: {self.what}"


def _metadata(output: dict) -> dict:
    """The metadata block's values (its YAML document, as ``Portrait.metadata`` displays it)."""
    text = "".join((output.get("data") or {}).get("text/plain", ""))  # JSON: a string or its lines
    return next(iter(yaml.safe_load_all(text)), None) or {}


def _lookup(meta: dict, key: str) -> bool:
    value: Any = meta
    for part in key.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value is True  # a condition holds only for the boolean true (inline._lookup)


def _rule_items(cell: dict, output: dict) -> set[Item]:
    line = ((cell.get("metadata") or {}).get("portraits") or {}).get("line")
    anchor = ((output.get("metadata") or {}).get("portraits") or {}).get("anchor", "")
    where = f"line {line}" if line else anchor
    return {Item("outcome", where, " · ".join(p for p in (row["indicator"], _asked(row), placeholders(row["rule"])) if p))
            for row in evidence.from_output(output.get("data") or {}) if row.get("rule")}


def _asked(row: dict) -> str:
    """What asked, as the template asked it: an expression, a table cell (its millésime as a
    placeholder); not a chart's element, which names the data drawn (a sector, the territory)."""
    return "" if row.get("place") == "chart_label" else placeholders(row.get("asked", ""))


def territory_items(nb: dict) -> set[Item]:
    """The branches and outcomes one executed notebook (as JSON) took."""
    meta: dict = {}
    conditions: set[str] = set()
    items: set[Item] = set()
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        node = nbformat.from_dict({**cell, "source": "".join(cell.get("source") or "")})  # JSON: lines
        if narrative.is_narrative(node):
            conditions |= {key for _, key in narrative.logic(node)[1]}
        for output in cell.get("outputs", []):
            role = outputs.role_of(output)
            if role == outputs.METADATA_ROLE:
                meta = _metadata(output)
            elif role == outputs.EVIDENCE_ROLE:
                items |= _rule_items(cell, output)
    return items | {Item("branch", key, "true" if _lookup(meta, key) else "false") for key in conditions}


def read_build(output_dir: Path) -> dict[str, set[Item]]:
    """Each built territory's items; BuildUsageError (exit 2) when there is no build to read."""
    folder = output_dir / NOTEBOOKS.directory
    paths = sorted(folder.glob(f"*.{NOTEBOOKS.extension}")) if folder.is_dir() else []
    if not paths:
        raise BuildUsageError(
            f"--cover reads the evidence of the last build and {folder} holds no executed notebook: "
            f"run `portraits build --all{'' if output_dir.resolve() == _default() else f' --output {output_dir}'}` "
            "first")
    found = {}
    for path in paths:
        with path.open(encoding="utf-8") as fh:
            found[path.stem] = territory_items(json.load(fh))
    return found


def _default() -> Path:
    from portraits.core import config

    return config.output_dir().resolve()


def greedy(items: dict[str, set[Item]], start: Iterable[str] = ()) -> list[str]:
    """The territories ``start`` then, while some item is not taken, the one that takes the most
    of them (the first in id order on a tie); then, latest first, a pick that later picks made
    useless is dropped (never one of ``start``)."""
    given = list(dict.fromkeys(start))
    picked = list(given)
    taken = set().union(*(items.get(t, set()) for t in picked))
    wanted = set().union(*items.values())
    while taken < wanted:
        best = max(sorted(items), key=lambda t: len(items[t] - taken))
        picked.append(best)
        taken |= items[best]
    for tid in reversed(picked[len(given):]):
        if not only_by(picked, items)[tid]:
            picked.remove(tid)
    return picked


def only_by(picked: list[str], items: dict[str, set[Item]]) -> dict[str, set[Item]]:
    """What each pick takes that no other pick does (why it is there)."""
    return {t: items.get(t, set()) - set().union(*(items.get(o, set()) for o in picked if o != t))
            for t in picked}


def explain(picked: list[str], items: dict[str, set[Item]], given: Iterable[str] = (),
            names: dict[str, str] | None = None, examples: int = 3) -> list[str]:
    """The lines ``--cover`` prints: the pick, then each territory and why."""
    names, given = names or {}, set(given)
    wanted = set().union(*items.values())
    lines = [f"cover: {len(picked)} territor{'y' if len(picked) == 1 else 'ies'} take the {len(wanted)} branches "
             f"and rule outcomes of the {len(items)} portraits of the last build (greedy set cover: each pick "
             "takes the most not yet taken, then picks made useless are dropped)"]
    for tid, own in only_by(picked, items).items():
        name = f" ({names[tid]})" if names.get(tid) else ""
        branches = sum(i.kind == "branch" for i in own)
        why = (f"{len(own)} that no other pick takes ({branches} branches), e.g. " + "; ".join(
            str(i) for i in sorted(own, key=lambda i: (i.kind != "branch", i))[:examples])
            if own else "nothing that the other picks do not take")
        why = f"given; {why}" if tid in given else why
        lines.append(f"  {tid}{name}: {why}")
    return lines


def choose(given: list[str], output_dir: Path | None = None, say=print) -> list[str]:
    """``--cover``: the territories ``given`` (ids, checked) and those the cover adds, printed
    with why; BuildUsageError (exit 2) without a build to read."""
    from portraits.build.plan import resolve_ids
    from portraits.core import config
    from portraits.data import store

    given = resolve_ids(given, False) if given else []
    items = read_build(Path(output_dir or config.output_dir()))
    picked = greedy(items, given)
    names = {t: store.territory(t).name for t in picked}
    for line in explain(picked, items, given, names):
        say(line)
    return picked
