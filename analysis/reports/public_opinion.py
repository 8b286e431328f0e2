"""The public-opinion report: parameters checked once, then every number, sentence and table of
the report computed from the run context into one frozen object, which the notebook shows.

``open_report`` checks the notebook's parameters (one clear sentence when one is bad) and opens
the run; ``build`` reads the curated poll toplines (the snapshot), the Afrobarometer rounds in the
period (each .sav file is recorded as an origin) and the milestones, and returns a
``PublicOpinionReport``. ``assemble`` does the computing on inputs already read, so tests give it
hand-made rounds and polls. Nothing here draws: a ``Chart`` names its ``draw_*`` function and
data, and the notebook draws it on a figure and shows it with its caption and source line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.axes import Axes

from analysis.analyses import opinion, polls
from analysis.analyses import survey_stats as ss
from analysis.analyses.milestones import milestone_table, milestones_in
from analysis.figures import opinion as fo
from analysis.reports import brief
from analysis.reports.brief import milestone_brief
from analysis.reports.context import RunContext, open_run
from analysis.reports.params import CommonParameters, ParameterError, ReportParameters
from analysis.reports.params import check_parameters as check_common
from analysis.reports.parts import NoData, Table
from analysis.sources import afrobarometer as ab
from analysis.sources import register

DATA_SOURCES: tuple[str, ...] = ("curated", "afrobarometer", "all")
#: Topics of the "state's and international responses" section.
RESPONSE_TOPICS: tuple[str, ...] = ("state response", "international response")
#: Questions printed in the checked headline, in this order.
HEADLINE_QUESTIONS: tuple[str, ...] = (
    "armed-forces-protect-country",
    "trust-army",
    "fear-extremist-violence",
    "government-handling-armed-extremists",
)
SHARIA_IDS: tuple[str, str] = ("sharia-reject-gallup", "sharia-official-law-pew")
#: The questions whose latest Afrobarometer figures lead each section (its point, first).
LEAD_QUESTIONS: dict[str, tuple[str, ...]] = {
    "extremism": ("fear-extremist-violence", "unity-help-jihadist-groups"),
    "responses": ("armed-forces-protect-country", "government-handling-armed-extremists"),
    "trust": ("trust-army", "trust-president", "trust-police"),
}
#: The question of the north/rest and region figures unless the reader chose one asked twice.
DEFAULT_FOCUS_QUESTION = "trust-army"
#: Until when speech was free: the 2021 coup, when milestones.csv does not list it.
FALLBACK_RESTRICTED_FROM = pd.Timestamp("2021-05-24")
MAX_FINDINGS = 6
DENOMINATOR_EXCLUDING = "Shares exclude don’t know and refused answers (exclude_dont_know=True)."
DENOMINATOR_KEEPING = (
    "Don’t know and refused answers stay in the denominator and are shown as their own share."
)
CHANGE_COLUMNS = ["short", "from_round", "to_round", "share_from", "share_to", "change"]
ONE_DECIMAL = {"share_from": 1, "share_to": 1, "change": 1}
POLL_COLUMNS = ["pollster", "population", "question", "response", "shown"]
fmt = polls.format_share_interval


# ----------------------------------------------------------------------------- parameters


@dataclass(frozen=True)
class OpinionParameters(CommonParameters):
    """The report's parameters, checked and typed: the common ones and the report's own."""

    common: ReportParameters
    questions: tuple[str, ...] = ()
    breakdown: str = "none"
    exclude_dont_know: bool = False
    min_sample: int = 50

    @property
    def use_polls(self) -> bool:
        """True when the published toplines (polls.csv) are read."""
        return self.common.data_source in ("curated", "all")

    @property
    def use_microdata(self) -> bool:
        """True when the Afrobarometer respondent-level files are read."""
        return self.common.data_source in ("afrobarometer", "all")

    def chosen(self, ids: list[str]) -> list[str]:
        """The ids the reader asked for (all when the questions parameter is empty)."""
        return [q for q in ids if not self.questions or q in self.questions]


def check_opinion_parameters(
    questions: object,
    breakdown: object,
    exclude_dont_know: object,
    min_sample: object,
    known_question_ids: set[str],
    country: str = "Mali",
) -> tuple[list[str], str, bool, int]:
    """Check the public-opinion notebook's own parameters; one clear sentence when one is bad."""
    if country != "Mali":
        raise ParameterError(
            f"This report covers Mali only (its polls and Afrobarometer files are Malian), "
            f"not {country!r}."
        )
    if isinstance(questions, str):
        # From the command line: "a,b", "a|b" or "[a, b]".
        text = questions.strip().strip("[]")
        questions = [q.strip(" '\"") for q in text.replace("|", ",").split(",") if q.strip(" '\"")]
    if not isinstance(questions, list | tuple):
        raise ParameterError(
            f"Parameter questions must be a list of question ids, not {questions!r}."
        )
    unknown = [q for q in questions if q not in known_question_ids]
    if unknown:
        raise ParameterError(
            f"Unknown question id {unknown[0]!r}; use ids from polls.csv or "
            "analysis/afrobarometer_questions.yaml, e.g. "
            f"{', '.join(sorted(known_question_ids)[:4])}."
        )
    if breakdown not in ab.BREAKDOWNS:
        raise ParameterError(
            f"Unknown breakdown {breakdown!r}; use one of: {', '.join(ab.BREAKDOWNS)}."
        )
    if not isinstance(exclude_dont_know, bool):
        raise ParameterError(f"exclude_dont_know must be True or False, not {exclude_dont_know!r}.")
    if isinstance(min_sample, bool) or not isinstance(min_sample, int) or min_sample < 1:
        raise ParameterError(
            f"min_sample must be a whole number of respondents, 1 or more, not {min_sample!r}."
        )
    return list(questions), str(breakdown), exclude_dont_know, int(min_sample)


