"""Read API over data/processed/ for the template and the batch build.

Tables are read once per process (functools.lru_cache) and split by territory once, so a
territory's data comes back in well under 50 ms after the first load. Every function
accepts a territory id in any case/spacing variant (``TI-8413``, `` ti-8413 ``) and raises
:class:`UnknownTerritory` with close matches for an unknown one. Reading the files is
``portraits.data.processed_tables``'s job; what each accessor reads, declared with ``@reads``, and the
fingerprints, ``portraits.data.slices``'s. Notes come as codes with their parameters
(``note_code``, ``note_args``): ``portraits.text.notes`` words them."""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from portraits.core import config
from portraits.core.errors import InputError
from portraits.core.levels import BENCHMARKS
from portraits.data import slices
from portraits.data import compute, processed_tables, sources
from portraits.data.slices import AllTerritories, Reference, RegionTerritories, Rows, reads
from portraits.data.indicators import LEVELS, catalogue_frame, signed_ids
from portraits.data.processed_tables import ProcessedDataError, ProcessedDataMissing


class UnknownTerritory(InputError, ValueError):
    """A territory id that is not one of the 183."""


def _dir() -> Path:
    return config.processed_dir()


def table(name: str) -> pd.DataFrame:
    """A whole processed table (cached)."""
    return processed_tables.load(name, str(_dir()))


def _slice(name: str, tid: str) -> pd.DataFrame:
    tid = resolve_territory(tid)
    parts = processed_tables.split(name, str(_dir()))
    if tid in parts:
        return parts[tid].copy()
    return table(name).iloc[0:0].copy()


def clear_cache() -> None:
    processed_tables.clear_cache()
    slices.clear_cache()
    for f in (_territory, _indicators_wide, _manifest, catalogue_frame, _catalogue_entries, signed_ids,
              _ids, _position_values):
        f.cache_clear()


# ------------------------------------------------------------------ territories

@reads(RegionTerritories(("territory_id", "name", "region_code")))
def list_territories() -> pd.DataFrame:
    """Every territory. A portrait shows from it only its region's territories (navigation:
    ids and names), which is what it declares; to show more, declare more."""
    return table("territories").copy()


@reads(RegionTerritories(("territory_id", "name", "region_code")))
def region_territories(tid: str) -> pd.DataFrame:
    """The territories of ``tid``'s region (``tid`` included), by name."""
    terr = territory(tid)
    df = table("territories")
    return df[df["region_code"] == terr.region_code].sort_values("name").reset_index(drop=True)


def _unaccented(s: object) -> str:
    text = unicodedata.normalize("NFKD", "" if s is None else str(s))
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def _norm(s: str) -> str:
    """Lower case, without spaces, underscores or accents (' TI-8413 ' -> 'ti-8413')."""
    return re.sub(r"[\s_]+", "", _unaccented(s))


@lru_cache(maxsize=None)
def _ids(directory: str) -> frozenset[str]:
    return frozenset(processed_tables.load("territories", directory).territory_id.tolist())


