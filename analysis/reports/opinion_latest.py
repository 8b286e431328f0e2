"""The newest figures of the public-opinion report: for each question a section leads with, the
newest of the Afrobarometer respondent-level estimate and the published toplines of the same
question, answer and population, each with how it was obtained; and, per section, the newest
published survey wave on its topic when it is newer still.

Rule (written in the method notes): a figure is newer when its fieldwork ended later (a topline
without fieldwork dates: its publication); on the same last day the respondent-level estimate is
kept, since it carries a design-based interval.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from analysis.analyses import polls
from analysis.reports.opinion_captions import POLLS_SOURCE
from analysis.reports.opinion_data import OpinionData
from analysis.reports.parts import Table, Text

fmt = polls.format_share_interval
MICRODATA_METHOD = (
    "weighted respondent-level data, national random sample; 95% design-based interval"
)
#: Why a published figure has no interval, as the lead sentences say it.
NO_INTERVAL = {
    polls.NOT_RANDOM: "not a random sample, so no margin of error",
    f"no interval: {polls.NO_SAMPLE_SIZE}": "sample size not reported, so no margin of error",
}
#: The topics (polls.topic_of) of the published figures each section reads.
SECTION_TOPICS: dict[str, tuple[str, ...]] = {
    "extremism": ("armed groups and extremism",),
    "responses": ("state response", "international response"),
    "trust": ("trust",),
}
#: The columns of the newer-figures table, and the headers a reader sees.
NEWER_COLUMNS = {
    "question": "question",
    "response": "response",
    "shown": "figure",
    "population": "population",
    "press_reported": "press-reported",
}


@dataclass(frozen=True)
class Figure:
    """One figure as the brief quotes it: what, how much, from which survey and how."""

    question_id: str
    short: str
    answer: str
    shown: str
    source: str
    check_label: str
    fieldwork: str
    last_day: pd.Timestamp | None
    method: str
    microdata: bool


def topline_method(row: pd.Series) -> str:
    """How a published figure was obtained: 'published topline; sample size not reported, so
    no margin of error; press-reported' (its interval's basis when it has one)."""
    if row["interval_note"]:
        interval = NO_INTERVAL.get(row["interval_note"], row["interval_note"])
    else:
        interval = f"95% CI from its reported sample size of {int(row['sample_size']):,}"
    press = "; press-reported" if bool(row["press_reported"]) else ""
    return f"published topline; {interval}{press}"


def topline_fieldwork(row: pd.Series) -> str:
    """A published figure's fieldwork at its precision, or its publication when undated."""
    if pd.notna(row["fieldwork_start"]):
        return "fieldwork " + polls.fieldwork_span(
            row["fieldwork_start"],
            row["fieldwork_end"],
            row.get("fieldwork_start_precision"),
            row.get("fieldwork_end_precision"),
        )
    if pd.notna(row["published"]):
        return "published " + polls.fieldwork_span(
            row["published"], None, row.get("published_precision")
        )
    return "undated"


def _from_topline(row: pd.Series, short: str) -> Figure:
    with_interval = fmt(row["share"], row["low"], row["high"])
    return Figure(
        str(row["question_id"]),
        short,
        str(row["response"]),
        with_interval,
        str(row["pollster"]),
        str(row["poll_id"]),
        topline_fieldwork(row),
        polls.last_day(row),
        topline_method(row),
        microdata=False,
    )


def _from_estimate(row: pd.Series) -> Figure:
    end = row["fieldwork_end"]
    return Figure(
        str(row["question_id"]),
        str(row["short"]),
        str(row["positive_label"]),
        fmt(row["share"], row["low"], row["high"]),
        f"Afrobarometer round {row['round']}",
        f"Afrobarometer R{row['round']}",
        "fieldwork " + polls.fieldwork_span(row["fieldwork_start"], end),
        pd.Timestamp(end) if end is not None and pd.notna(end) else None,
        MICRODATA_METHOD,
        microdata=True,
    )


def same_question_toplines(data: OpinionData, question_id: str) -> pd.DataFrame:
    """Published figures of a mapped question with its reported answer, of a national
    population (the population of the Afrobarometer estimates)."""
    toplines = data.toplines
    if question_id not in data.qmap.questions or not len(toplines):
        return toplines.iloc[0:0]
    answer = data.qmap[question_id].positive_label.casefold()
    return toplines[
        (toplines["question_id"] == question_id)
        & toplines["response"].str.casefold().eq(answer)
        & toplines["population_group"].eq("national")
    ]


def _newness(figure: Figure) -> tuple[pd.Timestamp, bool]:
    # Undated figures rank oldest; on the same day the estimate (with its interval) wins.
    return (figure.last_day or pd.Timestamp.min, figure.microdata)


def latest_figure(data: OpinionData, question_id: str) -> Figure | None:
    """The newest figure of a question: its latest unsuppressed Afrobarometer estimate or a
    later published topline of the same question, answer and population; None if neither."""
    national = data.national
    rows = national[(national["question_id"] == question_id) & ~national["suppressed"].astype(bool)]
    short = data.qmap[question_id].short if question_id in data.qmap.questions else question_id
    figures = [_from_estimate(rows.sort_values("round").iloc[-1])] if len(rows) else []
    figures += [
        _from_topline(r, short) for _, r in same_question_toplines(data, question_id).iterrows()
    ]
    return max(figures, key=_newness) if figures else None


def latest_text(figures: Sequence[Figure]) -> Text | None:
    """'**Latest figures.** <survey> (<fieldwork>; <method>): <question> (<answer>) <share>;
    ...': the figures grouped by the survey and method they come from, in the order given."""
    if not figures:
        return None
    groups: dict[tuple[str, str, str], list[Figure]] = {}
    for figure in figures:
        groups.setdefault((figure.source, figure.fieldwork, figure.method), []).append(figure)
    parts = [
        f"{source}, {fieldwork} ({method}): "
        + "; ".join(f"{f.short} ({f.answer}) {f.shown}" for f in members)
        for (source, fieldwork, method), members in groups.items()
    ]
    return Text("**Latest figures.** {parts}.", {"parts": ". ".join(parts)})


def newer_on_topic(data: OpinionData, name: str, shown: Sequence[Figure]) -> Table | None:
    """The newest published wave's figures on a section's topics, when that wave ended later
    than every figure the section leads with (None otherwise, or without published figures)."""
    toplines = data.toplines
    if not len(toplines):
        return None
    rows = toplines[toplines["topic"].isin(SECTION_TOPICS[name])]
    quoted = {(f.check_label, f.question_id, f.answer) for f in shown if not f.microdata}
    rows = rows[
        [(r["poll_id"], r["question_id"], r["response"]) not in quoted for _, r in rows.iterrows()]
    ]
    last_days = pd.Series([polls.last_day(r) for _, r in rows.iterrows()], index=rows.index)
    if not len(rows) or last_days.isna().all():
        return None
    newest = last_days.max()
    if any(f.last_day is not None and f.last_day >= newest for f in shown):
        return None
    wave = rows[last_days == newest]
    first = wave.iloc[0]
    return Table(
        wave[list(NEWER_COLUMNS)].rename(columns=NEWER_COLUMNS),
        f"Newer published figures on this topic (other questions or populations): "
        f"{first['pollster']}, {topline_fieldwork(first)}",
        source=POLLS_SOURCE,
    )
