"""Group figures: lane ordering, legibility of the lineage timeline, and the two charts."""

from __future__ import annotations

import itertools
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from analysis.analyses import lineage  # noqa: E402
from analysis.analyses.milestones import milestones_in  # noqa: E402
from analysis.curated.snapshot import load_snapshot  # noqa: E402
from analysis.figures import groups as fg  # noqa: E402
from analysis.figures import lineage_lanes as lanes  # noqa: E402
from analysis.figures import style  # noqa: E402
from analysis.figures.milestones import labels_overlap  # noqa: E402

CURATED = Path(__file__).parent / "fixtures" / "lineage"
LIN = lineage.from_snapshot(load_snapshot(CURATED, ("groups", "lineage")))


def spans(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    """(group_id, affiliation, start, end) -> the span columns the timeline uses."""
    frame = pd.DataFrame(rows, columns=["group_id", "affiliation", "draw_start", "draw_end"])
    frame["draw_start"] = pd.to_datetime(frame["draw_start"])
    frame["draw_end"] = pd.to_datetime(frame["draw_end"])
    return frame


def arrow(source: str, target: str, when: str, relation: str = "merged_into") -> lanes.Arrow:
    return lanes.Arrow(source, target, relation, pd.Timestamp(when))


def toy(arrows: list[lanes.Arrow], rows=None) -> lanes.TimelineData:
    rows = rows or [
        ("a", "al-Qaeda", "2010-01-01", "2020-12-31"),
        ("b", "al-Qaeda", "2011-01-01", "2020-12-31"),
        ("c", "al-Qaeda", "2012-01-01", "2020-12-31"),
    ]
    return lanes.TimelineData(
        spans(rows), arrows, pd.Timestamp("2000-01-01"), pd.Timestamp("2020-12-31")
    )


def test_lane_cost_by_hand():
    data = toy([arrow("a", "c", "2015-01-01")])
    # a -> c passes b, active in 2015: one crossing, two lanes long.
    assert lanes.lane_cost(["a", "b", "c"], data) == (1, 2)
    assert lanes.lane_cost(["b", "a", "c"], data) == (0, 1)
    # Before b exists the same arrow crosses nothing.
    early = toy([arrow("a", "c", "2010-06-01")])
    assert lanes.lane_cost(["a", "b", "c"], early) == (0, 2)
    # Two arrows a month apart whose spans overlap clash.
    clash = toy([arrow("a", "c", "2015-01-01"), arrow("b", "c", "2015-02-01")])
    assert lanes.lane_cost(["a", "b", "c"], clash) == (2, 3)


def test_order_lanes_finds_a_crossing_free_order():
    data = toy([arrow("a", "c", "2015-01-01")])
    order = lanes.order_lanes(data)
    assert lanes.lane_cost(order, data) == (0, 1)
    best = min(lanes.lane_cost(list(p), data) for p in itertools.permutations("abc"))
    assert lanes.lane_cost(order, data) == best


def test_order_lanes_keeps_families_together_and_next_to_their_links():
    rows = [
        ("aq1", "al-Qaeda", "2010-01-01", "2020-12-31"),
        ("aq2", "al-Qaeda", "2011-01-01", "2020-12-31"),
        ("sep", "separatist coalition", "2011-01-01", "2020-12-31"),
        ("is1", "Islamic State", "2015-01-01", "2020-12-31"),
    ]
    data = toy([arrow("aq2", "is1", "2015-05-01", "split_from")], rows)
    order = lanes.order_lanes(data)
    family = {r[0]: r[1] for r in rows}
    blocks = [k for k, _ in itertools.groupby(order, key=family.get)]
    assert len(blocks) == len(set(blocks))  # each family is one contiguous block
    assert abs(order.index("aq2") - order.index("is1")) == 1
    assert lanes.lane_cost(order, data) == (0, 1)


def test_timeline_data_from_the_fixture():
    data = lanes.timeline_data(LIN, "2000-01-01", "2020-12-31")
    assert set(data.spans["group_id"]) == set(lineage.group_spans(LIN)["group_id"])
    kinds = {(a.source, a.target, a.relation) for a in data.arrows}
    assert ("aqim", "mujao", "split_from") in kinds  # drawn from the parent to the splinter
    assert ("ansar-dine", "jnim", "merged_into") in kinds
    assert ("isgs", "islamic-state", "pledged_to") in kinds
    assert not any(a.relation == "allied_with" for a in data.arrows)
    assert ("gspc", "gia", "split_from") not in kinds and ("gia", "gspc", "split_from") not in kinds
    focus = lanes.timeline_data(LIN, "2000-01-01", "2020-12-31", groups=["MSA"])
    assert list(focus.spans["group_id"]) == ["msa"]


@pytest.fixture(scope="module")
def headline():
    snapshot = load_snapshot()
    data = lanes.timeline_data(lineage.from_snapshot(snapshot), "2000-01-01", "2025-12-31")
    milestones = milestones_in(snapshot.milestones, "2000-01-01", "2025-12-31")
    fig, layout = fg.lineage_figure(data, lanes.order_lanes(data), milestones)
    # As display.figure writes it (the layout is redone): labels must still fit after it.
    fig.tight_layout(rect=style.SOURCE_RECT)
    yield fig, layout, data
    plt.close(fig)


def boxes(texts):
    renderer = texts[0].get_figure().canvas.get_renderer()
    return [t.get_window_extent(renderer) for t in texts if t.get_text().strip()]


def test_headline_is_a4_wide_with_title_labels_and_source(headline):
    fig, layout, data = headline
    assert fig.get_size_inches()[0] == pytest.approx(style.FULL_WIDTH_IN)
    assert 18 <= len(layout.order) <= 28
    titles = [
        a.get_title(loc) for a in fig.axes + fig.axes[0].child_axes for loc in ("left", "center")
    ]
    assert any("split, merged and pledged" in title for title in titles)
    lanes = fig.axes[0]
    assert lanes.get_xlabel() == "Year" and lanes.get_ylabel() == "Armed group"
    assert set(layout.order) == set(data.spans["group_id"])


def test_headline_labels_do_not_overlap(headline):
    fig, layout, _ = headline
    lanes = fig.axes[0]
    y_labels = boxes(list(lanes.get_yticklabels()))
    x_labels = boxes(list(lanes.get_xticklabels()))
    for group in (y_labels, x_labels):
        assert not [(a, b) for a, b in itertools.combinations(group, 2) if a.overlaps(b)]
    assert labels_overlap(layout.labels) == []
    renderer = fig.canvas.get_renderer()
    legend = layout.legend.get_window_extent(renderer)
    assert not legend.overlaps(lanes.get_window_extent(renderer))
    assert not any(legend.overlaps(b) for b in x_labels + y_labels)
    # the note on the groups not drawn sits under the legend, clear of it
    notes = [t for t in layout.labels if t.get_text().startswith("Not drawn")]
    assert notes and not legend.overlaps(notes[0].get_window_extent(renderer))
    # the milestones' numbers sit above the lanes, under the title
    numbers = [t for t in layout.labels if t.get_text().isdigit()]
    assert numbers and all(
        t.get_window_extent(renderer).y0 >= lanes.get_window_extent(renderer).y1 for t in numbers
    )
    figure_box = fig.bbox
    for text in layout.labels + list(lanes.get_yticklabels()):
        box = text.get_window_extent(renderer)
        assert figure_box.x0 - 1 <= box.x0 and box.x1 <= figure_box.x1 + 1, text.get_text()


def test_headline_lane_order_is_no_worse_than_founding_order(headline):
    _, layout, data = headline
    by_founding = list(data.spans.sort_values(["draw_start", "group_id"])["group_id"])
    assert lanes.lane_cost(layout.order, data) <= lanes.lane_cost(by_founding, data)
    assert layout.order == lanes.order_lanes(data)  # the order it was given, drawn as is


def test_active_groups_chart_stacks_the_counts():
    counts = lineage.active_by_year(LIN, 2012, 2017)
    fig, ax = style.new_figure()
    assert fg.draw_active_groups(ax, counts) is ax
    heights: dict[float, float] = {}
    for bar in ax.patches:
        x = round(bar.get_x() + bar.get_width() / 2)
        heights[x] = heights.get(x, 0) + bar.get_height()
    assert heights == {year: float(counts.loc[year].sum()) for year in counts.index}
    assert ax.get_title(loc="left") and ax.get_xlabel() == "Year" and ax.get_ylabel()
    assert not fig.texts  # the caption names the source (display.figure)
    plt.close(fig)


def test_battle_deaths_chart_lines_and_rest():
    dyads = pd.DataFrame(
        {
            "year": [2012, 2013, 2013, 2017, 2018, 2013],
            "dyad_label": ["Mali – A", "Mali – A", "Mali – B", "Mali – C", "Mali – C", "Mali – D"],
            "affiliation": ["al-Qaeda", "al-Qaeda", "al-Qaeda", "al-Qaeda", "al-Qaeda", "none"],
            "deaths_best": [60, 133, 333, 246, 402, 27],
            "deaths_low": [56, 133, 333, 237, 375, 27],
            "deaths_high": [181, 175, 362, 336, 435, 89],
            "battle_countries": [1, 1, 2, 1, 1, 1],
        }
    )
    fig, ax = style.new_figure()
    assert fg.draw_battle_deaths(ax, dyads, top=3) is ax
    # (the key's labels may wrap to fit its column)
    labels = [t.get_text().replace("\n", " ") for t in ax.get_legend().get_texts()]
    # by total deaths: C 648, B 333, A 193 get lines; D is summed as the rest
    assert labels[:3] == ["Mali – C", "Mali – B", "Mali – A"]
    assert "1 other pair (sum)" in labels
    assert "hollow: the two sides also fought in other countries" in labels
    c_line = next(line for line in ax.get_lines() if line.get_label() == "Mali – C")
    ydata = pd.Series(c_line.get_ydata(), index=c_line.get_xdata())
    assert ydata.loc[2017] == 246 and ydata.loc[2018] == 402
    assert pd.isna(ydata.loc[2014])  # a gap, not a zero: below UCDP's threshold
    assert not fig.texts  # no source line drawn here
    # B's hollow 2013 point (fought in 2 countries) is titled with its dyad, not '2013: 333'.
    hollow = [getattr(line, style.HOVER_ATTRIBUTE, None) for line in ax.get_lines()]
    assert ["Mali – B: 2013: 333 (these two sides also fought in other countries)"] in hollow
    plt.close(fig)