def known_question_ids(poll_rows: pd.DataFrame, qmap: ab.QuestionMap) -> set[str]:
    """Question ids a reader may ask for: those of polls.csv and of the Afrobarometer map."""
    return set(poll_rows["question_id"]) | set(qmap.questions)


def open_report(
    common: ReportParameters,
    questions: object = (),
    breakdown: object = "none",
    exclude_dont_know: object = False,
    min_sample: object = 50,
    curated_dir: Path | None = None,
    qmap: ab.QuestionMap | None = None,
) -> tuple[RunContext, OpinionParameters]:
    """Open the run for the checked period, then check the report's own parameters against the
    question ids of its curated polls and of the question map."""
    ctx = open_run(common.start_date, common.end_date, curated_dir)
    known = known_question_ids(ctx.curated.polls, qmap or ab.load_question_map())
    chosen, by, exclude, minimum = check_opinion_parameters(
        questions, breakdown, exclude_dont_know, min_sample, known, common.country
    )
    return ctx, OpinionParameters(common, tuple(chosen), by, exclude, minimum)


def check_parameters(
    start_date: object,
    end_date: object,
    country: str = "Mali",
    focus_groups: object = (),
    data_source: str = "all",
    milestone_kinds: object = (),
) -> ReportParameters:
    """The common parameters, checked with this report's data sources (empty kinds = all)."""
    return check_common(
        start_date,
        end_date,
        country,
        focus_groups,
        data_source,
        allowed_sources=DATA_SOURCES,
        milestone_kinds=milestone_kinds or None,
    )


# ----------------------------------------------------------------------------- report parts


@dataclass(frozen=True)
class Text:
    """Markdown prose: a template whose ``{name}`` fields are filled with escaped values."""

    template: str
    values: Mapping[str, Any] = field(default_factory=dict)

    def plain(self) -> str:
        """The text with its values filled in (unescaped), as a reader sees it."""
        return self.template.format(**self.values)


#: Source lines of the report's tables (the take-away CSV adds the versions the run read).
POLLS_SOURCE = register.source_line("press-toplines", None)
SURVEY_SOURCE = register.source_line("afrobarometer", None)
CURATED_SOURCE = register.source_line("curated", None)


@dataclass(frozen=True)
class Chart:
    """A figure's data, drawing function, caption and source line (drawn by the notebook).

    ``layout`` is a kind of fo.layout (one axes, ``rows`` rows tall) or "series" for the
    multi-panel fo.poll_series_layout, which draws its panels itself. ``caption`` is the short
    one of the body; ``wording`` the questions' full wordings, rounds and variables, which the
    appendix prints under ``label`` (not ``title``: display.show_figure reads a ``title`` as
    an attack-trends figure's).
    """

    slug: str
    caption: str
    source: str
    draw: Callable[..., Axes] | None
    data: tuple[Any, ...]
    layout: str
    rows: int = 1
    options: Mapping[str, Any] = field(default_factory=dict)
    label: str = ""
    wording: str = ""


Block = Text | Table | NoData | Chart


@dataclass(frozen=True)
class PublicOpinionReport:
    """Everything the public-opinion report shows, computed; sections in reading order."""

    params: OpinionParameters
    key_findings: tuple[str, ...]
    headline: tuple[str, ...]
    round_check: str
    rounds_read: tuple[int, ...]
    rounds_outside: tuple[int, ...]
    toplines: pd.DataFrame
    national: pd.DataFrame
    round_changes: pd.DataFrame
    changes_beyond_margin: pd.DataFrame
    sections: Mapping[str, tuple[Block, ...]]
    appendix: Mapping[str, tuple[Block, ...]] = field(default_factory=dict)

    def section(self, name: str) -> tuple[Block, ...]:
        """The blocks of one section, by name (see SECTIONS)."""
        return self.sections[name]

    def appendix_section(self, name: str) -> tuple[Block, ...]:
        """The blocks of one appendix section, by name (see APPENDIX)."""
        return self.appendix[name]

    def charts(self) -> list[Chart]:
        """Every figure of the report, in order."""
        return [b for blocks in self.sections.values() for b in blocks if isinstance(b, Chart)]


SECTIONS: tuple[str, ...] = (
    "asked",
    "extremism",
    "responses",
    "trust",
    "breakdowns",
    "caveats",
    "timeline",
)
#: The appendix's sections (name: the title the notebook gives it), after the brief.
APPENDIX: dict[str, str] = {
    "wordings": "Question wordings",
    "waves": "Survey waves and published questions",
    "polls": "Published poll figures in full",
    "question-map": "Harmonised Afrobarometer question map",
    "method": "Method notes",
    "milestones": "Milestones in full",
}


