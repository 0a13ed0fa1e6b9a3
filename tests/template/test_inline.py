"""Evaluating the template's Markdown: Quarto inline expressions, after the metadata conditions."""

import json
import re

import pytest

from portraits.template import conditions, inline
from portraits.text import phrasing

META = {"available": {"a": True, "b": False}, "comparable": {"a": False}}


class Value:
    def _repr_markdown_(self):
        return "**42**"


def test_expressions_are_evaluated_in_the_namespace():
    ns = {"x": Value(), "n": 3, conditions.METADATA_NAME: META}
    text = "Value `{python} x`, count `{python} n + 1`.\n<!-- `{python} undefined` -->"
    out, evidence = inline.evaluate(text, ns)
    assert out.startswith("Value **42**, count 4.") and "`{python} undefined`" in out
    assert evidence == []


def test_expressions_in_a_dropped_block_are_evaluated_as_quarto_does():
    x = phrasing.Indicator(dict(indicator_id="unemployment_rate", unit="%", territory=8.0, france=7.3),
                        _benchmarks())
    ns = {"x": x, conditions.METADATA_NAME: META}
    text = '::: {.content-visible when-meta="available.b"}\n`{python} x.compared("france")`\n:::\nok'
    out, evidence = inline.evaluate(text, ns)
    assert out.strip() == "ok" and evidence == []  # words and evidence of hidden text discarded
    failing = ('ok\n[`{python} 1 / 0`]{.content-visible when-meta="available.b"}')
    with pytest.raises(inline.InlineError) as err:
        inline.evaluate(failing, ns, template="t.qmd", line=10, territory="ti-0601")
    assert str(err.value).startswith("t.qmd:11: `{python} 1 / 0` failed for ti-0601 in a block hidden "
                                     "by its condition, which Quarto evaluates all the same: ZeroDivisionError")


def _benchmarks():
    from portraits.text.benchmarks import benchmarks

    return benchmarks()


@pytest.mark.parametrize("expr, message", [
    ("''", "gives an empty text, for which Quarto leaves the code in the page"),
    ("empty", "gives an empty text, for which Quarto leaves the code in the page"),
    ("None", 'gives None, which Quarto shows as "None"'),
])
def test_a_result_quarto_would_not_show_is_refused(expr, message):
    ns = {"empty": phrasing.Text("")}
    with pytest.raises(inline.InlineError, match="^t.qmd:3: `{python} [^`]+`: it " + re.escape(message)):
        inline.evaluate(f"Texte `{{python}} {expr}`.", ns, template="t.qmd", line=3)


def test_a_plain_value_reads_as_quarto_reads_its_repr():
    # jupyter-inline.ts asEscapedMarkdown: a str's repr, quotes removed, Markdown escaped
    ns = {"s": "**ti-8413**", "n": 4}
    assert inline.evaluate("`{python} s` `{python} n`", ns)[0] == r"\*\*ti\-8413\*\* 4"


def test_texts_compose_into_one_markdown_text():
    when, words = phrasing.Text("en 2022"), phrasing.Text(", soit un sur trois")
    assert isinstance(when + words, phrasing.Text) and when + words == "en 2022, soit un sur trois"
    assert isinstance("contre " + when, phrasing.Text) and ("contre " + when)._repr_markdown_() == "contre en 2022"
    out, _ = inline.evaluate("`{python} a + b`", {"a": when, "b": phrasing.Text("")})
    assert out == "en 2022"  # an empty part is fine once joined to words that are not


@pytest.mark.parametrize("text, line, what", [
    ("ok\n<!-- `{python} x` -->", 1, "inline code in an HTML comment"),
    ("```\n`{python} x`\n```", 1, "inline code in a code block"),
    ("`{python} a``{python} b`", 0, "a backtick right before `{python}`"),
    ("`{python}  a`", 0, "one space after {python}"),
    ("`{python} a `", 0, "one space after {python}"),
    ("`{python} a\nb`", 0, "must end on its line"),
    ("des emplois[ salariés]{.x} du", 0, "starts or ends with a space"),
    ("x\n[Voir. ]{.x}", 1, "starts or ends with a space"),
    ('[x]{.content-visible when-meta="a" when-format="html"}', 0, "nest them"),
    ('::: {.content-visible when-meta="a" unless-format="pdf"}\nx\n:::', 0, "nest them"),
])
def test_what_quarto_reads_otherwise_is_found_with_its_line(text, line, what):
    problems = inline.quarto_problems(text)
    assert problems and problems[0][0] == line and what in problems[0][1]


def test_constructs_both_read_alike_are_not_problems():
    text = ('## `{python} x.title("france", otherwise="T")`\n\nDes [emplois]{.a}[emplois salariés]{.b} '
            '`{python} p.first_marked([a, b])`, `{python} x.when + x.in_words(", soit ")`.\n'
            '````\n```{python}\n````\n<!-- a comment, {python} x -->')
    assert inline.quarto_problems(text) == []


