"""What changed in the rendered text of the portraits, for the build report.

After a territory's HTML page is rendered, ``extract_blocks`` reads it (BeautifulSoup, the
standard library's parser) into a list of text blocks, each with its kind:

- ``titre``: headings (h1-h6);
- ``légende``: figure and table captions;
- ``chiffre clé``: one key figure (value, label and benchmark);
- ``phrase``: one sentence of a paragraph or a list item (any text not in another kind, so that
  every word of the page is in some block);
- ``cellule``: one table cell, keyed by table, row (its first cell) and column (its header);
- ``note``: sources and notes under a section, footnotes.

The blocks are stored per territory in ``output/.build/text/ID.json`` (atomically); the next
build of that territory diffs its new blocks against them (``diff_blocks``), and the build
report groups the same edit across territories (``group_changes``), by its shape, figures as
placeholders (``portraits.build.shapes``): « 6 territoires : phrase « … est supérieur … » →
« … est nettement supérieur … » », a title whose subject changed flagged. The page is read as
the renderer wrote it: figures are not re-derived from the text.
"""

from __future__ import annotations

import difflib
import json
import re
from pathlib import Path
from typing import Any, Iterable

from portraits.build import shapes
from portraits.core import atomic
from portraits.text import typo
from portraits.text.typo import NNBSP

KINDS = ("titre", "légende", "chiffre clé", "phrase", "cellule", "note")
KIND_PLURALS = {"titre": "titres", "légende": "légendes", "chiffre clé": "chiffres clés",
                "phrase": "phrases", "cellule": "cellules", "note": "notes"}
MAX_CHANGES = 60    # per territory, listed in the report (counts are always complete)
MAX_GROUPS = 150    # groups listed in the report
MAX_EXAMPLES = 10   # territories' own texts kept per group (all its territories are listed)

_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_SKIP = {"script", "style", "svg", "img", "template", "noscript", "button", "input", "select", "math"}
_LEAVES = {"p", "li", "dt", "dd", "pre", "blockquote", "summary", "address"}
_BLOCK_CHILDREN = {"p", "ul", "ol", "dl", "div", "table", "figure", "section", "aside", "blockquote",
                   "pre", "h1", "h2", "h3", "h4", "h5", "h6", "nav", "header", "footer", "main"}
_STRUCTURE = frozenset(_BLOCK_CHILDREN | _LEAVES | _HEADINGS | {"figcaption", "caption"})
_NOTE_CLASSES = {"source", "sources", "note", "notes", "footnotes", "footnote"}
_SENTENCE_END = re.compile(r"(?<=[.!?…])(?:[»\u202f\u00a0]*) +(?=\S)")
# Heavy content that carries no text: cut before parsing (a page is about 0.9 MB, mostly this).
_HEAVY = re.compile(r"<(style|script|svg)\b.*?</\1\s*>|(?<=src=\")data:[^\"]*", re.S | re.I)


def _clean(text: str) -> str:
    """Collapse ordinary white space only: no-break spaces are part of the typography."""
    return re.sub(r"[ \t\n\r\f\v]+", " ", text).strip()


def sentences(text: str) -> list[str]:
    text = _clean(text)
    if not text:
        return []
    parts, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        parts.append(text[start:m.end()].strip())
        start = m.end()
    parts.append(text[start:].strip())
    return [p for p in parts if p]


def _text(el) -> str:
    """The element's text as rendered: inline tags add no space (``<em>très</em>,``)."""
    return _clean(el.get_text(""))


def _classes(el) -> set[str]:
    return set(el.get("class") or [])


def _table_blocks(table, index: int) -> list[dict[str, str]]:
    blocks = []
    caption = table.find("caption")
    if caption is not None and _text(caption):
        blocks.append({"kind": "légende", "text": _text(caption)})
    name = table.get("id") or f"tableau {index}"
    rows = table.find_all("tr")
    header: list[str] = []
    for r, tr in enumerate(rows):
        cells = tr.find_all(["td", "th"], recursive=False)
        if tr.find_parent("thead") is not None or (not header and cells and all(c.name == "th" for c in cells)):
            header = [_text(c) for c in cells]
            for i, text in enumerate(header):
                if text:
                    blocks.append({"kind": "cellule", "key": f"{name} · en-tête · {i + 1}", "text": text,
                                   "pos": f"{name}:{r}:{i}"})
            continue
        row_key = _text(cells[0]) if cells else ""
        for i, cell in enumerate(cells):
            column = header[i] if i < len(header) and header[i] else str(i + 1)
            text = _text(cell)
            if text or i:
                blocks.append({"kind": "cellule", "key": f"{name} · {row_key} · {column}", "text": text,
                               "pos": f"{name}:{r}:{i}"})
    return blocks


def _has_structure(el) -> bool:
    # what el.find(list(_STRUCTURE)) says, without building bs4's matcher at every element
    return any(d.name in _STRUCTURE for d in el.descendants if d.name)