# ----------------------------------------------------------------------------- reading


def build(
    ctx: RunContext,
    params: OpinionParameters,
    afrobarometer_dir: Path | None = None,
    qmap: ab.QuestionMap | None = None,
) -> PublicOpinionReport:
    """Read what the report needs through the run context and compute the report.

    Poll toplines come from the curated snapshot; Afrobarometer rounds from
    ``afrobarometer_dir`` (default: data/raw/afrobarometer, else ../shared) when the data
    source includes microdata; each file read is recorded as an origin of the run.
    """
    qmap = qmap or ab.load_question_map()
    all_toplines = polls.toplines(ctx.curated.polls)
    folder = (afrobarometer_dir or ab.data_dir()) if params.use_microdata else None
    rounds = ab.load_rounds(folder, qmap=qmap) if folder is not None else {}
    milestones = milestones_in(
        ctx.curated.milestones,
        ctx.period.start,
        ctx.period.end,
        list(params.common.milestone_kinds),
    )
    return assemble(params, all_toplines, rounds, qmap, milestones)


def rounds_in_period(
    rounds: Mapping[int, ab.SurveyRound], start: date, end: date
) -> tuple[dict[int, ab.SurveyRound], list[int]]:
    """The rounds whose fieldwork overlaps [start, end] (or is undated), and those outside."""
    kept = {
        number: survey
        for number, survey in rounds.items()
        if survey.fieldwork_start is None
        or (survey.fieldwork_end >= start and survey.fieldwork_start <= end)
    }
    return kept, sorted(set(rounds) - set(kept))


# ----------------------------------------------------------------------------- computing


def latest(frame: pd.DataFrame, question_id: str) -> pd.Series | None:
    """The latest unsuppressed row of a question, or None."""
    rows = frame[(frame["question_id"] == question_id) & ~frame["suppressed"].astype(bool)]
    return rows.sort_values("round").iloc[-1] if len(rows) else None


def army_trust_change(national: pd.DataFrame) -> pd.Series | None:
    """Trust in the army from its first to its last round (None unless asked in two rounds)."""
    army = national[
        (national["question_id"] == "trust-army") & ~national["suppressed"].astype(bool)
    ]
    if army["round"].nunique() < 2:
        return None
    ends = army[army["round"].isin([army["round"].min(), army["round"].max()])]
    return opinion.round_changes(ends).iloc[0]


def _round_caveats(national: pd.DataFrame, rounds: tuple[int, ...]) -> str:
    """' Round 5: <its coverage note>' for each compared round that has one: round 5 did not
    sample the north, so a change from it is not between the same populations."""
    if "round_note" not in national:
        return ""
    notes = national.drop_duplicates("round").set_index("round")["round_note"]
    return "".join(
        f" Round {r}: {notes[r]}"
        for r in rounds
        if r in notes.index and isinstance(notes[r], str) and notes[r].strip()
    )


def minusma_dissatisfied(toplines: pd.DataFrame) -> pd.DataFrame:
    """Published figures of dissatisfaction with MINUSMA's work, in time order."""
    return toplines[
        (toplines["question_id"] == "minusma-work-satisfaction")
        & toplines["response"].str.startswith("dissatisfied")
    ].sort_values("when")


def key_findings(
    national: pd.DataFrame,
    toplines: pd.DataFrame,
    rounds_read: tuple[int, ...],
    questions: tuple[str, ...],
    qmap: ab.QuestionMap,
) -> tuple[str, ...]:
    """The key findings: 3-6 sentences, each with its numbers, from the estimates and polls."""
    findings = []
    protect = latest(national, "armed-forces-protect-country")
    if protect is not None:
        findings.append(
            f"In Afrobarometer round {protect['round']} (fieldwork {protect['fieldwork_start']} "
            f"to {protect['fieldwork_end']}), "
            f"{fmt(protect['share'], protect['low'], protect['high'])} of Malian adults said "
            f"the armed forces {protect['positive_label']} protect the country from security "
            "threats."
        )
    change = army_trust_change(national)
    if change is not None:
        findings.append(
            "Trust in the army (somewhat or a lot) went from "
            f"{change['share_from']:.1f}% in round {change['from_round']} to "
            f"{change['share_to']:.1f}% in round {change['to_round']}, a change of "
            f"{change['change']:+.1f} points (95% CI {change['low']:+.1f} to "
            f"{change['high']:+.1f}; {ss.format_p_value(change['p_value'])})."
            + _round_caveats(national, (change["from_round"], change["to_round"]))
        )
    fear = latest(national, "fear-extremist-violence")
    jihadists = latest(national, "unity-help-jihadist-groups")
    if fear is not None and jihadists is not None:
        findings.append(
            f"In round {fear['round']}, {fmt(fear['share'], fear['low'], fear['high'])} said "
            "they or their family had feared violence by extremists, while only "
            f"{fmt(jihadists['share'], jihadists['low'], jihadists['high'])} thought the "
            "jihadist groups useful to regain Mali's unity."
        )
    if len(toplines):
        with_interval = int(toplines["low"].notna().sum())
        not_random = int((toplines["interval_note"] == polls.NOT_RANDOM).sum())
        findings.append(
            f"Of the {len(toplines)} published poll figures for the period, {not_random} come "
            f"from samples that are not random and {len(toplines) - with_interval - not_random} "
            f"have no reported sample size, so only {with_interval} can carry a margin of error."
        )
        minusma = minusma_dissatisfied(toplines)
        if len(minusma):
            last = minusma.iloc[-1]
            findings.append(
                f"In the {last['pollster']} survey of {last['when'].year} "
                f"({last['population']}), {fmt(last['share'])} of respondents were dissatisfied "
                "with MINUSMA's work"
                + (
                    f" ({last['interval_note']}, so no margin of error applies)."
                    if last["interval_note"]
                    else f" ({last['shown']})."
                )
            )
    for question_id in [q for q in questions if q in qmap.questions][:2]:
        row = latest(national, question_id)
        if row is not None:
            findings.append(
                f"{row['short']} ({row['positive_label']}), round {row['round']}: "
                f"{fmt(row['share'], row['low'], row['high'])}, with {row['dont_know']:.1f}% "
                "answering don’t know."
            )
    if not rounds_read:
        findings.append(
            "No Afrobarometer microdata was available for the period, so the report relies on "
            "published toplines only."
        )
    if not len(toplines):
        findings.append("No published poll figures fall within the period and data source chosen.")
    return tuple(findings[:MAX_FINDINGS])


