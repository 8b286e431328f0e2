"""The brief of the public-opinion report, one function per section: what Malians were asked,
their views on the armed groups and on the responses, their trust in institutions, the changes
beyond the margin of error, the caveats and the timeline. Each returns its ``parts.Section``."""

from __future__ import annotations

import pandas as pd

from analysis.analyses import opinion, polls
from analysis.analyses import survey_stats as ss
from analysis.core.dates import period_text
from analysis.reports import opinion_charts as charts
from analysis.reports.brief import (
    milestone_brief,
    milestone_brief_caption,
    milestone_brief_missing,
)
from analysis.reports.coverage_notes import WHERE, missing_part
from analysis.reports.opinion_captions import CURATED_SOURCE, SURVEY_SOURCE
from analysis.reports.opinion_data import OpinionData
from analysis.reports.opinion_findings import army_trust_ends
from analysis.reports.opinion_latest import latest_figure, latest_text, newer_on_topic
from analysis.reports.parts import Block, NoData, Section, Table, Text, section

#: The questions whose latest Afrobarometer figures lead each section (its point, first).
LEAD_QUESTIONS: dict[str, tuple[str, ...]] = {
    "extremism": ("fear-extremist-violence", "unity-help-jihadist-groups"),
    "responses": ("armed-forces-protect-country", "government-handling-armed-extremists"),
    "trust": ("trust-army", "trust-president", "trust-police"),
}
#: Until when speech was free: the 2021 coup, when milestones.csv does not list it.
FALLBACK_RESTRICTED_FROM = pd.Timestamp("2021-05-24")
CHANGE_COLUMNS = [
    "short",
    "population",
    "from_round",
    "to_round",
    "share_from",
    "share_to",
    "change",
]
ONE_DECIMAL = {"share_from": 1, "share_to": 1, "change": 1}


def lead(data: OpinionData, name: str) -> tuple[Text | None, Table | None]:
    """What leads a section with its point: the newest figure of each of its lead questions
    (Afrobarometer estimate or later published topline, each with its method), then the newest
    published wave on its topic when newer still (None for a part that has nothing)."""
    ids = data.params.chosen(list(LEAD_QUESTIONS[name]))
    figures = [f for f in (latest_figure(data, q) for q in ids) if f is not None]
    return latest_text(figures), newer_on_topic(data, name, figures)


def p_column(frame: pd.DataFrame, column: str = "p_value") -> pd.DataFrame:
    """The frame with a column 'p' holding its p-values as a reader reads them."""
    return frame.assign(p=frame[column].map(ss.format_p_value))


def _chart(worded: charts.WordedChart | None) -> Block | None:
    return worded.chart if worded is not None else None


#: The rounds table: the round facts' columns, and their headers for readers.
ROUND_HEADERS: dict[str, str] = {
    "round": "round",
    "fieldwork": "fieldwork",
    "respondents": "respondents",
    "kish_design_effect": "design effect (weights)",
    "clusters": "clusters identified",
    "note": "note",
}


def _missing_microdata(data: OpinionData, what: str) -> NoData | None:
    """A note that the respondent-level data hold nothing for a part, when they were asked
    for: the edition was built without them (coverage notes), no round was fielded in the
    period, or none of the questions chosen is among them."""
    if not data.params.use_microdata:
        return None
    missing = data.microdata_missing
    if missing is not None:
        return missing_part(missing, what)
    if not data.rounds:
        return NoData(f"{what}: no Afrobarometer round was fielded in the period")
    return NoData(f"{what}: none among the questions chosen")


def _no_survey_data(data: OpinionData, what: str) -> NoData:
    """A note that a part has no survey data at all: why, where the edition lacked data."""
    return NoData(what, WHERE if data.unread else "")


