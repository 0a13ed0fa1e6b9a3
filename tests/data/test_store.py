"""The read API used by the template and the batch build."""

from __future__ import annotations

import time

import pytest

from _data_support import ensure_processed
from portraits.data import store


@pytest.fixture(scope="module", autouse=True)
def _processed():
    ensure_processed()


def test_resolve_variants():
    assert store.resolve_territory("ti-8413") == "ti-8413"
    assert store.resolve_territory(" TI-8413 ") == "ti-8413"
    assert store.resolve_territory("ti_8413") == "ti-8413"
    assert store.resolve_territory("8413") == "ti-8413"
    assert store.resolve_territory("Vallée de la Maurienne") == "ti-8423"     # an exact name


def test_unknown_territory_suggests_ids_and_names():
    with pytest.raises(store.UnknownTerritory) as exc:
        store.resolve_territory("ti-8431")
    msg = str(exc.value)
    assert "unknown territory 'ti-8431'" in msg and "did you mean ti-8413 (Plastics Vallée – Oyonnax)" in msg
    with pytest.raises(store.UnknownTerritory, match=r"ti-8413 \(Plastics Vallée"):
        store.resolve_territory("Plastics Vallee Oyonnax")
    assert isinstance(exc.value, ValueError)


def test_every_territory_has_a_full_slice():
    for tid in store.list_territories().territory_id:
        t = store.territory(tid)
        assert t.n_communes > 0 and len(t.members) > 0
        ind = store.indicators(tid)
        assert len(ind) >= 20
        assert list(ind.columns[:6]) == ["indicator_id", "label", "short_label", "unit", "theme", "year"]
        for col in ["territory", "region", "france", "all_territories", "status", "rank", "n_ranked",
                    "region_label", "source", "approx", "method", "definition", "key"]:
            assert col in ind.columns
        assert len(store.series(tid)) > 0 or tid == "ti-0601"
        assert len(store.jobs_by_sector(tid)) == 20
        assert len(store.establishments(tid)) == 32
        assert len(store.coverage(tid)) >= 5


def _read_all(tid):
    store.territory(tid), store.indicators(tid), store.series(tid), store.a38(tid)
    store.jobs_by_sector(tid), store.establishments(tid), store.comparison_table(tid)
    store.coverage(tid)


def test_speed_after_first_load():
    _read_all("ti-8413")                      # first load of every table
    best = []
    for tid in ["ti-0101", "ti-5203", "ti-9301"]:
        t0 = time.perf_counter()
        _read_all(tid)
        best.append(time.perf_counter() - t0)
    assert min(best) < 0.05, best


def test_comparison_table():
    t = store.comparison_table("ti-8413")
    for col in ["Indicateur", "Territoire", "Région", "France", "Ensemble des TI", "Rang",
                "Millésime", "Source"]:
        assert col in t.columns
    assert t.Territoire.dtype.kind == "f"
    assert t.loc[t.Indicateur == "Population municipale", "Territoire"].iloc[0] == 63434


def test_fingerprint_stable_and_specific():
    a = store.fingerprint("ti-8413")
    assert a == store.fingerprint("TI-8413")
    assert a != store.fingerprint("ti-8412")
    assert len(a) == 64


def test_breakdowns_have_benchmarks():
    s = store.series("ti-8413")
    assert set(s.level) == {"territory", "region", "france", "all_territories"}
    first = s[s.year == s.year.min()]
    assert (first["index"] == 100).all()
    j = store.jobs_by_sector("ti-8413")
    tot = j.groupby("level").share.sum()
    assert ((tot - 100).abs() < 0.2).all()
    a = store.a38("ti-8413")
    cg = a.set_index("a38").loc["CG"]
    assert cg.specificity > 5                           # plastics in the Plastics Vallée
    assert "8425" in cg.zones
    assert abs(a.share.sum() - 100) < 1e-6


def test_fingerprint_changes_only_for_the_changed_territory(tmp_path, monkeypatch):
    import shutil

    from portraits.core import config
    before = {t: store.fingerprint(t) for t in ["ti-8413", "ti-0101"]}
    copy = tmp_path / "processed"
    shutil.copytree(config.processed_dir(), copy)
    ind = store.table("indicators").copy()
    m = (ind.territory_id == "ti-8413") & (ind.indicator_id == "jobs") & (ind.level == "territory")
    ind.loc[m, "value"] += 1
    ind.to_parquet(copy / "indicators.parquet", index=False)
    monkeypatch.setenv("PORTRAITS_PROCESSED_DIR", str(copy))
    after = {t: store.fingerprint(t) for t in ["ti-8413", "ti-0101"]}
    assert after["ti-8413"] != before["ti-8413"]
    assert after["ti-0101"] == before["ti-0101"]


# ------------------------------------------------------------------ fingerprints: what a portrait shows

@pytest.fixture
def processed_copy(tmp_path, monkeypatch):
    """A copy of data/processed that the test may edit, read by the store instead."""
    import shutil

    from portraits.core import config
    copy = tmp_path / "processed"
    shutil.copytree(config.processed_dir(), copy)
    monkeypatch.setenv("PORTRAITS_PROCESSED_DIR", str(copy))
    store.clear_cache()
    yield copy
    store.clear_cache()


