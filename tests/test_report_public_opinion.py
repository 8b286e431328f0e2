"""The public-opinion report, on hand-made rounds and polls: findings sentences, verdicts on
changes beyond the margin of error, poll-series selection, period and source choices, and the
parameters checked against the run's snapshot."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from analysis.analyses import polls
from analysis.curated.tables import load_polls
from analysis.reports import opinion_charts as charts
from analysis.reports import opinion_data as od
from analysis.reports import opinion_sections as sections
from analysis.reports import public_opinion as po
from analysis.reports.context import open_run
from analysis.reports.params import ParameterError, check_parameters
from analysis.reports.parts import Chart, NoData, Report, Table, Text
from analysis.sources import afrobarometer as ab
from analysis.sources import register
from tests.test_afrobarometer import write_fixture

FIXTURES = Path(__file__).parent / "fixtures"
OPINION = FIXTURES / "opinion"
YES_NO = {1.0: "No", 2.0: "Yes", 9.0: "Don't know"}
REGIONS = {501.0: "KAYES", 506.0: "TOMBOUCTOU", 509.0: "BAMAKO"}


EVERYWHERE = [501, 501, 501, 506, 506, 506, 509, 509, 509, 509]


def hand_round(
    number: int,
    answers: dict[str, list[int]],
    start: str,
    end: str,
    regions: list[int] = EVERYWHERE,
) -> ab.SurveyRound:
    """Ten respondents of weight 1 (so shares are counts out of ten), answers per variable;
    by default three in Kayes, three in Tombouctou and four in Bamako."""
    data = pd.DataFrame(answers)
    data["REGION"] = regions
    data["withinwt"] = 1.0
    return ab.SurveyRound(
        number=number,
        path=Path(f"hand_r{number}.sav"),
        data=data,
        variable_labels={v: v for v in answers},
        value_labels={v: YES_NO for v in answers} | {"REGION": REGIONS},
        weight="withinwt",
        fieldwork_start=date.fromisoformat(start),
        fieldwork_end=date.fromisoformat(end),
    )


@pytest.fixture
def qmap():
    return ab.load_question_map(OPINION / "questions_report.yaml")


@pytest.fixture
def rounds():
    # Round 6: trust in the army 3 of 10, armed forces protect 8 of 10.
    # Round 7: trust 9 of 10, protect 8 of 10, feared extremists 4 of 10 (one don't know),
    # jihadists useful 1 of 10.
    six = hand_round(
        6,
        {"TA": [2, 2, 2, 1, 1, 1, 1, 1, 1, 1], "AF": [2, 2, 2, 2, 2, 2, 2, 2, 1, 1]},
        "2014-12-01",
        "2014-12-14",
    )
    seven = hand_round(
        7,
        {
            "TA": [2, 2, 2, 2, 2, 2, 2, 2, 2, 1],
            "AF": [2, 2, 2, 2, 2, 2, 2, 2, 1, 1],
            "FE": [2, 2, 2, 2, 1, 1, 1, 1, 1, 9],
            "UJ": [2, 1, 1, 1, 1, 1, 1, 1, 1, 1],
        },
        "2017-02-08",
        "2017-02-24",
    )
    return {6: six, 7: seven}


@pytest.fixture
def toplines(tmp_path):
    curated = tmp_path / "curated"
    shutil.copytree(FIXTURES / "curated_min", curated)
    shutil.copy(OPINION / "polls_sample.csv", curated / "polls.csv")
    return polls.toplines(load_polls(curated))


def no_milestones() -> pd.DataFrame:
    columns = ["kind", "date_precision", "end_date_precision", "description", "sources"]
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    return frame.assign(date=pd.Series(dtype="datetime64[ns]"), end_date=frame["date_precision"])


def params(data_source="all", start="2012-01-01", end="2025-12-31", **own) -> po.OpinionParameters:
    common = check_parameters(start, end, "Mali", [], data_source, allowed_sources=po.DATA_SOURCES)
    own.setdefault("min_sample", 5)  # ten respondents a round: not suppressed
    return po.OpinionParameters(common, **own)


def data(rounds, toplines, qmap, **kwargs) -> od.OpinionData:
    return od.prepare(params(**kwargs), toplines, rounds, qmap, no_milestones())


def report(rounds, toplines, qmap, **kwargs) -> Report:
    return po.report(data(rounds, toplines, qmap, **kwargs))


def texts(section) -> list[str]:
    return [b.plain() for b in section.blocks if isinstance(b, Text)]


PROTECT_METHOD = "weighted respondent-level data, national random sample; 95% design-based interval"
#: fix-a-2021 in polls_sample.csv: trust in the army, 70%, fieldwork 2021, no sample size,
#: press-reported; it ended after round 7 (February 2017), so it is the newest figure.
NEWEST_TRUST = (
    "70% nationally (Pollster A, fieldwork 2021; published topline; sample size not reported, "
    "so no margin of error; press-reported)"
)


def test_key_findings_from_hand_made_rounds(rounds, toplines, qmap):
    findings = report(rounds, toplines, qmap).key_findings
    # Armed forces protect, round 7: 8 of 10, weights 1 -> 80%; Wilson at p = 0.8, n = 10:
    # centre (0.8 + 1.92/10) / 1.384 = 0.7167, half-width 1.96 * sqrt(0.016 + 0.0096) / 1.384
    # = 0.2266 -> 49.0-94.3. No published figure of that question: the estimate is the newest.
    assert findings[0] == (
        "In Afrobarometer round 7 (fieldwork 8 February 2017 to 24 February 2017), 80% (95% CI "
        "49.0–94.3) of Malian adults said the armed forces often or always protect the country "
        f"from security threats ({PROTECT_METHOD})."
    )
    # Trust in the army: 3 of 10 in round 6, 9 of 10 in round 7, both rounds in the same three
    # regions: +60 points. Newcombe: Wilson 9/10 = 59.6-98.2, 3/10 = 10.8-60.3, so
    # 60 - sqrt(30.4^2 + 30.3^2) = 17.1 and 60 + sqrt(8.2^2 + 19.2^2) = 80.9; margin
    # 1.96 * sqrt(0.3 * 0.7 / 10 + 0.9 * 0.1 / 10) = 33.9 < 60: a rise. Pooled 60%:
    # z = 0.6 / sqrt(0.6 * 0.4 * (1/10 + 1/10)) = 2.74, p = 0.006.
    assert findings[1] == (
        "Nationally, trust in the army (somewhat or a lot) rose from 30.0% in round 6 to 90.0% "
        "in round 7, a change of +60.0 points (95% CI +17.1 to +80.9; p = 0.006). "
        f"The newest figure is {NEWEST_TRUST}."
    )
    # Feared extremists 4 of 10 (the don't know stays in the denominator); jihadists 1 of 10.
    assert findings[2].startswith("In round 7, 40% (95% CI ")
    assert "feared violence by extremists in the past year, while only 10% (95% CI " in findings[2]
    # Polls fixture: 6 figures; 1 online (not random); 2019 and 2020 have n (interval); 2021,
    # Gallup and Pew give no sample size -> 6 - 2 - 1 = 3.
    assert findings[3] == (
        "Of the 6 published poll figures for the period, 1 come from samples that are not random "
        "and 3 have no reported sample size, so only 2 can carry a margin of error."
    )
    assert len(findings) == 4  # no MINUSMA figure in the fixture; rounds and polls both read


def test_headline_and_round_check_from_the_report(rounds, toplines, qmap):
    checks = report(rounds, toplines, qmap).checks
    headline = checks["headline"]
    assert headline[0] == (
        "Afrobarometer R7           Armed forces protect the country, often or always: "
        "80% (95% CI 49.0–94.3)"
    )
    # Trust in the army: the newest figure is fix-a-2021's published 70% (see above).
    assert headline[1] == (
        "fix-a-2021                 Trust the army, somewhat or a lot: 70% (published topline; "
        "sample size not reported, so no margin of error; press-reported)"
    )
    assert headline[2].startswith("Afrobarometer R7           Feared violence by extremists")
    # The key finding's change: 30% -> 90%, +60.0 (17.1 to 80.9, worked above).
    assert headline[3] == (
        "Afrobarometer R6-R7        Trust the army (national), change: 30.0% to 90.0%, +60.0 "
        "(95% CI +17.1 to +80.9)"
    )
    assert len(headline) == 4  # government-handling-armed-extremists is not in the map
    # n = 10 respondents of weight 1: Kish n_eff = 10.
    (round_check,) = checks["round"]
    assert round_check.startswith("R7 AF (often or always): 80% (95% CI 49.0–94.3), n = 10")
    assert "Kish n_eff = 10;" in round_check


def test_changes_beyond_margin_verdicts(rounds, toplines, qmap):
    shared = data(rounds, toplines, qmap)
    built = po.report(shared)
    # Two questions asked twice: trust 30 -> 90 (+60, far beyond a margin of about 34 points
    # at n = 10), armed forces 80 -> 80 (no change).
    changes = shared.round_changes.set_index("question_id")
    assert changes.loc["trust-army", "change"] == pytest.approx(60.0)
    assert changes.loc["armed-forces-protect-country", "change"] == pytest.approx(0.0)
    assert list(shared.changes_beyond_margin["question_id"]) == ["trust-army"]
    assert (
        "1 of 2 round-to-round changes are larger than their margin of error (each between the "
        "same population: where two rounds sampled different regions, the regions both "
        "sampled)." in texts(built["breakdowns"])
    )
    table = next(b for b in built["breakdowns"].blocks if isinstance(b, Table))
    assert list(table.frame["question"]) == ["Trust the army"]  # headers as a reader sees them
    assert "share from" in table.frame and "share_from" not in table.frame
    # Both rounds sampled Kayes, Tombouctou and Bamako: the change is between national samples.
    assert list(table.frame["population"]) == ["national"]


def test_questions_parameter_narrows_sections_and_adds_findings(rounds, toplines, qmap):
    built = report(rounds, toplines, qmap, questions=("fear-extremist-violence",))
    # The chosen question gets its own finding: 4 of 10 -> 40%, don't know 1 of 10 -> 10.0%.
    assert built.key_findings[-1].startswith(
        "Feared violence by extremists (feared it), round 7: 40%"
    )
    assert built.key_findings[-1].endswith("with 10.0% answering don’t know.")
    # No round-to-round change of the chosen question (asked once): no verdict text.
    assert texts(built["breakdowns"]) == []
    # The north/region figures need a chosen question asked in two rounds: none here.
    slugs = [c.slug for c in built.charts()]
    assert "opinion-north-vs-rest" not in slugs
    assert "opinion-extremism-afrobarometer" in slugs


def test_poll_series_selection(toplines):
    # Hand-made: an army question asked in two polls (state response), MINUSMA in two
    # (international response), trust-army in three (topic trust, not a response).
    rows = [
        ("p1", "fds-work-satisfaction"),
        ("p2", "fds-work-satisfaction"),
        ("p1", "minusma-work-satisfaction"),
        ("p3", "minusma-work-satisfaction"),
        ("p1", "trust-army"),
        ("p2", "trust-army"),
        ("p3", "trust-army"),
        ("p1", "barkhane-once-only"),
    ]
    frame = pd.DataFrame(rows, columns=["poll_id", "question_id"])
    assert charts.response_series_ids(frame, params()) == [
        "fds-work-satisfaction",
        "minusma-work-satisfaction",
    ]
    chosen = params(questions=("minusma-work-satisfaction",))
    assert charts.response_series_ids(frame, chosen) == ["minusma-work-satisfaction"]


def test_data_source_and_period_choices(rounds, toplines, qmap):
    # Data an edition does not read is a coverage note of the appendix, never a key finding.
    only_polls = data(rounds, toplines, qmap, data_source="curated")
    assert only_polls.rounds_read == ()
    built = po.report(only_polls)
    assert not any("Afrobarometer" in f and "data" in f for f in built.key_findings)
    lead, notes = texts(built["coverage"])
    assert lead.startswith("This edition was built without some of the data")
    assert notes == (
        "- **Afrobarometer survey data, Mali** (this edition was built from the published "
        "toplines alone). Without it, the report leaves out Afrobarometer's own estimates with "
        "their margins of error (the figures on armed groups, the state's responses and trust, "
        "the changes between rounds and the question map); the report then rests on published "
        "toplines alone. "
        "Afrobarometer (fieldwork in Mali by the Groupe de Recherche en Economie Appliquée et "
        "Théorique) offers it at https://www.afrobarometer.org/data/ (free registration) "
        "(licence: Free for research use, with citation (Afrobarometer data policy))."
    )
    only_rounds = data(rounds, toplines, qmap, data_source="afrobarometer")
    assert len(only_rounds.toplines) == 0
    built = po.report(only_rounds)
    assert not any("published poll figures" in f for f in built.key_findings)
    (_, notes) = texts(built["coverage"])
    assert notes.startswith(
        "- **Poll toplines reported in the press (FES Mali-Mètre, Afrobarometer)** (this "
        "edition was built from Afrobarometer's respondent-level data alone). Without it, the "
        "report leaves out the published poll figures and every figure and table drawn from "
        "them."
    )
    # A period from 2016: round 6 (fieldwork December 2014) falls outside and is named.
    later = data(rounds, toplines, qmap, start="2016-01-01")
    assert later.rounds_read == (7,) and later.rounds_outside == (6,)
    # The period written the one way (core.dates.period_text), not '2016-01-01 to 2025-12-31'.
    assert (
        "Afrobarometer round 6 was fielded outside the period this report covers (1 January "
        "2016 to 31 December 2025) and is left out." in texts(po.report(later)["asked"])
    )
    # Rounds outside the period are the period's choice: no coverage note about missing data.
    assert texts(po.report(later)["coverage"])[0].startswith("This edition read every dataset")
    # no milestone in the fixture's period: the section says so instead of an empty table
    (timeline,) = po.report(later)["timeline"].blocks
    assert timeline == NoData("no milestone of the chosen kinds in the period")
    # 2016-2025 keeps the 2019-2021 figures (4 of them), not Gallup 2012 nor Pew 2013.
    assert len(later.toplines) == 4


def test_caveats_count_figures_after_the_2021_coup(toplines):
    milestones = pd.DataFrame(
        {"kind": ["coup", "coup"], "date": pd.to_datetime(["2020-08-18", "2021-05-24"])}
    )
    text = sections.poll_caveats(toplines, milestones).plain()
    # After 2021-05-24: the online poll (June 2021) and fix-a-2021 (mid-2021, 2021-07-02).
    assert "2 figures were collected after 2021-05-24" in text
    assert "1 figures come second-hand from the press" in text  # fix-a-2021
    assert "1 figures come from online or quota samples" in text
    without = sections.restricted_from(milestones.iloc[:1])
    assert without == sections.FALLBACK_RESTRICTED_FROM


def test_opinion_parameters_checked_against_the_curated_polls(tmp_path):
    curated = tmp_path / "curated"
    shutil.copytree(FIXTURES / "curated_min", curated)
    shutil.copy(OPINION / "polls_sample.csv", curated / "polls.csv")
    ctx = open_run("2012-01-01", "2025-12-31", curated)
    checked = po.check(ctx, "2012-01-01", "2025-12-31", questions="trust-army-online")
    assert checked.questions == ("trust-army-online",) and checked.min_sample == 50
    with pytest.raises(ParameterError, match="Unknown question id 'no-such-question'"):
        po.check(ctx, "2012-01-01", "2025-12-31", questions=["no-such-question"])
    with pytest.raises(ParameterError, match="Unknown data source 'acled'"):
        po.check(ctx, "2012-01-01", "2025-12-31", data_source="acled")


def test_build_records_each_afrobarometer_file_read(tmp_path):
    curated = tmp_path / "curated"
    shutil.copytree(FIXTURES / "curated_min", curated)
    shutil.copy(OPINION / "polls_sample.csv", curated / "polls.csv")
    folder = tmp_path / "afrobarometer"
    folder.mkdir()
    write_fixture(folder / "fix_r7_data.sav")
    qmap = ab.load_question_map(OPINION / "questions_fixture.yaml")
    ctx = open_run("2012-01-01", "2025-12-31", curated)
    checked = po.check(ctx, "2012-01-01", "2025-12-31", qmap=qmap)
    shared = od.load(ctx, checked, afrobarometer_dir=folder, qmap=qmap)
    built = po.report(shared)
    assert shared.rounds_read == (7,)
    assert ctx.version_read("afrobarometer") == "round 7"
    assert ctx.source_line("afrobarometer") == f"{ab.SOURCE_NAME} round 7"
    read = [o for o in ctx.origins if o.dataset == "afrobarometer"]
    assert [Path(o.where).name for o in read] == ["fix_r7_data.sav"]
    assert ab.HOW_TO_GET.startswith(register.entry("afrobarometer").how_to_get)
    # Every figure names its source line and caption; none is drawn by build().
    for chart in built.charts():
        assert chart.source.startswith("Source: ") and chart.caption
    assert re.search(r"covers rounds 7\.", texts(built["asked"])[0])


def all_text(section) -> str:
    """Every caption, text and table cell of a section, as one string."""
    parts = []
    for block in section.blocks:
        if isinstance(block, Text):
            parts.append(block.plain())
        elif isinstance(block, Chart):
            parts.append(block.caption)
        elif isinstance(block, Table):
            parts.append(block.caption + " " + block.frame.to_string())
    return "\n".join(parts)


def test_brief_body_and_appendix(rounds, toplines, qmap):
    """Body captions are short; wordings, poll lists and the question map are in the appendix."""
    from analysis.reports.brief import MAX_CAPTION_WORDS, caption_words

    built = report(rounds, toplines, qmap)
    assert list(built.sections) == list(po.SECTIONS) + list(po.APPENDIX)
    body = "\n".join(all_text(built[name]) for name in po.SECTIONS)
    appendix = "\n".join(all_text(built[name]) for name in po.APPENDIX)
    for chart in built.charts():
        assert caption_words(chart.caption) <= MAX_CAPTION_WORDS, chart.slug
    # The wordings of the fixture's map (questions_report.yaml) and of polls_sample.csv.
    for wording in ("Are jihadist groups useful?", "Does the army protect the country?"):
        assert wording not in body and wording in appendix
    assert "How much do you trust the army?" in appendix  # the published figures in full
    assert "Published figures on trust and approval" in appendix
    assert "Published figures on trust and approval" not in body
    assert "Harmonised Afrobarometer questions" in appendix
    assert "Harmonised Afrobarometer questions" not in body
    # The extremism bar chart: rounds 7 only (the two questions the fixture asks in round 7).
    (extremism,) = [c for c in built.charts() if c.slug == "opinion-extremism-afrobarometer"]
    assert extremism.source.endswith("round 7.")
    # The small rounds table stays in the body.
    assert "Afrobarometer rounds read" in body
    method = all_text(built["method"])
    # min_sample=5 in params()
    assert "fewer than 5 respondents are not shown (too few respondents)" in method


def test_appendix_sections_say_when_they_have_no_data(toplines, qmap):
    built = report({}, toplines, qmap, data_source="curated")
    (missing,) = built["question-map"].blocks
    assert isinstance(missing, NoData)
    assert "This edition read no Afrobarometer respondent-level data" in all_text(built["method"])


MICRODATA = (
    "Afrobarometer round 7, fieldwork 8 February 2017 to 24 February 2017 (weighted "
    "respondent-level data, national random sample; 95% design-based interval)"
)


def test_sections_are_led_by_their_latest_figures(rounds, toplines, qmap):
    """Round 7 of the hand-made rounds: feared extremists 4 of 10, jihadists useful 1 of 10,
    armed forces protect 8 of 10 (questions absent from the fixture's map, such as trust in the
    president, are left out). Trust in the army: polls_sample.csv publishes it later (fix-a-2021,
    70%, fieldwork 2021), so that is the newest figure, with how it was obtained."""
    built = report(rounds, toplines, qmap)
    leads = {name: texts(built[name])[0] for name in ("extremism", "responses", "trust")}
    assert leads["extremism"].startswith(
        f"**Latest figures.** {MICRODATA}: Feared violence by extremists (feared it) 40% (95% CI"
    )
    assert "; Jihadist groups help unity (useful) 10% (95% CI" in leads["extremism"]
    assert leads["responses"].startswith(
        f"**Latest figures.** {MICRODATA}: Armed forces protect the country (often or always) "
        "80% (95% CI"
    )
    assert leads["trust"] == (
        "**Latest figures.** Pollster A, fieldwork 2021 (published topline; sample size not "
        "reported, so no margin of error; press-reported): Trust the army (somewhat or a lot) 70%."
    )
    assert "president" not in leads["trust"]
    # Without microdata the published figure still leads the trust section; the other
    # sections have no published figure of their lead questions.
    only_polls = report(rounds, toplines, qmap, data_source="curated")
    assert texts(only_polls["trust"])[0] == leads["trust"]
    assert not any(t.startswith("**Latest") for t in texts(only_polls["responses"]))


def test_the_latest_figure_is_the_newest_of_microdata_and_published_toplines(
    rounds, toplines, qmap
):
    """Why: 'Latest Afrobarometer figures' were from February 2017 while later toplines sat in
    polls.csv. Until the end of 2020 the newest published trust figure is fix-a-2020 (fieldwork
    April 2020, n = 1,000, no design effect: Wilson at p = 0.6, n = 1,000: centre
    (0.6 + 0.00192) / 1.00384 = 0.5996, half-width 1.96 * sqrt(0.00024 + 0.00000096) / 1.00384
    = 0.0303, so 56.9-63.0); the online poll of June 2021 falls outside the period."""
    from analysis.reports.opinion_latest import latest_figure

    to_2020 = data(rounds, toplines, qmap, end="2020-12-31")
    figure = latest_figure(to_2020, "trust-army")
    assert (figure.check_label, figure.shown, figure.fieldwork) == (
        "fix-a-2020",
        "60% (95% CI 56.9–63.0)",
        "fieldwork April 2020",
    )
    assert figure.method == "published topline; 95% CI from its reported sample size of 1,000"
    assert figure.last_day == pd.Timestamp("2020-04-30")
    # Until the end of 2018 nothing published is newer than round 7: the estimate, 9 of 10.
    to_2018 = data(rounds, toplines, qmap, end="2018-12-31")
    assert latest_figure(to_2018, "trust-army").check_label == "Afrobarometer R7"
    # On the same last day the estimate, which has its interval, is kept.
    same_day = toplines.assign(
        fieldwork_start=pd.Timestamp("2017-02-08"),
        fieldwork_start_precision="day",
        fieldwork_end=pd.Timestamp("2017-02-24"),
        fieldwork_end_precision="day",
    )
    tied = od.prepare(params(), polls.toplines(same_day), rounds, qmap, no_milestones())
    assert latest_figure(tied, "trust-army").microdata


def test_newer_published_figures_on_a_sections_topic(rounds, toplines, qmap):
    """Until 30 June 2021 the trust section leads with fix-a-2020 (April 2020); the online poll
    of June 2021 on another trust question ended later, so its figure follows, marked."""
    from analysis.reports.opinion_latest import latest_figure, newer_on_topic

    built = report(rounds, toplines, qmap, end="2021-06-30")
    table = next(b for b in built["trust"].blocks if isinstance(b, Table))
    assert table.caption == (
        "Newer published figures on this topic (other questions or populations): Web portal, "
        "fieldwork June 2021"
    )
    assert table.frame.to_dict("records") == [
        {
            "question": "Do you trust the army?",
            "response": "yes",
            "figure": "90% (not a random sample)",
            "population": "online readers",
            "press-reported": False,
        }
    ]
    # Over the whole period fix-a-2021 (to 31 December 2021) leads: nothing newer follows.
    whole = data(rounds, toplines, qmap)
    assert newer_on_topic(whole, "trust", [latest_figure(whole, "trust-army")]) is None


def test_data_through_is_the_newest_fieldwork_day_the_figures_rest_on(rounds, toplines, qmap):
    """Why: a brief dated by its run, not its data. Round 7 ended on 24 February 2017; of the
    published figures, fix-a-2021's fieldwork is given as 2021 (so it ends 31 December 2021)."""
    assert report(rounds, toplines, qmap).data_through == date(2021, 12, 31)
    assert report(rounds, toplines, qmap, data_source="afrobarometer").data_through == date(
        2017, 2, 24
    )
    # To the end of 2020: fix-a-2020's fieldwork is April 2020, which ends on the 30th.
    assert report(rounds, toplines, qmap, end="2020-12-31").data_through == date(2020, 4, 30)
    # To 30 June 2021: the online poll of June 2021 (dated by its middle, 15 June) is in.
    assert report(rounds, toplines, qmap, end="2021-06-30").data_through == date(2021, 6, 30)
    assert report({}, toplines.iloc[0:0], qmap).data_through is None


