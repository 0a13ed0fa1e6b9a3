"""build_processed: staging + swap (a failed run leaves the old tables), skip when the inputs
are unchanged, rebuild on --force or when the inputs change."""

from __future__ import annotations

import dataclasses
import json

import pandas as pd
import pytest

from portraits.data import processing, schemas, sources


@pytest.fixture()
def fake_build(monkeypatch, tmp_path):
    calls = {"n": 0}

    def build_all(raw):
        calls["n"] += 1
        return {"territories": pd.DataFrame({"territory_id": ["ti-0101"], "name": ["x"]}),
                "indicators": pd.DataFrame({"territory_id": ["ti-0101"], "level": ["territory"],
                                            "indicator_id": ["population"], "value": [1.0]}),
                "communes": pd.DataFrame({"insee_com": ["97101"]})}

    monkeypatch.setattr(processing, "build_all", build_all)
    monkeypatch.setattr(processing, "read_raw", lambda raw_dir=None, srcs=None: {})
    monkeypatch.setattr(sources, "verify", lambda *a, **k: None)
    monkeypatch.setattr(schemas, "validate_processed", lambda tables: None)
    return calls


def test_skip_when_unchanged_and_force(fake_build, tmp_path, monkeypatch):
    target = tmp_path / "processed"
    s1 = processing.build_processed(processed_dir=target)
    assert fake_build["n"] == 1 and "183" not in s1 and (target / "indicators.csv").is_file()
    assert (target / "indicators.parquet").is_file()
    monkeypatch.setattr(processing, "TABLES", ("territories", "indicators", "communes"))
    s2 = processing.build_processed(processed_dir=target)
    assert fake_build["n"] == 1 and "up to date" in s2
    (target / "communes.csv").unlink()                   # a table gone -> rebuilt
    processing.build_processed(processed_dir=target)
    assert fake_build["n"] == 2
    fake_build["n"] = 1
    processing.build_processed(processed_dir=target, force=True)
    assert fake_build["n"] == 2
    # changed inputs (e.g. another checksum in the manifest) -> rebuilt
    monkeypatch.setattr(processing, "inputs_hash", lambda srcs: "something else")
    processing.build_processed(processed_dir=target)
    assert fake_build["n"] == 3
    stamp = json.loads((target / processing.STAMP).read_text())
    assert stamp["inputs"] == "something else"


def test_failed_run_leaves_previous_tables(fake_build, tmp_path, monkeypatch):
    target = tmp_path / "processed"
    processing.build_processed(processed_dir=target)
    before = (target / "indicators.csv").read_bytes()

    def boom(raw):
        raise RuntimeError("half-way")

    monkeypatch.setattr(processing, "build_all", boom)
    with pytest.raises(RuntimeError):
        processing.build_processed(processed_dir=target, force=True)
    assert (target / "indicators.csv").read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["processed"]     # no staging left behind


def test_failed_write_leaves_previous_tables(fake_build, tmp_path, monkeypatch):
    target = tmp_path / "processed"
    processing.build_processed(processed_dir=target)
    before = sorted(p.name for p in target.iterdir())

    def bad_write(tables, staging):
        (staging / "indicators.csv").write_text("partial")
        raise OSError("disk full")

    monkeypatch.setattr(processing, "_write", bad_write)
    with pytest.raises(OSError):
        processing.build_processed(processed_dir=target, force=True)
    assert sorted(p.name for p in target.iterdir()) == before
    assert (target / "indicators.csv").read_text() != "partial"


def test_inputs_hash_covers_code_and_catalogue():
    srcs = sources.load_sources()
    h = processing.inputs_hash(srcs)
    assert h == processing.inputs_hash(srcs)
    assert "indicators.toml" in processing.DATA_MODULES and "processing.py" in processing.DATA_MODULES
    # derived from the directory: every module that builds the tables is hashed
    for name in ("prepare.py", "compute.py", "note_codes.py", "overseas.py", "breakdowns.py", "territories.py",
                 "schemas.py", "commune_merges_cog2024.csv"):
        assert name in processing.DATA_MODULES
    # and the sources' millésimes (the Flores year is read from the manifest)
    flores = dataclasses.replace(srcs["flores_a38_ze"], millesime="Flores 2023 and 2024")
    assert processing.inputs_hash({**srcs, "flores_a38_ze": flores}) != h


def test_processed_contract_is_checked(processed):
    from portraits.data import store
    tables = {n: store.table(n).copy() for n in schemas.PROCESSED}
    tables["indicators"]["rank"] = tables["indicators"]["rank"].astype("Int64")
    tables["indicators"]["n_ranked"] = tables["indicators"]["n_ranked"].astype("Int64")
    schemas.validate_processed(tables)
    bad = dict(tables)
    ind = tables["indicators"].copy()
    ind.loc[ind.value.isna().idxmax(), "status"] = "ok"      # a gap passed off as a value
    bad["indicators"] = ind
    with pytest.raises(schemas.RawSchemaError, match="indicators"):
        schemas.validate_processed(bad)
