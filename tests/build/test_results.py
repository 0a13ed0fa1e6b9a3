"""What a build returns: failures described in one line, and the summary it prints."""

from __future__ import annotations

from pathlib import Path

from portraits.build.results import BuildResult, Failure, print_summary


def test_failures_say_where():
    in_cell = Failure("ti-0001", "execute", "ValueError", "bad", cell_index=4, execution_count=3)
    assert in_cell.describe() == "ti-0001: cell 4 (In [3]): ValueError: bad" and not in_cell.is_step
    assert Failure("ti-0002", "render", "RenderError", "pandoc").describe() == "ti-0002: render: RenderError: pandoc"
    assert Failure("catalogue", "catalogue", "OSError", "disk full").is_step
    # a cell of a .qmd template: its line and label first, what an author edits
    in_template = Failure("ti-0601", "execute", "ValueError", "unknown chart 'secteurs'", 12, 10,
                          template="portrait_template.qmd", template_line=142, label="fig-secteurs")
    assert in_template.describe() == ("ti-0601: portrait_template.qmd:142 (fig-secteurs, cell 12, In [10]): "
                                      "ValueError: unknown chart 'secteurs'")


def test_summary_counts_territories_and_lists_every_failure(capsys):
    result = BuildResult(ok=False, built=["ti-0001"], skipped=["ti-0002"], wall_s=1.25,
                         failed=[Failure("ti-0003", "execute", "ValueError", "bad", 4, 3, "out/notebooks/ti-0003.ipynb"),
                                 Failure("catalogue", "catalogue", "OSError", "disk full")],
                         report=Path("out/build-report.html"))
    print_summary(result, Path("out"))
    assert capsys.readouterr().out.splitlines() == [
        "portraits: 1 built, 1 up to date, 1 failed in 1.2 s -> out",
        "  FAILED ti-0003: cell 4 (In [3]): ValueError: bad",
        "         executed notebook: out/notebooks/ti-0003.ipynb",
        "  FAILED catalogue: catalogue: OSError: disk full",
        "build report: out/build-report.html"]