def test_a_change_compares_the_regions_both_rounds_sampled(toplines, qmap):
    """Why: 'trust in the army went from 66.8% (round 5) to 81.8% (round 7)' compared a round
    that did not sample the north with a national one. By hand: round 6 sampled Kayes and Bamako
    only (trust 5 of 10 = 50%); round 7 sampled Kayes (3 of 4 trust), Tombouctou (0 of 2) and
    Bamako (3 of 4): 60% nationally, 6 of 8 = 75% outside Tombouctou. The change is +25 points
    outside Tombouctou; its margin 1.96 * sqrt(.5 * .5 / 10 + .75 * .25 / 8) = 43.1 is larger,
    so no rise is claimed. Newcombe: Wilson 6/8 = 40.9-92.9, 5/10 = 23.7-76.3, so
    25 - sqrt(34.1^2 + 26.3^2) = -18.1 and 25 + sqrt(17.9^2 + 26.3^2) = +56.8; pooled 11/18:
    z = 0.25 / sqrt(0.611 * 0.389 * (1/8 + 1/10)) = 1.08, p = 0.28."""
    six = hand_round(
        6,
        {"TA": [2, 2, 1, 1, 1, 2, 2, 2, 1, 1], "AF": [2] * 10},
        "2014-12-01",
        "2014-12-14",
        regions=[501] * 5 + [509] * 5,
    )
    seven = hand_round(
        7,
        {"TA": [2, 2, 2, 1, 1, 1, 2, 2, 2, 1], "AF": [2] * 10, "FE": [1] * 10, "UJ": [1] * 10},
        "2017-02-08",
        "2017-02-24",
        regions=[501] * 4 + [506] * 2 + [509] * 4,
    )
    built = report({6: six, 7: seven}, toplines.iloc[0:0], qmap, data_source="afrobarometer")
    assert built.key_findings[1] == (
        "Outside Tombouctou (not sampled in round 6), trust in the army (somewhat or a lot) was "
        "50.0% in round 6 and 75.0% in round 7: no change beyond the margin of error "
        "(+25.0 points, 95% CI -18.1 to +56.8; p = 0.28)."
    )
    # The national figures stay in the body, with why they are not compared.
    national = next(t for t in texts(built["trust"]) if t.startswith("**National figures"))
    assert national == (
        "**National figures of different populations.** Nationally, trust the army was 50.0% in "
        "round 6 and 60.0% in round 7 (+10.0 points). These national figures are not compared, "
        "as their populations differ: Tombouctou (not sampled in round 6). The changes in the "
        "table compare the regions both rounds sampled."
    )
    changes = next(b for b in built["trust"].blocks if isinstance(b, Table)).frame
    assert changes[["population", "share from", "share to"]].values.tolist() == [
        ["outside Tombouctou (not sampled in round 6)", 50.0, 75.0]
    ]
    # The count of changes beyond the margin counts this comparable change (within it).
    assert texts(built["breakdowns"])[0].startswith("0 of 2 round-to-round changes")
    # Figures: the national line does not join the two rounds, and says why.
    trends = next(c for c in built.charts() if c.slug == "opinion-trust-trends")
    assert trends.source.endswith("Not joined: Tombouctou (not sampled in round 6).")


