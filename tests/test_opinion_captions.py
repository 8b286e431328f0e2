"""What the public-opinion figures say in words (analysis.reports.opinion_captions): source
lines and captions naming wording, population and fieldwork, and the data shaped for the
figures, on hand-made polls and estimates."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.analyses import opinion, polls
from analysis.curated.tables import load_polls
from analysis.reports import opinion_captions as oc
from analysis.sources import afrobarometer as ab
from tests.test_afrobarometer import FIXTURE_MAP, write_fixture

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def sample(tmp_path: Path) -> pd.DataFrame:
    curated = tmp_path / "curated"
    shutil.copytree(FIXTURES / "curated_min", curated)
    shutil.copy(FIXTURES / "opinion" / "polls_sample.csv", curated / "polls.csv")
    return polls.toplines(load_polls(curated))


def test_poll_figure_source_line_names_pollster_population_and_fieldwork(sample):
    source = oc.poll_source_line(sample, ["trust-army"])
    assert "Pollster A 1 April 2019 to 30 April 2019, national" in source
    assert "Pollster A April 2020, national" in source  # fieldwork given by month
    caption = oc.poll_series_caption(sample, ["trust-army"])
    assert "How much do you trust the army?" in caption


def test_figures_carry_wording_population_fieldwork_and_source(tmp_path):
    fixture_map = ab.load_question_map(FIXTURE_MAP)
    fixture_round = ab.read_round(write_fixture(tmp_path / "fix_r7_data.sav"))
    national = opinion.estimate(fixture_round, "fixture-question", qmap=fixture_map)
    source = oc.trends_source_line(national)
    for fact in (
        "Afrobarometer",
        "8 February 2017 to 24 February 2017",
        "Fixture question, round 7?",
        "adults",
    ):
        assert fact in source
    caption = oc.afrobarometer_caption(national, "Fixture")
    assert "Fixture question, round 7?" in caption and "8 February 2017" in caption


def test_a_heat_map_caption_promises_no_interval_it_does_not_draw():
    rows = pd.DataFrame({"round": [5, 6]})
    # A heat map shows one colour per cell: its intervals are in the data, not drawn.
    assert oc.afrobarometer_brief_caption(rows, "Region by round", intervals=False) == (
        "Region by round: share of Malian adults giving the answer shown (national random "
        "samples); each cell's 95% interval is in the data (CSV), not drawn. Wordings in the "
        "appendix."
    )
    assert "with 95% intervals" in oc.afrobarometer_brief_caption(rows, "Trust")


def test_published_points_are_the_same_question_and_answer_only():
    estimates = pd.DataFrame(
        {"question_id": ["trust-army", "trust-army"], "positive_label": ["somewhat or a lot"] * 2}
    )
    published = pd.DataFrame(
        {
            "question_id": ["trust-army", "trust-army", "trust-police"],
            "response": ["Somewhat or a lot", "not at all", "somewhat or a lot"],
            "when": pd.to_datetime(["2020-03-31", "2020-03-31", "2020-03-31"]),
            "share": [82.0, 10.0, 60.0],
            "interval_note": ["", "", ""],
        }
    )
    # By hand: the army's 'Somewhat or a lot' (the estimates' answer, whatever its case); not
    # its other answer, nor the police, whose question the estimates do not hold.
    points = oc.published_points(estimates, published)
    assert list(points["share"]) == [82.0]
    assert oc.published_points(estimates, None).empty
    assert oc.published_points(estimates.iloc[0:0], published).empty


def test_national_and_north_puts_the_nation_first_and_leaves_out_unknown_regions():
    national = pd.DataFrame({"group": [ab.ALL_GROUP], "share": [80.0]})
    north = pd.DataFrame(
        {"group": [ab.NORTH_GROUP, ab.REST_GROUP, ab.NOT_GIVEN], "share": [60.0, 85.0, 50.0]}
    )
    combined = oc.national_and_north(national, north)
    assert list(combined["group"]) == ["National", ab.NORTH_GROUP, ab.REST_GROUP]
    assert list(combined["share"]) == [80.0, 60.0, 85.0]


def test_timeline_entries_are_dated_waves_then_the_rounds_read():
    waves = pd.DataFrame(
        {
            "pollster": ["Pollster A", "Pollster B"],
            "when": pd.to_datetime(["2019-04-15", None]),
            "random_sample": [True, False],
            "figures": [3, 1],
        }
    )
    rounds = pd.DataFrame({"round": [7], "fieldwork_mid": [pd.Timestamp("2017-02-16")]})
    entries = oc.timeline_entries(waves, rounds)
    # The undated wave has no place on a time axis; the round sits at its fieldwork's middle.
    assert list(entries["pollster"]) == ["Pollster A", "Afrobarometer (respondent-level data)"]
    assert list(entries["when"]) == [pd.Timestamp("2019-04-15"), pd.Timestamp("2017-02-16")]
    assert list(entries["random_sample"]) == [True, True]
    assert entries["figures"].iloc[0] == 3 and np.isnan(entries["figures"].iloc[1])
    assert list(oc.timeline_entries(pd.DataFrame(), rounds)["pollster"]) == [
        "Afrobarometer (respondent-level data)"
    ]
