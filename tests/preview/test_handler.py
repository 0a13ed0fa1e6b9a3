"""portraits.preview.handler: several territories side by side, each pane served and refreshed on
its own (an error in one pane only), and the handler reads only the preview's public methods."""

from __future__ import annotations

import ast
import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from portraits.preview import handler
from portraits.preview.server import Preview

TEMPLATE = (Path(__file__).parents[1] / "fixtures" / "preview" / "portrait.qmd").read_text(encoding="utf-8")
# fails for Mayotte only: its pane shows the error, the other its portrait
FAILS_FOR_ONE = TEMPLATE.replace("value = 6 * 7", 'value = 6 * 7 // (territory != "ti-0601")')


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as resp:
        return resp.read().decode("utf-8")


def test_the_handler_reads_no_private_attribute_of_the_preview():
    tree = ast.parse(Path(handler.__file__).read_text(encoding="utf-8"))
    private = [f"line {n.lineno}: {ast.unparse(n)}" for n in ast.walk(tree)
               if isinstance(n, ast.Attribute) and n.attr.startswith("_") and not n.attr.startswith("__")
               and ast.unparse(n.value) in ("preview", "self.server.preview")]
    assert not private, private


@pytest.fixture
def two(tmp_path):
    template = tmp_path / "portrait.qmd"
    template.write_text(FAILS_FOR_ONE, encoding="utf-8")
    (tmp_path / "package").mkdir()
    with Preview(["ti-8413", "ti-0601"], template, port=0, package_dir=tmp_path / "package",
                 processed_dir=tmp_path / "none") as p:
        assert p.wait_for(1, 120, "ti-8413") and p.wait_for(1, 120, "ti-0601")
        yield p, template


def test_side_by_side_panes_each_with_its_page_and_errors(two):
    p, template = two
    index = get(p.url)
    assert index.count("<iframe") == 2 and 'src="/t/ti-8413/"' in index and 'src="/t/ti-0601/"' in index
    assert "Mayotte" in index  # the pane's heading names the territory
    ok, failed = get(p.url + "t/ti-8413/"), get(p.url + "t/ti-0601/")
    assert "vaut 42" in ok and 'EventSource("/events?territory=ti-8413&since=1")' in ok
    assert 'id="preview-error"' in failed and "ZeroDivisionError" in failed
    assert json.loads(get(p.url + "status?territory=ti-0601"))["ok"] is False
    assert json.loads(get(p.url + "status?territory=ti-8413"))["ok"] is True
    assert len(set(p.kernel_pids)) == 2  # one warm kernel per territory

    template.write_text(TEMPLATE.replace("Titre original", "Titre modifié"), encoding="utf-8")  # fixed
    assert p.wait_for(2, 60, "ti-0601") and p.wait_for(2, 60, "ti-8413")
    assert "Titre modifié" in get(p.url + "t/ti-0601/") and "Titre modifié" in get(p.url + "t/ti-8413/")


def test_an_unknown_territory_is_not_found(two):
    p, _ = two
    with pytest.raises(urllib.error.HTTPError) as info:
        get(p.url + "status?territory=ti-9999")
    assert info.value.code == 404