def test_milestones_are_the_countrys_own(tmp_path):
    """Why: context that belongs to another country. The report is Mali's: a Burkina Faso coup
    in milestones.csv is not one of its milestones."""
    curated = tmp_path / "curated"
    shutil.copytree(FIXTURES / "curated_min", curated)
    shutil.copy(OPINION / "polls_sample.csv", curated / "polls.csv")
    with (curated / "milestones.csv").open("a", encoding="utf-8") as table:
        table.write(
            "coup-bf-2022,2022-01-24,day,,coup,Burkina Faso army,,Soldiers seized power in "
            "Burkina Faso.,cep-mali,,Burkina Faso\n"
        )
    ctx = open_run("2012-01-01", "2025-12-31", curated)
    checked = po.check(ctx, "2012-01-01", "2025-12-31", data_source="curated")
    shared = od.load(ctx, checked)
    assert list(shared.milestones["milestone_id"]) == ["serval", "state-of-emergency-2015"]


def test_the_appendix_gives_each_figures_wording_in_the_order_the_brief_shows_them(
    rounds, toplines, qmap
):
    built = report(rounds, toplines, qmap)
    # By hand, from questions_report.yaml and polls_sample.csv: the extremism bars (jihadists,
    # feared extremists), Gallup's and Pew's sharia questions, the armed-forces bars (no
    # response question is asked in two polls: no series), trust in the army over rounds 6 and
    # 7, then trust in the army (the default focus) north against the rest, and by region.
    assert [c.slug for c in built.charts()] == [
        "opinion-survey-timeline",
        "opinion-extremism-afrobarometer",
        "opinion-sharia-side-by-side",
        "opinion-responses-afrobarometer",
        "opinion-trust-trends",
        "opinion-north-vs-rest",
        "opinion-region-round-heatmap",
    ]
    wordings = [b for b in built["wordings"].blocks if isinstance(b, Text)]
    assert [w.values["title"] for w in wordings] == [
        "Armed groups, extremism and insecurity",
        "Sharia: two different questions",
        "The army, the government, MINUSMA and France",
        "Trust in institutions",
        "Trust the army: national, north and rest of Mali",
        "Trust the army by region and round",
    ]
    sharia = wordings[1].values["wording"]
    assert "'Do you favour or oppose making sharia the official law of the land?'" in sharia
    assert "'Implementation of sharia'" in sharia
