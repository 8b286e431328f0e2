"""What the public-opinion report's sections share, read and computed once.

``load`` reads through the run context: the curated poll toplines (the snapshot), the
Afrobarometer rounds (each .sav file read is recorded as an origin of the run) and the
milestones of the period. ``prepare`` keeps what the period and the data source allow and
the sections then ask ``OpinionData`` for the estimates they need (each computed once); tests
give ``prepare`` hand-made rounds and polls.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path

import pandas as pd

from analysis.analyses import opinion, polls
from analysis.analyses.milestones import milestones_in, of_country
from analysis.reports.context import RunContext
from analysis.reports.coverage_notes import Unread
from analysis.reports.opinion_params import OpinionParameters
from analysis.sources import afrobarometer as ab

DENOMINATOR_EXCLUDING = "Shares exclude don’t know and refused answers (exclude_dont_know=True)."
DENOMINATOR_KEEPING = (
    "Don’t know and refused answers stay in the denominator and are shown as their own share."
)
#: What the report leaves out without Afrobarometer's respondent-level files (coverage notes).
MICRODATA_LEFT_OUT = (
    "Afrobarometer's own estimates with their margins of error (the figures on armed groups, "
    "the state's responses and trust, the changes between rounds and the question map); "
    "the report then rests on published toplines alone"
)
#: What it leaves out without the published toplines.
TOPLINES_LEFT_OUT = "the published poll figures and every figure and table drawn from them"


@dataclass(frozen=True)
class OpinionData:
    """The inputs of every section: the checked parameters, the question map, the published
    figures and Afrobarometer rounds of the period and data source, the milestones, and the
    national estimates of every mapped question (sections pick the chosen ones)."""

    params: OpinionParameters
    qmap: ab.QuestionMap
    toplines: pd.DataFrame
    rounds: Mapping[int, ab.SurveyRound]
    rounds_outside: tuple[int, ...]
    milestones: pd.DataFrame
    _estimated: dict[tuple[tuple[str, ...], str], pd.DataFrame] = field(
        default_factory=dict, repr=False, compare=False
    )

    @property
    def unread(self) -> tuple[Unread, ...]:
        """The data this edition did not read, for the appendix's coverage notes: the
        Afrobarometer files when its choice of data left them out or none was found (rounds
        fielded outside the period are a choice of period, said in the body), and the
        published toplines when its choice of data left them out."""
        found = []
        if not self.params.use_microdata:
            found.append(
                Unread("afrobarometer", MICRODATA_LEFT_OUT, chosen_from="the published toplines")
            )
        elif not self.rounds and not self.rounds_outside:
            found.append(Unread("afrobarometer", MICRODATA_LEFT_OUT, build_hint=ab.HOW_TO_GET))
        if not self.params.use_polls:
            found.append(
                Unread(
                    "press-toplines",
                    TOPLINES_LEFT_OUT,
                    chosen_from="Afrobarometer's respondent-level data",
                )
            )
        return tuple(found)

    @property
    def microdata_missing(self) -> Unread | None:
        """The Afrobarometer files, when they were asked for and none was found."""
        return next(
            (u for u in self.unread if u.key == "afrobarometer" and not u.chosen_from), None
        )

    @property
    def rounds_read(self) -> tuple[int, ...]:
        """The Afrobarometer rounds read for the period, in the order found."""
        return tuple(self.rounds)

    @property
    def denominator(self) -> str:
        """What the shares are of: everyone asked, or substantive answers only."""
        return DENOMINATOR_EXCLUDING if self.params.exclude_dont_know else DENOMINATOR_KEEPING

    def estimates(self, ids: list[str], by: str = "none") -> pd.DataFrame:
        """Estimates of these questions in every round read, by ``by`` (computed once)."""
        key = (tuple(ids), by)
        if key not in self._estimated:
            p = self.params
            self._estimated[key] = opinion.trend(
                dict(self.rounds), ids, by, p.exclude_dont_know, p.min_sample, qmap=self.qmap
            )
        return self._estimated[key]

    @property
    def national(self) -> pd.DataFrame:
        """National estimates of every mapped question (the key findings read any of them)."""
        return self.estimates(list(self.qmap.questions))

    @cached_property
    def round_facts(self) -> pd.DataFrame:
        """One row per round read: fieldwork, respondents, weight, design effect, coverage,
        and the middle of its fieldwork (where the survey timeline puts it)."""
        facts = pd.DataFrame([opinion.describe_round(s) for s in self.rounds.values()])
        if len(facts):
            facts["fieldwork_mid"] = [
                s.fieldwork_start + (s.fieldwork_end - s.fieldwork_start) / 2
                for s in self.rounds.values()
            ]
        return facts

    @cached_property
    def timeline(self) -> pd.DataFrame:
        """One row per published survey wave of the period (empty without toplines)."""
        return polls.survey_timeline(self.toplines) if len(self.toplines) else pd.DataFrame()

    def comparable_changes(self, estimates: pd.DataFrame) -> pd.DataFrame:
        """Round-to-round changes of these national estimates, each between the same
        population (on the regions both rounds sampled where they differ)."""
        p = self.params
        return opinion.comparable_changes(
            dict(self.rounds), estimates, p.exclude_dont_know, p.min_sample, qmap=self.qmap
        )

    def comparable_change(self, before: pd.Series, after: pd.Series) -> dict | None:
        """The change from one national estimate to another, between the same population."""
        p = self.params
        return opinion.comparable_change(
            dict(self.rounds), before, after, p.exclude_dont_know, p.min_sample, qmap=self.qmap
        )

    @cached_property
    def round_changes(self) -> pd.DataFrame:
        """Round-to-round changes of the chosen questions, each between the same population,
        with their intervals."""
        chosen = self.params.chosen(list(self.qmap.questions))
        return self.comparable_changes(self.national[self.national["question_id"].isin(chosen)])

    @cached_property
    def changes_beyond_margin(self) -> pd.DataFrame:
        """The round-to-round changes larger than their margin of error."""
        return opinion.changes_beyond_margin(self.round_changes)

    @cached_property
    def data_through(self) -> date | None:
        """The newest day the report's figures rest on: the last fieldwork day of the rounds
        read and of the published figures of the period (a figure without fieldwork dates: its
        publication); None when nothing dated was read."""
        days = [s.fieldwork_end for s in self.rounds.values() if s.fieldwork_end is not None]
        days += [
            day.date()
            for day in (polls.last_day(row) for _, row in self.toplines.iterrows())
            if day is not None
        ]
        return max(days) if days else None


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


def prepare(
    params: OpinionParameters,
    all_toplines: pd.DataFrame,
    all_rounds: Mapping[int, ab.SurveyRound],
    qmap: ab.QuestionMap,
    milestones: pd.DataFrame,
) -> OpinionData:
    """The sections' inputs from what was read: toplines with intervals (polls.toplines), the
    Afrobarometer rounds found, the question map and the milestones of the period."""
    toplines = polls.in_period(all_toplines, params.start_date, params.end_date)
    if not params.use_polls:
        toplines = toplines.iloc[0:0]
    rounds, outside = rounds_in_period(
        all_rounds if params.use_microdata else {}, params.start_date, params.end_date
    )
    return OpinionData(params, qmap, toplines, rounds, tuple(outside), milestones)


def load(
    ctx: RunContext,
    params: OpinionParameters,
    afrobarometer_dir: Path | None = None,
    qmap: ab.QuestionMap | None = None,
) -> OpinionData:
    """Read what the report needs through the run context, then ``prepare`` it.

    Afrobarometer rounds come from ``afrobarometer_dir`` (default: data/raw/afrobarometer, else
    ../shared) when the data source includes microdata.
    """
    qmap = qmap or ab.load_question_map()
    folder = (afrobarometer_dir or ab.data_dir()) if params.use_microdata else None
    rounds = ab.load_rounds(folder, qmap=qmap) if folder is not None else {}
    # The report is about Mali: other countries' coups and exits are not its context.
    milestones = of_country(
        milestones_in(
            ctx.curated.milestones,
            ctx.period.start,
            ctx.period.end,
            list(params.common.milestone_kinds),
        ),
        params.common.country,
    )
    return prepare(params, polls.toplines(ctx.curated.polls), rounds, qmap, milestones)
