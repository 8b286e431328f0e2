"""Published poll toplines (data/curated/polls.csv) with honest intervals, series and checks.

Each reported figure gets a 95% Wilson interval from its sample size, with the pollster's design
effect when given (analysis.analyses.survey_stats). Two kinds of figure get no interval, and say why:
figures whose sample size is not reported, and figures from non-probability samples (online
opt-in polls, quota samples), where sampling theory does not apply at all.

A *series* is every figure sharing a ``question_id``: the same question with the same wording.
Lines are drawn only within a series, and only between figures for the same answer and the same
population, so figures that merely resemble each other are never joined.
"""

from __future__ import annotations

import re

import pandas as pd

from analysis.analyses import survey_stats as ss
from analysis.core.dates import PRECISIONS, human_date, period_end
from analysis.curated.poll_checks import population_key

NOT_RANDOM = "not a random sample"
NO_SAMPLE_SIZE = "sample size not reported"
#: Topics used to group questions into report sections (first matching rule wins).
TOPIC_RULES: tuple[tuple[str, str], ...] = (
    ("international response", r"minusma|france|french|barkhane|serval|russia|foreign|internation"),
    ("armed groups and extremism", r"sharia|radisson|militia|jihad|extrem|islam|rebel|insecurity"),
    ("trust", r"^trust-|^confidence-|most-trusted"),
    ("state response", r"army|fama|fds|armed-forces|security-forces|defence|conflict|priorit"),
    ("trust", r"president|transition|government|political-parties"),
)
GENERAL_TOPIC = "general mood and democracy"


def topic_of(question_id: str) -> str:
    """The report topic of a question, from keywords in its id (see TOPIC_RULES)."""
    for topic, pattern in TOPIC_RULES:
        if re.search(pattern, question_id):
            return topic
    return GENERAL_TOPIC


def _period_bounds(value: pd.Timestamp, precision: str | None) -> tuple[pd.Timestamp, pd.Timestamp]:
    start = pd.Timestamp(value)
    return start, pd.Timestamp(period_end(start.date(), precision or "day"))


def fieldwork_midpoint(row: pd.Series) -> tuple[pd.Timestamp | None, str]:
    """Where a figure sits in time: middle of fieldwork, else the publication date; and why."""
    start, end = row.get("fieldwork_start"), row.get("fieldwork_end")
    if pd.notna(start):
        first, last = _period_bounds(start, row.get("fieldwork_start_precision"))
        if pd.notna(end):
            last = _period_bounds(end, row.get("fieldwork_end_precision"))[1]
        return first + (last - first) / 2, "fieldwork"
    if pd.notna(row.get("published")):
        first, last = _period_bounds(row["published"], row.get("published_precision"))
        return first + (last - first) / 2, "published (fieldwork dates not given)"
    return None, "no date given"


def fieldwork_span(
    start: object, end: object, start_precision: object = "day", end_precision: object = "day"
) -> str:
    """A survey's fieldwork written the one way reports write a period (core.dates):
    '8 February 2017 to 24 February 2017', 'March 2020 to April 2020' at month precision, one
    date when both ends are the same (or no end is given), 'dates not given' when no start is."""
    if start is None or pd.isna(start):
        return "dates not given"
    first = human_date(pd.Timestamp(start).date(), _precision(start_precision))
    if end is None or pd.isna(end):
        return first
    last = human_date(pd.Timestamp(end).date(), _precision(end_precision))
    return first if first == last else f"{first} to {last}"


def _precision(value: object) -> str:
    return str(value) if isinstance(value, str) and value in PRECISIONS else "day"


def last_day(row: pd.Series) -> pd.Timestamp | None:
    """The newest day a published figure can rest on: the end of its fieldwork (at its
    precision: '2020-04' ends on 30 April), else of its fieldwork start, else its publication;
    None when it gives no date."""
    for column in ("fieldwork_end", "fieldwork_start", "published"):
        value = row.get(column)
        if value is not None and pd.notna(value):
            return _period_bounds(value, row.get(f"{column}_precision"))[1]
    return None


def format_share_interval(
    share: float, low: float | None = None, high: float | None = None, note: str = ""
) -> str:
    """A share as the report prints it: '80.5% (95% CI 78.0-82.8)', or with why no interval."""
    if share is None or pd.isna(share):
        return f"– ({note})" if note else "–"
    text = f"{share:.1f}".rstrip("0").rstrip(".") + "%"
    if low is not None and high is not None and pd.notna(low) and pd.notna(high):
        return f"{text} (95% CI {low:.1f}–{high:.1f})"
    return f"{text} ({note})" if note else text