def _all_fingerprints():
    return {t: store.fingerprint(t) for t in store.list_territories().territory_id}


def _rewrite(copy, name, df):
    df.to_csv(copy / f"{name}.csv", index=False, encoding="utf-8")
    if (copy / f"{name}.parquet").is_file():
        df.to_parquet(copy / f"{name}.parquet", index=False)
    store.clear_cache()


def _changed(before, after):
    return sorted(t for t in before if before[t] != after[t])


def _edit_value(copy, tid, indicator_id, level="territory", delta=1.0):
    ind = store.table("indicators").copy()
    m = (ind.territory_id == tid) & (ind.indicator_id == indicator_id) & (ind.level == level)
    assert m.sum() == 1
    ind.loc[m, "value"] += delta
    _rewrite(copy, "indicators", ind)


def test_a_value_on_the_positions_chart_makes_every_portrait_stale(processed_copy):
    assert "unemployment_rate" in store.POSITION_INDICATORS
    before = _all_fingerprints()
    _edit_value(processed_copy, "ti-8402", "unemployment_rate")
    after = _all_fingerprints()
    assert len(before) == 183 and _changed(before, after) == sorted(before)


def test_a_value_shown_by_its_own_portrait_only_makes_that_one_stale(processed_copy):
    assert "population" not in store.POSITION_INDICATORS
    before = _all_fingerprints()
    _edit_value(processed_copy, "ti-8402", "population")
    assert _changed(before, _all_fingerprints()) == ["ti-8402"]
    # its benchmark rows are its own too (repeated on each territory's rows)
    before = _all_fingerprints()
    _edit_value(processed_copy, "ti-8402", "unemployment_rate", level="region")
    assert _changed(before, _all_fingerprints()) == ["ti-8402"]


def test_renaming_a_territory_makes_its_region_stale(processed_copy):
    terr = store.table("territories").copy()
    region = terr.set_index("territory_id").loc["ti-8402", "region_code"]
    same_region = sorted(terr.loc[terr.region_code == region, "territory_id"])
    assert len(same_region) > 1
    before = _all_fingerprints()
    terr.loc[terr.territory_id == "ti-8402", "name"] = "Bassin de Bourg-en-Bresse (renamed)"
    _rewrite(processed_copy, "territories", terr)
    assert _changed(before, _all_fingerprints()) == same_region   # the navigation shows its name


def test_fingerprint_is_fast_once_the_tables_are_read():
    store.fingerprint("ti-8413")                                   # reads the tables, shared digests
    t0 = time.perf_counter()
    _all_fingerprints()
    assert time.perf_counter() - t0 < 1.0


def test_every_accessor_declares_what_it_reads():
    import inspect

    not_portrait_reads = {"table", "clear_cache", "resolve_territory", "fingerprint", "declared_reads",
                          "reads", "find_territories"}  # find_territories: `portraits list`, no portrait
    public = [n for n, f in inspect.getmembers(store, inspect.isfunction)
              if f.__module__ == store.__name__ and not n.startswith("_") and n not in not_portrait_reads]
    assert public and all(n in store.READS for n in public), [n for n in public if n not in store.READS]
    assert {type(p).__name__ for p in store.declared_reads()} == {
        "Rows", "AllTerritories", "RegionTerritories", "Reference"}


def test_the_positions_chart_shows_the_declared_indicators():
    # portraits.blocks.portrait_charts draws the positions chart from these: the two lists must not drift apart
    from portraits.blocks import portrait_charts as report

    assert tuple(report.POSITION_INDICATORS) == store.POSITION_INDICATORS
    vals = store.position_values()
    assert set(vals.indicator_id) == set(store.POSITION_INDICATORS) and vals.territory_id.nunique() == 183


def test_region_territories_is_the_navigation_list():
    nav = store.region_territories("ti-8402")
    assert "ti-8402" in set(nav.territory_id) and nav.region_code.nunique() == 1
    assert list(nav.name) == sorted(nav.name)


@pytest.mark.parametrize("name, damage", [
    ("indicators.parquet", lambda b: b[: len(b) // 3]),          # truncated
    ("indicators.parquet", lambda b: b"PAR1" + b"\0" * 64),       # not Parquet any more
    ("members.csv", lambda b: b""),                               # emptied
    ("communes.csv", lambda b: b"\xff\xfe\x00\x01" * 10),         # not UTF-8 text
    ("coverage.csv", lambda b: b"a,b\n1,2\n"),                    # not a processed table
])
def test_a_damaged_processed_table_names_the_file_and_the_fix(processed_copy, name, damage):
    from portraits.core.errors import ProcessedDataError

    path = processed_copy / name
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(ProcessedDataError) as exc:
        store.fingerprint("ti-8413")
    assert name in str(exc.value) and "run `portraits data --force`" in str(exc.value)
    assert exc.value.exit_code == 2


def test_a_missing_processed_table_says_run_data(processed_copy):
    (processed_copy / "a38.csv").unlink()
    with pytest.raises(store.ProcessedDataMissing, match="a38.csv is missing: run `portraits data`"):
        store.a38("ti-8413")