def headline_lines(national: pd.DataFrame, toplines: pd.DataFrame) -> tuple[str, ...]:
    """The checked headline: latest Afrobarometer figures and the latest FES MINUSMA figure."""
    rows = [
        (
            f"Afrobarometer R{row['round']}",
            row["short"],
            row["positive_label"],
            fmt(row["share"], row["low"], row["high"]),
        )
        for row in (latest(national, q) for q in HEADLINE_QUESTIONS)
        if row is not None
    ]
    for _, row in minusma_dissatisfied(toplines).tail(1).iterrows():
        rows.append((f"{row['poll_id']}", "MINUSMA's work", row["response"], row["shown"]))
    return tuple(f"{source:<26} {what}, {answer}: {shown}" for source, what, answer, shown in rows)


def round_check(national: pd.DataFrame) -> str:
    """The armed-forces figure against Afrobarometer's published 80% (round 7)."""
    check = latest(national, "armed-forces-protect-country")
    if check is None:
        return "Afrobarometer round 7 not available"
    return (
        f"R{check['round']} {check['variable']} ({check['positive_label']}): "
        f"{fmt(check['share'], check['low'], check['high'])}, n = {check['n']:,}, "
        f"Kish n_eff = {check['n_eff']:.0f}; denominator: {check['denominator']}; "
        "Afrobarometer's published figure: 80%"
    )


def response_series_ids(toplines: pd.DataFrame, params: OpinionParameters) -> list[str]:
    """Poll questions on the state's and international responses asked in several polls."""
    return params.chosen(
        [q for q in polls.repeated_series(toplines) if polls.topic_of(q) in RESPONSE_TOPICS]
    )


def focus_question(params: OpinionParameters, qmap: ab.QuestionMap) -> str:
    """The question of the north/rest and region figures: the first chosen question asked in
    several rounds, else trust in the army."""
    multi_round = [q for q in params.chosen(list(qmap.questions)) if len(qmap[q].rounds) > 1]
    return next((q for q in params.questions if q in multi_round), DEFAULT_FOCUS_QUESTION)


def restricted_from(milestones: pd.DataFrame) -> pd.Timestamp:
    """Start of restricted speech: the last 2021 coup of the milestones (fallback 2021-05-24)."""
    coups = milestones[(milestones["kind"] == "coup") & (milestones["date"].dt.year == 2021)]
    return coups["date"].max() if len(coups) else FALLBACK_RESTRICTED_FROM


def _p_column(frame: pd.DataFrame, column: str = "p_value") -> pd.DataFrame:
    return frame.assign(p=frame[column].map(ss.format_p_value))


