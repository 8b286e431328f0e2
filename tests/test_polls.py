"""Poll toplines: intervals or the reason for none, series, population checks, drawing rules."""

from __future__ import annotations

import shutil
from pathlib import Path

import matplotlib
import pandas as pd
import pytest

matplotlib.use("Agg")

from analysis.analyses import polls  # noqa: E402
from analysis.curated import poll_checks  # noqa: E402
from analysis.curated.tables import load_polls, validate_all  # noqa: E402
from analysis.figures import opinion as fo  # noqa: E402
from analysis.reports import opinion_params as params  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"
OPINION = FIXTURES / "opinion"
SHARIA = ["sharia-reject-gallup", "sharia-official-law-pew"]


def _curated_with(tmp_path: Path, polls_file: str) -> Path:
    target = tmp_path / "curated"
    shutil.copytree(FIXTURES / "curated_min", target)
    shutil.copy(OPINION / polls_file, target / "polls.csv")
    return target


@pytest.fixture
def sample(tmp_path: Path) -> pd.DataFrame:
    return polls.toplines(load_polls(_curated_with(tmp_path, "polls_sample.csv")))


def _row(frame: pd.DataFrame, poll_id: str) -> pd.Series:
    return frame[frame["poll_id"] == poll_id].iloc[0]


def test_wilson_interval_uses_the_design_effect(sample):
    row = _row(sample, "fix-a-2019")
    # n = 1000, deff 2 -> n_eff 500; Wilson at p = 0.5, n = 500 is 45.634-54.366 (worked by hand).
    assert row["n_eff"] == 500
    assert row["low"] == pytest.approx(45.634, abs=1e-3)
    assert row["high"] == pytest.approx(54.366, abs=1e-3)
    assert row["shown"] == "50% (95% CI 45.6–54.4)"
    assert "design effect 2" in row["interval_method"]


def test_without_design_effect_simple_random_sampling_is_assumed(sample):
    row = _row(sample, "fix-a-2020")
    assert row["n_eff"] == 1000
    assert "no design effect given" in row["interval_method"]
    assert row["low"] < 60 < row["high"]


def test_no_interval_when_sample_size_unknown_and_the_report_says_why(sample):
    row = _row(sample, "fix-a-2021")
    assert pd.isna(row["low"]) and pd.isna(row["high"])
    assert row["interval_note"] == "no interval: sample size not reported"
    assert row["shown"] == "70% (no interval: sample size not reported)"


def test_no_interval_for_non_probability_samples(sample):
    row = _row(sample, "fix-online-2021")
    assert pd.isna(row["low"])  # 5,000 online readers still give no sampling interval
    assert row["interval_note"] == polls.NOT_RANDOM == "not a random sample"


def test_figures_are_dated_by_fieldwork_midpoint_or_publication(sample):
    assert _row(sample, "fix-a-2019")["when"] == pd.Timestamp("2019-04-15 12:00")
    assert _row(sample, "fix-a-2020")["when"] == pd.Timestamp("2020-04-15 12:00")
    pew = _row(sample, "fix-pew-2013")
    assert pew["when"] == pd.Timestamp("2013-04-30")
    assert pew["when_basis"].startswith("published")


def test_series_groups_by_question_id_in_time_order(sample):
    trust = polls.series(sample, "trust-army")
    assert list(trust["poll_id"]) == ["fix-a-2019", "fix-a-2020", "fix-a-2021"]
    assert polls.repeated_series(sample) == ["trust-army"]
    with pytest.raises(KeyError, match="not in polls.csv"):
        polls.series(sample, "no-such-question")


def test_population_key_drops_parenthetical_detail():
    assert (
        poll_checks.population_key("urban (Bamako and regional capitals except Kidal)") == "urban"
    )
    assert poll_checks.population_key("national: men") == "national: men"


def test_series_mixing_populations_without_note_is_caught_by_validate(tmp_path):
    report = validate_all(_curated_with(tmp_path, "polls_mixed_populations.csv"))
    mixing = [p for p in report.problems if "mixes populations" in p.message]
    # 2019 and 2020 (urban) and 2021 (national) have no note; the 2022 Gao row has one.
    assert [p.line for p in mixing] == [2, 3, 4]
    assert all(p.column == "notes" and p.file.endswith("polls.csv") for p in mixing)
    assert "minusma-satisfaction" in mixing[0].message


