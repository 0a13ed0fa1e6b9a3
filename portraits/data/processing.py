"""raw tables -> data/processed/: the orchestration of ``portraits data``.

:func:`build_all` chains the steps, each in its module: ``prepare`` (raw files -> commune
tables on today's geography), ``compute`` (indicators on four levels, ranks, official values),
``notes`` (note codes), ``overseas`` (the Flores fallback), ``breakdowns`` (series, sectors,
establishments, A38, coverage). :func:`build_processed` builds everything into a staging
directory next to ``data/processed`` and swaps it in only when complete (a killed run leaves the
previous tables untouched). It skips the work when the inputs (raw checksums, the files of
``portraits/data/``: code, indicators.toml, merge table) are unchanged, unless ``force``."""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import time
from pathlib import Path

import pandas as pd

from portraits.core import atomic, config
from portraits.data import (breakdowns, compute, indicators, note_codes, overseas, prepare, schemas, sources,
                            territories)
from portraits.data.prepare import RAW_USED, read_raw
from portraits.data.territories import isin

STAMP = "_build.json"
DATA_DIR = Path(__file__).resolve().parent
# Every file of portraits/data/ may change the tables (code, indicators.toml, the merge table):
# derived, not listed, so that a new module is hashed too.
DATA_MODULES = tuple(sorted(p.name for p in DATA_DIR.iterdir()
                            if p.is_file() and p.suffix in {".py", ".toml", ".csv"}))


def inputs_hash(srcs: dict[str, sources.Source]) -> str:
    h = hashlib.sha256()
    for sid in sorted(srcs):  # the millésime too: the Flores year is read from it (breakdowns)
        h.update(f"{sid}:{srcs[sid].sha256}:{srcs[sid].millesime}\n".encode())
    for name in DATA_MODULES:
        h.update(name.encode())
        h.update((DATA_DIR / name).read_bytes())
    return h.hexdigest()


def commune_tables(raw: dict[str, pd.DataFrame], cw: territories.Crosswalk,
                   communes: pd.DataFrame) -> tuple[dict[str, pd.DataFrame], dict[str, dict]]:
    """The sources' commune tables (the catalogue's ``table`` names), crosswalked, the EPCI-level
    percentages (PTOD) given to each commune by the unit it is counted in; and the overrides:
    the levels a source publishes itself (URSSAF's region and France rows)."""
    rp21_communes = prepare.prep_rp2021(raw)
    rp21 = cw.attach(rp21_communes)
    rp18 = cw.attach(prepare.prep_rp2018(raw))
    urssaf, urssaf_over = prepare.prep_urssaf(raw)
    ex = raw["ptod_epci_exdeco"].set_index("code")
    ep = raw["ptod_epci"].set_index("code")
    c5 = raw["ptod_communes_5k"].set_index("code")
    colmap18 = {f"sect_{sid}": col for sid, _, col in breakdowns.SECTORS}
    colmap18.update({"sectindus": "eco_sectindus_pct_22", "effgrandes": "eco_eff_grandes_pct_23"})
    ept_of = prepare.ept_of_communes(c5, raw["ptod_iris"])
    tables = {
        "rp2021": prepare.attach_epci_values(rp21, {"indic": ep}, communes, c5, {"txpauv21": "rev_txpauv_21"},
                                             ept_of),
        "rp2018": prepare.attach_epci_values(rp18, {"exdeco": ex, "indic": ep}, communes, c5, colmap18, ept_of),
        "revenus": cw.attach(prepare.prep_revenus(raw, rp21_communes)),
        "iris": cw.attach(prepare.prep_iris(raw)),
        "urssaf": cw.attach(urssaf),
    }
    return tables, {"urssaf": urssaf_over}


def indicator_table(cat, tables: dict[str, pd.DataFrame], overrides: dict[str, dict], terr: pd.DataFrame,
                    communes: pd.DataFrame) -> pd.DataFrame:
    """The indicators with their note codes (before the overseas fallback and official values)."""
    ind = compute.compute_indicators(cat, tables, overrides, terr)
    ind = note_codes.gap_notes(cat, ind, terr)
    ind = note_codes.secrecy_notes(ind, tables["revenus"], communes)
    rp18, rp21 = tables["rp2018"], tables["rp2021"]
    ind = note_codes.partial_notes(ind, {"industry_jobs_share": rp18["_src_sectindus"],
                                    "large_establishments_jobs_share": rp18["_src_effgrandes"],
                                    "poverty_rate": rp21["_src_txpauv21"]},
                              {"industry_jobs_share": rp18, "large_establishments_jobs_share": rp18,
                               "poverty_rate": rp21}, communes)
    return note_codes.scope_notes(cat, ind, terr)


