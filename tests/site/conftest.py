"""Fixtures of the catalogue's tests: the small processed tables of tests/fixtures/catalogue,
read through ``portraits.data.store`` (``PORTRAITS_PROCESSED_DIR``), fake portrait files, and
skips when the real data are missing."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from portraits.core import config
from portraits.data import sources, store
from portraits.site.catalogue_data import FILE_KINDS, load_data

FIXTURE = Path(__file__).parents[1] / "fixtures" / "catalogue" / "processed"


@contextlib.contextmanager
def _processed_tables(directory: Path):
    """The store reads ``directory`` inside the block (also for fixtures wider than a test)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PORTRAITS_PROCESSED_DIR", str(directory))
        store.clear_cache()
        try:
            yield directory
        finally:
            store.clear_cache()


def _fake_portraits(output_dir: Path, ids, kinds=("html", "pdf", "csv", "xlsx", "review", "notebook")) -> None:
    for tid in ids:
        for key, pattern, _ in FILE_KINDS:
            if key in kinds:
                path = output_dir / pattern.format(id=tid)
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(f"fake {key} {tid}", encoding="utf-8")


@pytest.fixture
def fixture_tables():
    """The store reads the fixture's processed tables (6 territories) during the test."""
    with _processed_tables(FIXTURE) as directory:
        yield directory


@pytest.fixture(scope="module")
def fixture_data():
    """The catalogue's data from the fixture's processed tables."""
    with _processed_tables(FIXTURE):
        return load_data()


@pytest.fixture(scope="module")
def fixture_page(tmp_path_factory):
    """The page from the fixture's tables, three portraits "built": (output dir, HTML)."""
    from portraits.site import catalogue

    out = tmp_path_factory.mktemp("catalogue")
    _fake_portraits(out, ["ti-8413", "ti-8424"])
    _fake_portraits(out, ["ti-2703"], kinds=("pdf",))  # a PDF without its HTML page
    with _processed_tables(FIXTURE):
        return out, catalogue.render_catalogue(out)


@pytest.fixture
def fake_portraits():
    """fake_portraits(output_dir, ids, kinds=...) writes placeholder files where a build would."""
    return _fake_portraits


def _raw_maps_present() -> bool:
    try:
        manifest = sources.load_sources()
        return all(manifest[k].raw_path().is_file() for k in ("ti_polygons", "regions_polygons"))
    except Exception:  # noqa: BLE001
        return False


@pytest.fixture
def raw_maps():
    """Skips the test when the raw polygons (data/raw) are missing."""
    if not _raw_maps_present():
        pytest.skip("data/raw polygons missing: run `portraits data` first")


@pytest.fixture
def real_processed():
    """Skips the test when data/processed has not been built."""
    if not (config.processed_dir() / "territories.csv").is_file():
        pytest.skip("data/processed missing: run `portraits data` first")


@pytest.fixture
def make_meta():
    """make_meta(unit, ident="x"): an indicator with the catalogue's flags (signed for the
    changes) as the page gets them, and plain labels."""
    from portraits.site import catalogue_data

    def make(unit, ident="x"):
        return catalogue_data.IndicatorMeta(id=ident, label="x", short_label="x", unit=unit,
                                signed=catalogue_data.indicator_meta(ident).signed)
    return make
