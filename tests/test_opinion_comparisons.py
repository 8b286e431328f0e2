"""Like with like: a change between Afrobarometer rounds is computed between the same
population, a change is called a rise or a fall only beyond its margin of error, figures do not
join rounds that sampled different regions, and a report reads its own country's milestones.
Every answer is worked by hand from the hand-made rounds of test_report_public_opinion."""

from __future__ import annotations

import pandas as pd
import pytest
from matplotlib.figure import Figure

from analysis.analyses import opinion
from analysis.analyses.milestones import of_country
from analysis.figures import opinion as fo
from analysis.reports import opinion_appendix as appendix
from analysis.reports import opinion_captions as oc
from analysis.reports.opinion_findings import change_sentence
from analysis.sources import afrobarometer as ab
from tests.test_report_public_opinion import OPINION, data, hand_round

#: Round 6: Kayes (respondents 1-5: trust 2 of 5) and Bamako (6-10: 3 of 5), no Tombouctou.
#: Round 7: Kayes (1-4: 3 of 4), Tombouctou (5-6: 0 of 2), Bamako (7-10: 3 of 4).
SIX_TRUST, SEVEN_TRUST = [2, 2, 1, 1, 1, 2, 2, 2, 1, 1], [2, 2, 2, 1, 1, 1, 2, 2, 2, 1]
SIX_REGIONS = [501] * 5 + [509] * 5
SEVEN_REGIONS = [501] * 4 + [506] * 2 + [509] * 4


@pytest.fixture
def qmap():
    return ab.load_question_map(OPINION / "questions_report.yaml")


@pytest.fixture
def two_rounds():
    six = hand_round(6, {"TA": SIX_TRUST, "AF": [2] * 10}, "2014-12-01", "2014-12-14", SIX_REGIONS)
    seven = hand_round(
        7,
        {"TA": SEVEN_TRUST, "AF": [2] * 10, "FE": [1] * 10, "UJ": [1] * 10},
        "2017-02-08",
        "2017-02-24",
        SEVEN_REGIONS,
    )
    return {6: six, 7: seven}


def test_estimates_name_their_regions_and_can_keep_some(two_rounds, qmap):
    national = opinion.trend(two_rounds, "trust-army", qmap=qmap)
    assert list(national["regions"]) == ["Kayes, Bamako", "Kayes, Tombouctou, Bamako"]
    assert list(national["share"]) == [50.0, 60.0]  # 5 of 10, 6 of 10
    # Round 7 without Tombouctou: 6 of the 8 respondents of Kayes and Bamako.
    kept = opinion.estimate(two_rounds[7], "trust-army", qmap=qmap, regions={"Kayes", "Bamako"})
    assert (kept["n"].iloc[0], kept["share"].iloc[0], kept["regions"].iloc[0]) == (
        8,
        75.0,
        "Kayes, Bamako",
    )


def test_not_sampled_and_coverage_gaps(two_rounds, qmap):
    six, seven = (row for _, row in opinion.trend(two_rounds, "trust-army", qmap=qmap).iterrows())
    assert opinion.not_sampled(six, seven) == "Tombouctou (not sampled in round 6)"
    assert opinion.not_sampled(seven, seven) == ""
    # A file without regions cannot tell: no difference is claimed.
    assert opinion.not_sampled(six.drop("regions"), seven) == ""
    # Regions missing on both sides are named with their round.
    other = seven.copy()
    other["regions"], other["round"] = "Kayes, Tombouctou, Gao", 8
    assert opinion.not_sampled(seven, other) == (
        "Gao (not sampled in round 7) and Bamako (not sampled in round 8)"
    )
    assert opinion.coverage_gaps(two_rounds) == {6: "Tombouctou"}
    assert opinion.coverage_gaps({7: two_rounds[7]}) == {}


def test_round_changes_flag_and_comparable_changes_fix_unlike_populations(two_rounds, qmap):
    national = opinion.trend(two_rounds, "trust-army", qmap=qmap)
    (plain,) = opinion.round_changes(national).to_dict("records")
    # 50% -> 60% nationally, but round 6 did not sample Tombouctou: flagged, not comparable.
    assert not plain["same_population"]
    assert plain["population"] == "All respondents; Tombouctou (not sampled in round 6)"
    assert plain["change"] == pytest.approx(10.0)
    (fair,) = opinion.comparable_changes(two_rounds, national, qmap=qmap).to_dict("records")
    # Kayes and Bamako in both rounds: 5 of 10 = 50% -> 6 of 8 = 75%, +25 points; margin
    # 1.96 * sqrt(0.5 * 0.5 / 10 + 0.75 * 0.25 / 8) = 43.1 points: within it.
    assert fair["population"] == "outside Tombouctou (not sampled in round 6)"
    assert (fair["share_from"], fair["share_to"]) == (50.0, 75.0)
    assert fair["change"] == pytest.approx(25.0)
    assert fair["margin"] == pytest.approx(43.14, abs=0.01)
    assert fair["same_population"] and not fair["exceeds_margin"]