def coverage(raw: dict[str, pd.DataFrame], cw: territories.Crosswalk, tables: dict[str, pd.DataFrame],
             communes: pd.DataFrame) -> pd.DataFrame:
    """Member communes reached by each source, and the source codes that reach no commune of
    today's geography (neither a current commune, nor an old one with a known parent): reported,
    they could hide member communes."""
    cmp24 = raw["comparateur_2024"]
    rp21, rp18, rev, iris, urssaf = (tables[k] for k in ("rp2021", "rp2018", "revenus", "iris", "urssaf"))
    matched = {"comparateur_2024": rp21[rp21.population_2021.notna()],
               "comparateur_2022": rp18[rp18.P18_POP.notna()],
               "statloc_revenus": rev[rev.med21.notna()],
               "ptod_iris": iris,
               "urssaf_private_jobs": urssaf,
               "ptod_epci_exdeco": rp18[rp18.sectindus.notna()]}
    known = (set(cmp24.insee_com[cmp24.commune_type != "COMD"]) | set(raw["cog_appartenance_2022"].CODGEO)
             | set(cw.ref23) | set(cw.ref24) | set(cw.parent))
    unmatched = {sid: int((~isin(df.code, known)).sum())
                 for sid, df in {"comparateur_2024": rp21, "comparateur_2022": rp18,
                                 "statloc_revenus": rev, "ptod_iris": iris.drop_duplicates("code"),
                                 "urssaf_private_jobs": urssaf}.items()}
    merged_2024 = set(raw["ti_communes_cog2023"].insee_com) - set(raw["ti_communes_cog2024"].insee_com) \
        - set(cmp24.insee_com)
    return breakdowns.coverage_table(matched, communes, cw.parent, unmatched, merged_2024)


def build_all(raw: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    tabs = territories.build_tables(raw)
    terr, communes = tabs["territories"], tabs["communes"]
    cw = prepare.make_crosswalk(raw)
    cat = indicators.load_catalogue()
    tables, overrides = commune_tables(raw, cw, communes)
    ind = indicator_table(cat, tables, overrides, terr, communes)
    rp18, rp21 = tables["rp2018"], tables["rp2021"]
    france_row = raw["ptod_epci_exdeco"].set_index("code").loc[compute.NATIONAL_CODE]
    ind, jbs = overseas.overseas_sectors(ind, breakdowns.jobs_by_sector(rp18, terr, france_row=france_row),
                                         overseas.flores_broad_sectors(raw, rp21), terr)
    ind = compute.official_values(ind, raw, compute.single_unit_territories(tabs["members"], communes))
    ind["france_scope"] = ind.indicator_id.map(compute.france_scope(cat))
    return {**tabs, "indicators": ind,
            "series_private_jobs": breakdowns.series_private_jobs(tables["urssaf"], overrides["urssaf"], terr),
            "jobs_by_sector": jbs,
            "establishments_breakdown": breakdowns.establishments_breakdown(rp18, terr),
            "a38": breakdowns.a38_table(raw, rp21, terr),
            "coverage": coverage(raw, cw, tables, communes)}


PARQUET = {"territories", "indicators"}
TABLES = ("territories", "members", "communes", "indicators", "series_private_jobs", "jobs_by_sector",
          "establishments_breakdown", "a38", "coverage")


def _write(tables: dict[str, pd.DataFrame], target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for name, df in tables.items():
        df.to_csv(target / f"{name}.csv", index=False, encoding="utf-8")
        if name in PARQUET:
            df.to_parquet(target / f"{name}.parquet", index=False)


def build_processed(force: bool = False, raw_dir: Path | None = None,
                    processed_dir: Path | None = None) -> str:
    """Build data/processed/ (see module docstring); returns a printable summary."""
    t0 = time.perf_counter()
    srcs = sources.load_sources()
    raw_dir = raw_dir or config.raw_dir()
    target = processed_dir or config.processed_dir()
    sources.verify({k: v for k, v in srcs.items() if k in RAW_USED}, raw_dir)
    digest = inputs_hash(srcs)
    stamp = target / STAMP
    tables_there = all((target / f"{n}.csv").is_file() for n in TABLES)
    if not force and stamp.is_file() and tables_there:
        try:
            if json.loads(stamp.read_text(encoding="utf-8")).get("inputs") == digest:
                return f"data/processed: up to date ({target}), nothing rebuilt (use --force to rebuild)"
        except (OSError, ValueError):
            pass
    raw = read_raw(raw_dir, srcs)
    tables = build_all(raw)
    schemas.validate_processed(tables)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.staging-", dir=target.parent))
    try:
        _write(tables, staging)
        ind = tables["indicators"]
        summary = {
            "inputs": digest,
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "seconds": round(time.perf_counter() - t0, 2),
            "territories": int(len(tables["territories"])),
            "indicators": int(ind.indicator_id.nunique()),
            "rows": {k: int(len(v)) for k, v in tables.items()},
        }
        (staging / STAMP).write_text(json.dumps(summary, indent=2), encoding="utf-8")
        atomic.replace_dir(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    t = ind[ind.level == "territory"]
    nd = int(t.value.isna().sum())
    return (f"data/processed: {summary['territories']} territories, {summary['indicators']} indicators "
            f"({len(t)} territory values, {nd} not available), "
            f"{len(tables['communes'])} member communes; built in {time.perf_counter() - t0:.1f} s -> {target}")