def rounds_table(facts: pd.DataFrame) -> Table:
    """The Afrobarometer rounds read, with the design effect of their weights and whether the
    file identifies the sampling areas (clusters), in words."""
    shown = facts.assign(
        clusters=facts["psu"].map(lambda psu: "no" if psu == opinion.NO_PSU else "yes")
    )
    return Table(
        shown[list(ROUND_HEADERS)].rename(columns=ROUND_HEADERS),
        "Afrobarometer rounds read (fieldwork from the interview dates in each file)",
        {ROUND_HEADERS["kish_design_effect"]: 2},
        source=SURVEY_SOURCE,
    )


def asked(data: OpinionData) -> Section:
    """What Malians were asked and when: the waves and rounds of the period, on a timeline."""
    timeline, facts = data.timeline, data.round_facts
    if len(timeline) or len(facts):
        rounds = (
            f"Afrobarometer respondent-level data covers rounds "
            f"{', '.join(str(n) for n in data.rounds)}"
            if data.rounds
            else "this edition read no Afrobarometer respondent-level data"
        )
        survey_blocks: tuple[Block | None, ...] = (
            Text(
                "{waves} published survey waves by {pollsters} pollsters gave {figures} figures "
                "in the period; {rounds}.",
                {
                    "waves": len(timeline),
                    "pollsters": timeline["pollster"].nunique() if len(timeline) else 0,
                    "figures": len(data.toplines),
                    "rounds": rounds,
                },
            ),
            charts.survey_timeline(data),
        )
    else:
        survey_blocks = (_no_survey_data(data, "surveys for the chosen period and data source"),)
    outside = None
    if data.rounds_outside:
        several = len(data.rounds_outside) > 1
        outside = Text(
            "Afrobarometer round{s} {outside} {were} fielded outside the period this report "
            "covers ({period}) and {are} left out.",
            {
                "s": "s" if several else "",
                "outside": ", ".join(str(n) for n in data.rounds_outside),
                "were": "were" if several else "was",
                "are": "are" if several else "is",
                "period": period_text(data.params.start_date, data.params.end_date),
            },
        )
    shown = (
        rounds_table(facts)
        if len(facts)
        else _missing_microdata(data, "Afrobarometer respondent-level data")
    )
    return section("asked", *survey_blocks, outside, shown)


def extremism(data: OpinionData) -> Section:
    """Views on the armed groups and on extremism: Afrobarometer's questions, and the two
    different published questions about sharia."""
    bars = _chart(charts.extremism_bars(data)) or _missing_microdata(
        data, "Afrobarometer questions on armed groups and extremism"
    )
    toplines, sharia = data.toplines, charts.sharia_questions(data.toplines)
    sharia_text = None
    if sharia:
        shown = [toplines.loc[toplines["question_id"] == q, "shown"].iloc[0] for q in sharia]
        sharia_text = Text(
            "Gallup ({gallup}) and Pew ({pew}) asked different questions about sharia: one "
            "about rejecting its implementation, the other about making it the official law, "
            "among Muslims only. They are shown side by side with their wordings, not as one "
            "trend.",
            {"gallup": shown[0], "pew": shown[1]},
        )
    return section(
        "extremism", *lead(data, "extremism"), bars, sharia_text, _chart(charts.sharia_bars(data))
    )


def responses(data: OpinionData) -> Section:
    """Views on the state's and international responses: repeated published questions, then
    Afrobarometer's."""
    bars = _chart(charts.response_bars(data)) or _missing_microdata(
        data, "Afrobarometer questions on the state's and international responses"
    )
    return section(
        "responses", *lead(data, "responses"), _chart(charts.response_series(data)), bars
    )