def assemble(
    params: OpinionParameters,
    all_toplines: pd.DataFrame,
    all_rounds: Mapping[int, ab.SurveyRound],
    qmap: ab.QuestionMap,
    milestones: pd.DataFrame,
) -> PublicOpinionReport:
    """The report from inputs already read: toplines with intervals (polls.toplines), the
    Afrobarometer rounds found, the question map and the milestones of the period."""
    toplines = polls.in_period(all_toplines, params.start_date, params.end_date)
    if not params.use_polls:
        toplines = toplines.iloc[0:0]
    if not params.use_microdata:
        all_rounds = {}
    rounds, outside = rounds_in_period(all_rounds, params.start_date, params.end_date)
    rounds_read = tuple(rounds)
    how_to_get = ab.HOW_TO_GET

    def estimates(ids: list[str], by: str = "none") -> pd.DataFrame:
        return opinion.trend(
            rounds, ids, by, params.exclude_dont_know, params.min_sample, qmap=qmap
        )

    # Every mapped question, for the key findings; sections pick the chosen ones.
    national = estimates(list(qmap.questions))
    denominator = DENOMINATOR_EXCLUDING if params.exclude_dont_know else DENOMINATOR_KEEPING

    def afro_chart(slug: str, ids: list[str], title: str, what: str) -> Chart | None:
        rows = national[national["question_id"].isin(params.chosen(ids))]
        if not len(rows):
            return None
        return Chart(
            slug,
            afrobarometer_brief_caption(rows, what),
            afrobarometer_brief_source(rows),
            fo.draw_estimate_bars,
            (rows,),
            "bars",
            len(rows),
            {"title": title},
            label=title,
            wording=fo.afrobarometer_caption(rows, what) + " " + fo.afrobarometer_source_line(rows),
        )

    # -- What Malians were asked and when
    asked: list[Block] = []
    timeline = polls.survey_timeline(toplines) if len(toplines) else pd.DataFrame()
    round_facts = pd.DataFrame([opinion.describe_round(s) for s in rounds.values()])
    if len(round_facts):
        round_facts["fieldwork_mid"] = [
            s.fieldwork_start + (s.fieldwork_end - s.fieldwork_start) / 2 for s in rounds.values()
        ]
    if len(timeline) or len(round_facts):
        asked.append(
            Text(
                "{waves} published survey waves by {pollsters} pollsters gave {figures} figures "
                "in the period; Afrobarometer respondent-level data covers rounds {rounds}.",
                {
                    "waves": len(timeline),
                    "pollsters": timeline["pollster"].nunique() if len(timeline) else 0,
                    "figures": len(toplines),
                    "rounds": ", ".join(str(n) for n in rounds) or "none (files not found)",
                },
            )
        )
        entries = fo.timeline_entries(timeline, round_facts)
        asked.append(
            Chart(
                "opinion-survey-timeline",
                "Each dot is a survey wave in the field (hollow: not a random sample); dashed "
                "lines are milestones of the period. Populations and wordings are in the appendix.",
                f"Source: polls.csv (published toplines) and {ab.SOURCE_NAME}.",
                fo.draw_survey_timeline,
                (timeline, round_facts),
                "timeline",
                entries["pollster"].nunique(),
                {"milestones": milestones},
            )
        )
    else:
        asked.append(NoData("surveys for the chosen period and data source", how_to_get))
    if outside:
        asked.append(
            Text(
                "Afrobarometer round(s) {outside} fall outside {start} to {end}; widen the period "
                "to include them.",
                {
                    "outside": ", ".join(str(n) for n in outside),
                    "start": params.start_date,
                    "end": params.end_date,
                },
            )
        )
    waves_appendix: list[Block] = []
    if len(timeline):
        shown = timeline.assign(when=timeline["when"].dt.strftime("%Y-%m"))
        waves_appendix.append(
            Table(
                shown[
                    [
                        "when",
                        "pollster",
                        "population",
                        "sample_size",
                        "random_sample",
                        "press_reported",
                        "figures",
                    ]
                ].rename(columns=WAVE_HEADERS),
                "Published survey waves (dated by the middle of fieldwork, or publication where "
                "no fieldwork dates are given)",
                source=POLLS_SOURCE,
            )
        )
        waves_appendix.append(
            Table(
                polls.question_catalogue(toplines),
                "Published questions: one row per question_id (same question, same wording)",
                source=POLLS_SOURCE,
            )
        )
    question_map_appendix: list[Block] = []
    if len(round_facts):
        asked.append(
            Table(
                round_facts[
                    ["round", "fieldwork", "respondents", "weight", "kish_design_effect", "psu"]
                    + ["note"]
                ],
                "Afrobarometer rounds read (fieldwork from the interview dates in each file)",
                {"kish_design_effect": 2},
                source=SURVEY_SOURCE,
            )
        )
        question_map_appendix.append(
            Table(
                question_map_brief(qmap),
                "Harmonised Afrobarometer questions: the variable holding each question in each "
                "round (–: not asked)",
                source=SURVEY_SOURCE,
            )
        )
    elif params.use_microdata:
        asked.append(NoData("Afrobarometer respondent-level files", how_to_get))

    # -- Views on the armed groups and on extremism
    extremism: list[Block] = lead_blocks(national, params.chosen(list(LEAD_QUESTIONS["extremism"])))
    chart = afro_chart(
        "opinion-extremism-afrobarometer",
        qmap.by_topic("armed groups and extremism") + qmap.by_topic("insecurity"),
        "Armed groups, extremism and insecurity",
        "Afrobarometer questions on armed groups and extremism",
    )
    if chart is not None:
        extremism.append(chart)
    elif params.use_microdata:
        extremism.append(
            NoData("Afrobarometer questions on armed groups and extremism", how_to_get)
        )
    sharia = [q for q in SHARIA_IDS if q in set(toplines["question_id"])]
    if len(sharia) == 2:
        extremism.append(
            Text(
                "Gallup ({gallup}) and Pew ({pew}) asked different questions about sharia: one "
                "about rejecting its implementation, the other about making it the official law, "
                "among Muslims only. They are shown side by side with their wordings, not as one "
                "trend.",
                {
                    "gallup": toplines.loc[toplines["question_id"] == sharia[0], "shown"].iloc[0],
                    "pew": toplines.loc[toplines["question_id"] == sharia[1], "shown"].iloc[0],
                },
            )
        )
        extremism.append(
            Chart(
                "opinion-sharia-side-by-side",
                "Two different questions about sharia, each with its own population; bars, not "
                "a trend. Wordings in the appendix.",
                polls_brief_source(toplines, sharia),
                fo.draw_side_by_side,
                (toplines, sharia),
                "side_by_side",
                len(sharia),
                label="Sharia: two different questions",
                wording=fo.poll_series_caption(toplines, sharia)
                + " "
                + fo.poll_source_line(toplines, sharia),
            )
        )
    polls_appendix: list[Block] = []
    extremism_polls = toplines[toplines["topic"] == "armed groups and extremism"]
    if len(extremism_polls):
        polls_appendix.append(
            Table(
                extremism_polls[POLL_COLUMNS],
                "Published figures on armed groups, extremism and insecurity (with 95% interval, "
                "or why none)",
                source=POLLS_SOURCE,
            )
        )
    elif params.use_polls:
        polls_appendix.append(
            NoData("published poll figures on armed groups and extremism in this period")
        )

    # -- Views on the state's and international responses
    responses: list[Block] = lead_blocks(national, params.chosen(list(LEAD_QUESTIONS["responses"])))
    series_ids = response_series_ids(toplines, params)
    if series_ids:
        responses.append(
            Chart(
                "opinion-response-series",
                poll_series_brief_caption(toplines, series_ids),
                polls_brief_source(toplines, series_ids),
                None,
                (toplines, series_ids),
                "series",
                len(series_ids),
                {"milestones": milestones},
                label=fo.SERIES_TITLE,
                wording="Repeated questions on the army, MINUSMA, Barkhane and Russia. "
                + fo.poll_series_caption(toplines, series_ids)
                + " "
                + fo.poll_source_line(toplines, series_ids),
            )
        )
    response_polls = toplines[toplines["topic"].isin(RESPONSE_TOPICS)]
    if len(response_polls):
        polls_appendix.append(
            Table(
                response_polls.sort_values("when")[POLL_COLUMNS],
                "Published figures on the army, MINUSMA, France and Russia (95% interval, or why "
                "none)",
                source=POLLS_SOURCE,
            )
        )
    elif params.use_polls:
        polls_appendix.append(
            NoData("published poll figures on the state's and international responses")
        )
    response_ids = qmap.by_topic("state response") + qmap.by_topic("international response")
    chart = afro_chart(
        "opinion-responses-afrobarometer",
        response_ids,
        "The army, the government, MINUSMA and France",
        "Afrobarometer questions on the state's and international responses",
    )
    if chart is not None:
        responses.append(chart)
    elif params.use_microdata:
        responses.append(
            NoData("Afrobarometer questions on the state's and international responses", how_to_get)
        )

    # -- Trust in institutions
    trust_section: list[Block] = lead_blocks(national, params.chosen(list(LEAD_QUESTIONS["trust"])))
    trust_ids = params.chosen(qmap.by_topic("trust"))
    trust = national[national["question_id"].isin(trust_ids)]
    if len(trust):
        trust_section.append(
            Chart(
                "opinion-trust-trends",
                afrobarometer_brief_caption(
                    trust, "Trust in the president, the police and the army across rounds"
                ),
                afrobarometer_brief_source(trust)
                + (
                    " Hollow markers: the same questions as published later (polls.csv)."
                    if len(fo.published_points(trust, toplines))
                    else ""
                ),
                fo.draw_trends,
                (trust,),
                "trends",
                options={"published": toplines},
                label="Trust in institutions",
                wording=fo.afrobarometer_caption(
                    trust, "Trust in the president, the police and the army across rounds"
                )
                + " "
                + fo.trends_source_line(trust, toplines),
            )
        )
        changes = _p_column(opinion.round_changes(trust))
        trust_section.append(
            Table(
                changes[CHANGE_COLUMNS + ["low", "high", "p"]],
                "Round-to-round changes in trust (percentage points, Newcombe 95% interval, "
                "two-proportion test)",
                ONE_DECIMAL | {"low": 1, "high": 1},
                source=SURVEY_SOURCE,
            )
        )
    elif params.use_microdata:
        trust_section.append(NoData("Afrobarometer trust questions", how_to_get))
    trust_polls = toplines[toplines["topic"] == "trust"]
    if len(trust_polls):
        polls_appendix.append(
            Table(
                trust_polls.sort_values("when")[POLL_COLUMNS],
                "Published figures on trust and approval (95% interval, or why none)",
                source=POLLS_SOURCE,
            )
        )
    focus = focus_question(params, qmap)
    if rounds and focus in qmap.questions:
        focus_national = estimates(params.chosen([focus]))
        focus_north = estimates(params.chosen([focus]), by="north")
        if len(focus_national):
            trust_section.append(
                Chart(
                    "opinion-north-vs-rest",
                    afrobarometer_brief_caption(
                        focus_national, "National figure against the north and the rest of Mali"
                    ),
                    afrobarometer_brief_source(focus_national),
                    fo.draw_national_vs_north,
                    (focus_national, focus_north),
                    "trends",
                    label=f"{qmap[focus].short}: national, north and rest of Mali",
                    wording=fo.afrobarometer_caption(
                        focus_national, "National figure against the north and the rest of Mali"
                    )
                    + " "
                    + fo.national_vs_north_source_line(focus_national, focus_north),
                )
            )
            focus_regions = estimates(params.chosen([focus]), by="region")
            trust_section.append(
                Chart(
                    "opinion-region-round-heatmap",
                    afrobarometer_brief_caption(
                        focus_regions, f"Region by round, {qmap[focus].short}", intervals=False
                    )
                    + f" Regions with fewer than {params.min_sample} respondents are suppressed.",
                    afrobarometer_brief_source(focus_regions),
                    fo.draw_region_heatmap,
                    (focus_regions,),
                    "heatmap",
                    len(opinion.region_round_table(focus_regions)),
                    label=f"{qmap[focus].short} by region and round",
                    wording=fo.afrobarometer_caption(
                        focus_regions, f"Region by round, {qmap[focus].short}"
                    )
                    + " "
                    + fo.region_heatmap_source_line(focus_regions),
                )
            )

    # -- Changes beyond the margin of error, and the breakdown
    breakdowns: list[Block] = []
    all_changes = opinion.round_changes(
        national[national["question_id"].isin(params.chosen(list(qmap.questions)))]
    )
    beyond = opinion.changes_beyond_margin(all_changes)
    if len(all_changes):
        breakdowns.append(
            Text(
                "{beyond} of {total} round-to-round changes are larger than their margin of error.",
                {"beyond": len(beyond), "total": len(all_changes)},
            )
        )
        breakdowns.append(
            Table(
                _p_column(beyond)[CHANGE_COLUMNS + ["margin", "p"]],
                "Changes larger than the margin of error (percentage points)",
                ONE_DECIMAL | {"margin": 1},
                source=SURVEY_SOURCE,
            )
        )
    if params.breakdown != "none" and rounds:
        breakdowns.extend(
            breakdown_tables(
                estimates(params.chosen(trust_ids + response_ids), by=params.breakdown), params
            )
        )

    # -- Caveats
    caveats: list[Block] = []
    if len(toplines):
        caveats.append(poll_caveats(toplines, milestones))
    if rounds:
        caveats.append(round_caveats(round_facts, denominator))
    if not len(toplines) and not rounds:
        caveats.append(NoData("survey data for the chosen period and data source", how_to_get))

    timeline_section: list[Block] = [
        Table(
            milestone_brief(milestones),
            f"Milestones from {params.start_date} to {params.end_date} (what happened and "
            "sources: appendix)",
            source=CURATED_SOURCE,
        )
    ]
    sections = {
        "asked": tuple(asked),
        "extremism": tuple(extremism),
        "responses": tuple(responses),
        "trust": tuple(trust_section),
        "breakdowns": tuple(breakdowns),
        "caveats": tuple(caveats),
        "timeline": tuple(timeline_section),
    }
    charts = [b for blocks in sections.values() for b in blocks if isinstance(b, Chart)]
    wordings: list[Block] = [
        Text("**{title}.** {wording}", {"title": c.label, "wording": c.wording})
        for c in charts
        if c.wording
    ]
    appendix = {
        "wordings": tuple(wordings or [NoData("figures with question wordings in this run")]),
        "waves": tuple(waves_appendix or [NoData("published survey waves in the period")]),
        "polls": tuple(polls_appendix or [NoData("published poll figures in the period")]),
        "question-map": tuple(
            question_map_appendix
            or [NoData("Afrobarometer respondent-level files for the period", how_to_get)]
        ),
        "method": (method_notes(params, denominator, bool(rounds)),),
        "milestones": (
            Table(
                milestone_table(milestones),
                f"Milestones from {params.start_date} to {params.end_date}",
                source=CURATED_SOURCE,
            ),
        ),
    }
    sections = {name: tuple(map(readable_headers, blocks)) for name, blocks in sections.items()}
    appendix = {name: tuple(map(readable_headers, blocks)) for name, blocks in appendix.items()}
    return PublicOpinionReport(
        params=params,
        key_findings=key_findings(national, toplines, rounds_read, params.questions, qmap),
        headline=headline_lines(national, toplines),
        round_check=round_check(national),
        rounds_read=rounds_read,
        rounds_outside=tuple(outside),
        toplines=toplines,
        national=national,
        round_changes=all_changes,
        changes_beyond_margin=beyond,
        sections=sections,
        appendix=appendix,
    )


