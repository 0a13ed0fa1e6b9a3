"""Browser test setup: Debian's Chromium driven by Playwright, axe-core from the npm registry,
and built output directories to look at.

- Chromium: /usr/bin/chromium (``apt-get install chromium``, done by ``make system-deps``);
  Playwright's own browser download does not work here.
- axe-core: pinned in tests/browser/package.json + package-lock.json; ``npm ci`` installs it
  into tests/browser/node_modules when missing.
- Screenshots go to ``output/screenshots/`` (or $PORTRAITS_OUTPUT_DIR/screenshots) for review.

``make test`` installs all of these (venv, system-deps, node-deps, data) before it runs: one
missing is a broken setup, so the tests fail saying what to install, never skip.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from portraits.core import config, outputs
from portraits.data import store
from portraits.site import catalogue, publish
from portraits.site.catalogue_data import FILE_KINDS

HERE = Path(__file__).resolve().parent
FIXTURE_PROCESSED = HERE.parent / "fixtures" / "catalogue" / "processed"
CHROMIUM = os.environ.get("PORTRAITS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
PHONE, DESKTOP = 390, 1280
#: Territories given fake portrait files in the catalogue-only site (link checks).
FAKE_BUILT = ("ti-8413", "ti-8424", "ti-2703", "ti-0101")
FAKE_PDF_ONLY = ("ti-7601",)
E2E_IDS = ["ti-8413", "ti-0101"]


def processed_dir_for_tests() -> Path:
    """The real processed tables when `portraits data` has run, else the small fixture."""
    real = config.processed_dir()
    return real if (real / "territories.csv").is_file() and (real / "indicators.csv").is_file() else FIXTURE_PROCESSED


@contextlib.contextmanager
def processed_tables_for_tests():
    """The store reads processed_dir_for_tests() inside the block."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PORTRAITS_PROCESSED_DIR", str(processed_dir_for_tests()))
        store.clear_cache()
        try:
            yield
        finally:
            store.clear_cache()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    path = config.output_dir() / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} missing: `apt-get install -y chromium` (make system-deps), "
                    "or set PORTRAITS_CHROMIUM", pytrace=False)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:   # a test dependency (requirements-test.txt): the setup is broken
        pytest.fail(f"playwright missing ({exc}): `make venv` installs requirements-test.txt", pytrace=False)

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@dataclass
class Tab:
    """A page plus what went wrong in it (console errors, uncaught exceptions, failed loads)."""

    page: object
    errors: list[str] = field(default_factory=list)

    def assert_no_errors(self) -> None:
        assert not self.errors, "browser console errors:\n" + "\n".join(self.errors)


@pytest.fixture
def open_page(browser):
    contexts = []

    def _open(url: str, width: int = DESKTOP, height: int = 900, javascript: bool = True) -> Tab:
        context = browser.new_context(viewport={"width": width, "height": height}, locale="fr-FR",
                                      java_script_enabled=javascript)
        contexts.append(context)
        page = context.new_page()
        tab = Tab(page)
        page.on("console", lambda m: tab.errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: tab.errors.append(f"pageerror: {e}"))
        page.on("requestfailed", lambda r: tab.errors.append(f"request failed: {r.url} {r.failure}"))
        page.goto(url)
        page.wait_for_load_state("load")
        return tab

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's script, installed from the lock file if node_modules is missing."""
    script = HERE / "node_modules" / "axe-core" / "axe.min.js"
    if not script.is_file():
        npm = shutil.which("npm")
        if not npm:
            pytest.fail("npm missing: cannot install axe-core (`apt-get install -y npm`, make system-deps)",
                        pytrace=False)
        subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=HERE, check=True,
                       timeout=300)
    return script.read_text(encoding="utf-8")


def run_axe(page, axe_source: str) -> list[dict]:
    """axe-core's violations of impact serious or critical on the page as it is now."""
    page.add_script_tag(content=axe_source)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "nodes": [n["target"] for n in v["nodes"][:5]]}
        for v in result["violations"] if v["impact"] in ("serious", "critical")
    ]


def _write_fake_portraits(out: Path) -> None:
    for tid in FAKE_BUILT + FAKE_PDF_ONLY:
        # what a default build writes (a format on request only, Word, is not there)
        kinds = ("pdf",) if tid in FAKE_PDF_ONLY else [
            k for k, _, _ in FILE_KINDS if k not in set(outputs.FORMATS) - set(outputs.DEFAULT_FORMATS)]
        for key, pattern, _ in FILE_KINDS:
            if key not in kinds:
                continue
            path = out / pattern.format(id=tid)
            path.parent.mkdir(parents=True, exist_ok=True)
            if key == "html":
                path.write_text(
                    f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Portrait {tid}</title>'
                    f'<link rel="icon" href="data:,"></head><body><main><h1>Portrait factice {tid}</h1>'
                    f'<p><a href="../index.html">Catalogue</a></p></main></body></html>',
                    encoding="utf-8")
            else:
                path.write_text(f"fichier factice {key} {tid}\n", encoding="utf-8")


@pytest.fixture(scope="session")
def catalogue_site(tmp_path_factory) -> Path:
    """An output dir with the catalogue from the processed tables and a few fake portraits."""
    out = tmp_path_factory.mktemp("catalogue-site")
    _write_fake_portraits(out)
    with processed_tables_for_tests():
        catalogue.write_catalogue(out)
    return out


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """Real portraits of E2E_IDS built by `portraits build` into a temporary output dir."""
    if not (config.processed_dir() / "indicators.csv").is_file():
        pytest.fail(f"{config.processed_dir()} has no indicators.csv: run `portraits data` first "
                    "(make test does)", pytrace=False)
    out = tmp_path_factory.mktemp("built-site")
    result = publish.build_site(ids=E2E_IDS, all_territories=False, formats=["html", "pdf"], engine="builtin",
                             force=False, jobs=None, timeout=300, template=None, output_dir=out)
    assert result.ok, f"build of {E2E_IDS} failed: {result}"
    return out
