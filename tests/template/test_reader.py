"""The template reader follows Quarto's rules and refuses templates papermill would misuse, with
a message naming file:line (one fixture per way to fail: tests/fixtures/templates/)."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from portraits.template.reader import TemplateError, cell_options, check_template, parameters_of, read_qmd

FIXTURES = Path(__file__).parents[1] / "fixtures" / "templates"

TEMPLATE = """\
---
title: "Territoire d'industrie"
lang: fr
format:
  html: default
jupyter: python3
---

# Titre

```{python}
#| tags: [parameters]
territory_id = "ti-8413"
year: int = 2021
```

Texte avec `{python} x` en ligne.

```{python}
#| label: fig-emploi
#| fig-cap: |
#|   Répartition des emplois
#|   par grand secteur
#| fig-alt: "Barres horizontales"
#| custom-key: 3
print(territory_id)
```
"""


def write(tmp_path, text, newline="\n"):
    path = tmp_path / "t.qmd"
    path.write_bytes(text.replace("\n", newline).encode("utf-8"))
    return path


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code" and "narrative" not in c.metadata.tags]


def test_markdown_with_inline_expressions_becomes_an_evaluating_cell(tmp_path):
    nb = read_qmd(write(tmp_path, TEMPLATE))
    narrative = [c for c in nb.cells if "narrative" in c.metadata.get("tags", [])]
    assert len(narrative) == 1
    src = narrative[0].source
    assert src.startswith("#| output: asis\n") and "Texte avec `{python} x` en ligne." in src
    assert "template='t.qmd', line=16" in src  # line 17 of the file, after the literal's newline
    # plain Markdown stays Markdown
    assert any(c.cell_type == "markdown" and c.source == "# Titre" for c in nb.cells)


def test_reads_front_matter_kernelspec_cells_and_tags(tmp_path):
    nb = read_qmd(write(tmp_path, TEMPLATE))
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "python3"
    assert nb.metadata.kernelspec.language == "python"
    raw = nb.cells[0]
    assert raw.cell_type == "raw" and raw.source.startswith("---\n") and raw.source.endswith("\n---")
    assert "lang: fr" in raw.source and "jupyter" not in raw.source
    params, chart = code_cells(nb)
    assert params.metadata.tags == ["parameters"]  # papermill finds it here
    assert "tags" not in params.source
    assert params.source.startswith('territory_id = "ti-8413"')
    assert chart.id == "fig-emploi"
    assert chart.metadata["custom-key"] == 3
    assert "custom-key" not in chart.source
    assert chart.source.startswith("#| label: fig-emploi\n#| fig-cap: |")
    opts = cell_options(chart.source)
    assert opts["fig-cap"] == "Répartition des emplois\npar grand secteur\n"
    assert opts["fig-alt"] == "Barres horizontales"
    assert chart.outputs == [] and chart.execution_count is None
    # the paragraph with an inline expression is evaluated by a code cell (portraits.template.inline)
    assert [c.cell_type for c in nb.cells] == ["raw", "markdown", "code", "code", "code"]


def test_crlf_gives_same_notebook(tmp_path):
    lf = read_qmd(write(tmp_path, TEMPLATE))
    crlf = read_qmd(write(tmp_path, TEMPLATE, "\r\n"))
    assert lf == crlf
    assert all("\r" not in c.source for c in crlf.cells)


def test_verbatim_fences_do_not_start_cells(tmp_path):
    text = """\
````markdown
Un exemple :
```{python}
print("pas exécuté")
```
````

~~~
```{python}
1 + 1
```
~~~

