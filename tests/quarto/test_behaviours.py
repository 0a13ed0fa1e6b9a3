"""Quarto's behaviours that the template must live with, pinned on tiny documents cut from the
template's sentences, each run through Quarto's own code (harness.py): the inline-expression
pattern, the results it puts in the text, pandoc's reading of spans, what is evaluated where,
and the two mechanisms the template relies on (text/markdown results, when-meta on a YAML block
printed by a cell)."""

from __future__ import annotations

import pytest

from .harness import QuartoRunError, cli_params
from .text import narrative, visible_text

pytestmark = pytest.mark.quarto

FRONT = """---
title: "Essai"
lang: fr
execute:
  echo: false
  warning: false
jupyter: python3
---
"""


def _qmd(setup: str, body: str, meta: str = "") -> str:
    front = FRONT.replace("jupyter: python3\n", f"jupyter: python3\n{meta}") if meta else FRONT
    return f"{front}\n```{{python}}\n#| include: false\n{setup}\n```\n\n{body}\n"


def _paragraphs(doc) -> list[str]:
    return [b.removeprefix("p: ") for b in narrative(doc.html) if b.startswith("p: ")]


def test_markdown_cells_stay_markdown_and_options_stay_in_the_source(quarto_ts):
    nb = quarto_ts.md_to_notebook(_qmd("x = 1", "Le territoire compte `{python} x` habitants."))
    kinds = [c["cell_type"] for c in nb["cells"]]
    assert kinds == ["markdown", "code", "markdown"]  # the front matter rides in the first Markdown cell
    code = "".join(nb["cells"][1]["source"])
    assert code.startswith("#| include: false\n")
    assert "`{python} x`" in "".join(nb["cells"][2]["source"])


def test_tags_go_into_the_cell_metadata(quarto_ts):
    nb = quarto_ts.md_to_notebook(FRONT + '\n```{python}\n#| tags: [parameters]\nterritory = "ti-8413"\n```\n')
    cell = nb["cells"][-1]
    assert cell["metadata"]["tags"] == ["parameters"]
    assert "".join(cell["source"]) == 'territory = "ti-8413"'


def test_parameters_are_injected_after_the_parameters_cell(quarto):
    doc = quarto.render_text(FRONT + '\n```{python}\n#| tags: [parameters]\nterritory = "ti-8413"\n```\n\n'
                             "Territoire `{python} territory`.\n", cli_params("territory:ti-0601"))
    assert _paragraphs(doc) == ["Territoire ti-0601."]
    tags = [c["metadata"].get("tags") for c in doc.notebook["cells"] if c["cell_type"] == "code"]
    assert tags == [["parameters"], ["injected-parameters"]]


def test_an_expression_right_after_another_is_not_found(quarto):
    # the template's `{python} x.when``{python} x.in_words(", soit ")`: the pattern
    # (?:^|[^`])`{python} needs a character other than a backtick before the expression
    doc = quarto.render_text(_qmd('when = "en 2022"\nwords = ", soit un sur trois"',
                                  "Le territoire `{python} when``{python} words`, contre 11 %."))
    assert _paragraphs(doc) == ['Le territoire en 2022{python} words, contre 11 %.']
    assert [e["expression"] for e in doc.notebook["cells"][-1]["metadata"]["user_expressions"]] == ["when"]


def test_an_empty_result_puts_the_code_back(quarto):
    doc = quarto.render_text(_qmd('nothing = ""', "Le territoire compte`{python} nothing`."))
    assert _paragraphs(doc) == ["Le territoire compte{python} nothing."]


def test_a_str_is_shown_as_its_repr_and_none_as_none(quarto):
    # a str has only text/plain, its repr: the quotes are stripped, the escapes stay (and are
    # escaped once more as Markdown: asEscapedMarkdown in jupyter-inline.ts)
    doc = quarto.render_text(_qmd('share = "34,6\\u202f%"\nplain = "34,6 %"\nmissing = None',
                                  "Part : `{python} plain`. Part : `{python} share`. Valeur : `{python} missing`."))
    assert _paragraphs(doc) == ["Part : 34,6 %. Part : 34,6\\\\u202f%. Valeur : None."]