def test_a_failing_expression_names_its_template_line_and_territory():
    text = "line one\nthen `{python} 1 / 0` here"
    with pytest.raises(inline.InlineError) as err:
        inline.evaluate(text, {}, template="portrait_template.qmd", line=40, territory="ti-0101")
    assert str(err.value).startswith("portrait_template.qmd:41: `{python} 1 / 0` failed for ti-0101: "
                                     "ZeroDivisionError")


def test_evidence_is_collected_per_evaluation():
    from portraits.text.benchmarks import benchmarks

    x = phrasing.Indicator(dict(indicator_id="unemployment_rate", unit="%", territory=8.0, france=7.3,
                             source="Insee", year="2021"), benchmarks())
    out, evidence = inline.evaluate("Il est `{python} x.compared('france')`.", {"x": x})
    assert out == "Il est proche de la moyenne nationale."
    assert [row["asked"] for row in evidence] == ["compared('france')"]
    assert evidence[0]["outcome"] == "proche de la moyenne nationale"


def test_syntax_is_checked_without_running():
    inline.check_syntax("fine `{python} a.b(1)`", "t.qmd", 5)
    from portraits.template.reader import TemplateError

    with pytest.raises(TemplateError, match=r"t\.qmd:6: inline expression"):
        inline.check_syntax("fine\n`{python} a.b(`", "t.qmd", 5)


def test_code_blocks_and_comments_are_not_evaluated():
    assert not inline.has_inline("```\n`{python} x`\n```\n<!-- when-meta -->")
    assert inline.has_inline("Texte `{python} x`.")


def test_a_condition_that_cannot_be_decided_fails_the_territory_as_an_inline_error():
    # the kernel's error is an InlineError, whichever part of the cell failed
    with pytest.raises(inline.InlineError, match=r"^t\.qmd:3: a `when-meta` condition needs"):
        inline.evaluate('::: {.content-visible when-meta="available.a"}\nx\n:::', {}, template="t.qmd", line=3)


def _replay_namespace():
    from portraits.text.benchmarks import benchmarks

    x = phrasing.Indicator(dict(indicator_id="unemployment_rate", unit="%", territory=8.0, france=7.3,
                                source="Insee", year="2021"), benchmarks())
    return {"x": x, conditions.METADATA_NAME: META, "territory": "ti-8413"}


REPLAYED = ('## `{python} x.title("france", otherwise="Chômage")`\n\n'
            '[Il est `{python} x.compared("france")`.]{.content-visible when-meta="available.a"}'
            '[Caché : `{python} x`.]{.content-visible when-meta="available.b"}')


def test_a_reworded_cell_replayed_from_its_log_gives_what_running_it_gives():
    ns = _replay_namespace()
    (md, meta), *_ = run = inline.cell_outputs(REPLAYED, ns, template="t.qmd", line=7)
    log = meta["portraits"][inline.REPLAY]
    assert [(c["expr"], c["dropped"]) for c in log["calls"]] == [
        ("x", True), ('x.title("france", otherwise="Chômage")', False), ('x.compared("france")', False)]
    assert log["conditions"] == {"available": {"a": True, "b": False}}  # what the conditions read
    json.dumps(log)  # kept in the notebook
    reworded = REPLAYED.replace("Il est", "Le taux de chômage est").replace("## ", "## Titre : ")
    ran = inline.cell_outputs(reworded, ns, template="t.qmd", line=7)
    replayed = inline.cell_outputs(reworded, template="t.qmd", line=7, replay=inline.Replay(log))
    assert replayed == ran and "Le taux de chômage est proche" in ran[0][0]["text/markdown"]
    # the evidence says again which words each decision gave, a title's or a sentence's
    assert [r["place"] for r in evidence_rows(replayed)] == ["title", "sentence"]


def evidence_rows(outputs):
    from portraits.text import evidence

    return [r for data, _ in outputs for r in evidence.from_output(data)]


@pytest.mark.parametrize("text", [
    REPLAYED.replace('x.compared("france")', 'x.compared("region")'),  # another expression
    REPLAYED.replace("`{python} x`.]", "rien.]"),                       # one fewer
    REPLAYED + " `{python} x`",                                         # one more
    REPLAYED.replace('available.b"}', 'available.a"}'),                 # the hidden one shown
])
def test_a_cell_asking_for_other_evaluations_is_not_replayed(text):
    (_, meta), *_ = inline.cell_outputs(REPLAYED, _replay_namespace(), template="t.qmd", line=7)
    with pytest.raises(inline.ReplayMismatch):
        inline.cell_outputs(text, template="t.qmd", line=7,
                            replay=inline.Replay(meta["portraits"][inline.REPLAY]))


def test_under_quarto_a_cell_shows_its_words_only(monkeypatch):
    monkeypatch.setenv("QUARTO_FIG_FORMAT", "retina")
    outputs = inline.cell_outputs(REPLAYED, _replay_namespace())
    assert len(outputs) == 1 and outputs[0][1] == {}