def resolve_territory(tid: str) -> str:
    """The canonical id (``ti-8413``) of ``tid``, or :class:`UnknownTerritory`."""
    if tid in _ids(str(_dir())):
        return tid                                   # the fast path: already canonical
    terr = table("territories")
    ids = list(terr.territory_id)
    key = _norm(tid)
    lookup = {_norm(i): i for i in ids}
    if key in lookup:
        return lookup[key]
    m = re.fullmatch(r"(?:ti)?-?(\d{4})", key)
    if m and f"ti-{m.group(1)}" in ids:
        return f"ti-{m.group(1)}"
    names = dict(zip(terr.territory_id, terr.name))
    exact_names = {_norm(n): i for i, n in names.items()}
    if key in exact_names and list(exact_names.values()).count(exact_names[key]) == 1:
        return exact_names[key]                  # the exact name of a territory

    def score(a: str, b: str) -> float:
        # difflib's ratio, with a bonus for the same characters in another order (ti-8431 ->
        # ti-8413), the commonest typing slip in an id
        return difflib.SequenceMatcher(None, a, b).ratio() + (0.1 if sorted(a) == sorted(b) else 0.0)

    ranked = sorted(((score(key, k), i) for k, i in lookup.items()), reverse=True)
    hits = [i for sc, i in ranked[:3] if sc >= 0.6]
    by_name = {_norm(n): i for i, n in names.items()}
    for k in difflib.get_close_matches(key, list(by_name), n=3, cutoff=0.6):
        if by_name[k] not in hits:
            hits.append(by_name[k])
    # a fragment of a name (e.g. "oyonnax") also points to its territory
    if len(key) >= 4:
        for k, i in by_name.items():
            if key in k and i not in hits:
                hits.append(i)
    if hits:
        hint = ", ".join(f"{h} ({names[h]})" for h in hits[:5])
        raise UnknownTerritory(f"unknown territory {tid!r}; did you mean {hint}? "
                               f"(`portraits list {tid}` searches names, communes and EPCI)")
    raise UnknownTerritory(f"unknown territory {tid!r}: ids look like ti-8413 "
                           f"(183 territories: `portraits list [QUERY]` lists and searches them)")


