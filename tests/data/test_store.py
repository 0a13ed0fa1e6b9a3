"""The read API used by the template and the batch build."""

from __future__ import annotations

import json
import time

import pandas as pd
import pytest

from portraits.core import levels
from portraits.data import store
from portraits.data.processed_tables import ProcessedDataError


pytestmark = pytest.mark.usefixtures("processed")


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
        assert len(store.jobs_by_sector(tid)) == 5 * len(levels.LEVELS)  # five sectors per level
        assert len(store.establishments(tid)) == 8 * len(levels.LEVELS)  # eight categories per level
        assert len(store.coverage(tid)) >= 5


def _read_all(tid):
    store.territory(tid), store.indicators(tid), store.series(tid), store.a38(tid)
    store.jobs_by_sector(tid), store.establishments(tid)
    store.coverage(tid)


def test_speed_after_first_load():
    _read_all("ti-8413")                      # first load of every table
    best = []
    for tid in ["ti-0101", "ti-5203", "ti-9301"]:
        t0 = time.perf_counter()
        _read_all(tid)
        best.append(time.perf_counter() - t0)
    assert min(best) < 0.05, best


# ------------------------------------------------------------------ fingerprints: what a portrait shows


def test_region_territories_is_the_navigation_list():
    nav = store.region_territories("ti-8402")
    assert "ti-8402" in set(nav.territory_id) and nav.region_code.nunique() == 1
    assert list(nav.name) == sorted(nav.name)


def test_indicators_carry_each_levels_note_code_and_args():
    """The notes are codes with their parameters (JSON), per level; portraits.text.notes words them."""
    w = store.indicators("ti-0101").set_index("indicator_id").loc["industry_jobs_share"]
    years = {"census_year": "2022", "flores_year": "2023"}
    assert w.note_code == "flores_overseas" and json.loads(w.note_args) == years
    assert w.region_note_code == "flores_region"
    assert w.france_note_code == "flores_france"
    assert w.all_territories_note_code == "flores_all_territories"
    assert json.loads(w.all_territories_note_args) == {"n_territories": 173, **years}
    w = store.indicators("ti-8413").set_index("indicator_id")
    assert w.loc["population", "note_code"] == "" and w.loc["population", "france_note_code"] == "france_without_mayotte"


def test_an_indicators_table_without_france_scope_asks_for_a_rebuild(processed_copy):
    for name in ("indicators.parquet", "indicators.csv"):
        path = processed_copy / name
        if name.endswith(".parquet"):
            pd.read_parquet(path).drop(columns="france_scope").to_parquet(path)
        else:
            pd.read_csv(path, dtype=str).drop(columns="france_scope").to_csv(path, index=False)
    with pytest.raises(ProcessedDataError, match=r"lacks france_scope: run `portraits data --force`"):
        store.indicators("ti-8413")
