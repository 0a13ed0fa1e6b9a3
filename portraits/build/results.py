"""What a build returns: the territories built, skipped and failed, and the summary it prints.

A failure is a territory's (``stage``: execute, data, render, review, extract, worker) or a
step's after the pool (the catalogue: ``territory`` and ``stage`` are then the step's name)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from portraits.core.errors import UsageError
from portraits.template.names import cell_location


DEFAULT_TIMEOUT = 300.0  # seconds allowed per territory, unless the build is told otherwise


class BuildUsageError(UsageError, ValueError):
    """Bad input for a build (unknown territory, bad template, output dir busy): exit status 2."""


@dataclasses.dataclass
class Failure:
    territory: str
    stage: str                       # execute, data, render, review, extract, worker; or a step's name
    ename: str
    message: str
    cell_index: int | None = None
    execution_count: int | None = None
    notebook: str | None = None
    template: str | None = None           # where the failing cell is in the template (execute)
    template_line: int | None = None
    label: str | None = None

    @property
    def is_step(self) -> bool:
        """A step of the whole build failed (the catalogue), not a territory."""
        return self.territory == self.stage

    def describe(self) -> str:
        where = cell_location(self.template, self.template_line, self.label, self.cell_index,
                              self.execution_count) or self.stage
        return f"{self.territory}: {where}: {self.ename}: {self.message}"


@dataclasses.dataclass
class BuildResult:
    ok: bool
    built: list[str] = dataclasses.field(default_factory=list)
    skipped: list[str] = dataclasses.field(default_factory=list)
    failed: list[Failure] = dataclasses.field(default_factory=list)
    wall_s: float = 0.0
    report: Path | None = None


def print_summary(result: BuildResult, output_dir: Path) -> None:
    n_failed = len([f for f in result.failed if not f.is_step])
    print(f"portraits: {len(result.built)} built, {len(result.skipped)} up to date, {n_failed} failed "
          f"in {result.wall_s:.1f} s -> {output_dir}")
    for failure in result.failed:
        print(f"  FAILED {failure.describe()}")
        if failure.notebook:
            print(f"         executed notebook: {failure.notebook}")
    if result.report:
        print(f"build report: {result.report}")
