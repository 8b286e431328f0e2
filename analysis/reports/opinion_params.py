"""The public-opinion report's parameters, checked and typed: the common ones (period, country,
data source, milestone kinds) and its own (questions, breakdown, don't know, minimum sample)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.reports.params import CommonParameters, ParameterError, ReportParameters
from analysis.sources import afrobarometer as ab

#: The data sources a reader may choose: published toplines, microdata, or both.
DATA_SOURCES: tuple[str, ...] = ("curated", "afrobarometer", "all")


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


def _question_list(questions: object) -> list[str]:
    """The questions parameter as a list; from the command line "a,b", "a|b" or "[a, b]"."""
    if isinstance(questions, str):
        text = questions.strip().strip("[]")
        questions = [q.strip(" '\"") for q in text.replace("|", ",").split(",") if q.strip(" '\"")]
    if not isinstance(questions, list | tuple):
        raise ParameterError(
            f"Parameter questions must be a list of question ids, not {questions!r}."
        )
    return list(questions)


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
    questions = _question_list(questions)
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
    return questions, str(breakdown), exclude_dont_know, int(min_sample)


def known_question_ids(poll_rows: pd.DataFrame, qmap: ab.QuestionMap) -> set[str]:
    """Question ids a reader may ask for: those of polls.csv and of the Afrobarometer map."""
    return set(poll_rows["question_id"]) | set(qmap.questions)
