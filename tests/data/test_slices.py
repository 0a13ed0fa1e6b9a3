"""Fingerprints (portraits.data.slices): what a portrait reads, declared by the store's
accessors, and a digest that changes when, and only when, that changes."""

from __future__ import annotations

import time

import pytest

from portraits.data import slices, store


pytestmark = pytest.mark.usefixtures("processed")


def test_fingerprint_stable_and_specific():
    a = store.fingerprint("ti-8413")
    assert a == store.fingerprint("TI-8413")
    assert a != store.fingerprint("ti-8412")
    assert len(a) == 64


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
    # the template chooses the positions chart's indicators: any of a territory's own values
    for indicator in ("unemployment_rate", "population"):
        before = _all_fingerprints()
        _edit_value(processed_copy, "ti-8402", indicator)
        after = _all_fingerprints()
        assert len(before) == 183 and _changed(before, after) == sorted(before), indicator


def test_a_value_shown_by_its_own_portrait_only_makes_that_one_stale(processed_copy):
    # the template chooses the positions chart's indicators: any territory-level value may be
    # on every portrait; a territory's benchmark rows are its own (repeated on each territory's rows)
    before = _all_fingerprints()
    _edit_value(processed_copy, "ti-8402", "population", level="region")
    assert _changed(before, _all_fingerprints()) == ["ti-8402"]
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
    assert public and all(n in slices.READS for n in public), [n for n in public if n not in slices.READS]
    assert {type(p).__name__ for p in slices.declared_reads()} == {
        "Rows", "AllTerritories", "RegionTerritories", "Reference"}


def test_the_positions_chart_shows_the_declared_indicators():
    vals = store.position_values(["population", "median_income"])
    assert set(vals.indicator_id) == {"population", "median_income"} and vals.territory_id.nunique() == 183
    assert set(store.position_values(list(store.catalogue()["id"])).indicator_id) == set(store.catalogue()["id"])


def test_reads_are_recorded_with_their_territory_inside_recording_reads():
    store.series("ti-8413")  # outside a recording: nothing to note, nothing fails
    with slices.recording_reads() as outer:
        store.catalogue()
        with slices.recording_reads() as inner:
            store.series("ti-8413")
    assert inner == [(slices.Rows("series_private_jobs"), "ti-8413")]
    assert outer == [(slices.Reference(), None)]  # nested recordings each get their own
    assert store.series.reads == (slices.Rows("series_private_jobs"),)
