"""Evaluating the template's Markdown: Quarto inline expressions and metadata conditions."""

import pytest

from portraits.text import inline, phrasing

META = {"available": {"a": True, "b": False}, "comparable": {"a": False}}


def test_divs_with_metadata_conditions_are_kept_or_dropped():
    text = """\
::: {.content-visible when-meta="available.a"}
A is there.
:::

::: {.content-hidden when-meta="available.a"}
A is missing.
:::

::: {.content-visible unless-meta="available.b"}
B is missing.
:::

::: {.note}
An ordinary div stays.
:::"""
    out = inline.resolve_conditions(text, META)
    assert "A is there." in out and "A is missing." not in out and "B is missing." in out
    assert "::: {.note}\nAn ordinary div stays.\n:::" in out
    assert "when-meta" not in out and "unless-meta" not in out


def test_nested_divs_combine_their_conditions():
    text = """\
:::: {.content-hidden when-meta="available.b"}
::: {.content-hidden when-meta="available.a"}
Neither.
:::
Not b.
::::"""
    assert inline.resolve_conditions(text, META).split() == ["Not", "b."]
    both_missing = {"available": {"a": False, "b": False}}
    assert "Neither." in inline.resolve_conditions(text, both_missing)


def test_spans_with_metadata_conditions_inside_a_sentence():
    text = ('Des emplois[ salariés]{.content-hidden when-meta="comparable.a"} du territoire.'
            '[ Voir [la note](#n).]{.content-visible when-meta="available.b"}')
    assert inline.resolve_conditions(text, META) == "Des emplois salariés du territoire."
    other = '[HTML only]{.content-visible when-format="html"}'
    assert inline.resolve_conditions(other, META) == other  # left to the renderer


def test_a_condition_without_metadata_is_an_error():
    with pytest.raises(inline.InlineError, match="p.metadata()"):
        inline.resolve_conditions('::: {.content-visible when-meta="available.a"}\nx\n:::', None, "t.qmd:3")


class Value:
    def _repr_markdown_(self):
        return "**42**"


def test_expressions_are_evaluated_in_the_namespace():
    ns = {"x": Value(), "n": 3, inline.METADATA_NAME: META}
    text = "Value `{python} x`, count `{python} n + 1`.\n<!-- `{python} undefined` -->"
    out, evidence = inline.evaluate(text, ns)
    assert out.startswith("Value **42**, count 4.") and "`{python} undefined`" in out
    assert evidence == []


def test_expressions_in_a_dropped_block_are_not_evaluated():
    ns = {inline.METADATA_NAME: META}
    text = '::: {.content-visible when-meta="available.b"}\n`{python} 1 / 0`\n:::\nok'
    assert inline.evaluate(text, ns)[0].strip() == "ok"


def test_a_failing_expression_names_its_template_line_and_territory():
    text = "line one\nthen `{python} 1 / 0` here"
    with pytest.raises(inline.InlineError) as err:
        inline.evaluate(text, {}, template="portrait_template.qmd", line=40, territory="ti-0101")
    assert str(err.value).startswith("portrait_template.qmd:41: `{python} 1 / 0` failed for ti-0101: "
                                     "ZeroDivisionError")


def test_evidence_is_collected_per_evaluation():
    from portraits.text.benchmarks import benchmarks

    x = phrasing.Figure(dict(indicator_id="unemployment_rate", unit="%", territory=8.0, france=7.3,
                             source="Insee", year="2021"), benchmarks())
    out, evidence = inline.evaluate("Il est `{python} x.compared('france')`.", {"x": x})
    assert out == "Il est proche de la moyenne nationale."
    assert [row["asked"] for row in evidence] == ["compared('france')"]
    assert evidence[0]["outcome"] == "proche de la moyenne nationale"


def test_syntax_is_checked_without_running():
    inline.check_syntax("fine `{python} a.b(1)`", "t.qmd", 5)
    from portraits.execution.qmd import TemplateError

    with pytest.raises(TemplateError, match=r"t\.qmd:6: inline expression"):
        inline.check_syntax("fine\n`{python} a.b(`", "t.qmd", 5)


def test_code_blocks_and_comments_are_not_evaluated():
    assert not inline.has_inline("```\n`{python} x`\n```\n<!-- when-meta -->")
    assert inline.has_inline("Texte `{python} x`.")
