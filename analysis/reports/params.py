"""Validate notebook parameters: a bad value stops the run with one clear sentence.

Dates are ISO dates or relative to the run (``today``, ``-52w``, ``-12m``, ``-2y``, ``-30d``;
analysis.core.relative_dates), resolved against the run date (the build's ``--date``). An
``end_date`` given relative to the run (the reports' default, ``today``) is marked
``end_follows_run``: the report then ends at the last day its event data covers when that is
earlier (analysis.tables.coverage.report_end)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from analysis.core import relative_dates
from analysis.core.countries import canonical_country
from analysis.curated import schema
from analysis.curated.aliases import AliasResolver, UnknownGroupError
from analysis.curated.tables import resolver

KNOWN_COUNTRIES: tuple[str, ...] = tuple(schema.COUNTRY_BOUNDS)


class ParameterError(ValueError):
    """A notebook parameter with a bad value; the message is one sentence for the reader."""


class CommonParameters:
    """The common parameters read through a report's parameters (its ``common`` field)."""

    common: ReportParameters

    @property
    def start_date(self) -> date:
        return self.common.start_date

    @property
    def end_date(self) -> date:
        return self.common.end_date

    @property
    def country(self) -> str:
        return self.common.country

    @property
    def focus_groups(self) -> tuple[str, ...]:
        return self.common.focus_groups

    @property
    def data_source(self) -> str:
        return self.common.data_source

    @property
    def milestone_kinds(self) -> tuple[str, ...]:
        return self.common.milestone_kinds


@dataclass(frozen=True)
class ReportParameters:
    """Checked, typed parameters shared by every notebook."""

    start_date: date
    end_date: date
    country: str
    focus_groups: tuple[str, ...] = ()
    data_source: str = "curated"
    milestone_kinds: tuple[str, ...] = field(default=schema.MILESTONE_KINDS)
    #: True when end_date was given relative to the run (``today``, ``-4w``)
    end_follows_run: bool = False
    #: the run date relative dates were resolved against
    run_date: date | None = None
    #: the dates as given, where they were relative: {"start_date": "-52w"}
    relative: tuple[tuple[str, str], ...] = ()


def latest_end_date(today: date | None = None) -> date:
    """The last day a report may cover: the end of the current year (data cannot be later;
    a date like 9999-12-31 is also beyond what pandas can hold)."""
    return date((today or date.today()).year, 12, 31)


def _as_date(name: str, value: object, run: date | None = None) -> date:
    if isinstance(value, date):
        return value
    if relative_dates.is_relative(value):
        try:
            return relative_dates.resolve(str(value), run or relative_dates.run_date())
        except ValueError as exc:  # before the first day a date can hold
            raise ParameterError(f"Parameter {name}: {exc}.") from None
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ParameterError(
            f"Parameter {name} must be an ISO date such as 2012-01-01, or relative to the run: "
            f"{relative_dates.FORMS}; not {value!r}."
        ) from None


def _as_list(value: object) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.replace("|", ",").split(",") if part.strip()]
    if isinstance(value, Iterable):
        return [str(v).strip() for v in value if str(v).strip()]
    raise ParameterError(f"Expected a list of names, not {value!r}.")


def check_countries(
    values: object, name: str = "sahel_countries", known: Sequence[str] = KNOWN_COUNTRIES
) -> tuple[str, ...]:
    """A list of country names (a text is one name, or several separated by commas), each
    checked against ``known``, each once; the first unknown one stops with one sentence that
    names it and the parameter."""
    try:
        countries = _as_list(values)
    except ParameterError:
        raise ParameterError(f"{name} must be a list of country names, not {values!r}.") from None
    # in the project's spelling ("Ivory Coast" is Côte d'Ivoire), as check_parameters does
    countries = [canonical_country(c) or c for c in countries]
    for country in countries:
        if country not in known:
            close = difflib.get_close_matches(country, list(known), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ParameterError(
                f"Unknown country {country!r} in {name}{hint}; use any of: {', '.join(known)}."
            )
    return tuple(dict.fromkeys(countries))


def check_dates(start_date: object, end_date: object) -> tuple[date, date]:
    """The report period's first and last day, checked: ISO dates or relative to the run date,
    in order, from EARLIEST_DATE_YEAR to the end of this year."""
    run = relative_dates.run_date()
    start, end = _as_date("start_date", start_date, run), _as_date("end_date", end_date, run)
    if end < start:
        raise ParameterError(
            f"end_date {end.isoformat()} is before start_date {start.isoformat()}; "
            "swap them or correct one."
        )
    if start.year < schema.EARLIEST_DATE_YEAR:
        raise ParameterError(
            f"start_date must be in {schema.EARLIEST_DATE_YEAR} or later, not {start.isoformat()}."
        )
    last = latest_end_date(max(run, date.today()))
    for name, value in (("start_date", start), ("end_date", end)):
        if value > last:
            raise ParameterError(
                f"{name} {value.isoformat()} is after the end of this year "
                f"({last.isoformat()}); choose a date up to it."
            )
    return start, end


def check_parameters(
    start_date: object,
    end_date: object,
    country: str = "Mali",
    focus_groups: object = (),
    data_source: str = "curated",
    allowed_sources: Sequence[str] = ("curated",),
    milestone_kinds: object = None,
    names: AliasResolver | None = None,
) -> ReportParameters:
    """Check the common notebook parameters and return them typed: the country in the
    project's spelling (once, for the whole run: 'Ivory Coast' is "Côte d'Ivoire"), group names
    resolved with ``names`` (the run snapshot's resolver; without it, the curated folder's
    groups.csv)."""
    run = relative_dates.run_date()
    start, end = check_dates(start_date, end_date)
    country = canonical_country(country) or country
    relative = tuple(
        (name, str(value).strip())
        for name, value in (("start_date", start_date), ("end_date", end_date))
        if relative_dates.is_relative(value)
    )
    if country not in KNOWN_COUNTRIES:
        raise ParameterError(
            f"Unknown country {country!r}; use one of: {', '.join(KNOWN_COUNTRIES)}."
        )
    if data_source not in allowed_sources:
        raise ParameterError(
            f"Unknown data source {data_source!r}; this notebook takes: "
            f"{', '.join(allowed_sources)}."
        )
    names = names or resolver()
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
        end_follows_run=relative_dates.is_relative(end_date),
        run_date=run,
        relative=relative,
    )
