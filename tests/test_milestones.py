"""Milestones: loading by period and kind, and labels that never overlap on a crowded axis."""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import numpy as np
import pandas as pd
import pytest

from analysis.analyses.milestones import (
    label_with_date,
    milestones_before,
    milestones_in,
    nearest_before,
    short_label,
)
from analysis.curated.tables import load_milestones
from analysis.figures.milestones import draw_milestones, labels_overlap
from analysis.figures.style import new_figure

MINIMAL = Path(__file__).parent / "fixtures" / "curated_min"


def test_load_by_period_and_kind():
    everything = milestones_in(load_milestones(MINIMAL))
    assert list(everything["milestone_id"]) == ["serval", "state-of-emergency-2015"]
    # Serval ran to 2014-07-31, so it overlaps a 2014 window; the 2015 emergency does not.
    window = milestones_in(load_milestones(MINIMAL), "2014-01-01", "2014-12-31")
    assert list(window["milestone_id"]) == ["serval"]
    coups = milestones_in(load_milestones(MINIMAL), kinds=["state of emergency"])
    assert list(coups["milestone_id"]) == ["state-of-emergency-2015"]
    with pytest.raises(ValueError, match="unknown milestone kind"):
        milestones_in(load_milestones(MINIMAL), kinds=["invasion"])


def test_milestones_in_takes_the_table():
    from analysis.curated.snapshot import load_snapshot

    table = load_snapshot(MINIMAL, ("milestones",)).milestones
    window = milestones_in(table, "2015-01-01", "2015-12-31")
    assert list(window["milestone_id"]) == ["state-of-emergency-2015"]
    assert list(milestones_in(table)["label"]) == list(
        milestones_in(load_milestones(MINIMAL))["label"]
    )


def test_short_label_and_nearest_before():
    assert short_label("minusma-end") == "MINUSMA end"
    assert short_label("coup-2012") == "Coup 2012"
    frame = milestones_in(load_milestones(MINIMAL))
    assert nearest_before("2015-12-01", frame)["milestone_id"] == "state-of-emergency-2015"
    assert nearest_before("2014-01-01", frame)["milestone_id"] == "serval"
    assert nearest_before("2010-01-01", frame) is None


def crowded() -> pd.DataFrame:
    dates = pd.to_datetime(
        [
            "2013-01-11",
            "2013-01-20",
            "2013-02-01",
            "2013-04-25",
            "2013-07-01",
            "2013-07-28",
            "2013-08-11",
            "2014-02-16",
            "2014-08-01",
            "2015-05-15",
            "2015-06-20",
            "2015-11-20",
        ]
    )
    return pd.DataFrame(
        {
            "milestone_id": [f"milestone-number-{i}" for i in range(len(dates))],
            "date": dates,
            "kind": ["coup"] * len(dates),
            "end_date": pd.NaT,
            "label": [f"A rather long label {i}" for i in range(len(dates))],
        }
    )


@pytest.mark.parametrize("axis_kind", ["date", "year"])
def test_labels_never_overlap_on_a_crowded_axis(axis_kind):
    fig, ax = new_figure()
    if axis_kind == "date":
        ax.plot(pd.to_datetime(["2012-01-01", "2016-01-01"]), [0, 1])
    else:
        ax.plot([2012, 2016], [0, 1])
    texts = draw_milestones(ax, crowded(), axis_kind=axis_kind, max_levels=3)
    assert texts, "labels were drawn"
    assert labels_overlap(texts) == []
    # Twelve lines were drawn, one per milestone inside the axis range.
    assert len(ax.lines) == 1 + 12


def test_milestones_outside_the_axis_are_skipped():
    fig, ax = new_figure()
    ax.plot([2014, 2015], [0, 1])
    draw_milestones(ax, crowded(), axis_kind="year")
    # Only 2014-02-16 and 2014-08-01 fall within 2014..2015.
    assert len(ax.lines) == 1 + 2


def test_milestones_before_change_points():
    frame = milestones_in(load_milestones(MINIMAL))
    found = milestones_before([pd.Timestamp("2013-06-01"), np.int64(2015), 2012], frame)
    assert found[0]["milestone_id"] == "serval"
    # A year reaches to its last day: the November 2015 emergency counts for a 2015 break.
    assert found[1]["milestone_id"] == "state-of-emergency-2015"
    assert found[2] is None
    assert label_with_date(found[0]) == "Serval (11 January 2013)"
    assert label_with_date(found[2]) == "–"


# --- Each country its own context: Burkina Faso's and Niger's own milestones ---


@pytest.mark.parametrize(
    ("country", "coups", "not_theirs"),
    [
        # the 2015 RSP coup attempt, Damiba's coup and Traoré's coup
        ("Burkina Faso", ["2015-09-16", "2022-01-24", "2022-09-30"], "2012-03-22"),
        # Tandja overthrown, the foiled attempt before Bazoum's inauguration, Tiani's coup
        ("Niger", ["2010-02-18", "2021-03-31", "2023-07-26"], "2020-08-18"),
    ],
)
def test_burkina_faso_and_niger_read_breaks_against_their_own_coups(country, coups, not_theirs):
    from analysis.analyses.milestones import of_country
    from analysis.curated.tables import load_table

    milestones = of_country(load_table("milestones"), country)
    own_coups = milestones[milestones["kind"] == "coup"]
    assert sorted(own_coups["date"].dt.strftime("%Y-%m-%d")) == coups
    assert all(len(sources) >= 1 for sources in own_coups["sources"])
    # Mali's coups are Mali's: they are not drawn on this country's charts
    assert not_theirs not in set(milestones["date"].dt.strftime("%Y-%m-%d"))
    # a 2022 break in Burkina Faso is read against Traoré's coup, not against Mali's history
    if country == "Burkina Faso":
        (found,) = milestones_before([2022], milestones_in(milestones))
        assert found["milestone_id"] == "ms-2022-09-30-coup"
        uprising = milestones[milestones["kind"] == "uprising"]
        assert uprising["date"].dt.strftime("%Y-%m-%d").tolist() == ["2014-10-28"]


def test_uprising_is_a_kind_with_a_colour():
    from analysis.curated.schema import MILESTONE_KINDS
    from analysis.figures.milestones import KIND_COLOURS

    assert "uprising" in MILESTONE_KINDS
    assert KIND_COLOURS["uprising"] != KIND_COLOURS["coup"]
