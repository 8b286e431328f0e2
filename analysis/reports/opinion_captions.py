"""What the public-opinion figures and tables say in words: captions, source lines and the data
shaped for the figures (the published points beside the microdata line, the dots of the survey
timeline, the national figure beside the north's).

Two lengths of each: the brief's caption and source line (one or two sentences; the reader
finds the rest in the appendix), and the appendix's wording (every question's full wording,
population, rounds, variables and fieldwork). The figures themselves are drawn by
analysis.figures.opinion from the frames shaped here.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.analyses.opinion import not_sampled
from analysis.analyses.polls import fieldwork_span
from analysis.core.vocab import NOT_GIVEN
from analysis.sources import register
from analysis.sources.afrobarometer import SOURCE_NAME

#: Source lines of the report's tables (the take-away CSV adds the versions the run read).
POLLS_SOURCE = register.source_line("press-toplines", None)
SURVEY_SOURCE = register.source_line("afrobarometer", None)
CURATED_SOURCE = register.source_line("curated", None)
#: Where the published toplines are, as a source line names them (it names the curated tables,
#: whose licence the figure's data link then states).
TOPLINES_IN = f"published toplines, compiled in the {CURATED_SOURCE}"
#: The survey timeline's row for the rounds read from Afrobarometer's respondent-level files.
MICRODATA_ROW = "Afrobarometer (respondent-level data)"
#: How the Afrobarometer shares and intervals are computed, as a source line says it.
WEIGHTING = (
    "Weighted with the survey's own weights; bars: 95% intervals (Wilson intervals on the "
    "weighted sample's effective size)"
)

# ----------------------------------------------------------------------------- shaping


def timeline_entries(
    timeline: pd.DataFrame, afrobarometer_rounds: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The dots of the survey timeline: pollster, date, random or not (published waves, then
    Afrobarometer rounds read from microdata, placed at the middle of their fieldwork)."""
    columns = ["pollster", "when", "random_sample", "figures"]
    entries = (
        timeline.dropna(subset=["when"])[columns]
        if len(timeline)
        else pd.DataFrame(columns=columns)
    )
    if afrobarometer_rounds is not None and len(afrobarometer_rounds):
        extra = afrobarometer_rounds.assign(
            pollster=MICRODATA_ROW,
            when=pd.to_datetime(afrobarometer_rounds["fieldwork_mid"]),
            random_sample=True,
            figures=np.nan,
        )[columns]
        entries = pd.concat([e for e in (entries, extra) if len(e)], ignore_index=True)
    return entries


def published_points(estimates: pd.DataFrame, published: pd.DataFrame | None) -> pd.DataFrame:
    """Published poll figures of the same question ids and reported answer as the estimates
    (drawn as hollow markers beside the microdata line, never joined to it)."""
    if published is None or not len(published) or not len(estimates):
        return pd.DataFrame(columns=["question_id", "when", "share", "interval_note"])
    labels = (
        estimates.drop_duplicates("question_id")
        .set_index("question_id")["positive_label"]
        .str.casefold()
    )
    rows = published[published["question_id"].isin(labels.index)]
    wanted = rows["question_id"].map(labels)
    return rows[rows["response"].str.casefold().eq(wanted)]


def national_and_north(national: pd.DataFrame, north: pd.DataFrame) -> pd.DataFrame:
    """The national estimates (as group 'National') and those of the north and the rest of
    Mali, in that order; respondents whose region is not given are left out."""
    frames = [national.assign(group="National"), north[north["group"] != NOT_GIVEN]]
    return pd.concat([f for f in frames if len(f)], ignore_index=True)


# ----------------------------------------------------------------------------- published polls


def topline_span(row: pd.Series) -> str:
    """A published figure's fieldwork at the precision its dates are given."""
    return fieldwork_span(
        row["fieldwork_start"],
        row["fieldwork_end"],
        row.get("fieldwork_start_precision"),
        row.get("fieldwork_end_precision"),
    )


def poll_source_line(frame: pd.DataFrame, question_ids: Sequence[str]) -> str:
    """Source line of a poll figure: pollsters, populations, fieldwork and how to read marks."""
    rows = frame[frame["question_id"].isin(list(question_ids))]
    surveys = []
    for _poll_id, block in rows.groupby("poll_id", sort=False):
        first = block.iloc[0]
        surveys.append(
            f"{first['pollster']} {topline_span(first)}, "
            f"{'; '.join(dict.fromkeys(block['population']))}"
            f"{', press-reported' if block['press_reported'].any() else ''}"
        )
    return (
        f"Source: {'; '.join(surveys)} ({TOPLINES_IN}). Bars: 95% Wilson intervals; "
        "hollow = not a random sample; diamond = sample size not reported (no interval)."
    )


def poll_series_caption(frame: pd.DataFrame, question_ids: Sequence[str]) -> str:
    """Caption naming each series' wording, populations and fieldwork."""
    parts = []
    for qid in question_ids:
        rows = frame[frame["question_id"] == qid]
        if rows.empty:
            continue
        periods = "; ".join(dict.fromkeys(topline_span(r) for _, r in rows.iterrows()))
        parts.append(
            f"'{rows['question'].iloc[0]}' (populations: {', '.join(dict.fromkeys(rows['population']))}; "
            f"fieldwork: {periods})"
        )
    return "Questions: " + "; ".join(parts) + "."


