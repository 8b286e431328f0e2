"""The public-opinion report's figures: what each one draws, from which data, with its brief
caption and source line, and the full wording the appendix prints for it.

Each function returns its figure, or None when the period and data source leave it nothing to
draw; the brief's sections and the appendix's wordings ask the same functions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from analysis.analyses import opinion, polls
from analysis.figures import opinion as fo
from analysis.reports import opinion_captions as oc
from analysis.reports.opinion_data import OpinionData
from analysis.reports.opinion_params import OpinionParameters
from analysis.reports.parts import Chart
from analysis.sources import afrobarometer as ab

#: Topics of the "state's and international responses" section.
RESPONSE_TOPICS: tuple[str, ...] = ("state response", "international response")
SHARIA_IDS: tuple[str, str] = ("sharia-reject-gallup", "sharia-official-law-pew")
#: The question of the north/rest and region figures unless the reader chose one asked twice.
DEFAULT_FOCUS_QUESTION = "trust-army"
EXTREMISM_TOPICS: tuple[str, ...] = ("armed groups and extremism", "insecurity")


@dataclass(frozen=True)
class WordedChart:
    """A figure of the brief, and what the appendix prints for it: ``label`` (its title) and
    ``wording`` (the questions' full wordings, rounds, variables, populations, fieldwork)."""

    chart: Chart
    label: str
    wording: str


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


def survey_timeline(data: OpinionData) -> Chart:
    """When each survey wave and Afrobarometer round was in the field, one row per pollster."""
    entries = oc.timeline_entries(data.timeline, data.round_facts)
    return Chart(
        "opinion-survey-timeline",
        "Each dot is a survey wave in the field (hollow: not a random sample); dashed "
        "lines are milestones of the period. Populations and wordings are in the appendix.",
        f"Source: published toplines ({oc.CURATED_SOURCE}) and {ab.SOURCE_NAME}.",
        data=(data.timeline, data.round_facts),
        draw=fo.draw_survey_timeline,
        args=(entries,),
        options={"milestones": data.milestones},
        height=fo.chart_height("timeline", entries["pollster"].nunique()),
    )


def _estimate_bars(
    data: OpinionData, slug: str, ids: list[str], title: str, what: str
) -> WordedChart | None:
    """Bars of the latest national estimates of these questions (the chosen ones)."""
    rows = data.national[data.national["question_id"].isin(data.params.chosen(ids))]
    if not len(rows):
        return None
    chart = Chart(
        slug,
        oc.afrobarometer_brief_caption(rows, what),
        oc.afrobarometer_brief_source(rows),
        data=(rows,),
        draw=fo.draw_estimate_bars,
        args=(rows,),
        options={"title": title},
        height=fo.chart_height("bars", len(rows)),
    )
    wording = oc.afrobarometer_caption(rows, what) + " " + oc.afrobarometer_source_line(rows)
    return WordedChart(chart, title, wording)


def extremism_bars(data: OpinionData) -> WordedChart | None:
    """The Afrobarometer questions on armed groups, extremism and insecurity."""
    ids = [q for topic in EXTREMISM_TOPICS for q in data.qmap.by_topic(topic)]
    return _estimate_bars(
        data,
        "opinion-extremism-afrobarometer",
        ids,
        "Armed groups, extremism and insecurity",
        "Afrobarometer questions on armed groups and extremism",
    )


def polls_drawn(toplines: pd.DataFrame, ids: list[str], dated: bool = False) -> pd.DataFrame:
    """The published figures a poll chart draws (its CSV): those of its questions, only the
    dated ones for a series over time."""
    rows = toplines[toplines["question_id"].isin(ids)]
    return rows[rows["when"].notna()] if dated else rows


def sharia_questions(toplines: pd.DataFrame) -> list[str]:
    """The two sharia questions (Gallup's and Pew's) among the published figures, if both."""
    found = [q for q in SHARIA_IDS if q in set(toplines["question_id"])]
    return found if len(found) == 2 else []


def sharia_bars(data: OpinionData) -> WordedChart | None:
    """Gallup's and Pew's different questions about sharia, side by side (not a trend)."""
    sharia = sharia_questions(data.toplines)
    if not sharia:
        return None
    chart = Chart(
        "opinion-sharia-side-by-side",
        "Two different questions about sharia, each with its own population; bars, not "
        "a trend. Wordings in the appendix.",
        oc.polls_brief_source(data.toplines, sharia),
        data=polls_drawn(data.toplines, sharia),
        draw=fo.draw_side_by_side,
        args=(data.toplines, sharia),
        height=fo.chart_height("side_by_side", len(sharia)),
    )
    wording = (
        oc.poll_series_caption(data.toplines, sharia)
        + " "
        + oc.poll_source_line(data.toplines, sharia)
    )
    return WordedChart(chart, "Sharia: two different questions", wording)


def response_series(data: OpinionData) -> WordedChart | None:
    """The poll questions on the responses asked more than once, one panel per question."""
    ids = response_series_ids(data.toplines, data.params)
    if not ids:
        return None
    toplines = data.toplines
    chart = Chart(
        "opinion-response-series",
        oc.poll_series_brief_caption(toplines, ids),
        oc.polls_brief_source(toplines, ids),
        data=polls_drawn(toplines, ids, dated=True),
        layout=fo.poll_series_layout,
        args=(toplines, ids),
        options={"milestones": data.milestones},
    )
    wording = (
        "Repeated questions on the army, MINUSMA, Barkhane and Russia. "
        + oc.poll_series_caption(toplines, ids)
        + " "
        + oc.poll_source_line(toplines, ids)
    )
    return WordedChart(chart, fo.SERIES_TITLE, wording)


def response_bars(data: OpinionData) -> WordedChart | None:
    """The Afrobarometer questions on the army, the government, MINUSMA and France."""
    ids = [q for topic in RESPONSE_TOPICS for q in data.qmap.by_topic(topic)]
    return _estimate_bars(
        data,
        "opinion-responses-afrobarometer",
        ids,
        "The army, the government, MINUSMA and France",
        "Afrobarometer questions on the state's and international responses",
    )


def trust_estimates(data: OpinionData) -> pd.DataFrame:
    """National estimates of the chosen trust questions."""
    trust_ids = data.params.chosen(data.qmap.by_topic("trust"))
    return data.national[data.national["question_id"].isin(trust_ids)]


def trust_trends(data: OpinionData) -> WordedChart | None:
    """Trust in the president, the police and the army across rounds, with the same questions'
    later published figures beside them."""
    trust = trust_estimates(data)
    if not len(trust):
        return None
    what = "Trust in the president, the police and the army across rounds"
    points = oc.published_points(trust, data.toplines)
    later = " Hollow markers: the same questions as published later (published toplines)."
    chart = Chart(
        "opinion-trust-trends",
        oc.afrobarometer_brief_caption(trust, what),
        oc.afrobarometer_brief_source(trust, lines=True) + (later if len(points) else ""),
        data=(trust,),
        draw=fo.draw_trends,
        args=(trust, points),
        height=fo.chart_height("trends"),
    )
    wording = (
        oc.afrobarometer_caption(trust, what) + " " + oc.trends_source_line(trust, data.toplines)
    )
    return WordedChart(chart, "Trust in institutions", wording)


def focus_estimates(data: OpinionData, by: str = "none") -> pd.DataFrame:
    """Estimates of the focus question (see focus_question) by ``by``; empty when no round was
    read or the question is not mapped."""
    focus = focus_question(data.params, data.qmap)
    if not data.rounds or focus not in data.qmap.questions:
        return data.national.iloc[0:0]
    return data.estimates(data.params.chosen([focus]), by=by)


def north_vs_rest(data: OpinionData) -> WordedChart | None:
    """The focus question nationally, in the north and in the rest of Mali, per round."""
    national = focus_estimates(data)
    if not len(national):
        return None
    north = focus_estimates(data, "north")
    what = "National figure against the north and the rest of Mali"
    short = data.qmap[focus_question(data.params, data.qmap)].short
    chart = Chart(
        "opinion-north-vs-rest",
        oc.afrobarometer_brief_caption(national, what),
        oc.afrobarometer_brief_source(oc.national_and_north(national, north), lines=True),
        data=(national, north),
        draw=fo.draw_national_vs_north,
        args=(oc.national_and_north(national, north),),
        height=fo.chart_height("trends"),
    )
    wording = (
        oc.afrobarometer_caption(national, what)
        + " "
        + oc.national_vs_north_source_line(national, north)
    )
    return WordedChart(chart, f"{short}: national, north and rest of Mali", wording)


def region_heatmap(data: OpinionData) -> WordedChart | None:
    """The focus question by region and round (shown with the north/rest figure)."""
    if not len(focus_estimates(data)):
        return None
    regions = focus_estimates(data, "region")
    short = data.qmap[focus_question(data.params, data.qmap)].short
    caption = oc.afrobarometer_brief_caption(
        regions, f"Region by round, {short}", intervals=False
    ) + (f" Regions with fewer than {data.params.min_sample} respondents are not shown.")
    chart = Chart(
        "opinion-region-round-heatmap",
        caption,
        oc.afrobarometer_brief_source(regions),
        data=(regions,),
        draw=fo.draw_region_heatmap,
        args=(regions,),
        height=fo.chart_height("heatmap", len(opinion.region_round_table(regions))),
    )
    wording = (
        oc.afrobarometer_caption(regions, f"Region by round, {short}")
        + " "
        + oc.region_heatmap_source_line(regions, data.params.min_sample)
    )
    return WordedChart(chart, f"{short} by region and round", wording)


#: The figures that carry question wordings, in the brief's reading order (extremism,
#: responses, trust): the appendix prints their wordings in this order.
WORDED_CHARTS: tuple[Callable[[OpinionData], WordedChart | None], ...] = (
    extremism_bars,
    sharia_bars,
    response_series,
    response_bars,
    trust_trends,
    north_vs_rest,
    region_heatmap,
)