def test_same_population_with_different_detail_is_not_mixing(tmp_path):
    frame = load_polls(_curated_with(tmp_path, "polls_mixed_populations.csv"))
    urban_only = frame[frame["population"].str.startswith("urban")]
    assert poll_checks.series_population_problems(urban_only) == []


def test_share_outside_0_100_is_caught_by_validate(tmp_path):
    curated = _curated_with(tmp_path, "polls_sample.csv")
    path = curated / "polls.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",50,false", ",150,false"), "utf-8")
    problems = [str(p) for p in validate_all(curated).problems]
    assert any("polls.csv:2: column 'share': share 150 is outside 0-100" in p for p in problems)


def test_shipped_polls_have_no_population_mixing_without_notes():
    assert poll_checks.series_population_problems(load_polls()) == []


def test_gallup_rejecting_and_pew_favouring_sharia_are_different_series():
    frame = polls.toplines(load_polls())
    gallup = frame[frame["pollster"].str.contains("Gallup")]
    pew = frame[frame["pollster"].str.contains("Pew")]
    assert len(gallup) and len(pew)
    sharia_gallup = gallup[gallup["question"].str.contains("sharia", case=False)]
    sharia_pew = pew[pew["question"].str.contains("sharia", case=False)]
    assert set(sharia_gallup["question_id"]).isdisjoint(set(sharia_pew["question_id"]))
    assert set(sharia_gallup["question_id"]) == {"sharia-reject-gallup"}
    assert set(sharia_pew["question_id"]) == {"sharia-official-law-pew"}


@pytest.mark.parametrize("source", ["fixture", "shipped"])
def test_sharia_figures_are_never_drawn_as_one_line(source, sample):
    frame = sample if source == "fixture" else polls.toplines(load_polls())
    fig, _ = fo.poll_series_layout(frame, SHARIA)
    for ax in fig.axes:
        ids = {
            str(artist.get_gid()).split("|")[0] for artist in ax.get_children() if artist.get_gid()
        }
        assert len(ids) <= 1, f"one panel draws several questions: {ids}"
        for line in ax.get_lines():
            assert len(line.get_xdata()) <= 1 or not str(line.get_gid()).startswith("sharia")
    panels = {
        str(a.get_gid()).split("|")[0] for ax in fig.axes for a in ax.get_children() if a.get_gid()
    }
    assert panels == set(SHARIA)
    side = fo.draw_side_by_side(fo.layout("side_by_side", 2)[1], frame, SHARIA)
    labels = [t.get_text() for t in side.get_yticklabels()]
    assert len(labels) == 2
    assert any("reject" in label.lower() for label in labels)
    assert any("official law" in label.lower() for label in labels)
    # Nothing joins the two bars: every line (error-bar caps and whiskers) stays on one bar.
    assert all(len(set(line.get_ydata())) <= 1 for line in side.get_lines())


def test_series_lines_join_only_same_answer_and_population(sample):
    ax = fo.draw_poll_series(fo.layout("trends")[1], sample, "trust-army")
    joined = [line for line in ax.get_lines() if len(line.get_xdata()) > 1 and line.get_gid()]
    assert [line.get_gid() for line in joined] == ["trust-army|national|somewhat or a lot"]
    assert len(joined[0].get_xdata()) == 3
    assert not ax.get_figure().texts  # the caption names the source (page.figure)


def test_fieldwork_span_as_a_reader_reads_it():
    # The one way reports write a period (core.dates.period_text), at the dates' precision.
    assert polls.fieldwork_span("2017-02-08", "2017-02-24") == (
        "8 February 2017 to 24 February 2017"
    )
    assert polls.fieldwork_span(pd.Timestamp("2017-02-08"), "2017-02-08") == "8 February 2017"
    assert polls.fieldwork_span("2019-04-01", None) == "1 April 2019"
    assert polls.fieldwork_span("2019-04-01", pd.NaT) == "1 April 2019"
    assert polls.fieldwork_span(None, "2019-04-30") == "dates not given"
    assert polls.fieldwork_span(pd.NaT, None) == "dates not given"
    # Afrobarometer round 8's fieldwork is given by month ('2020-03' to '2020-04').
    assert polls.fieldwork_span("2020-03-01", "2020-04-01", "month", "month") == (
        "March 2020 to April 2020"
    )
    assert polls.fieldwork_span("2012-01-01", None, "year", pd.NA) == "2012"