def extract_blocks(html: str) -> list[dict[str, str]]:
    """The page's text as (kind, text) blocks, in reading order; table cells also have a key."""
    from bs4 import BeautifulSoup, NavigableString, Tag

    soup = BeautifulSoup(_HEAVY.sub("", html), "html.parser")
    root = soup.body or soup
    blocks: list[dict[str, str]] = []
    n_tables = 0

    def emit(kind: str, text: str) -> None:
        text = _clean(text)
        if text:
            blocks.append({"kind": kind, "text": text})

    def walk(el, note: bool) -> None:
        nonlocal n_tables
        loose: list[str] = []  # running text of this container, between its block children

        def flush() -> None:
            for s in sentences("".join(loose)):
                emit("note" if note else "phrase", s)
            loose.clear()

        for child in el.children:
            if isinstance(child, NavigableString):
                if type(child) is NavigableString:  # not a comment, CDATA or doctype
                    loose.append(str(child))
                continue
            if not isinstance(child, Tag) or child.name in _SKIP or "skip-link" in _classes(child):
                continue
            name, classes = child.name, _classes(child)
            in_note = note or bool(classes & _NOTE_CLASSES)
            if name in _HEADINGS:
                flush()
                emit("titre", _text(child))
            elif name in ("figcaption", "caption"):
                flush()
                emit("légende", _text(child))
            elif "key-figure" in classes:
                flush()
                emit("chiffre clé", _text(child))
            elif name == "table":
                flush()
                n_tables += 1
                blocks.extend(_table_blocks(child, n_tables))
            elif _has_structure(child):
                flush()
                walk(child, in_note)  # a container: its parts one by one
            elif name in _LEAVES or name in _BLOCK_CHILDREN:
                flush()  # a paragraph, list item…: its sentences (a note whole)
                for text in ([_text(child)] if in_note else sentences(_text(child))):
                    emit("note" if in_note else "phrase", text)
            else:
                loose.append(_text(child))  # inline (span, a, em…): part of the running text
        flush()

    walk(root, False)
    return blocks


def extract_file(path: Path) -> list[dict[str, str]]:
    return extract_blocks(Path(path).read_text(encoding="utf-8"))


# ----------------------------------------------------------------------------------------------
# Diff one territory's blocks

def _pair(kind_old: list[dict], kind_new: list[dict]):
    """Blocks of one kind replaced in place: paired in order, the rest added or removed."""
    n = min(len(kind_old), len(kind_new))
    return list(zip(kind_old[:n], kind_new[:n])), kind_old[n:], kind_new[n:]


