"""A class's attributes read from its source agree with the class itself, follow its portraits
bases and return annotations, and leave open a class built on another library's."""

from __future__ import annotations

import dataclasses
import os

from portraits.template import api_source
from portraits.template.api_source import class_api


def test_indicator_and_portrait_apis_match_the_classes():
    from portraits.blocks.portrait import Portrait
    from portraits.text.phrasing import Indicator

    indicator = class_api("portraits.text.phrasing.Indicator")
    assert indicator.checked
    assert {n for n in dir(Indicator) if not n.startswith("_")} <= set(indicator.public)
    assert {"row", "id", "unit", "noun"} <= set(indicator.public)  # set in __init__
    portrait = class_api("portraits.blocks.portrait.Portrait")
    fields = {f.name for f in dataclasses.fields(Portrait)}
    assert {n for n in dir(Portrait) if not n.startswith("_")} | fields <= set(portrait.public)
    assert portrait.methods["indicator"] == "portraits.text.phrasing.Indicator"  # its return annotation
    assert indicator.properties["when"] == "portraits.text.phrasing.Text"
    assert not class_api("portraits.text.phrasing.Text").checked  # Text(str): str's attributes


def test_bases_annotations_and_edits_are_followed(tmp_path, monkeypatch):
    pkg = tmp_path / "portraits" / "demo"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    module = pkg / "shapes.py"
    module.write_text(
        "from portraits.demo import shapes as me\n"
        "class Base:\n    kind = 'base'\n    def area(self) -> 'me.Square':\n        self.cached = 1\n"
        "class Square(Base):\n    side: int\n    @property\n    def double(self) -> 'Square':\n        return self\n"
        "class Open(dict):\n    pass\n"
        "class Dynamic:\n    def __getattr__(self, name):\n        return name\n"
        "class Child(me.Square):\n    pass\n")
    monkeypatch.setattr(api_source, "PACKAGE_DIR", tmp_path / "portraits")
    square = class_api("portraits.demo.shapes.Square")
    assert square.public == ["area", "cached", "double", "kind", "side"] and square.checked
    assert square.methods["area"] == square.properties["double"] == "portraits.demo.shapes.Square"
    assert not class_api("portraits.demo.shapes.Open").checked
    assert not class_api("portraits.demo.shapes.Dynamic").checked
    assert class_api("portraits.demo.shapes.Child").public == square.public  # a base named through a module
    assert class_api("portraits.demo.shapes.Missing") is None and class_api("pandas.DataFrame") is None
    module.write_text(module.read_text().replace("side: int", "side: int\n    colour = 'red'"))
    os.utime(module, ns=(1, 10**18))  # a new modification time, whatever the clock's resolution
    assert "colour" in class_api("portraits.demo.shapes.Square").public
