"""The template's conditions on metadata (when-meta, unless-meta), decided as Quarto does."""

import pytest

from portraits.template import conditions

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
    out = conditions.resolve(text, META)
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
    assert conditions.resolve(text, META).split() == ["Not", "b."]
    both_missing = {"available": {"a": False, "b": False}}
    assert "Neither." in conditions.resolve(text, both_missing)


def test_spans_with_metadata_conditions_inside_a_sentence():
    text = ('Des [emplois]{.content-visible when-meta="comparable.a"}[emplois salariés]{.content-hidden '
            'when-meta="comparable.a"} du territoire.\n[Voir [la note](#n).]{.content-visible when-meta="available.b"}')
    assert conditions.resolve(text, META) == "Des emplois salariés du territoire.\n"
    other = '[HTML only]{.content-visible when-format="html"}'
    assert conditions.resolve(other, META) == other  # left to the renderer


def test_a_condition_without_metadata_is_an_error():
    with pytest.raises(conditions.ConditionError, match="p.metadata()"):
        conditions.resolve('::: {.content-visible when-meta="available.a"}\nx\n:::', None, "t.qmd:3")


def test_only_the_boolean_true_satisfies_a_condition():
    # content-hidden.lua: `type(r) == "boolean" and r`; a string "yes" is not true for Quarto
    text = '[shown]{.content-visible when-meta="flag"}'
    assert conditions.resolve(text, {"flag": True}) == "shown"
    assert conditions.resolve(text, {"flag": "yes"}) == ""


@pytest.mark.parametrize("text, line, element", [
    ('[x]{.content-visible when-meta="a" when-format="html"}', 0, "span"),
    ('intro\n::: {.content-visible when-meta="a" unless-format="pdf"}\nx\n:::', 1, "div"),
])
def test_a_metadata_condition_mixed_with_another_is_a_problem(text, line, element):
    assert conditions.problems(text) == [(line, f"a condition on metadata and another condition on one "
                                                f"{element}: nest them, one condition each")]


def test_one_condition_per_element_is_no_problem():
    text = ('::: {.content-visible when-format="html"}\n[x]{.content-visible when-meta="a"}\n:::\n'
            '[y]{.content-hidden unless-meta="b"}')
    assert conditions.problems(text) == []


def test_a_span_without_its_opening_bracket_is_an_error():
    assert conditions.opening_bracket("a [b [c] d]{.x}", 10) == 2
    with pytest.raises(conditions.ConditionError, match=r"t\.qmd:1: a `\]\{\.content-visible"):
        conditions.resolve('b]{.content-visible when-meta="available.a"}', META, "t.qmd:1")


def test_what_conditions_read_is_kept_small_and_reads_alike():
    meta = {"available": {"a": True, "b": "yes", "deep": {"c": True}}, "flag": False, "other": 1}
    keys = ["available.a", "available.b", "available.deep", "available.deep.c", "missing.x", "flag.x"]
    kept = conditions.needed(meta, keys)
    assert kept == {"available": {"a": True, "b": False, "deep": {"c": True}}, "flag": False}
    assert all(conditions._lookup(kept, k) == conditions._lookup(meta, k) for k in keys)
    assert conditions.found('[a]{.content-visible when-meta="x.y"} ::: {unless-meta="z"}') == [
        ("when-meta", "x.y"), ("unless-meta", "z")]