#: Shorter headers for the survey-wave table, so that it fits the column.
WAVE_HEADERS = {"sample_size": "n", "random_sample": "random", "press_reported": "press"}


def _rounds_text(rows: pd.DataFrame) -> str:
    numbers = sorted(int(r) for r in rows["round"].dropna().unique())
    return ("round " if len(numbers) == 1 else "rounds ") + ", ".join(str(n) for n in numbers)


def afrobarometer_brief_caption(rows: pd.DataFrame, what: str, intervals: bool = True) -> str:
    """The body caption of an Afrobarometer figure: what it shows, in one or two sentences (the
    source line names the rounds); the wordings and variables go to the appendix. A figure
    that draws no interval (a heat map) says where they are instead."""
    shown = (
        ", with 95% intervals."
        if intervals
        else "; each cell's 95% interval is in the data (CSV), not drawn."
    )
    return (
        f"{what}: share of Malian adults giving the answer shown (national random samples)"
        f"{shown} Wordings in the appendix."
    )


#: Headers a reader sees instead of a frame's own names ('short' is the question's short name).
HEADERS = {"short": "question"}


def readable_headers(block: Block) -> Block:
    """A table with headers a reader reads, which can wrap ('share from', not 'share_from');
    any other block as it is."""
    return brief.readable_headers(block, HEADERS) if isinstance(block, Table) else block


