"""The build's one Typst process: the PDF it compiles is the one compiled in place, a Typst
error says the same, and a worker without the service (stopped, never started) compiles itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from portraits import render
from portraits.core import fonts
from portraits.render import RenderError, builtin, typst_service

FIXTURE = Path(__file__).parents[1] / "fixtures" / "render" / "portrait.ipynb"
FAILURES = FIXTURE.parent / "failures"


@pytest.fixture(scope="module")
def service():
    svc = typst_service.start()
    assert svc is not None, "the Typst service did not start"
    yield svc
    typst_service.stop(svc)


@pytest.fixture(scope="module")
def typ(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("typst-service")
    out = builtin._typst_output(tmp, {"name": "Vallée-Test"})
    builtin._run_all_formats(render.reader_notebook(FIXTURE, tmp), [out], tmp)
    return tmp / "portrait.typ"


def _here(typ: Path) -> bytes:
    return typst_service._compile_here(str(typ), str(typ.parent), str(fonts.font_dir()), 0)


def test_the_service_compiles_the_pdf_compiled_in_place(service, typ, monkeypatch):
    monkeypatch.setenv(typst_service.ADDRESS_ENV, service.address)
    pdf = typst_service.compile_pdf(typ, typ.parent, fonts.font_dir(), 0)
    assert pdf.startswith(b"%PDF") and pdf == _here(typ)
    assert getattr(typst_service._local, "conn", None) is not None  # it went through the service


def test_a_typst_error_through_the_service_is_the_same_render_error(service, tmp_path, monkeypatch):
    monkeypatch.setenv(typst_service.ADDRESS_ENV, service.address)
    with pytest.raises(RenderError, match=r"typst failed on typst_error\.ipynb: unknown variable: unknown-function$"):
        builtin.render_pdf(FAILURES / "typst_error.ipynb", tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_without_a_reachable_service_the_pdf_is_compiled_in_place(typ, tmp_path, monkeypatch):
    monkeypatch.setenv(typst_service.ADDRESS_ENV, str(tmp_path / "no-such-socket"))
    assert typst_service.compile_pdf(typ, typ.parent, fonts.font_dir(), 0) == _here(typ)
    svc = typst_service.start()
    typst_service.stop(svc)  # stopped: its socket is gone, the next compile is local
    monkeypatch.setenv(typst_service.ADDRESS_ENV, svc.address)
    assert typst_service.compile_pdf(typ, typ.parent, fonts.font_dir(), 0) == _here(typ)


def test_the_service_ends_with_a_build_that_was_killed(tmp_path):
    """A build killed outright (no finally, no atexit) leaves no Typst process behind."""
    import os
    import signal
    import subprocess
    import sys
    import time

    script = tmp_path / "build.py"
    script.write_text("import time\nfrom portraits.render import typst_service\n"
                      "if __name__ == '__main__':\n"
                      "    print(typst_service.start()._process.pid, flush=True)\n"
                      "    time.sleep(120)\n", encoding="utf-8")
    build = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    service_pid = int(build.stdout.readline())
    os.kill(build.pid, signal.SIGKILL)
    build.wait()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            os.kill(service_pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    os.kill(service_pid, signal.SIGKILL)
    pytest.fail("the Typst service outlived its build")


def test_the_fonts_are_loaded_once_per_process_and_the_pdf_is_typsts_own(typ):
    import typst

    typst_service._fonts.cache_clear()
    first, second = _here(typ), _here(typ)
    assert typst_service._fonts.cache_info().misses == 1 and typst_service._fonts.cache_info().hits == 1
    # what typst compiles from the list of paths, its fonts read again
    assert first == second == typst.compile(str(typ), root=str(typ.parent), font_paths=[str(fonts.font_dir())],
                                            ignore_system_fonts=True, timestamp=0)