def test_comparable_change_is_none_when_the_shared_regions_are_too_few(two_rounds, qmap):
    national = opinion.trend(two_rounds, "trust-army", qmap=qmap, min_sample=9)
    six, seven = (row for _, row in national.iterrows())
    # Round 7 has 8 respondents in Kayes and Bamako, fewer than 9: nothing to compare.
    assert opinion.comparable_change(two_rounds, six, seven, min_sample=9, qmap=qmap) is None


def test_change_sentences_say_rise_fall_or_no_change_beyond_the_margin():
    fell = {
        "population": "national",
        "from_round": 6,
        "to_round": 7,
        "share_from": 60.0,
        "share_to": 50.0,
        "change": -10.0,
        "low": -14.0,
        "high": -6.0,
        "p_value": 0.0004,
        "exceeds_margin": True,
    }
    assert change_sentence(fell, "trust in the police") == (
        "Nationally, trust in the police fell from 60.0% in round 6 to 50.0% in round 7, a "
        "change of -10.0 points (95% CI -14.0 to -6.0; p < 0.001)."
    )
    within = fell | {"share_to": 58.0, "change": -2.0, "low": -6.0, "high": 2.0}
    assert change_sentence(within | {"p_value": 0.32, "exceeds_margin": False}, "trust") == (
        "Nationally, trust was 60.0% in round 6 and 58.0% in round 7: no change beyond the "
        "margin of error (-2.0 points, 95% CI -6.0 to +2.0; p = 0.32)."
    )


def test_figures_do_not_join_rounds_of_different_populations(two_rounds, qmap):
    national = opinion.trend(two_rounds, "trust-army", qmap=qmap)
    runs = fo.joined_runs(national)
    assert [list(run["round"]) for run in runs] == [[6], [7]]
    same = national.assign(regions="Kayes, Bamako")
    assert [list(run["round"]) for run in fo.joined_runs(same)] == [[6, 7]]
    ax = Figure().add_subplot()
    fo.draw_trends(ax, national)
    drawn = [line for line in ax.get_lines() if len(line.get_xdata())]
    # Two runs of one point each (no line between them), and one legend entry for the question.
    assert sorted(len(line.get_xdata()) for line in drawn if line.get_marker() == "o") == [1, 1]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "Trust the army (somewhat or a lot)"
    ]
    # The source lines say what is not joined; bars side by side say the populations differ.
    assert oc.coverage_note(national) == " Not joined: Tombouctou (not sampled in round 6)."
    assert oc.coverage_note(national, lines=False) == (
        " Different populations: Tombouctou (not sampled in round 6)."
    )
    assert oc.coverage_note(same) == ""


def test_method_notes_name_the_rounds_that_sampled_fewer_regions(two_rounds, qmap):
    no_polls = pd.DataFrame({"when": pd.Series(dtype="datetime64[ns]")})
    method = appendix.method(data(two_rounds, no_polls, qmap, data_source="afrobarometer"))
    text = method.blocks[0].plain()
    assert "(round 6 did not sample Tombouctou)" in text
    assert "Franklin" in text and "Groves" in text


def test_a_country_reads_its_own_milestones():
    frame = pd.DataFrame(
        {
            "milestone_id": ["serval", "coup-bf-2022", "aes", "old-row"],
            "countries": [["Mali"], ["Burkina Faso"], ["Mali", "Burkina Faso", "Niger"], []],
        }
    )
    # A row without countries is Mali's (every row was before the column existed).
    assert list(of_country(frame, "Mali")["milestone_id"]) == ["serval", "aes", "old-row"]
    assert list(of_country(frame, "Burkina Faso")["milestone_id"]) == ["coup-bf-2022", "aes"]
    older = frame.drop(columns="countries")
    assert len(of_country(older, "Mali")) == 4 and of_country(older, "Niger").empty