```{=html}
<div class="x">```{python}</div>
```

```{.python}
not_a_cell = True
```

```{{python}}
shown_verbatim = True
```

```{python}
real = 1
```
"""
    nb = read_qmd(write(tmp_path, "---\njupyter: python3\n---\n" + text))
    cells = code_cells(nb)
    assert len(cells) == 1 and cells[0].source == "real = 1"
    md = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert 'print("pas exécuté")' in md and "1 + 1" in md and "{=html}" in md
    assert "not_a_cell" in md and "shown_verbatim" in md


def test_longer_cell_fence_contains_shorter_fence(tmp_path):
    text = '````{python}\ns = """\n```\ninside\n```\n"""\n````\n'
    nb = read_qmd(write(tmp_path, text))
    (cell,) = code_cells(nb)
    assert cell.source == 's = """\n```\ninside\n```\n"""'


def test_labels_become_unique_valid_ids(tmp_path):
    text = "```{python}\n#| label: tbl-a b\n1\n```\n\n```{python}\n#| label: tbl-a b\n2\n```\n\n```{python}\n3\n```\n"
    nb = read_qmd(write(tmp_path, text))
    assert [c.id for c in nb.cells] == ["tbl-a-b", "tbl-a-b-2", "cell-3"]
    nbformat.validate(nb)


def test_default_kernel_without_front_matter(tmp_path):
    nb = read_qmd(write(tmp_path, "Texte\n\n```{python}\nx = 1\n```\n"))
    assert nb.metadata.kernelspec.name == "python3"
    assert [c.cell_type for c in nb.cells] == ["markdown", "code"]


def test_parameters_of_reads_literals():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell('#| echo: false\na = "x"\nb: int = 2\nc = [1, None]\nimport os',
                                  metadata={"tags": ["parameters"]})])
    assert parameters_of(nb) == {"a": "x", "b": 2, "c": [1, None]}


def test_parameters_must_be_literals():
    nb = read_qmd(FIXTURES / "parameter_not_literal.qmd")
    with pytest.raises(TemplateError, match="'territory'.*literal") as info:
        parameters_of(nb)
    assert not str(info.value).startswith("parameter_not_literal.qmd")  # no name given, no file:line


def test_check_template_refuses_missing_parameters_cell(tmp_path):
    # The R Markdown reading: the tag stays in the source, papermill would not see it.
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("#| tags: [parameters]\nterritory_id = 'x'")])
    with pytest.raises(TemplateError, match=r"no cell tagged parameters: add `#\| tags: \[parameters\]`"):
        check_template(nb, {"territory_id": "ti-0101"})


def test_check_template_refuses_undeclared_parameter(tmp_path):
    nb = read_qmd(write(tmp_path, TEMPLATE))
    check_template(nb, {"territory_id": "ti-0101"})  # declared: accepted
    with pytest.raises(TemplateError, match="territoire.*not declared.*declared: territory_id, year"):
        check_template(nb, {"territoire": "ti-0101"})


def test_every_code_cell_knows_its_template_line(tmp_path):
    nb = read_qmd(write(tmp_path, TEMPLATE))
    lines = TEMPLATE.splitlines()
    code = [c for c in nb.cells if c.cell_type == "code"]
    for cell in code:
        line = cell.metadata["portraits"]["line"]
        expected = "Texte avec" if "narrative" in cell.metadata.tags else "```{python}"
        assert lines[line - 1].startswith(expected), (line, cell.source)
    assert [c.metadata["portraits"]["line"] for c in code] == [11, 17, 19]


