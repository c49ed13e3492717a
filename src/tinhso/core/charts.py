"""Geometry of the plain-SVG charts of the statistics pages (pure: no Django imports).

A chart is horizontal stacked bars, one bar per row of a report; `templates/core/bar_chart.html`
draws it, and the page puts the table of the same numbers beside it (every chart has its
numbers one click away). Segments of a bar must be disjoint, so that a bar's length is the sum
it shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

# Colours with at least 3:1 contrast against white, told apart by the tables as well.
PALETTE = ("#1b5e9c", "#2e7d32", "#b35900", "#8b1a1a", "#5e35b1")
BAR_AREA, LABEL_WIDTH, BAR_HEIGHT, GAP = 320, 190, 18, 8
SHORT_LABEL = 28

Segments = Sequence[tuple[str, int]]


def stacked_bars(
    chart_id: str, title: str, bars: Sequence[tuple[str, Segments]], legend: Sequence[str]
) -> dict[str, Any]:
    """The layout of a chart: `bars` are (row label, [(segment label, value), …]) with the
    segments in the order of `legend`; the longest bar fills the drawing area."""
    biggest = max([1, *(sum(v for _l, v in segments) for _label, segments in bars)])
    laid_out = []
    for index, (label, segments) in enumerate(bars):
        x: float = LABEL_WIDTH
        parts = []
        for colour, (part_label, value) in zip(PALETTE, segments, strict=False):
            width = round(BAR_AREA * value / biggest, 1)
            parts.append(
                {"x": x, "width": width, "fill": colour, "label": part_label, "value": value}
            )
            x += width
        y = 8 + index * (BAR_HEIGHT + GAP)
        laid_out.append(
            {
                "label": label,
                "short": label if len(label) <= SHORT_LABEL else label[: SHORT_LABEL - 1] + "…",
                "y": y,
                "text_y": y + BAR_HEIGHT - 4,
                "end_x": x + 4,
                "total": sum(v for _l, v in segments),
                "parts": parts,
            }
        )
    return {
        "id": chart_id,
        "title": title,
        "bars": laid_out,
        "legend": [
            {"label": text, "fill": colour} for colour, text in zip(PALETTE, legend, strict=False)
        ],
        "width": LABEL_WIDTH + BAR_AREA + 40,
        "height": 16 + max(1, len(laid_out)) * (BAR_HEIGHT + GAP),
        "bar_height": BAR_HEIGHT,
        "label_x": LABEL_WIDTH - 6,
    }