def _fold(s: object) -> str:
    """Text as a search compares it: no accents, lower case, punctuation as single spaces
    ('Saint-Étienne' -> 'saint etienne', "L'Isle" -> 'l isle')."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", _unaccented(s)).split())


def find_territories(query: str | None = None) -> pd.DataFrame:
    """Territories whose id, name, member commune or EPCI name contains ``query`` (ignoring
    accents, case and punctuation); all of them without a query. Columns: territory_id,
    name, region_name, n_communes, matched (what matched: '', 'commune Oyonnax', 'EPCI …')."""
    terr = table("territories")
    out = terr[["territory_id", "name", "region_name", "n_communes"]].copy()
    out["n_communes"] = pd.to_numeric(out["n_communes"], errors="coerce").fillna(0).astype(int)
    out["matched"] = ""
    key = _fold(query)
    if not key:
        return out.sort_values("territory_id").reset_index(drop=True)
    matched: dict[str, str] = {}
    for tid, name in zip(terr.territory_id, terr.name):
        if key in _fold(tid) or key in _fold(name):
            matched[tid] = ""
    # A member commune or EPCI (communes.csv gives both; members.csv adds the EPT and single
    # communes as groupements): the first one found says why the territory is listed.
    sources = [("commune", "communes", "name"), ("EPCI", "communes", "epci_name"), ("EPCI", "members", "name")]
    for label, name, column in sources:
        try:
            frame = table(name)
        except ProcessedDataMissing:
            continue
        if column not in frame:
            continue
        pairs = frame[["territory_id", column]].dropna().drop_duplicates()
        for tid, value in zip(pairs["territory_id"], pairs[column]):
            if tid not in matched and key in _fold(value):
                matched[tid] = f"{label} {value}"
    out = out[out.territory_id.isin(matched)].copy()
    out["matched"] = out.territory_id.map(matched)
    return out.sort_values("territory_id").reset_index(drop=True)


@dataclass(frozen=True)
class Territory:
    id: str
    name: str
    region_code: str
    region_name: str
    overseas: bool
    regions: list[str]
    region_names: list[str]
    departments: list[str]
    members: pd.DataFrame = field(repr=False)
    n_communes: int = 0
    n_epci: int = 0
    n_ept: int = 0
    n_single_communes: int = 0
    has_partial_epci: bool = False
    partial_epci: list[str] = field(default_factory=list)
    partial_epci_names: list[str] = field(default_factory=list)


def _list(v) -> list[str]:
    if v is None or (isinstance(v, float) and pd.isna(v)) or str(v) == "":
        return []
    return [x for x in str(v).split(";") if x]


@lru_cache(maxsize=None)
def _territory(tid: str, directory: str) -> Territory:
    from portraits.data.territories import REGION_NAMES
    terr = processed_tables.load("territories", directory).set_index("territory_id")
    row = terr.loc[tid]
    members = processed_tables.split("members", directory)[tid].copy()
    regions = _list(row.regions)
    partial = _list(row.get("partial_epci", ""))
    partial_names = _list(row.get("partial_epci_names", ""))
    return Territory(
        id=tid, name=row["name"], region_code=row.region_code, region_name=row.region_name,
        overseas=bool(row.overseas), regions=regions,
        region_names=[REGION_NAMES.get(r, r) for r in regions],
        departments=_list(row.departments), members=members,
        n_communes=int(row.n_communes), n_epci=int(row.n_epci), n_ept=int(row.n_ept),
        n_single_communes=int(row.n_single_communes), has_partial_epci=bool(row.has_partial_epci),
        partial_epci=partial, partial_epci_names=partial_names)


@reads(Rows("territories"), Rows("members"))
def territory(tid: str) -> Territory:
    tid = resolve_territory(tid)
    return _territory(tid, str(_dir()))


@reads(Rows("communes"))
def communes(tid: str) -> pd.DataFrame:
    return _slice("communes", tid)


@reads(Rows("members"))
def members(tid: str) -> pd.DataFrame:
    return _slice("members", tid)


# ------------------------------------------------------------------ catalogue and sources

@reads(Reference())
def catalogue() -> pd.DataFrame:
    return catalogue_frame().copy()


@reads(Reference())
def catalogue_entry(indicator_id: str) -> dict:
    """One indicator's catalogue fields, without the empty ones ({} for an unknown id): a
    lookup, where indexing a copy of the catalogue cost 1.5 ms per key figure."""
    return dict(_catalogue_entries().get(indicator_id, {}))


@lru_cache(maxsize=1)
def _catalogue_entries() -> dict[str, dict]:
    return {row["id"]: {k: v for k, v in row.items() if not (v is None or (isinstance(v, float) and v != v))}
            for row in catalogue_frame().to_dict("records")}


@lru_cache(maxsize=1)
def _manifest(path: str) -> dict[str, sources.Source]:
    return sources.load_sources(Path(path))


@reads(Reference())
def source_citation(source_id: str) -> str:
    """Short French citation of a source, e.g. 'Insee, recensement de la population 2021'."""
    s = _manifest(str(config.sources_path())).get(source_id)
    if s is None:
        raise KeyError(f"unknown source {source_id!r}")
    return s.citation


# ------------------------------------------------------------------ indicators

@lru_cache(maxsize=None)
def _indicators_wide(directory: str) -> dict[str, pd.DataFrame]:
    ind = processed_tables.load("indicators", directory)
    missing = sorted({*compute.COLUMNS, "france_scope"} - set(ind.columns))
    missing += [f"level {lv}" for lv in LEVELS if not missing and not ind.level.eq(lv).any()]
    if missing:  # a table written by an older version: say so rather than guess the columns
        raise ProcessedDataError(f"{directory}: the indicators table lacks {', '.join(missing)}: "
                                 f"{processed_tables.REBUILD_HINT}")
    cat = catalogue_frame()
    vals = ind.pivot_table(index=["territory_id", "indicator_id"], columns="level", values="value",
                           aggfunc="first", dropna=False)
    vals = vals.reindex(columns=list(LEVELS))
    part = {lv: ind[ind.level == lv].set_index(["territory_id", "indicator_id"]) for lv in LEVELS}
    t = part["territory"]
    wide = vals.join(t[["status", "rank", "n_ranked", "note_code", "note_args", "year", "comparable",
                        "source_id"]])
    wide["region_label"] = part["region"]["geo_label"]
    # each benchmark's note as a code and its parameters (JSON); portraits.text.notes words them
    for level in BENCHMARKS:
        wide[f"{level}_note_code"] = part[level]["note_code"]
        wide[f"{level}_note_args"] = part[level]["note_args"]
    # per-level approximation flags (the catalogue's ``approx`` says whether the indicator is an
    # approximation anywhere) and the scope of the France benchmark: fr = metropolitan France
    # and the overseas departments, fm = metropolitan France only
    for level in LEVELS:
        wide[f"{level}_approx"] = part[level]["approx"].astype(bool)
    wide["france_scope"] = part["france"]["france_scope"]
    wide = wide.reset_index()
    meta = cat[["id", "label", "short_label", "unit", "theme", "approximation", "method",
                "definition", "key", "higher_is", "signed"]].rename(columns={"id": "indicator_id", "approximation": "approx"})
    meta["_order"] = range(len(meta))
    wide = wide.merge(meta, on="indicator_id", how="inner").sort_values(["territory_id", "_order"])
    # The territory row's own source (a fallback may differ from the catalogue's), cited in French.
    wide["source"] = wide["source_id"].map({i: source_citation(i) for i in wide["source_id"].unique()})
    cols = ["indicator_id", "label", "short_label", "unit", "theme", "year", "source", "source_id",
            "approx", "method", "definition", "key", *LEVELS, "status", "rank", "n_ranked", "region_label",
            "note_code", "note_args", *(f"{lv}_note_{x}" for lv in BENCHMARKS for x in ("code", "args")),
            "higher_is", "comparable", *(f"{lv}_approx" for lv in LEVELS), "france_scope", "signed"]
    wide = wide[["territory_id"] + cols]
    return {tid: g.drop(columns="territory_id").reset_index(drop=True)
            for tid, g in wide.groupby("territory_id", sort=False)}


@reads(Rows("indicators"), Reference())
def indicators(tid: str) -> pd.DataFrame:
    """One row per indicator (catalogue order) with the territory and its benchmarks."""
    tid = resolve_territory(tid)
    return _indicators_wide(str(_dir()))[tid].copy()


@reads(Rows("indicators"))
def indicators_long(tid: str) -> pd.DataFrame:
    return _slice("indicators", tid)


# the template chooses the positions chart's indicators (p.positions(...)): every territory's
# value of any indicator may be on every portrait
@reads(AllTerritories("indicators", "territory"), Reference())
def position_values(indicator_ids) -> pd.DataFrame:
    """Every territory's territory-level rows of ``indicator_ids`` (positions chart)."""
    rows = _position_values(str(_dir()))
    return rows[rows["indicator_id"].isin(list(indicator_ids))].copy()


@lru_cache(maxsize=1)
def _position_values(directory: str) -> pd.DataFrame:
    # the same rows for every portrait of a build: filtered once per process and data set
    ind = table("indicators")
    return ind[ind["level"] == "territory"]


@reads(Rows("series_private_jobs"))
def series(tid: str) -> pd.DataFrame:
    return _slice("series_private_jobs", tid)


@reads(Rows("jobs_by_sector"))
def jobs_by_sector(tid: str) -> pd.DataFrame:
    return _slice("jobs_by_sector", tid)


@reads(Rows("establishments_breakdown"))
def establishments(tid: str) -> pd.DataFrame:
    return _slice("establishments_breakdown", tid)


@reads(Rows("a38"))
def a38(tid: str) -> pd.DataFrame:
    return _slice("a38", tid)


@reads(Rows("coverage"))
def coverage(tid: str) -> pd.DataFrame:
    return _slice("coverage", tid)


def fingerprint(tid: str) -> str:
    """Stable hash of every slice of data the territory's portrait reads, as declared by the
    accessors (``@reads``): its own rows, the other territories' rows it shows, the
    catalogue and the sources. Shared digests are computed once per process and data set."""
    return slices.territory_digest(resolve_territory(tid), str(_dir()))
