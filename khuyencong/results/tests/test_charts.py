"""Chart geometry: round axes, bars in proportion, the map's projection inside its frame."""

from khuyencong.results import charts


def test_axes_end_on_a_round_value_with_round_gridlines():
    assert [charts.nice_max(v) for v in (0, 7, 13, 199, 201, 4_395_000_000)] == [
        1,
        10,
        20,
        200,
        500,
        5_000_000_000,
    ]
    chart = charts.bars("x", ["2008"], [("s", [4_395_000_000])])
    assert [t.label for t in chart.ticks] == ["0", "1 tỷ", "2 tỷ", "3 tỷ", "4 tỷ", "5 tỷ"]
    chart = charts.bars("x", ["2008"], [("s", [1_500_000])])
    assert [t.label for t in chart.ticks] == ["0", "500.000", "1 tr.", "1,5 tr.", "2 tr."]
    assert charts.short_number(12_345_000_000) == "12,3 tỷ"
    assert charts.short_number(1_286_000_000_000) == "1.286 tỷ"


def test_bar_heights_are_in_proportion_and_stacks_add_up():
    chart = charts.bars("x", ["a", "b"], [("c", [100, 50]), ("p", [100, 0])], stacked=True)
    a_central, a_provincial, b_central, b_provincial = chart.bars
    assert a_central.height == a_provincial.height == 2 * b_central.height
    assert b_provincial.height == 0
    assert a_provincial.y + a_provincial.height == a_central.y  # stacked on top
    assert chart.table == [("a", [a_central, a_provincial]), ("b", [b_central, b_provincial])]


def test_the_map_projects_every_point_inside_its_frame_north_up():
    result = charts.project_map(
        [(21.0, 106.0), (22.5, 107.3)],
        [
            (22.4, 106.2, "north", 3, 0, 0, ""),
            (21.1, 107.2, "south", 1, 0, 0, ""),
            (None, None, "nowhere", 1, 0, 0, ""),
        ],
    )
    north, south = sorted(result.symbols, key=lambda d: d.y)
    assert north.label == "north"  # a higher latitude is drawn higher
    assert north.r > south.r  # more projects, a larger symbol
    for dot in [*result.symbols, *result.background]:
        assert 0 <= dot.x <= result.width and 0 <= dot.y <= result.height
    assert result.unplaced == ["nowhere"]