# Each fixture's comment says what it exercises and the message expected here; the message names
# file:line (the line to fix), and the command line exits with status 2 (an InputError).
REFUSED = {
    "front_matter_unclosed": "front_matter_unclosed.qmd:1: front matter opened with --- is never closed",
    "front_matter_bad_yaml": "front_matter_bad_yaml.qmd:7: front matter: invalid YAML: "
                             "while parsing a flow sequence; expected ',' or ']', but got ':'",
    "front_matter_bad_indent": "front_matter_bad_indent.qmd:13: front matter: invalid YAML: expected "
                               "<block end>, but found '<block mapping start>' (check this line's "
                               "indentation: it breaks the block that starts at line 10)",
    "cell_unclosed": "cell_unclosed.qmd:15: a ```{python} cell is never closed",
    "cell_options_bad_yaml": "cell_options_bad_yaml.qmd:18: cell options: invalid YAML: "
                             "while parsing a flow sequence; expected ',' or ']', but got '<stream end>'",
    "inline_syntax_error": "inline_syntax_error.qmd:16: inline expression `{python} territory.upper(` "
                           "is not valid Python: '(' was never closed",
    "no_parameters_cell": "no_parameters_cell.qmd has no cell tagged parameters: add `#| tags: [parameters]` "
                          "as the first line of the code cell that sets the default parameters "
                          '(e.g. territory = "ti-8413")',
    "parameter_not_literal": "parameter_not_literal.qmd:11: parameter 'territory': its default must be a "
                             "literal (string, number, list, None...), not 'default_territory()'",
    "parameters_cell_syntax_error": "parameters_cell_syntax_error.qmd:11: the parameters cell is not valid "
                                    "Python: unterminated string literal (detected at line 1) (<unknown>, line 1)",
    # what Quarto reads otherwise than our engine (inline.quarto_problems)
    "inline_in_comment": 'inline_in_comment.qmd:20: inline code in an HTML comment: Quarto evaluates it '
                         'there too; write it without its backticks',
    "inline_in_code_block": 'inline_in_code_block.qmd:20: inline code in a code block: Quarto evaluates it '
                            'there too; write it without its backticks',
    "inline_adjacent": 'inline_adjacent.qmd:18: a backtick right before `{python}`: Quarto does not see '
                       'an inline expression there; join adjacent expressions into one with + (`x.when +'
                       ' x.in_words(", soit ")`)',
    "inline_extra_space": 'inline_extra_space.qmd:18: `{python} territory`: write one space after {python} '
                          'and none before the closing backtick, or Quarto finds no result and leaves the '
                          'code',
    "inline_across_lines": 'inline_across_lines.qmd:18: an inline expression must end on its line: Quarto '
                           'replaces expressions line by line and would leave this one as code',
    "span_edge_space": 'span_edge_space.qmd:19: a bracketed span whose text starts or ends with a space:'
                       ' pandoc drops that space, gluing the words; put the space outside the brackets '
                       'or write whole alternatives',
    "condition_mixed": 'condition_mixed.qmd:18: a condition on metadata and another condition on one '
                       'span: nest them, one condition each',
}


def _comment(path: Path) -> str:
    """The fixture's comment (YAML `#` lines of the front matter, or an HTML comment), on one
    line. Those that quote inline code keep it in the front matter, which Quarto never evaluates."""
    text = path.read_text(encoding="utf-8")
    hashes = [ln[1:] for ln in text.splitlines() if ln.startswith("#")]
    found = re.search(r"<!--(.*?)-->", text, re.S)
    if found and not (hashes and hashes[0].strip().startswith("Exercises:")):
        hashes = found.group(1).splitlines()
    return " ".join(" ".join(hashes).split())


@pytest.mark.parametrize("fixture, message", REFUSED.items(), ids=list(REFUSED))
def test_a_broken_template_is_refused_with_its_file_line(fixture, message):
    path = FIXTURES / f"{fixture}.qmd"
    with pytest.raises(TemplateError) as info:
        check_template(read_qmd(path), {"territory": "ti-8413"}, name=path.name)
    assert str(info.value) == message
    assert info.value.exit_code == 2
    comment = _comment(path)
    assert comment.startswith("Exercises: ") and "exit status 2" in comment
    assert message in comment, "the fixture's comment must quote the message"



@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.qmd")), ids=lambda p: p.stem)
def test_every_template_fixture_says_what_it_exercises_and_what_to_expect(path):
    comment = _comment(path)
    assert comment.startswith("Exercises: ") and " Expected: " in comment, path.name


def test_load_template_reads_a_qmd_or_a_notebook_and_checks_it(tmp_path):
    from portraits.template.reader import load_template

    qmd_path = write(tmp_path, TEMPLATE.replace("{python} x", "{python} year"))  # names are checked too
    nb = load_template(qmd_path, {"territory_id": "ti-0101"})
    ipynb = tmp_path / "t.ipynb"
    nbformat.write(nb, ipynb)
    assert load_template(ipynb, {"territory_id": "ti-0101"}).cells == nb.cells
    with pytest.raises(TemplateError, match="t.ipynb: parameter.s. territoire not declared"):
        load_template(ipynb, {"territoire": "ti-0101"})
