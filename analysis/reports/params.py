"""Validate notebook parameters: a bad value stops the run with one clear sentence."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from analysis.analyses.changepoints import METHODS
from analysis.analyses.trends import PERIOD_FREQUENCIES
from analysis.curated import schema
from analysis.sources.afrobarometer import BREAKDOWNS
from analysis.curated.aliases import UnknownGroupError
from analysis.curated.tables import resolver

KNOWN_COUNTRIES: tuple[str, ...] = tuple(schema.COUNTRY_BOUNDS)


class ParameterError(ValueError):
    """A notebook parameter with a bad value; the message is one sentence for the reader."""


@dataclass(frozen=True)
class ReportParameters:
    """Checked, typed parameters shared by every notebook."""

    start_date: date
    end_date: date
    country: str
    focus_groups: tuple[str, ...] = ()
    data_source: str = "curated"
    milestone_kinds: tuple[str, ...] = field(default=schema.MILESTONE_KINDS)

    def describe(self) -> str:
        """The parameters in words, e.g. 'Mali, 2012-01-01 to 2025-12-31, all groups'."""
        groups = ", ".join(self.focus_groups) if self.focus_groups else "all groups"
        return (
            f"{self.country}, {self.start_date.isoformat()} to {self.end_date.isoformat()}, "
            f"{groups}"
        )


def _as_date(name: str, value: object) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ParameterError(
            f"Parameter {name} must be an ISO date such as 2012-01-01, not {value!r}."
        ) from None


def _as_list(value: object) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.replace("|", ",").split(",") if part.strip()]
    if isinstance(value, Iterable):
        return [str(v).strip() for v in value if str(v).strip()]
    raise ParameterError(f"Expected a list of names, not {value!r}.")


def check_parameters(
    start_date: object,
    end_date: object,
    country: str = "Mali",
    focus_groups: object = (),
    data_source: str = "curated",
    allowed_sources: Sequence[str] = ("curated",),
    milestone_kinds: object = None,
) -> ReportParameters:
    """Check the common notebook parameters and return them typed, group names resolved."""
    start, end = _as_date("start_date", start_date), _as_date("end_date", end_date)
    if end < start:
        raise ParameterError(
            f"end_date {end.isoformat()} is before start_date {start.isoformat()}; "
            "swap them or correct one."
        )
    if start.year < schema.EARLIEST_DATE_YEAR:
        raise ParameterError(f"start_date must be in {schema.EARLIEST_DATE_YEAR} or later.")
    if country not in KNOWN_COUNTRIES:
        raise ParameterError(
            f"Unknown country {country!r}; use one of: {', '.join(KNOWN_COUNTRIES)}."
        )
    if data_source not in allowed_sources:
        raise ParameterError(
            f"Unknown data source {data_source!r}; this notebook takes: "
            f"{', '.join(allowed_sources)}."
        )
    names = resolver()
    groups = []
    for name in _as_list(focus_groups):
        try:
            groups.append(names.resolve(name))
        except UnknownGroupError as exc:
            raise ParameterError(f"In focus_groups: {exc}.") from None
    kinds = (
        _as_list(milestone_kinds) if milestone_kinds is not None else list(schema.MILESTONE_KINDS)
    )
    bad_kinds = [k for k in kinds if k not in schema.MILESTONE_KINDS]
    if bad_kinds:
        raise ParameterError(
            f"Unknown milestone kind {bad_kinds[0]!r}; use any of: "
            f"{', '.join(schema.MILESTONE_KINDS)}."
        )
    return ReportParameters(
        start_date=start,
        end_date=end,
        country=country,
        focus_groups=tuple(dict.fromkeys(groups)),
        data_source=data_source,
        milestone_kinds=tuple(kinds),
    )

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
    if breakdown not in BREAKDOWNS:
        raise ParameterError(
            f"Unknown breakdown {breakdown!r}; use one of: {', '.join(BREAKDOWNS)}."
        )
    if not isinstance(exclude_dont_know, bool):
        raise ParameterError(f"exclude_dont_know must be True or False, not {exclude_dont_know!r}.")
    if isinstance(min_sample, bool) or not isinstance(min_sample, int) or min_sample < 1:
        raise ParameterError(
            f"min_sample must be a whole number of respondents, 1 or more, not {min_sample!r}."
        )
    return list(questions), str(breakdown), exclude_dont_know, int(min_sample)

def check_report_options(
    period: str, top_n: int, method: str, window: int, countries: list[str]
) -> None:
    """Check the attack report's own parameters; a bad value raises one clear sentence."""
    if period not in PERIOD_FREQUENCIES:
        raise ParameterError(
            f"period must be one of {', '.join(PERIOD_FREQUENCIES)}, not {period!r}."
        )
    if not isinstance(top_n, int) or top_n < 1:
        raise ParameterError(f"top_n must be a whole number of 1 or more, not {top_n!r}.")
    if method not in METHODS:
        raise ParameterError(
            f"change_point_method must be one of {', '.join(METHODS)}, not {method!r}."
        )
    if not isinstance(window, int) or window < 1:
        raise ParameterError(f"shift_window must be a whole number of years, not {window!r}.")
    if not countries:
        raise ParameterError("sahel_countries must name at least one country.")