def test_an_object_displayed_as_markdown_gives_its_markdown(quarto):
    setup = ('class Figure:\n'
             '    def _repr_markdown_(self):\n        return "34,6\\u202f%"\n'
             '    def __repr__(self):\n        return "<Figure object>"\n'
             'share = Figure()')
    doc = quarto.render_text(_qmd(setup, "L'industrie représente `{python} share` des emplois."))
    assert _paragraphs(doc) == ["L'industrie représente 34,6 % des emplois."]
    assert "34,6\u202f%" in doc.html


def test_a_span_loses_its_leading_space(quarto):
    doc = quarto.render_text(_qmd("x = 1", 'des emplois[ salariés]{.content-visible when-meta="flag"} du '
                                  'territoire.[ Les établissements emploient.]{.content-visible when-meta="flag"}',
                                  meta="flag: true\n"))
    assert _paragraphs(doc) == ["des emploissalariés du territoire.Les établissements emploient."]


def test_inline_code_in_a_comment_is_evaluated(quarto):
    body = "<!--\nWrite `{python} expr` for a figure.\n-->\n\nTexte."
    with pytest.raises(QuartoRunError, match="NameError: name 'expr' is not defined"):
        quarto.render_text(_qmd("x = 1", body))


def test_inline_code_in_a_hidden_block_is_evaluated(quarto):
    body = ('::: {.content-hidden when-meta="flag"}\nDonnée : `{python} 1 / 0`.\n:::\n\nTexte.')
    with pytest.raises(QuartoRunError, match="ZeroDivisionError"):
        quarto.render_text(_qmd("x = 1", body, meta="flag: true\n"))


def test_when_meta_reads_a_yaml_block_printed_by_a_cell(quarto):
    # what p.metadata() does: an asis output holding a YAML metadata block
    printed = ('```{python}\n#| output: asis\nprint("---\\navailable:\\n  jobs: true\\n  income: false\\n---")\n```\n\n'
               '::: {.content-visible when-meta="available.jobs"}\nEmplois.\n:::\n\n'
               '::: {.content-visible when-meta="available.income"}\nRevenus.\n:::\n\n'
               '::: {.content-hidden when-meta="available.income"}\nRevenus non disponibles.\n:::\n')
    doc = quarto.render_text(_qmd("x = 1", printed))
    assert _paragraphs(doc) == ["Emplois.", "Revenus non disponibles."]


def test_execute_enabled_false_runs_nothing(quarto, tmp_path):
    project = tmp_path / "_quarto.yml"
    project.write_text("execute:\n  enabled: false\n", encoding="utf-8")
    doc = quarto.render_text(_qmd("x = 1", "Le territoire compte `{python} x` habitants."), project_yaml=project)
    assert not doc.executed
    assert _paragraphs(doc) == ["Le territoire compte {python} x habitants."]


def test_french_labels_are_quartos(quarto):
    body = ('```{python}\n#| label: tbl-x\n#| tbl-cap: "Le territoire comparé"\n#| output: asis\n'
            'print("| A | B |\\n|--|--|\\n| 1 | 2 |")\n```\n\nVoir @tbl-x.')
    doc = quarto.render_text(_qmd("x = 1", body))
    assert "Table 1: Le territoire comparé" in visible_text(doc.html)  # _language-fr.yml: "Table"
    assert _paragraphs(doc) == ["Voir Table 1."]


def test_the_filter_chain_runs_on_quartos_own_stages(quarto, quarto_filters, tmp_path):
    # a figure with its caption, a margin column, a cross-reference and conditional content
    body = ('```{python}\n#| label: fig-carte\n#| fig-cap: "Situation du territoire"\n#| column: margin\n'
            'from IPython.display import SVG\nSVG(\'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>\')\n```\n\n'
            'Voir @fig-carte.\n\n::: {.content-hidden when-meta="flag"}\nCaché.\n:::\n')
    doc = quarto.render_text(_qmd("x = 1", body, meta="flag: true\n"))
    stages = quarto_filters.stages_run(doc.markdown, {"lang": "fr"}, tmp_path)
    for stage in ("normalize", "pre-combined-hidden", "pre-combined-figures-theorems-etc", "crossref-preprocess-floats",
                  "crossref-resolveRefs", "layout-columns", "post-render-html-fixups", "finalize-dependencies"):
        assert stage in stages, stage
    assert "Figure 1: Situation du territoire" in visible_text(doc.html)
    assert _paragraphs(doc) == ["Voir Figure 1."]
    assert "column-margin" in doc.html  # Quarto's class for `column: margin`
