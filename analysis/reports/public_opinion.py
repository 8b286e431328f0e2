"""The public-opinion report: its parameters checked against the run's snapshot, then every
number, sentence, table and figure computed into a ``parts.Report``, which the notebook shows
section by section with ``page.show``.

``check`` checks the notebook's parameters (one clear sentence when one is bad); ``build``
loads what the sections share (analysis.reports.opinion_data) and makes each section of the
brief (opinion_sections) and of the appendix (opinion_appendix). Nothing here draws: a figure is
a ``parts.Chart`` naming its drawing function (analysis.figures.opinion) and its data.
"""

from __future__ import annotations

from collections.abc import Callable

from analysis.reports import brief, coverage_notes, glossary
from analysis.reports import opinion_appendix as appendix
from analysis.reports import opinion_sections as sections
from analysis.reports.context import RunContext
from analysis.reports.opinion_data import OpinionData, load
from analysis.reports.opinion_findings import headline_lines, key_findings, round_check
from analysis.reports.opinion_params import (
    DATA_SOURCES,
    OpinionParameters,
    check_opinion_parameters,
    known_question_ids,
)
from analysis.reports.params import check_parameters
from analysis.reports.parts import Block, Report, Section, Table
from analysis.sources import afrobarometer as ab

#: The parameters of the notebook's parameters cell, in order.
PARAMETERS: tuple[str, ...] = (
    "start_date",
    "end_date",
    "country",
    "focus_groups",
    "data_source",
    "milestone_kinds",
    "questions",
    "breakdown",
    "exclude_dont_know",
    "min_sample",
)
#: The brief's sections, by key, in reading order.
SECTIONS: dict[str, Callable[[OpinionData], Section]] = {
    "asked": sections.asked,
    "extremism": sections.extremism,
    "responses": sections.responses,
    "trust": sections.trust,
    "breakdowns": sections.breakdowns,
    "caveats": sections.caveats,
    "timeline": sections.timeline,
}
#: The appendix's sections (key: the title the notebook gives it), after the brief.
APPENDIX: dict[str, str] = {
    "wordings": "Question wordings",
    "waves": "Survey waves and published questions",
    "polls": "Published poll figures in full",
    "question-map": "Harmonised Afrobarometer question map",
    "method": "Method notes",
    "milestones": "Milestones in full",
    "coverage": coverage_notes.HEADING,
    "glossary": glossary.HEADING,
}
APPENDIX_SECTIONS: dict[str, Callable[[OpinionData], Section]] = {
    "wordings": appendix.wordings,
    "waves": appendix.waves,
    "polls": appendix.published,
    "question-map": appendix.question_map,
    "method": appendix.method,
    "milestones": appendix.milestones,
    "coverage": appendix.coverage,
    "glossary": appendix.words,
}
#: Headers a reader sees instead of a frame's own names ('short' is the question's short name).
HEADERS = {"short": "question"}


def check(
    ctx: RunContext,
    start_date: object,
    end_date: object,
    country: str = "Mali",
    focus_groups: object = (),
    data_source: str = "all",
    milestone_kinds: object = (),
    questions: object = (),
    breakdown: object = "none",
    exclude_dont_know: object = False,
    min_sample: object = 50,
    qmap: ab.QuestionMap | None = None,
) -> OpinionParameters:
    """The notebook's parameters, checked against the run's snapshot: the common ones (group
    names with its resolver; empty milestone kinds = all), then the report's own against the
    question ids of its curated polls and of the question map."""
    common = check_parameters(
        start_date,
        end_date,
        country,
        focus_groups,
        data_source,
        allowed_sources=DATA_SOURCES,
        milestone_kinds=milestone_kinds or None,
        names=ctx.curated.resolver,
    )
    known = known_question_ids(ctx.curated.polls, qmap or ab.load_question_map())
    chosen, by, exclude, minimum = check_opinion_parameters(
        questions, breakdown, exclude_dont_know, min_sample, known, common.country
    )
    return OpinionParameters(common, tuple(chosen), by, exclude, minimum)


def readable_headers(block: Block) -> Block:
    """A table with headers a reader reads, which can wrap ('share from', not 'share_from');
    any other block as it is."""
    return brief.readable_headers(block, HEADERS) if isinstance(block, Table) else block


def _readable(part: Section) -> Section:
    return Section(part.key, tuple(map(readable_headers, part.blocks)))


def report(data: OpinionData) -> Report:
    """The report from what its sections share: key findings, the lines nbval checks
    ('headline', 'round'), the sections of the brief, then of the appendix, and the newest
    fieldwork day its figures rest on."""
    makers = {**SECTIONS, **APPENDIX_SECTIONS}
    return Report(
        name="public_opinion",
        key_findings=key_findings(data),
        sections={key: _readable(make(data)) for key, make in makers.items()},
        checks={
            "headline": headline_lines(data),
            "round": (round_check(data.national),),
        },
        data_through=data.data_through,
    )


def build(ctx: RunContext, params: OpinionParameters) -> Report:
    """The report for the run: its inputs read through the run context, then computed."""
    return report(load(ctx, params))
