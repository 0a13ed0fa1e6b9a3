"""Charts memoized by what they read: a call whose code, arguments, house style and read slices
are unchanged is not drawn again and gives the same SVG and evidence; a change of any of them
draws that chart again, and only that one."""

from __future__ import annotations

import pandas as pd
import pytest

from portraits.blocks import charts, memo, svg
from portraits.blocks.chart_style import Chart, unavailable
from portraits.blocks.portrait import Portrait
from portraits.data import slices, store
from portraits.text import evidence

pytestmark = pytest.mark.usefixtures("processed")
TID = "ti-8413"
KINDS = ("map", "sectors", "private_jobs", "a38", "establishments")
POSITIONS = ("industry_jobs_share", "median_income")


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv(memo.DIR_VARIABLE, str(tmp_path / "memo"))
    monkeypatch.delenv(memo.REFRESH_VARIABLE, raising=False)
    return tmp_path / "memo"


@pytest.fixture
def drawn(monkeypatch) -> list:
    """The figures turned into SVG: one per chart drawn (a cached chart is not)."""
    made: list = []
    real = svg.to_svg
    monkeypatch.setattr(svg, "to_svg", lambda fig: made.append(fig) or real(fig))
    return made


def _page(tid: str = TID) -> dict[str, tuple]:
    """Each chart of the portrait: its notebook output and its evidence rows."""
    p = Portrait(tid)
    outs = {kind: p.chart(kind) for kind in KINDS}
    outs["positions"] = p.positions(*POSITIONS)
    return {kind: (out._repr_mimebundle_(), out.evidence) for kind, out in outs.items()}


def test_without_a_cache_directory_the_chart_is_drawn_as_is(monkeypatch):
    monkeypatch.delenv(memo.DIR_VARIABLE, raising=False)
    chart = charts.private_jobs(store.series(TID), name="Plastics Vallée")
    assert isinstance(chart, Chart) and chart.fig is not None


def test_a_second_run_draws_nothing_and_gives_the_same_outputs(cache, drawn):
    first = _page()
    assert len(drawn) == len(first)  # every chart of ti-8413 has data
    again = _page()
    assert len(drawn) == len(first)
    assert again == first
    assert all(rows for kind, (_, rows) in first.items() if kind != "map")  # evidence replayed too


def test_changing_one_charts_data_draws_that_chart_and_no_other(cache, drawn, monkeypatch):
    before = _page()
    n = len(drawn)
    real = store.series
    monkeypatch.setattr(store, "series", lambda tid: real(tid).assign(index=lambda d: d["index"] * 1.5))
    after = _page()
    assert len(drawn) == n + 1
    changed = {kind for kind in before if before[kind] != after[kind]}
    assert changed == {"private_jobs"}


def test_a_value_on_the_positions_chart_draws_the_positions_again(cache, drawn, monkeypatch):
    _page()
    n = len(drawn)
    real = store.position_values

    def moved(ids):
        values = real(ids).copy()
        values.loc[values.index[0], "value"] += 1
        return values
    monkeypatch.setattr(store, "position_values", moved)
    _page()
    assert len(drawn) == n + 1


@memo.chart
def _cited(source_id: str) -> Chart:
    """A chart whose caption is read from the store: what it reads is recorded while it runs."""
    return unavailable(store.source_citation(source_id))


def test_a_slice_read_through_the_store_is_part_of_the_key(cache, monkeypatch):
    calls = []
    monkeypatch.setattr(store, "source_citation", slices.reads(slices.Reference())(
        lambda source_id: calls.append(source_id) or "Insee"))
    first = _cited("flores_a38_ze")
    assert _cited("flores_a38_ze") == first and calls == ["flores_a38_ze"]
    with slices.recording_reads() as read:  # a hit still tells an enclosing chart what it read
        _cited("flores_a38_ze")
    assert read == [(slices.Reference(), None)]
    monkeypatch.setattr(slices.Reference, "digest", lambda self, tid, directory: b"the catalogue changed")
    _cited("flores_a38_ze")
    assert len(calls) == 2


def test_code_style_and_refresh_each_draw_again(cache, drawn, monkeypatch):
    frame = store.series(TID)
    charts.private_jobs(frame)
    charts.private_jobs(frame.copy())  # arguments are hashed by value
    assert len(drawn) == 1
    monkeypatch.setattr(memo, "code_digest", lambda module: "edited")
    charts.private_jobs(frame)
    assert len(drawn) == 2
    monkeypatch.setattr(memo, "style_digest", lambda: "another font")
    charts.private_jobs(frame)
    assert len(drawn) == 3
    monkeypatch.setenv(memo.REFRESH_VARIABLE, "1")
    charts.private_jobs(frame)
    assert len(drawn) == 4


def test_the_key_tells_values_of_other_types_apart():
    def key(*args, **kwargs):
        return memo.call_key(charts.a38, args, kwargs)

    frame = pd.DataFrame({"a": [1.0, 2.0]})
    assert key(frame) == key(frame.copy()) != key(frame.assign(a=[1.0, 2.5]))
    assert key(1) != key("1") != key(None)
    assert key(top=8) != key(top=9)
    with pytest.raises(TypeError):
        key(object())


def test_an_argument_that_cannot_be_hashed_is_drawn_every_time(cache, drawn):
    class Opaque:
        name = "le territoire"

    @memo.chart
    def chart(thing):
        return charts.private_jobs.memoized(store.series(TID), name=thing.name)

    chart(Opaque())
    chart(Opaque())
    assert len(drawn) == 2 and not (cache / "charts").exists()


def test_the_code_of_a_chart_is_its_modules_import_closure():
    names = {p.relative_to(memo.config.PACKAGE_DIR).as_posix() for p in memo.code_files("portraits.blocks.charts")}
    assert {"blocks/charts.py", "blocks/chart_style.py", "text/fmt.py", "text/evidence.py",
            "text/phrasing.toml"} <= names
    assert "build/batch.py" not in names and "preview/server.py" not in names
    assert memo.config.PACKAGE_DIR / "blocks" / "svg.py" in memo.code_files(memo.__name__)


def test_evidence_of_a_cached_chart_goes_to_the_enclosing_recording(cache):
    frame = store.series(TID)
    with evidence.recording() as first:
        charts.private_jobs(frame)
    with evidence.recording() as again:
        charts.private_jobs(frame)
    assert first and again == first


def test_a_cache_that_cannot_be_written_still_gives_the_chart(tmp_path, monkeypatch):
    (tmp_path / "memo").write_text("a file where the cache would be")
    monkeypatch.setenv(memo.DIR_VARIABLE, str(tmp_path / "memo"))
    chart = charts.private_jobs(store.series(TID))
    assert isinstance(chart, memo.Rendered) and chart.svg.startswith("<?xml")
