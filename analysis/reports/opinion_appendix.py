"""The appendix of the public-opinion report, one function per section: the figures' question
wordings, the survey waves, the published figures in full, the question map, the method notes
and the milestones in full. Each returns its ``parts.Section``; a section without data says so."""

from __future__ import annotations

import pandas as pd

from analysis.analyses import opinion, polls
from analysis.analyses.milestones import milestone_table
from analysis.core.dates import period_text
from analysis.reports import glossary
from analysis.reports import opinion_charts as charts
from analysis.reports.coverage_notes import coverage_section, missing_part
from analysis.reports.opinion_captions import CURATED_SOURCE, POLLS_SOURCE, SURVEY_SOURCE
from analysis.reports.opinion_data import OpinionData
from analysis.reports.parts import Block, NoData, Section, Table, Text, section
from analysis.sources import afrobarometer as ab

POLL_COLUMNS = ["pollster", "population", "question", "response", "shown"]
#: Shorter headers for the survey-wave table, so that it fits the column.
WAVE_HEADERS = {"sample_size": "n", "random_sample": "random", "press_reported": "press"}
WAVE_COLUMNS = [
    "when",
    "pollster",
    "population",
    "sample_size",
    "random_sample",
    "press_reported",
    "figures",
]


def wordings(data: OpinionData) -> Section:
    """The full wording, rounds, variables and fieldwork of each figure's questions, in the
    order the brief shows the figures."""
    worded = [chart for make in charts.WORDED_CHARTS if (chart := make(data)) is not None]
    blocks = [
        Text("**{title}.** {wording}", {"title": w.label, "wording": w.wording})
        for w in worded
        if w.wording
    ]
    return section("wordings", *(blocks or [NoData("figures with question wordings in this run")]))


def waves(data: OpinionData) -> Section:
    """The published survey waves of the period, and the questions they asked."""
    if not len(data.timeline):
        return section("waves", NoData("published survey waves in the period"))
    shown = data.timeline.assign(when=data.timeline["when"].dt.strftime("%Y-%m"))
    return section(
        "waves",
        Table(
            shown[WAVE_COLUMNS].rename(columns=WAVE_HEADERS),
            "Published survey waves (dated by the middle of fieldwork, or publication where "
            "no fieldwork dates are given)",
            source=POLLS_SOURCE,
        ),
        Table(
            polls.question_catalogue(data.toplines),
            "Published questions: one row per question (the same question, in the same wording)",
            source=POLLS_SOURCE,
        ),
    )


def _poll_table(rows: pd.DataFrame, caption: str, missing: str, use_polls: bool) -> Block | None:
    """The published figures of one topic with their intervals; a note when polls were read
    but none is on the topic (``missing``: what is missing; None: nothing to say)."""
    if len(rows):
        return Table(rows[POLL_COLUMNS], caption, source=POLLS_SOURCE)
    return NoData(missing) if use_polls and missing else None


def published(data: OpinionData) -> Section:
    """The published figures in full, by topic, each with its 95% interval or why none."""
    toplines, use_polls = data.toplines, data.params.use_polls
    blocks = [
        _poll_table(
            toplines[toplines["topic"] == "armed groups and extremism"],
            "Published figures on armed groups, extremism and insecurity (with 95% interval, "
            "or why none)",
            "published poll figures on armed groups and extremism in this period",
            use_polls,
        ),
        _poll_table(
            toplines[toplines["topic"].isin(charts.RESPONSE_TOPICS)].sort_values("when"),
            "Published figures on the army, MINUSMA, France and Russia (95% interval, or why none)",
            "published poll figures on the state's and international responses",
            use_polls,
        ),
        _poll_table(
            toplines[toplines["topic"] == "trust"].sort_values("when"),
            "Published figures on trust and approval (95% interval, or why none)",
            "",
            use_polls,
        ),
    ]
    present = [b for b in blocks if b is not None]
    return section("polls", *(present or [NoData("published poll figures in the period")]))


def question_map_brief(qmap: ab.QuestionMap) -> pd.DataFrame:
    """The harmonised question map, without its topic column and with '–' for a round that did
    not ask the question, so that the table fits the column."""
    return ab.question_map_table(qmap).drop(columns="topic").replace("not asked", "–")


def question_map(data: OpinionData) -> Section:
    """The variable holding each harmonised question in each round (when rounds were read)."""
    if not len(data.round_facts):
        missing = data.microdata_missing
        what = "Afrobarometer respondent-level data for the period"
        return section("question-map", missing_part(missing, what) if missing else NoData(what))
    return section(
        "question-map",
        Table(
            question_map_brief(data.qmap),
            "Harmonised Afrobarometer questions: the variable holding each question in each "
            "round (–: not asked)",
            source=SURVEY_SOURCE,
        ),
    )