def lead_blocks(national: pd.DataFrame, question_ids: list[str]) -> list[Block]:
    """The sentence that leads a section with its point: the latest Afrobarometer figure of
    each question, with its interval and round (nothing when none was asked)."""
    rows = [row for row in (latest(national, q) for q in question_ids) if row is not None]
    if not rows:
        return []
    parts = [
        f"{row['short']} ({row['positive_label']}): "
        f"{fmt(row['share'], row['low'], row['high'])} in round {row['round']}"
        for row in rows
    ]
    return [Text("**Latest Afrobarometer figures.** {parts}.", {"parts": "; ".join(parts)})]


def afrobarometer_brief_source(rows: pd.DataFrame) -> str:
    """The body source line of an Afrobarometer figure (fieldwork, weights: appendix)."""
    return f"Source: {ab.SOURCE_NAME}, {_rounds_text(rows)}."


def question_map_brief(qmap: ab.QuestionMap) -> pd.DataFrame:
    """The harmonised question map, without its topic column and with '–' for a round that did
    not ask the question, so that the table fits the column."""
    return ab.question_map_table(qmap).drop(columns="topic").replace("not asked", "–")


def polls_brief_source(toplines: pd.DataFrame, question_ids: list[str]) -> str:
    """The body source line of a poll figure: its pollsters, and how to read the marks."""
    rows = toplines[toplines["question_id"].isin(question_ids)]
    pollsters = ", ".join(dict.fromkeys(rows["pollster"]))
    return (
        f"Source: {pollsters} (published toplines, curated in polls.csv). Hollow: not a random "
        "sample; diamond: sample size not reported (no interval)."
    )


