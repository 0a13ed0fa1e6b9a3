"""The raw-source manifest: checksums verified on copy, a bad mirror changes nothing."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from portraits.data import sources


def _manifest(tmp: Path, files: dict[str, bytes], tamper: str | None = None) -> Path:
    lines = []
    for i, (name, content) in enumerate(files.items()):
        sha = hashlib.sha256(content).hexdigest()
        if name == tamper:
            sha = "0" * 64
        lines.append(f'''[[source]]
id = "s{i}"
file = "{name}"
sha256 = "{sha}"
producer = "INSEE"
title = "t"
upstream = "u"
licence = "Licence Ouverte"
millesime = "2021"
geography = "COG 2024"
{'citation = "Insee, test"' if i == 0 else ""}
''')
    path = tmp / "sources.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.fixture()
def mirror(tmp_path):
    m = tmp_path / "mirror"
    (m / "a").mkdir(parents=True)
    files = {"a/one.csv": b"x;y\n1;2\n", "two.csv": b"code\n01001\n"}
    for name, content in files.items():
        (m / name).write_bytes(content)
    return m, files


def test_fetch_copies_and_verifies(tmp_path, mirror):
    m, files = mirror
    srcs = sources.load_sources(_manifest(tmp_path, files))
    raw = tmp_path / "raw"
    copied = sources.fetch(m, srcs, raw)
    assert len(copied) == 2 and (raw / "a/one.csv").read_bytes() == files["a/one.csv"]
    assert sources.fetch(m, srcs, raw) == []            # already there: nothing copied
    sources.verify(srcs, raw)


def test_checksum_mismatch_refuses_everything(tmp_path, mirror):
    m, files = mirror
    srcs = sources.load_sources(_manifest(tmp_path, files, tamper="two.csv"))
    raw = tmp_path / "raw"
    with pytest.raises(sources.SourceError) as exc:
        sources.fetch(m, srcs, raw)
    assert "two.csv" in str(exc.value) and "sha256" in str(exc.value)
    assert not (raw / "a/one.csv").exists()              # nothing copied from a bad mirror


def test_altered_raw_file_is_detected(tmp_path, mirror):
    m, files = mirror
    srcs = sources.load_sources(_manifest(tmp_path, files))
    raw = tmp_path / "raw"
    sources.fetch(m, srcs, raw)
    (raw / "two.csv").write_bytes(b"code\n99999\n")
    with pytest.raises(sources.SourceError, match="altered"):
        sources.verify(srcs, raw)


def test_project_manifest_is_valid_and_cited():
    srcs = sources.load_sources()
    assert "comparateur_2024" in srcs and "ptod_iris" in srcs
    from portraits.data import store
    assert store.source_citation("comparateur_2024").startswith("Insee, recensement de la population 2021")
    for sid in srcs:
        assert store.source_citation(sid)


def test_citation_is_the_manifests_or_producer_title_and_millesime(tmp_path, mirror):
    _, files = mirror
    srcs = sources.load_sources(_manifest(tmp_path, files))
    assert srcs["s0"].citation == "Insee, test"
    assert srcs["s1"].citation == "INSEE, t (2021)"


def _with_coverage(tmp: Path, files: dict[str, bytes], **coverage: str) -> Path:
    """A manifest whose first source declares ``coverage`` (its keys, as in data/sources.toml)."""
    path = _manifest(tmp, files)
    lines = path.read_text(encoding="utf-8").split("\n[[source]]")
    lines[0] += "".join(f'\n{k} = "{v}"' for k, v in coverage.items()) + "\n"
    path.write_text("\n[[source]]".join(lines), encoding="utf-8")
    return path


def test_coverage_is_declared_once_in_the_manifest(tmp_path, mirror):
    _, files = mirror
    path = _with_coverage(tmp_path, files, coverage="metropolitan", overseas_gap="metro_only",
                          france_note="france_metro")
    assert sources.metropolitan_only(path) == {"s0"}
    s0 = sources.coverage_of("s0", path)
    assert (s0.overseas_gap, s0.france_note) == ("metro_only", "france_metro")
    # a file that is not a statistical source (s1) declares nothing: an indicator may not read it
    with pytest.raises(sources.SourceError, match="'s1' declares no coverage"):
        sources.coverage_of("s1", path)


@pytest.mark.parametrize("coverage, message", [
    ({"coverage": "everywhere"}, "coverage 'everywhere' is not one of metropolitan, overseas"),
    ({"overseas_gap": "metro_only"}, "has overseas_gap but no coverage"),
])
def test_a_bad_coverage_is_refused(tmp_path, mirror, coverage, message):
    _, files = mirror
    with pytest.raises(sources.SourceError, match=message):
        sources.load_sources(_with_coverage(tmp_path, files, **coverage))


def test_every_source_an_indicator_reads_says_what_it_covers():
    from portraits.data import indicators

    for ind in indicators.load_catalogue():
        assert sources.coverage_of(ind["source"]).coverage in sources.COVERAGES
    # the IRIS and EPCI files of PTOD have no overseas unit (their names and PROVENANCE say so)
    assert {"ptod_iris", "ptod_epci", "ptod_epci_exdeco"} <= sources.metropolitan_only()
