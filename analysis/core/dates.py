"""Partial ISO dates (``2015``, ``2015-11``, ``2015-11-20``) and their precision."""

from __future__ import annotations

import re
from datetime import date

PRECISIONS: tuple[str, ...] = ("day", "month", "year")

_PATTERNS: dict[str, re.Pattern[str]] = {
    "day": re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"),
    "month": re.compile(r"^(\d{4})-(\d{2})$"),
    "year": re.compile(r"^(\d{4})$"),
}


class PartialDateError(ValueError):
    """A string that is not an ISO date at day, month or year precision."""


def parse_partial_date(text: str) -> tuple[date, str]:
    """Parse an ISO date of any precision into (first day of the period, precision)."""
    text = text.strip()
    for precision, pattern in _PATTERNS.items():
        match = pattern.match(text)
        if not match:
            continue
        parts = [int(p) for p in match.groups()]
        year, month, day = (parts + [1, 1])[:3]
        try:
            return date(year, month, day), precision
        except ValueError as exc:
            raise PartialDateError(f"'{text}' is not a real calendar date ({exc})") from exc
    raise PartialDateError(f"'{text}' is not an ISO date (expected YYYY, YYYY-MM or YYYY-MM-DD)")


def period_end(start: date, precision: str) -> date:
    """Last day of the period that a partial date covers (e.g. 2015-11 -> 2015-11-30)."""
    if precision == "day":
        return start
    if precision == "year":
        return date(start.year, 12, 31)
    if precision == "month":
        next_month = date(start.year + start.month // 12, start.month % 12 + 1, 1)
        return date.fromordinal(next_month.toordinal() - 1)
    raise ValueError(f"unknown precision '{precision}'; expected one of {PRECISIONS}")


def format_partial_date(value: date, precision: str) -> str:
    """Write a date at its precision, e.g. (2015-11-01, 'month') -> '2015-11'."""
    if precision == "year":
        return f"{value.year:04d}"
    if precision == "month":
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


def human_date(value: date, precision: str = "day") -> str:
    """Readable date for report prose: '20 November 2015', 'November 2015' or '2015'."""
    if precision == "year":
        return f"{value.year}"
    if precision == "month":
        return value.strftime("%B %Y")
    return f"{value.day} {value.strftime('%B %Y')}"


def period_text(start: date, end: date) -> str:
    """The one way reports write a period: '1 January 2012 to 31 December 2025'."""
    return f"{human_date(start)} to {human_date(end)}"


def data_through_text(last: date | None) -> str:
    """What a brief says of its data's recency: 'Data through 31 December 2023.', or that no
    dated data was read."""
    if last is None:
        return "No dated data was read for this report."
    return f"Data through {human_date(last)}."
