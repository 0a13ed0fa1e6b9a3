"""What a portrait shows, as the template asks for it: the indicators its text, key figures,
charts and tables use, so that its sources and "Pour comprendre" follow them, not a fixed
list. (The evidence of what decided its words is ``portraits.text.evidence``.)"""

from __future__ import annotations

from typing import Iterable


class Shown:
    """The indicators a portrait shows, in the order the template first uses them, and the
    breakdowns its charts draw (``"a38"``…), for the sources and "Pour comprendre"."""

    def __init__(self):
        self.indicators: dict[str, None] = {}
        self.breakdowns: dict[str, None] = {}

    def add(self, indicator_ids: Iterable[str]) -> None:
        for i in indicator_ids:
            self.indicators.setdefault(str(i), None)

    def add_breakdown(self, name: str) -> None:
        self.breakdowns.setdefault(name, None)