def test_last_day_of_a_published_figure():
    """The newest day a figure rests on: the end of its fieldwork at its precision, else of its
    start, else its publication."""
    row = {
        "fieldwork_start": pd.Timestamp("2020-03-01"),
        "fieldwork_start_precision": "month",
        "fieldwork_end": pd.Timestamp("2020-04-01"),
        "fieldwork_end_precision": "month",
        "published": pd.Timestamp("2020-01-01"),
        "published_precision": "year",
    }
    assert polls.last_day(pd.Series(row)) == pd.Timestamp("2020-04-30")
    no_end = row | {"fieldwork_end": pd.NaT, "fieldwork_end_precision": pd.NA}
    assert polls.last_day(pd.Series(no_end)) == pd.Timestamp("2020-03-31")
    undated = no_end | {"fieldwork_start": pd.NaT, "fieldwork_start_precision": pd.NA}
    assert polls.last_day(pd.Series(undated)) == pd.Timestamp("2020-12-31")
    assert polls.last_day(pd.Series(undated | {"published": pd.NaT})) is None


def test_survey_timeline_one_row_per_wave(sample):
    timeline = polls.survey_timeline(sample)
    assert list(timeline["poll_id"])[:2] == ["fix-gallup-2012", "fix-pew-2013"]
    online = timeline[timeline["poll_id"] == "fix-online-2021"].iloc[0]
    assert not online["random_sample"] and online["sample_size"] == 5000


def test_side_by_side_keeps_each_wording(sample):
    table = polls.side_by_side(sample, SHARIA)
    assert list(table["question_id"]) == SHARIA
    assert table["question"].nunique() == 2


def test_topics_route_questions_to_report_sections():
    assert polls.topic_of("minusma-work-satisfaction") == "international response"
    assert polls.topic_of("confidence-russia-against-insecurity") == "international response"
    assert polls.topic_of("sharia-reject-gallup") == "armed groups and extremism"
    assert polls.topic_of("trust-army") == "trust"
    assert polls.topic_of("fds-work-satisfaction") == "state response"
    assert polls.topic_of("country-direction") == polls.GENERAL_TOPIC


def test_opinion_parameters_fail_with_one_clear_sentence():
    from analysis.reports.params import ParameterError  # the common parameters' error

    known = {"trust-army", "minusma-work-satisfaction"}
    assert params.check_opinion_parameters(["trust-army"], "region", False, 50, known) == (
        ["trust-army"],
        "region",
        False,
        50,
    )
    assert params.check_opinion_parameters("trust-army", "none", True, 1, known)[0] == [
        "trust-army"
    ]
    cases = [
        (["trust-armee"], "none", False, 50, "Unknown question id 'trust-armee'"),
        ([], "province", False, 50, "Unknown breakdown 'province'"),
        ([], "none", "no", 50, "exclude_dont_know must be True or False"),
        ([], "none", False, 0, "min_sample must be a whole number"),
        ([], "none", False, 12.5, "min_sample must be a whole number"),
    ]
    for questions, breakdown, exclude, minimum, message in cases:
        with pytest.raises(ParameterError, match=message):
            params.check_opinion_parameters(questions, breakdown, exclude, minimum, known)
    with pytest.raises(ParameterError, match="covers Mali only"):
        params.check_opinion_parameters([], "none", False, 50, known, country="Niger")


def test_non_random_points_are_marked_on_the_chart(sample):
    ax = fo.draw_poll_series(fo.layout("trends")[1], sample, "trust-army-online")
    assert polls.NOT_RANDOM in [text.get_text() for text in ax.texts]
    bars = [c for c in ax.containers if hasattr(c, "has_yerr")]
    assert bars and not any(c.has_yerr for c in bars)  # no interval drawn
