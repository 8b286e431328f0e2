"""Attack-trend figures: each draws on the given ax, gives it a title and axis labels, returns it,
and leaves the figure alone (no source line: display.figure writes it once)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from analysis.analyses import changepoints, geoshift, trends
from analysis.figures import colours, style
from analysis.figures import events as figures_events
from tests.test_trends import events_frame


@pytest.fixture
def sample() -> pd.DataFrame:
    rows = []
    for month in range(1, 25):
        year, m = 2019 + (month - 1) // 12, (month - 1) % 12 + 1
        count = 2 if month <= 12 else 8
        for k in range(count):
            rows.append(
                dict(
                    event_id=f"{month}-{k}",
                    date=f"{year}-{m:02d}-{k + 1:02d}",
                    deaths_best=3,
                    deaths_low=2,
                    deaths_high=5,
                    admin1="Kidal" if month <= 12 else "Mopti",
                    latitude=18.4 if month <= 12 else 14.5,
                    group_ids=["jnim"] if k % 2 else ["isgs"],
                )
            )
    return events_frame(rows)


def finished(fig, ax, title: str, returned=None) -> None:
    assert returned is ax
    assert ax.get_title(loc="left") == title
    assert ax.get_ylabel()
    assert not fig.texts
    plt.close(fig)


def test_trend_split_shift_change_points_sahel(sample):
    monthly = trends.per_period(sample, "month")
    fig, ax = style.new_figure()
    returned = figures_events.draw_trend(ax, monthly, "Deaths per month")
    assert len(ax.collections) == 1  # the low-high band
    finished(fig, ax, "Deaths per month", returned)

    fig, ax = style.new_figure()
    returned = figures_events.draw_trend(ax, monthly, "Events per month", measure="events")
    assert len(ax.patches) == 24
    finished(fig, ax, "Events per month", returned)

    wide = trends.wide(trends.split(sample, "group"), "group")
    fig, ax = style.new_figure()
    returned = figures_events.draw_split(ax, wide, "Deaths by group", "Deaths", top=1)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [wide.columns[0], "other"]
    finished(fig, ax, "Deaths by group", returned)

    shift = geoshift.geographic_shift(sample)
    fig, ax = style.new_figure()
    returned = figures_events.draw_shift(ax, shift, "Where the deaths were")
    finished(fig, ax, "Where the deaths were", returned)

    series = monthly["events"]
    points = changepoints.detect_change_points(series)
    assert [p.date for p in points] == [pd.Timestamp("2020-01-01")]
    fig, ax = style.new_figure()
    returned = figures_events.draw_change_points(ax, series, points, "Breaks", "Events")
    assert any(t.get_text() == "Jan 2020" for t in ax.texts)
    finished(fig, ax, "Breaks", returned)

    annual = pd.DataFrame(
        {
            "country": ["Mali", "Mali", "Niger", "Niger"],
            "year": [2020, 2021, 2020, 2021],
            "deaths_best": pd.array([10, 20, 5, 6], dtype="Int64"),
            "deaths_low": pd.array([pd.NA] * 4, dtype="Int64"),
            "deaths_high": pd.array([pd.NA] * 4, dtype="Int64"),
        }
    )
    fig, ax = style.new_figure()
    returned = figures_events.draw_sahel(ax, annual, "Sahel")
    # Each line named at its end with its last value (no key over the data), in its
    # country's colour whatever the order of the countries.
    assert ax.get_legend() is None
    assert sorted(t.get_text() for t in ax.texts) == ["Mali\n20 in 2021", "Niger\n6 in 2021"]
    assert {line.get_label(): line.get_color() for line in ax.get_lines()} == {
        "Mali": colours.country_colour("Mali"),
        "Niger": colours.country_colour("Niger"),
    }
    finished(fig, ax, "Sahel", returned)


def test_split_keeps_the_largest_parts_whatever_the_column_order():
    # Columns in alphabetical order, the largest last (as UCDP BRD's groups are: JNIM after
    # AQIM ... IS). Totals by hand: AQIM 3, Ansar Dine 2, CMA 1, JNIM 40; top=2 keeps JNIM
    # and AQIM, and 'other' is Ansar Dine + CMA = 2 + 1 = 3 over the two years.
    wide = pd.DataFrame(
        {"AQIM": [2, 1], "Ansar Dine": [1, 1], "CMA": [1, 0], "JNIM": [15, 25]},
        index=[2021, 2022],
    )
    fig, ax = style.new_figure()
    figures_events.draw_split(ax, wide, "Deaths by group", "Deaths", top=2)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["AQIM", "JNIM", "other"]
    heights = [round(p.get_height()) for p in ax.patches]
    assert heights == [2, 1, 15, 25, 2, 1]  # AQIM, JNIM, other per year
    plt.close(fig)


def test_shift_latitude_points_say_how_many_deaths_they_rest_on():
    from analysis.figures.style import HOVER_ATTRIBUTE

    rows = [
        dict(event_id="a", date="2020-06-01", deaths_best=10, admin1="Kidal", latitude=18.4),
        dict(event_id="b", date="2020-07-01", deaths_best=30, admin1="Mopti"),
        dict(event_id="c", date="2021-07-01", deaths_best=5, admin1="Bamako"),
    ]
    shift = geoshift.geographic_shift(events_frame(rows))
    fig, ax = style.new_figure()
    figures_events.draw_shift(ax, shift, "Where the deaths were")
    (twin,) = [a for a in fig.axes if a is not ax]
    (line,) = twin.get_lines()
    # By hand: 2020's 18.4°N rests on the 10 of its 40 deaths that have coordinates; 2021 has
    # none with coordinates, so no point and no title.
    assert getattr(line, HOVER_ATTRIBUTE) == [
        "deaths-weighted latitude: 2020: 18.4°N (10 of 40 deaths have coordinates)"
    ]
    plt.close(fig)


def test_the_last_period_of_a_step_series_is_drawn_as_wide_as_the_others():
    import matplotlib.dates as mdates
    import numpy as np

    years = pd.to_datetime(["2021-01-01", "2022-01-01", "2023-01-01"])
    series = pd.Series([100.0, 3612.0, 2001.0], index=years)
    points = [changepoints.ChangePoint(years[1], 1, 100.0, 2806.5)]
    fig, ax = style.new_figure()
    figures_events.draw_change_points(ax, series, points, "Breaks", "Deaths per year")
    # A step drawn 'post' ends at its last point: 2023 (2,001) had no width at all. By hand:
    # 2023's step runs from 2023-01-01 to 2024-01-01 at 2,001, and the last segment's mean
    # (3612 + 2001) / 2 = 2806.5 runs to 2024-01-01 too.
    end = mdates.date2num(pd.Timestamp("2024-01-01").to_pydatetime())
    start = mdates.date2num(pd.Timestamp("2023-01-01").to_pydatetime())
    segments = [np.asarray(s) for c in ax.collections for s in c.get_segments()]
    assert any(np.allclose(s, [[start, 2001.0], [end, 2001.0]]) for s in segments)
    assert any(np.isclose(s[0][1], 2806.5) and np.isclose(s[1][0], end) for s in segments)
    plt.close(fig)


def test_the_last_period_of_the_deaths_line_has_its_width():
    import matplotlib.dates as mdates
    import numpy as np

    months = pd.to_datetime(["2025-09-01", "2025-10-01", "2025-11-01"])
    table = pd.DataFrame({"deaths_best": [5.0, 40.0, 12.0]}, index=months)
    fig, ax = style.new_figure()
    figures_events.draw_trend(ax, table, "Deaths per month")
    # By hand: November's 12 deaths run from 2025-11-01 to 2025-12-01.
    start, end = (
        mdates.date2num(pd.Timestamp(d).to_pydatetime()) for d in ("2025-11-01", "2025-12-01")
    )
    lines = [(mdates.date2num(line.get_xdata()), line.get_ydata()) for line in ax.get_lines()]
    assert any(
        len(xs) == 2 and np.allclose(xs, [start, end]) and np.allclose(ys, 12.0) for xs, ys in lines
    )
    plt.close(fig)