#: The rules behind the brief's comparisons and "latest" figures, with what they follow.
RULES = (
    "- **Like with like.** A change between two Afrobarometer rounds compares the same "
    "population: when the rounds sampled different regions ({gaps}), both are estimated again "
    "on the regions both sampled, and the table names the regions left out. National figures "
    "of such rounds are shown but not compared, and the figures do not join them with a line. "
    "An estimate describes only the population its sample covers (coverage: Groves et al., "
    "*Survey Methodology*, 2nd ed., 2009, chapter 3).\n"
    "- **Rise, fall or no change.** A change is called a rise or a fall only when it is larger "
    "than its margin of error (1.96 standard errors of the difference, on effective sample "
    "sizes); otherwise the brief says there was no change beyond the margin of error. The "
    "margin of a difference is not that of either survey (C. H. Franklin, 'The margin of error "
    "for differences in polls', 2007; Pew Research Center, 'Understanding the margin of error "
    "in election polls', 2016).\n"
    "- **Latest figures.** Each section leads with the newest figure of its questions: the "
    "Afrobarometer estimate, or a published topline of the same question, answer and national "
    "population whose fieldwork ended later (on the same day, the estimate, which carries a "
    "design-based interval); each says how it was obtained. When a published survey on the "
    "section's topic ended later still, its figures follow in a table: other questions or "
    "populations, not a trend.\n"
    "- **Data through.** The newest fieldwork day of the rounds read and of the published "
    "figures of the period (for a figure without fieldwork dates, its publication).\n"
)


def coverage_gaps(data: OpinionData) -> str:
    """'round 5 did not sample Tombouctou, Gao and Kidal' for each round read that sampled
    fewer regions than the rounds together ('none of the rounds read did' when none)."""
    gaps = opinion.coverage_gaps(dict(data.rounds))
    return (
        "; ".join(f"round {number} did not sample {regions}" for number, regions in gaps.items())
        or "none of the rounds read did"
    )


def method(data: OpinionData) -> Section:
    """How the report computes its figures: intervals, tests, suppression, comparisons, the
    latest figures, dating."""
    afrobarometer = (
        "- **Afrobarometer estimates.** Weighted shares of respondents (with the file's own "
        "weights), with 95% Wilson intervals on the weighted sample's effective size, "
        "(sum of weights)² / (sum of squared weights). Round-to-round changes carry "
        "Newcombe's 95% interval for a difference of two proportions and a two-proportion "
        "test; group differences are judged by Holm-adjusted p-values. Groups and regions "
        "with fewer than {min_sample} respondents are not shown (too few respondents).\n"
        "- **Don't know.** {denominator}\n"
        if data.rounds
        else "- **Afrobarometer estimates.** This edition read no Afrobarometer respondent-level "
        "data (data coverage: appendix).\n"
    )
    return section(
        "method",
        Text(
            afrobarometer
            + RULES
            + "- **Published figures.** A 95% interval is shown only for a random sample with a "
            "reported size; otherwise the table says why there is none.\n"
            "- **Dates.** A survey wave is dated by the middle of its fieldwork, or by its "
            "publication where no fieldwork dates are given.",
            {
                "min_sample": data.params.min_sample,
                "denominator": data.denominator,
                "gaps": coverage_gaps(data),
            },
        ),
    )


def coverage(data: OpinionData) -> Section:
    """Data coverage: what this edition did not read, what that leaves out and where its
    publisher offers it (or that it read all it can use)."""
    return coverage_section("coverage", data.unread)


#: The words the glossary explains, in the order a reader meets them.
GLOSSARY_TERMS: tuple[str, ...] = (
    "afrobarometer",
    "round",
    "respondent-level-data",
    "published-topline",
    "mali-metre",
    "press-reported",
    "random-sample",
    "weights",
    "interval",
    "p-value",
    "design-effect",
    "clusters",
    "not-sampled",
    "too-few",
    "curated-tables",
    "milestone",
    "data-through",
)


def words(data: OpinionData) -> Section:
    """Words used in this report: the terms of GLOSSARY_TERMS in plain words."""
    return glossary.section("glossary", GLOSSARY_TERMS, {"min_sample": data.params.min_sample})


def milestones(data: OpinionData) -> Section:
    """The milestones of the period in full: what happened, and its sources."""
    params = data.params
    return section(
        "milestones",
        Table(
            milestone_table(data.milestones),
            f"Milestones from {period_text(params.start_date, params.end_date)}",
            source=CURATED_SOURCE,
        ),
    )
