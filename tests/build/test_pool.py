"""The parent's pool: a hung worker is killed and replaced, the territory over time fails, the
others are retried."""

from __future__ import annotations

import time

from portraits.build import pool, worker


def test_hung_render_fails_alone_and_the_territory_behind_it_is_retried(env, monkeypatch):
    # A worker renders one territory while its kernel executes the next: when the render hangs,
    # the worker is killed; the hung territory fails, the one executing meanwhile is rebuilt.
    def render(job, tid, paths, previous=None):
        if tid == "ti-0001":
            time.sleep(600)
        return {}

    log = env.tmp / "executed.log"
    execute_one = worker.execute_one

    def logged(kernel, job, tid):
        with open(log, "a") as fh:
            fh.write(tid + "\n")
        return execute_one(kernel, job, tid)

    monkeypatch.setattr(worker, "execute_one", logged)
    monkeypatch.setattr(worker, "_render", render)
    monkeypatch.setattr(pool, "_KILL_GRACE", 1.0)
    # each execution takes 2 s: ti-0001 is overdue (4 + 1 s) well before ti-0002, sent 2 s later
    monkeypatch.setenv("PORTRAITS_TEST_SLEEP", "2")
    result = env.build(jobs=1, formats=["html"], timeout=4)
    assert [(f.territory, f.stage, f.ename) for f in result.failed] == [("ti-0001", "worker", "timeout")]
    assert sorted(result.built) == ["ti-0002", "ti-0003"]
    assert env.manifest()["territories"]["ti-0002"]["status"] == "ok"
    # ti-0002 was executed by the killed worker, behind the hung render, then once more
    assert log.read_text().split() == ["ti-0001", "ti-0002", "ti-0002", "ti-0003"]



def test_workers_are_the_jobs_asked_but_no_more_than_territories():
    assert pool.n_workers(4, 2) == 2 and pool.n_workers(2, 10) == 2 and pool.n_workers(3, 0) == 0
    assert pool.n_workers(None, 1000) == pool.default_jobs() >= 1


def test_workers_inherit_the_parents_objects_frozen_and_the_parent_unfreezes(env, monkeypatch):
    import gc

    log = env.tmp / "frozen.log"
    execute_one = worker.execute_one

    def logged(kernel, job, tid):
        with open(log, "a") as fh:
            fh.write(f"{gc.get_freeze_count()}\n")
        return execute_one(kernel, job, tid)

    monkeypatch.setattr(worker, "execute_one", logged)
    result = env.build(jobs=2, formats=[])
    assert sorted(result.built) == ["ti-0001", "ti-0002", "ti-0003"]
    counts = [int(x) for x in log.read_text().split()]
    assert len(counts) == 3 and min(counts) > 10_000  # the imports and data, out of the collector's way
    assert gc.get_freeze_count() == 0