def national_across_populations(estimates: pd.DataFrame) -> Text | None:
    """The national figures of rounds that sampled different regions, with why they are not
    compared: each consecutive pair, and the army's first and last rounds (the key finding)."""
    usable = estimates[~estimates["suppressed"].astype(bool)]
    pairs = {}
    for _, block in usable.groupby("question_id", sort=False):
        rows = [row for _, row in block.sort_values("round").iterrows()]
        pairs |= {
            (a["question_id"], a["round"], b["round"]): (a, b)
            for a, b in zip(rows, rows[1:], strict=False)
        }
    ends = army_trust_ends(estimates)
    if ends is not None:
        pairs.setdefault(("trust-army", ends[0]["round"], ends[1]["round"]), ends)
    by_caveat: dict[str, list[str]] = {}
    for before, after in pairs.values():
        caveat = opinion.not_sampled(before, after)
        if caveat:
            by_caveat.setdefault(caveat, []).append(
                f"{before['short'][0].lower()}{before['short'][1:]} was "
                f"{before['share']:.1f}% in round {before['round']} and {after['share']:.1f}% in "
                f"round {after['round']} ({after['share'] - before['share']:+.1f} points)"
            )
    if not by_caveat:
        return None
    return Text(
        "**National figures of different populations.** {parts} The changes in the table "
        "compare the regions both rounds sampled.",
        {
            "parts": " ".join(
                f"Nationally, {'; '.join(items)}. These national figures are not compared, as "
                f"their populations differ: {caveat}."
                for caveat, items in by_caveat.items()
            )
        },
    )


def trust(data: OpinionData) -> Section:
    """Trust in institutions: its trend across rounds and the changes between them (each
    between the same population), then the focus question nationally, north against the rest,
    and by region."""
    trends = charts.trust_trends(data)
    trend_blocks: tuple[Block | None, ...] = (
        _missing_microdata(data, "Afrobarometer trust questions"),
    )
    if trends is not None:
        estimates = charts.trust_estimates(data)
        changes = p_column(data.comparable_changes(estimates))
        trend_blocks = (
            trends.chart,
            Table(
                changes[CHANGE_COLUMNS + ["low", "high", "p"]],
                "Round-to-round changes in trust, each between the same population (where two "
                "rounds sampled different regions, the regions both sampled; percentage points, "
                "Newcombe 95% interval, two-proportion test)",
                ONE_DECIMAL | {"low": 1, "high": 1},
                source=SURVEY_SOURCE,
            ),
            national_across_populations(estimates),
        )
    return section(
        "trust",
        *lead(data, "trust"),
        *trend_blocks,
        _chart(charts.north_vs_rest(data)),
        _chart(charts.region_heatmap(data)),
    )


def breakdown_tables(groups: pd.DataFrame, by: str, minimum: int) -> tuple[Table, Table]:
    """The last round by the chosen breakdown, and the group differences beyond the margin."""
    last_round = groups[groups["round"] == groups["round"].max()]
    differences = opinion.group_differences(last_round)
    beyond = opinion.changes_beyond_margin(differences)
    p_holm = "p (Holm-adjusted)"
    return (
        Table(
            last_round[
                ["short", "round", "group", "n", "share", "low", "high", "dont_know", "note"]
            ],
            f"By {by}, round {last_round['round'].max()} (groups under {minimum} respondents "
            "suppressed)",
            {"share": 1, "low": 1, "high": 1, "dont_know": 1},
            source=SURVEY_SOURCE,
        ),
        Table(
            beyond.assign(**{p_holm: beyond["p_holm"].map(ss.format_p_value)})[
                ["short", "group", "other_group", "share", "other_share", "difference", p_holm]
            ],
            f"Differences between {by} groups larger than their margin of error; with "
            f"{len(differences)} pairs tested, judge them by the Holm-adjusted p-value",
            {"share": 1, "other_share": 1, "difference": 1},
            source=SURVEY_SOURCE,
        ),
    )


def breakdowns(data: OpinionData) -> Section:
    """The round-to-round changes beyond their margin of error, and the chosen breakdown."""
    blocks: list[Block] = []
    changes, beyond = data.round_changes, data.changes_beyond_margin
    if len(changes):
        blocks.append(
            Text(
                "{beyond} of {total} round-to-round changes are larger than their margin of "
                "error (each between the same population: where two rounds sampled different "
                "regions, the regions both sampled).",
                {"beyond": len(beyond), "total": len(changes)},
            )
        )
        blocks.append(
            Table(
                p_column(beyond)[CHANGE_COLUMNS + ["margin", "p"]],
                "Changes larger than the margin of error (percentage points, each between the "
                "same population)",
                ONE_DECIMAL | {"margin": 1},
                source=SURVEY_SOURCE,
            )
        )
    params = data.params
    if params.breakdown != "none" and data.rounds:
        qmap = data.qmap
        ids = qmap.by_topic("trust") + [q for t in charts.RESPONSE_TOPICS for q in qmap.by_topic(t)]
        groups = data.estimates(params.chosen(ids), by=params.breakdown)
        blocks.extend(breakdown_tables(groups, params.breakdown, params.min_sample))
    return section("breakdowns", *blocks)


