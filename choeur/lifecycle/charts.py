"""A bar chart drawn on the server as SVG: no JavaScript, readable without colours (each bar
carries its number and the table beside it says the same)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

LABEL_WIDTH = 230
BAR_AREA = 360
ROW_HEIGHT = 30
BAR_HEIGHT = 18


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    y: int
    text_y: int
    width: int
    value_x: int


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    width: int
    height: int
    label_width: int


def status_bars(counts: Sequence[Any]) -> Chart:
    """One horizontal bar per status (objects with `label` and `count`), scaled to the largest."""
    largest = max((c.count for c in counts), default=0) or 1
    bars = []
    for index, item in enumerate(counts):
        width = round(BAR_AREA * item.count / largest)
        if item.count and width < 2:
            width = 2
        y = index * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) // 2
        bars.append(
            Bar(
                label=item.label,
                count=item.count,
                y=y,
                text_y=y + BAR_HEIGHT - 4,
                width=width,
                value_x=LABEL_WIDTH + width + 6,
            )
        )
    return Chart(
        bars=bars,
        width=LABEL_WIDTH + BAR_AREA + 60,
        height=max(len(bars), 1) * ROW_HEIGHT,
        label_width=LABEL_WIDTH,
    )
