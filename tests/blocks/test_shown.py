from portraits.blocks import shown
from portraits.core import outputs


def test_shown_keeps_the_first_use_order_once():
    s = shown.Shown()
    s.add(["jobs", "population"])
    s.add(["population", "density"])
    s.add_breakdown("a38")
    assert list(s.indicators) == ["jobs", "population", "density"] and list(s.breakdowns) == ["a38"]


def test_evidence_rows_say_which_words_they_decided():
    row = {"indicator_id": "unemployment_rate", "unit": "%", "territory": 11.2, "france": 12.1,
           "rank": 106, "n_ranked": 182, "source": "Insee, RP 2021", "year": "2021", "approx": False}
    r = shown.evidence_row(row, place="key_figure", words="11,2 % des actifs", asked="valeur et libellé",
                           benchmark="france", outcome="ok")
    assert set(r) == set(shown.EVIDENCE_KEYS)
    assert r["bench_shown"] == "12,1\u202f%" and r["rank"] == "106/182" and r["benchmark"] == "France"
    table = shown.evidence_table([r, r])
    assert len(table) == 1 and table.iloc[0]["Place"] == "chiffre clé"


def test_a_block_displays_its_markdown_then_its_evidence(monkeypatch):
    shown_outputs = []
    monkeypatch.setattr("IPython.display.display", lambda data, **kw: shown_outputs.append((data, kw)))
    row = {"indicator_id": "jobs", "unit": "emplois", "territory": 10.0}
    out = shown.WithEvidence("::: {.x}\n:::\n", [shown.evidence_row(row, place="key_figure", words="10", asked="v")])
    out._ipython_display_()
    (first, _), (second, kw) = shown_outputs
    assert first["text/markdown"] == "::: {.x}\n:::\n"
    assert outputs.role_of({"metadata": kw["metadata"]}) == outputs.EVIDENCE_ROLE and "evidence" in second["text/html"]
    assert out._repr_markdown_() == out.data


def test_a_chart_displays_its_figure_then_its_evidence(monkeypatch):
    shown_outputs = []
    monkeypatch.setattr("IPython.display.display", lambda data, **kw: shown_outputs.append((data, kw)))

    class Output:
        chart, alt = None, "Graphique"

        def _repr_mimebundle_(self, include=None, exclude=None):
            return {"image/svg+xml": "<svg/>", "text/plain": "Graphique"}, {"image/svg+xml": {"alt": "Graphique"}}

    row = {"indicator_id": "jobs", "unit": "emplois", "territory": 10.0}
    out = shown.ChartWithEvidence(Output(), [shown.evidence_row(row, place="chart_label", words="10", asked="barre")])
    out._ipython_display_()
    (first, kw1), (second, kw2) = shown_outputs
    assert "image/svg+xml" in first and kw1["metadata"] == {"image/svg+xml": {"alt": "Graphique"}}
    assert outputs.role_of({"metadata": kw2["metadata"]}) == outputs.EVIDENCE_ROLE and "graphique" in second["text/html"]
    assert out.alt == "Graphique" and out._repr_mimebundle_()[0]["image/svg+xml"] == "<svg/>"