def restricted_from(milestones: pd.DataFrame) -> pd.Timestamp:
    """Start of restricted speech: the last 2021 coup of the milestones (fallback 2021-05-24)."""
    coups = milestones[(milestones["kind"] == "coup") & (milestones["date"].dt.year == 2021)]
    return coups["date"].max() if len(coups) else FALLBACK_RESTRICTED_FROM


def poll_caveats(toplines: pd.DataFrame, milestones: pd.DataFrame) -> Text:
    """What limits the published figures: urban samples, restricted speech, press, non-random."""
    since = restricted_from(milestones)
    return Text(
        "- **Urban-only samples.** {urban} figures come from urban samples (the FES Mali-Mètre "
        "interviews in Bamako and the regional capitals); they say nothing about rural Mali.\n"
        "- **Restricted speech.** {after} figures were collected after {restricted}, under the "
        "military transition; FES itself warns that respondents may not speak freely.\n"
        "- **Press-reported figures.** {press} figures come second-hand from the press, not from "
        "the pollster's report.\n"
        "- **Samples that are not random.** {not_random} figures come from online or quota "
        "samples; no margin of error applies to them, and they are marked as such.",
        {
            "urban": int(toplines["population_group"].eq("urban").sum()),
            "after": int((toplines["when"] > since).sum()),
            "restricted": since.date(),
            "press": int(toplines["press_reported"].sum()),
            "not_random": int((toplines["interval_note"] == polls.NOT_RANDOM).sum()),
        },
    )


def round_caveats(round_facts: pd.DataFrame, denominator: str) -> Text:
    """What limits the Afrobarometer intervals: design effects, don't know, coverage."""
    design = round_facts["kish_design_effect"]
    return Text(
        "- **Design effects.** Afrobarometer intervals allow for the survey's weights through "
        "the weighted sample's effective size (a design effect of {low} to {high} across "
        "rounds). The public files do not say in which sampling area (cluster) each respondent "
        "was interviewed, so the clustering of the sample is not allowed for and the intervals "
        "are somewhat too narrow.\n"
        "- **Don't know.** {denominator}\n"
        "- **Coverage.** {notes}",
        {
            "low": f"{design.min():.2f}",
            "high": f"{design.max():.2f}",
            "denominator": denominator,
            "notes": " ".join(n for n in round_facts["note"] if n)
            or "All rounds are national samples.",
        },
    )


def caveats(data: OpinionData) -> Section:
    """What limits the published figures and the Afrobarometer intervals."""
    polls_read, rounds_read = bool(len(data.toplines)), bool(data.rounds)
    return section(
        "caveats",
        poll_caveats(data.toplines, data.milestones) if polls_read else None,
        round_caveats(data.round_facts, data.denominator) if rounds_read else None,
        None
        if polls_read or rounds_read
        else _no_survey_data(data, "survey data for the chosen period and data source"),
    )


def timeline(data: OpinionData) -> Section:
    """The milestones of the kinds the body lists, short (every milestone, with what happened
    and sources: appendix)."""
    shown = milestone_brief(data.milestones, "public_opinion")
    if not len(shown):
        what = (
            milestone_brief_missing(data.milestones, "public_opinion")
            if len(data.milestones)
            else "no milestone of the chosen kinds in the period"
        )
        return section("timeline", NoData(what))
    caption = milestone_brief_caption(data.milestones, "public_opinion")
    return section("timeline", Table(shown, caption, source=CURATED_SOURCE))
