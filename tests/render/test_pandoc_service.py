"""The pandoc process that takes one small job after another (all_formats.lua --serve): the same
files as a pandoc of their own, one process for the next job, a failure that is the same
RenderError and leaves it running, a dead one replaced, a forked process with its own."""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
from pathlib import Path

import pytest

from portraits import render
from portraits.render import RenderError, builtin, pandoc_service

FIXTURE = Path(__file__).parents[1] / "fixtures" / "render" / "portrait.ipynb"


@pytest.fixture()
def command():
    pandoc = builtin._pandoc_path()
    cmd = [pandoc, *builtin._rts_options(pandoc, tuple(builtin.FRAGMENTS_RTS)), "lua", str(builtin.ALL_FORMATS)]
    yield cmd
    pandoc_service.stop(cmd)


def _job(tmp: Path, **extra) -> Path:
    """A whole-page job (HTML and Typst) of the render fixture, in ``tmp``."""
    tmp.mkdir(parents=True, exist_ok=True)
    outputs = builtin.document_parts(tmp, ["html", "pdf"], {"html": {"name": "Vallée-Test"}, "pdf": {"name": "Vallée-Test"}})
    job = {**builtin.render_job(outputs), "input": str(render.reader_notebook(FIXTURE, tmp)), **extra}
    path = tmp / "job.json"
    path.write_text(json.dumps(job, ensure_ascii=False), encoding="utf-8")
    return path


def _outputs(tmp: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (tmp / "portrait.html", tmp / "portrait.typ")}


def _pid(command) -> int:
    return pandoc_service._services[tuple(command)][1].pid


def test_jobs_through_the_service_write_what_their_own_pandoc_writes(command, tmp_path):
    own = _job(tmp_path / "own")
    builtin._run_pandoc(["lua", str(builtin.ALL_FORMATS), str(own)], cwd=own.parent)
    first, second = _job(tmp_path / "a"), _job(tmp_path / "b")
    assert pandoc_service.run(command, first)
    pid = _pid(command)
    assert pandoc_service.run(command, second)
    assert _pid(command) == pid  # the same process took the next job
    expected = {k: v.replace(str(own.parent).encode(), b"TMP") for k, v in _outputs(own.parent).items()}
    for done in (first, second):
        assert {k: v.replace(str(done.parent).encode(), b"TMP") for k, v in _outputs(done.parent).items()} == expected


def test_a_failing_job_is_a_render_error_and_the_service_takes_the_next(command, tmp_path):
    assert pandoc_service.run(command, _job(tmp_path / "a"))
    pid = _pid(command)
    bad = _job(tmp_path / "bad")
    data = json.loads(bad.read_text(encoding="utf-8"))
    bad.write_text(json.dumps({**data, "input": str(tmp_path / "missing.ipynb")}), encoding="utf-8")
    with pytest.raises(RenderError, match=r"pandoc failed \(exit 1\):\n.*missing\.ipynb"):
        pandoc_service.run(command, bad)
    assert pandoc_service.run(command, _job(tmp_path / "b")) and _pid(command) == pid


def test_what_a_filter_prints_is_not_taken_for_the_reply(command, tmp_path):
    noisy = tmp_path / "noisy.lua"
    noisy.write_text('print("{\\"error\\": \\"not a reply\\"}")\nreturn {}\n', encoding="utf-8")
    path = _job(tmp_path / "a")
    job = json.loads(path.read_text(encoding="utf-8"))
    job["shared"]["filters"].append(str(noisy))
    path.write_text(json.dumps(job), encoding="utf-8")
    assert pandoc_service.run(command, path)
    assert (path.parent / "portrait.html").stat().st_size > 0


def test_a_dead_service_is_replaced_and_the_job_left_to_the_caller(command, tmp_path):
    assert pandoc_service.run(command, _job(tmp_path / "a"))
    proc = pandoc_service._services[tuple(command)][1]
    proc.kill()
    proc.wait()
    assert pandoc_service.run(command, _job(tmp_path / "b"))  # a new one, started for this job
    assert _pid(command) != proc.pid
    # one that dies on the job it takes (a crash): the caller's own pandoc runs that one
    pandoc_service.stop(command)
    dying = subprocess.Popen(["sh", "-c", "read line"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    pandoc_service._services[tuple(command)] = (os.getpid(), dying)
    assert pandoc_service.run(command, _job(tmp_path / "c")) is False
    assert tuple(command) not in pandoc_service._services and dying.returncode == 0


def _in_child(command, path, queue):
    queue.put((pandoc_service.run(command, Path(path)), _pid(command)))


def test_a_forked_process_starts_its_own_and_the_service_ends_with_its_input(command, tmp_path):
    assert pandoc_service.run(command, _job(tmp_path / "a"))
    proc = pandoc_service._services[tuple(command)][1]
    ctx = multiprocessing.get_context("fork")  # as the build's workers are started
    queue = ctx.Queue()
    child = ctx.Process(target=_in_child, args=(command, str(_job(tmp_path / "b")), queue))
    child.start()
    done, child_pid = queue.get(timeout=60)
    child.join(30)
    assert done and child_pid != proc.pid
    pandoc_service.stop(command)
    assert proc.returncode == 0  # its input closed: it ended by itself


def test_stop_all_ends_and_waits_for_every_service_of_this_process(command, tmp_path):
    assert pandoc_service.run(command, _job(tmp_path / "a"))
    proc = pandoc_service._services[tuple(command)][1]
    pandoc_service.stop_all()
    assert proc.returncode == 0 and not pandoc_service._services
