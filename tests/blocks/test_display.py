import pandas as pd

from portraits.blocks import charts, display
from portraits.blocks.chart_style import unavailable
from portraits.core import outputs


def test_md_escape_protects_data_driven_text():
    assert display.md_escape("A*B_[c]|<d>`e`\\") == "A\\*B\\_\\[c\\]\\|\\<d\\>\\`e\\`\\\\"
    assert display.md_escape("Vallée de l'Arve") == "Vallée de l'Arve"


def test_markdown_is_displayed_as_markdown():
    assert display.markdown("**x**")._repr_markdown_() == "**x**"


def test_a_chart_is_svg_with_its_alt_text_in_the_metadata():
    df = pd.DataFrame({"a38": ["CG"], "industry": [True], "label": ["Plastique"], "jobs": [1.0],
                       "share": [1.0], "specificity": [2.0], "year": ["2023"]})
    out = display.FigureOutput(charts.a38(df, name="T"))
    data, meta = out._repr_mimebundle_()
    assert data["image/svg+xml"].startswith("<?xml") and data["text/plain"] == out.alt
    assert meta == {"image/svg+xml": {"alt": out.alt}}


def test_a_missing_chart_is_an_italic_note():
    data, meta = display.FigureOutput(unavailable("carte"))._repr_mimebundle_()
    assert data["text/markdown"] == "*Graphique non disponible\u202f: carte (n.d.).*" and meta == {}


def test_metadata_is_a_yaml_block_for_the_reviewers():
    data, meta = display.MetadataBlock({"available": {"jobs": True}})._repr_mimebundle_()
    assert data["text/markdown"] == "---\navailable:\n  jobs: true\n---\n"
    assert meta == outputs.role_metadata(outputs.METADATA_ROLE)


def test_a_block_with_evidence_displays_it_after_its_own_output():
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    from portraits.core import outputs

    InteractiveShell.instance()
    rows = [{"place": "table_cell", "words": "12,3\u202f%", "indicator": "x"}]
    with capture_output() as captured:
        display.markdown("| a |\n|---|\n| 12,3\u202f% |", rows, "preuve-tableau")._ipython_display_()
    shown, proof = captured.outputs
    assert shown.data["text/markdown"].startswith("| a |")
    assert proof.metadata == {"portraits": {"role": outputs.EVIDENCE_ROLE, "anchor": "preuve-tableau"}}
    assert 'id="preuve-tableau"' in proof.data["text/html"] and "cellule" in proof.data["text/html"]
    assert display.markdown("plain").data == "plain" and not hasattr(display.markdown("plain"), "_ipython_display_")