def polls_brief_source(toplines: pd.DataFrame, question_ids: list[str]) -> str:
    """The body source line of a poll figure: its pollsters, and how to read the marks."""
    rows = toplines[toplines["question_id"].isin(question_ids)]
    pollsters = ", ".join(dict.fromkeys(rows["pollster"]))
    return (
        f"Source: {pollsters} ({TOPLINES_IN}). Hollow: not a random "
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


# ----------------------------------------------------------------------------- Afrobarometer


def afrobarometer_source_line(estimates: pd.DataFrame, population: str = "") -> str:
    """Rounds and fieldwork dates, population, denominator, and the wording when one question.

    Figures of several questions carry their wordings in the caption instead
    (afrobarometer_caption), which keeps the source line readable.
    """
    rounds = estimates.drop_duplicates("round").sort_values("round")
    fieldwork = "; ".join(
        f"R{int(r['round'])} {fieldwork_span(r['fieldwork_start'], r['fieldwork_end'])}"
        for _, r in rounds.iterrows()
    )
    question = ""
    if estimates["question_id"].nunique() == 1:
        first = estimates.iloc[0]
        wordings = " / ".join(dict.fromkeys(estimates["wording"]))
        question = f" Q ({first['positive_label']}): {wordings}"
    denominator = estimates["denominator"].iloc[0] if len(estimates) else ""
    population = population or "adults 18+, national random sample (about 1,200 per round)"
    return (
        f"Source: {SOURCE_NAME}, {fieldwork}. Population: {population}.{question} "
        f"{WEIGHTING}; denominator: {denominator}."
    )


def coverage_note(estimates: pd.DataFrame, lines: bool = True) -> str:
    """What a figure does with rounds that sampled different regions: ' Not joined: <regions>
    (not sampled in round 5).' for lines, ' Different populations: ...' for bars side by side
    ('' when every round of a question sampled the same regions)."""
    gaps = []
    usable = estimates[~estimates["suppressed"].astype(bool)]
    for _, block in usable.groupby(["question_id", "group"], sort=False):
        rows = [row for _, row in block.sort_values("round").iterrows()]
        gaps += [not_sampled(a, b) for a, b in zip(rows, rows[1:], strict=False)]
    gaps = [g for g in dict.fromkeys(gaps) if g]
    if not gaps:
        return ""
    return f" {'Not joined' if lines else 'Different populations'}: {'; '.join(gaps)}."


def trends_source_line(estimates: pd.DataFrame, published: pd.DataFrame | None = None) -> str:
    """Source line of the trends figure: the Afrobarometer rounds, and the published figures
    drawn beside them."""
    source = afrobarometer_source_line(estimates) + coverage_note(estimates)
    points = published_points(estimates, published)
    if len(points):
        notes = "; ".join(dict.fromkeys(str(n) for n in points["interval_note"] if n))
        source += (
            " Hollow markers: the same questions as published later (published toplines, "
            f"without respondent-level data{f': {notes}' if notes else ''})."
        )
    return source


def national_vs_north_source_line(national: pd.DataFrame, north: pd.DataFrame) -> str:
    """Source line of the national-against-north figure, with the rounds' coverage notes."""
    combined = national_and_north(national, north)
    note = " ".join(dict.fromkeys(n for n in combined["round_note"] if isinstance(n, str) and n))
    return (
        afrobarometer_source_line(
            combined, "adults 18+; north = Tombouctou, Gao and Kidal regions as sampled"
        )
        + (f" {note}" if note else "")
        + coverage_note(combined)
    )


def region_heatmap_source_line(estimates: pd.DataFrame, min_sample: int) -> str:
    """Source line of the region heat map, with the fewest respondents a cell is shown for."""
    return (
        afrobarometer_source_line(estimates, "adults 18+ in each region as sampled")
        + f" A cell with fewer than {min_sample} respondents is not shown ('too few "
        "respondents')."
    )


def afrobarometer_caption(estimates: pd.DataFrame, what: str) -> str:
    """Caption: what is shown, then per question its answer counted, rounds with fieldwork
    dates and variable, and its wording (once when every round asked it the same way)."""
    parts = []
    for _qid, block in estimates.groupby("question_id", sort=False):
        block = block.drop_duplicates("round").sort_values("round")
        rounds = ", ".join(
            f"R{r['round']} {r['variable']} "
            f"({fieldwork_span(r['fieldwork_start'], r['fieldwork_end'])})"
            for _, r in block.iterrows()
        )
        wordings = list(dict.fromkeys(block["wording"]))
        wording = (
            f"'{wordings[0]}'"
            if len(wordings) == 1
            else "; ".join(f"R{r['round']}: '{r['wording']}'" for _, r in block.iterrows())
        )
        first = block.iloc[0]
        parts.append(f"{first['short']} ({first['positive_label']}; {rounds}): {wording}")
    return f"{what}. Population: Malian adults, Afrobarometer national random samples. " + " ".join(
        f"{part}." if not part.endswith((".", "?")) else part for part in parts
    )


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


def afrobarometer_brief_source(rows: pd.DataFrame, lines: bool = False) -> str:
    """The body source line of an Afrobarometer figure (fieldwork, weights: appendix), and the
    rounds of a question that sampled different regions (unjoined when ``lines``)."""
    return f"Source: {SOURCE_NAME}, {_rounds_text(rows)}.{coverage_note(rows, lines)}"