def diff_blocks(before: list[dict[str, str]] | None, after: list[dict[str, str]]) -> dict[str, Any]:
    """Changes between two lists of blocks: {"changes": [{kind, key?, before, after}], "n": int}.

    A changed block has both ``before`` and ``after``; an added one only ``after`` (``before``
    None), a removed one only ``before``. ``before`` None (no previous text): not available."""
    if before is None:
        return {"available": False, "changes": [], "n": 0}
    changes: list[dict[str, Any]] = []
    old_cells = {b["key"]: b for b in before if b["kind"] == "cellule"}
    new_cells = {b["key"]: b for b in after if b["kind"] == "cellule"}
    # Cells by key (row label, column header). A cell whose key changed because its row label or
    # column header was rewritten is found again at the same place: only the label or header
    # cell itself then shows as changed, not its whole row or column.
    old_by_pos = {b.get("pos"): b for k, b in old_cells.items() if k not in new_cells and b.get("pos")}
    added = []
    for key, new in new_cells.items():
        old = old_cells.get(key) or old_by_pos.pop(new.get("pos"), None)
        if old is None:
            added.append({"kind": "cellule", "key": key, "before": None, "after": new["text"]})
        elif old["text"] != new["text"]:
            changes.append({"kind": "cellule", "key": key, "before": old["text"], "after": new["text"]})
    changes += added
    unmatched = {id(b) for b in old_by_pos.values()}  # what is left: removed cells
    changes += [{"kind": "cellule", "key": key, "before": old["text"], "after": None}
                for key, old in old_cells.items()
                if key not in new_cells and (id(old) in unmatched or not old.get("pos"))]
    # Everything else in reading order.
    old = [b for b in before if b["kind"] != "cellule"]
    new = [b for b in after if b["kind"] != "cellule"]
    sm = difflib.SequenceMatcher(a=[(b["kind"], b["text"]) for b in old],
                                 b=[(b["kind"], b["text"]) for b in new], autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            continue
        for kind in KINDS:
            pairs, removed, added = _pair([b for b in old[i1:i2] if b["kind"] == kind],
                                          [b for b in new[j1:j2] if b["kind"] == kind])
            changes += [{"kind": kind, "before": a["text"], "after": b["text"]} for a, b in pairs]
            changes += [{"kind": kind, "before": a["text"], "after": None} for a in removed]
            changes += [{"kind": kind, "before": None, "after": b["text"]} for b in added]
    return {"available": True, "changes": changes, "n": len(changes)}


def text_path(output_dir: Path, tid: str) -> Path:
    return Path(output_dir) / ".build" / "text" / f"{tid}.json"


def save_blocks(output_dir: Path, tid: str, blocks: list[dict[str, str]] | None) -> dict[str, Any]:
    """Diff ``blocks`` against the previous build's, then make them the reference."""
    if blocks is None:
        return {"available": False, "changes": [], "n": 0}
    return diff_blocks(swap_reference(text_path(output_dir, tid), blocks), blocks)


def swap_reference(path: Path, new: Any) -> Any:
    """The previous build's reference at ``path`` (None if there is none or it is unreadable),
    replaced by ``new`` (atomically): what the next build will compare with."""
    try:
        before = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        before = None
    atomic.write_text(path, json.dumps(new, ensure_ascii=False, default=str))
    return before


# ----------------------------------------------------------------------------------------------
# The report: identical changes across territories, once

def _signature(change: dict[str, Any]) -> tuple:
    """What makes two changes the same edit: kind, key (a cell's), the edit's shape (figures as
    placeholders, ``shapes.edit``), whether only figures changed, and a title's change of subject."""
    kind, before, after = change["kind"], change["before"], change["after"]
    if before is None or after is None:
        shape = (None if before is None else shapes.placeholders(before),
                 None if after is None else shapes.placeholders(after), False)
    else:
        cut = shapes.edit(before, after)
        shape = (cut["before"], cut["after"], cut["figures_only"])
    subject = shapes.subject_change(kind, before, after)
    return (kind, change.get("key") or "", *shape,
            (subject["before"], subject["after"]) if subject else None)


def group_changes(per_territory: Iterable[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    """The same edit (same kind, same key for a cell, same shape: ``_signature``) in several
    territories, once, with the territories and a few of their own texts (``examples``); most
    frequent first, then in kind order."""
    groups: dict[tuple, dict[str, list]] = {}
    for tid, diff in per_territory:
        for change in (diff or {}).get("changes", []):
            group = groups.setdefault(_signature(change), {"territories": [], "examples": []})
            if tid not in group["territories"]:
                group["territories"].append(tid)
            if len(group["examples"]) < MAX_EXAMPLES:
                group["examples"].append({"territory": tid, "before": change["before"], "after": change["after"]})
    rows = []
    for (kind, key, before, after, figures_only, subject), group in groups.items():
        tids = group["territories"]
        subject = {"before": subject[0], "after": subject[1]} if subject else None
        rows.append({"kind": kind, "key": key, "before": before, "after": after, "figures_only": figures_only,
                     "subject": subject, "n": len(tids), "territories": tids, "examples": group["examples"],
                     "line": describe(kind, key, before, after, tids, figures_only=figures_only, subject=subject)})
    rows.sort(key=lambda r: (-r["n"], KINDS.index(r["kind"]) if r["kind"] in KINDS else len(KINDS),
                             r["key"], r["before"] or "", r["after"] or ""))
    return rows


def quote(text: str) -> str:
    """« text » with narrow no-break spaces inside the guillemets."""
    return f"«{NNBSP}{text}{NNBSP}»"


# The report's own phrases follow the portraits' typography (not the quoted portrait text,
# shown as rendered).
french = typo.french


def territories_phrase(n: int) -> str:
    return f"{n} territoire{'s' if n > 1 else ''}"


def subject_phrase(subject: dict[str, str | None]) -> str:
    """'sujet du titre changé : « Une part des établissements industriels » → « Une part des…» »'."""
    def name(phrase: str | None) -> str:
        return quote(phrase.replace("'", "’")) if phrase else "titre neutre"
    return f"sujet du titre changé{NNBSP}: {name(subject['before'])} → {name(subject['after'])}"


def describe(kind: str, key: str, before: str | None, after: str | None, tids: list[str], *,
             figures_only: bool = False, subject: dict | None = None) -> str:
    """« 6 territoires : phrase « … est supérieur … » → « … est nettement supérieur … » » (one
    territory: its id); figures are placeholders, a changed title subject is said."""
    who = territories_phrase(len(tids)) if len(tids) > 1 else tids[0]
    what = f"{kind} ({key})" if key else kind
    if before is None:
        change = f"{what} ajouté{'e' if kind in ('légende', 'phrase', 'cellule', 'note') else ''} {quote(after)}"
    elif after is None:
        change = f"{what} supprimé{'e' if kind in ('légende', 'phrase', 'cellule', 'note') else ''} {quote(before)}"
    else:
        change = f"{what}{' (chiffres seulement)' if figures_only else ''} {quote(before)} → {quote(after)}"
    flag = f" ({subject_phrase(subject)})" if subject else ""
    return f"{who}{NNBSP}: {change}{flag}"


def count_by_kind(changes: list[dict[str, Any]]) -> str:
    """'2 titres, 5 phrases, 1 cellule' for one territory."""
    counts: dict[str, int] = {}
    for c in changes:
        counts[c["kind"]] = counts.get(c["kind"], 0) + 1
    return ", ".join(f"{n} {KIND_PLURALS.get(k, k) if n > 1 else k}" for k, n in
                     sorted(counts.items(), key=lambda kv: KINDS.index(kv[0]) if kv[0] in KINDS else 99))