def _interval(row: pd.Series, confidence: float) -> dict[str, object]:
    if not bool(row["probability_sample"]):
        return {"interval_note": NOT_RANDOM, "interval_method": ""}
    n = row["sample_size"]
    if pd.isna(n) or int(n) <= 0:
        return {"interval_note": f"no interval: {NO_SAMPLE_SIZE}", "interval_method": ""}
    deff = row["design_effect"]
    low, high = ss.wilson_interval(float(row["share"]) / 100, int(n), confidence, deff)
    method = (
        f"Wilson, n = {int(n):,} / design effect {float(deff):g}"
        if pd.notna(deff)
        else f"Wilson, n = {int(n):,}, simple random sampling assumed (no design effect given)"
    )
    return {
        "low": low * 100,
        "high": high * 100,
        "n_eff": ss.effective_sample_size(int(n), deff),
        "interval_note": "",
        "interval_method": method,
    }


def toplines(polls: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Every poll figure (rows of the curated polls table) with its date on a time axis, topic, and 95% interval or why none."""
    frame = polls.copy()
    placed = frame.apply(fieldwork_midpoint, axis=1, result_type="expand")
    frame["when"] = pd.to_datetime(placed[0]) if len(frame) else pd.Series(dtype="datetime64[ns]")
    frame["when_basis"] = placed[1] if len(frame) else pd.Series(dtype="string")
    frame["population_group"] = frame["population"].map(population_key)
    frame["topic"] = frame["question_id"].map(topic_of)
    intervals = pd.DataFrame(
        [_interval(row, confidence) for _, row in frame.iterrows()], index=frame.index
    )
    for column in ("low", "high", "n_eff"):
        frame[column] = intervals[column] if column in intervals else float("nan")
    frame["interval_note"] = intervals.get("interval_note", "")
    frame["interval_method"] = intervals.get("interval_method", "")
    frame["shown"] = [
        format_share_interval(r["share"], r["low"], r["high"], r["interval_note"])
        for _, r in frame.iterrows()
    ]
    return frame


def in_period(frame: pd.DataFrame, start: object, end: object) -> pd.DataFrame:
    """Figures whose date falls within [start, end]; undated figures are kept (flagged)."""
    first, last = pd.Timestamp(start), pd.Timestamp(end)
    keep = frame["when"].isna() | frame["when"].between(first, last)
    return frame[keep].reset_index(drop=True)


def series(frame: pd.DataFrame, question_id: str) -> pd.DataFrame:
    """One question's figures in time order (a series: same question, same wording)."""
    rows = frame[frame["question_id"] == question_id]
    if rows.empty:
        known = ", ".join(sorted(frame["question_id"].unique()))
        raise KeyError(f"question_id '{question_id}' is not in polls.csv; known: {known}")
    return rows.sort_values(["when", "population", "response"]).reset_index(drop=True)


def repeated_series(frame: pd.DataFrame) -> list[str]:
    """Question ids asked in more than one poll (the series worth drawing over time)."""
    counts = frame.groupby("question_id")["poll_id"].nunique()
    return sorted(counts[counts > 1].index)


def survey_timeline(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per survey wave: who, when, whom, how many, and whether it was random."""
    rows = []
    for poll_id, block in frame.groupby("poll_id", sort=False):
        first = block.iloc[0]
        n = block["sample_size"].dropna()
        rows.append(
            {
                "poll_id": poll_id,
                "pollster": first["pollster"],
                "when": block["when"].min(),
                "dated_by": first["when_basis"],
                "population": "; ".join(dict.fromkeys(block["population"])),
                "sample_size": int(n.max()) if len(n) else pd.NA,
                "random_sample": bool(first["probability_sample"]),
                "press_reported": bool(block["press_reported"].any()),
                "figures": len(block),
                "questions": block["question_id"].nunique(),
            }
        )
    return pd.DataFrame(rows).sort_values("when", na_position="last").reset_index(drop=True)


def side_by_side(frame: pd.DataFrame, question_ids: list[str]) -> pd.DataFrame:
    """Figures of different questions shown together with their wordings, never merged."""
    rows = frame[frame["question_id"].isin(question_ids)]
    table = rows[["question_id", "pollster", "when", "population", "question", "response"]].copy()
    table["figure"] = rows["shown"]
    table["year"] = rows["when"].dt.year.astype("Int64")
    return table.drop(columns="when").sort_values(["year", "question_id"]).reset_index(drop=True)


def question_catalogue(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per question_id: topic, wording, pollsters, years asked, figures."""
    rows = []
    for qid, block in frame.groupby("question_id", sort=False):
        years = block["when"].dropna().dt.year
        rows.append(
            {
                "question_id": qid,
                "topic": topic_of(qid),
                "question": block["question"].iloc[0],
                "pollsters": ", ".join(dict.fromkeys(block["pollster"])),
                "years": ", ".join(str(y) for y in sorted(set(years))) or "undated",
                "figures": len(block),
            }
        )
    return pd.DataFrame(rows).sort_values(["topic", "question_id"]).reset_index(drop=True)
