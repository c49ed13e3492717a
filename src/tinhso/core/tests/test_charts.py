"""The geometry of the statistics charts (pure)."""

from tinhso.core.charts import BAR_AREA, BAR_HEIGHT, GAP, LABEL_WIDTH, PALETTE, stacked_bars


def test_the_longest_bar_fills_the_area_and_segments_follow_each_other():
    chart = stacked_bars(
        "out",
        "Văn bản đi",
        [
            ("Sở Tư pháp", [("điện tử", 3), ("giấy", 1)]),
            ("Ủy ban nhân dân tỉnh", [("điện tử", 8), ("giấy", 0)]),
        ],
        ["điện tử", "giấy"],
    )
    first, second = chart["bars"]
    assert [p["width"] for p in first["parts"]] == [120.0, 40.0]  # 320 × 3/8, 320 × 1/8
    assert [p["x"] for p in first["parts"]] == [LABEL_WIDTH, LABEL_WIDTH + 120.0]
    assert sum(p["width"] for p in second["parts"]) == BAR_AREA
    assert (first["total"], second["total"]) == (4, 8)
    assert second["y"] - first["y"] == BAR_HEIGHT + GAP
    assert second["end_x"] == LABEL_WIDTH + BAR_AREA + 4
    assert chart["legend"] == [
        {"label": "điện tử", "fill": PALETTE[0]},
        {"label": "giấy", "fill": PALETTE[1]},
    ]


def test_long_labels_are_shortened_and_an_empty_chart_keeps_its_height():
    chart = stacked_bars("x", "X", [("Ủy ban nhân dân thành phố Rạch Giá", [("a", 0)])], ["a"])
    [bar] = chart["bars"]
    assert bar["short"] == "Ủy ban nhân dân thành phố R…" and len(bar["short"]) == 28
    assert bar["parts"][0]["width"] == 0  # nothing to draw, no division by zero
    empty = stacked_bars("y", "Y", [], ["a"])
    assert empty["bars"] == [] and empty["height"] == 16 + BAR_HEIGHT + GAP
