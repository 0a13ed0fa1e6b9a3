"""Names and attributes are checked before anything runs, whatever the conditions (one fixture per
way to fail in tests/fixtures/templates/, each quoting its message)."""

from __future__ import annotations

from pathlib import Path

import pytest

from portraits.core.errors import TemplateError
from portraits.template.names import check_names, problems
from portraits.template.reader import load_template, read_qmd

ROOT = Path(__file__).parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "templates"

HEAD = """\
---
title: "t"
jupyter: python3
---

```{python}
#| tags: [parameters]
territory = "ti-8413"
```

```{python}
#| include: false
%config InlineBackend.figure_formats = ["svg"]
from portraits.blocks.portrait import Portrait

p = Portrait(territory)
jobs = p.indicator("jobs")
```
"""


def messages(tmp_path, body: str, params=None) -> list[str]:
    path = tmp_path / "t.qmd"
    path.write_text(HEAD + body, encoding="utf-8")
    return [str(p) for p in problems(read_qmd(path), params or {"territory": "ti-0601"}, name=path.name,
                                     text=path.read_text(encoding="utf-8"))]


# the fixture -> the message its comment quotes
REFUSED = {
    "name_unknown_in_hidden_inline": "name_unknown_in_hidden_inline.qmd:27: `{python} povrety.marker`: "
                                     "unknown name 'povrety' (did you mean 'poverty'?)",
    "name_unknown_in_cell": "name_unknown_in_cell.qmd:24: unknown name 'popultion' (did you mean 'population'?)",
    "attribute_unknown_on_indicator": "attribute_unknown_on_indicator.qmd:25: `{python} jobs.compare(\"france\")`: "
                                   "`jobs` is a Indicator (portraits.text.phrasing.Indicator), which has no "
                                   "attribute 'compare' (did you mean 'compared'?)",
}


@pytest.mark.parametrize("fixture, message", REFUSED.items(), ids=list(REFUSED))
def test_a_misspelt_name_is_refused_with_its_file_line(fixture, message):
    path = FIXTURES / f"{fixture}.qmd"
    with pytest.raises(TemplateError) as info:
        load_template(path, {"territory": "ti-0601"})
    assert str(info.value) == message and info.value.exit_code == 2
    # the fixture's comment: YAML `#` lines (Quarto evaluates inline code in an HTML comment)
    comment = " ".join(" ".join(ln[1:] for ln in path.read_text(encoding="utf-8").splitlines()
                                if ln.startswith("#") and not ln.startswith("#|")).split())
    assert message in comment and "exit status 2" in comment


def test_the_real_template_and_the_test_templates_pass():
    for path in [ROOT / "portrait_template.qmd", ROOT / "tests/fixtures/preview/portrait.qmd",
                 ROOT / "tests/fixtures/build/template.ipynb"]:
        load_template(path, {"territory": "ti-8413"})
    load_template(ROOT / "tests/fixtures/render/portrait.qmd", {"territory_id": "ti-8413"})


def test_python_scoping_binds_what_the_cells_bind(tmp_path):
    body = """
```{python}
import math as m
def half(x):
    return x / m.pi + later_global
total = sum(v for v in [1, 2])
for k, v in {"a": 1}.items():
    pass
with open("/dev/null") as fh:
    pass
squares = [i * i for i in range(3)]
(lambda z: z)(k)
print(get_ipython(), display, In, Out, _, _i1, _3)
```

```{python}
later_global = 1
```

Valeurs : `{python} half(2)`, `{python} [total for _ in squares]`, `{python} fh.closed`.
"""
    assert messages(tmp_path, body) == []


def test_a_name_defined_only_by_a_later_cell_says_where(tmp_path):
    body = """
```{python}
print(ratio)
```

```{python}
ratio = 2
```
"""
    (message,) = messages(tmp_path, body)
    assert message == "t.qmd:21: 'ratio' is used before the cell that defines it (t.qmd:25)"


def test_portrait_methods_and_chained_figures_are_checked(tmp_path):
    body = """
```{python}
#| output: asis
p.key_figuers()
```

Texte `{python} p.indicator("managers_share").vz("france")` et `{python} p.first_marked([jobs], "france")`.
"""
    assert messages(tmp_path, body) == [
        "t.qmd:22: `p` is a Portrait (portraits.blocks.portrait.Portrait), which has no attribute "
        "'key_figuers' (did you mean 'key_figures'?)",
        "t.qmd:25: `{python} p.indicator(\"managers_share\").vz(\"france\")`: `p.indicator(\"managers_share\")` is a "
        "Indicator (portraits.text.phrasing.Indicator), which has no attribute 'vz' (did you mean 'vs'?)",
    ]


def test_rebinding_a_name_forgets_its_class_and_str_results_are_open(tmp_path):
    # jobs.when is a Text (a str): its attributes are str's, not checked; a rebound name is unknown
    body = """
Texte `{python} jobs.when.upper()` et `{python} jobs.value.anything`.

```{python}
jobs = {"a": 1}
```

Puis `{python} jobs.keys()`.
"""
    assert messages(tmp_path, body) == []


def test_after_a_star_import_names_are_not_checked(tmp_path):
    body = """
```{python}
from math import *
print(tau, whatever_it_binds)
```
"""
    assert messages(tmp_path, body) == []


def test_every_problem_is_told_the_first_with_its_message(tmp_path):
    path = tmp_path / "t.qmd"
    path.write_text(HEAD + "\nA `{python} jobz` B `{python} job`\n\nC `{python} jobs.wen`\n", encoding="utf-8")
    with pytest.raises(TemplateError) as info:
        check_names(read_qmd(path), {"territory": "ti-8413"}, path)
    assert str(info.value) == ("t.qmd:20: `{python} jobz`: unknown name 'jobz' (did you mean 'jobs'?) "
                               "(and 2 more: t.qmd:20, t.qmd:22)")


def test_a_code_cell_that_is_not_python_is_refused_with_its_line(tmp_path):
    (message,) = messages(tmp_path, "\n```{python}\nx = 1\ny = (\n```\n")
    assert message.startswith("t.qmd:22: code cell is not valid Python: ")


def test_a_notebook_template_names_its_cell(tmp_path):
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    nb = new_notebook(cells=[new_code_cell('territory = "x"', metadata={"tags": ["parameters"]}),
                             new_code_cell("y = 1\nprint(z)")])
    (problem,) = problems(nb, {}, name="t.ipynb")
    assert str(problem) == "t.ipynb: cell 1, line 2: unknown name 'z' (did you mean 'zip'?)"
    nbformat.write(nb, tmp_path / "t.ipynb")


def test_magics_and_shell_lines_do_not_break_the_check(tmp_path):
    body = """
```{python}
%matplotlib inline
files = !ls
if True:
    %time x = 1
print(files)
```

```{python}
%%timeit
anything goes here
```
"""
    assert messages(tmp_path, body) == []