def poll_series_brief_caption(toplines: pd.DataFrame, question_ids: list[str]) -> str:
    """The body caption of the repeated-poll figure: how many questions, over which years."""
    rows = toplines[toplines["question_id"].isin(question_ids)]
    years = rows["when"].dropna().dt.year
    span = f", {years.min()} to {years.max()}" if len(years) else ""
    return (
        f"{len(question_ids)} questions asked in more than one published poll{span}, one panel "
        "per question, with 95% intervals where the sample allows. Wordings, populations and "
        "fieldwork in the appendix."
    )


def method_notes(params: OpinionParameters, denominator: str, with_rounds: bool) -> Text:
    """How the report computes its figures: intervals, tests, suppression, dating."""
    afrobarometer = (
        "- **Afrobarometer estimates.** Weighted shares of respondents (the file's weight "
        "variable), with 95% intervals from Kish's effective sample size. Round-to-round "
        "changes carry Newcombe's 95% interval for a difference of two proportions and a "
        "two-proportion test; group differences are judged by Holm-adjusted p-values. Groups "
        "and regions with fewer than {min_sample} respondents are suppressed.\n"
        "- **Don't know.** {denominator}\n"
        if with_rounds
        else "- **Afrobarometer estimates.** No respondent-level file was read in this run.\n"
    )
    return Text(
        afrobarometer
        + "- **Published figures.** A 95% interval is shown only for a random sample with a "
        "reported size; otherwise the table says why there is none.\n"
        "- **Dates.** A survey wave is dated by the middle of its fieldwork, or by its "
        "publication where no fieldwork dates are given.",
        {"min_sample": params.min_sample, "denominator": denominator},
    )


def breakdown_tables(groups: pd.DataFrame, params: OpinionParameters) -> list[Table]:
    """The last round by the chosen breakdown, and the group differences beyond the margin."""
    by, minimum = params.breakdown, params.min_sample
    last_round = groups[groups["round"] == groups["round"].max()]
    differences = opinion.group_differences(last_round)
    beyond = opinion.changes_beyond_margin(differences)
    return [
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
            beyond.assign(p_holm=beyond["p_holm"].map(ss.format_p_value)).rename(
                columns={"p_holm": "p (Holm-adjusted)"}
            )[
                [
                    "short",
                    "group",
                    "other_group",
                    "share",
                    "other_share",
                    "difference",
                    "p (Holm-adjusted)",
                ]
            ],
            f"Differences between {by} groups larger than their margin of error; with "
            f"{len(differences)} pairs tested, judge them by the Holm-adjusted p-value",
            {"share": 1, "other_share": 1, "difference": 1},
            source=SURVEY_SOURCE,
        ),
    ]


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
        "- **Design effects.** Afrobarometer intervals use Kish's effective sample size for the "
        "weights (design effect {low} to {high} across rounds). The public files carry no "
        "primary-sampling-unit identifier, so clustering is not reflected and the intervals are "
        "somewhat too narrow.\n"
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
