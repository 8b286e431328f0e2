"""The report period: one typed value instead of strings re-converted in every module."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

#: The first and last whole days pandas timestamps can hold (nanoseconds in 64 bits).
FIRST_DAY: date = (pd.Timestamp.min + pd.Timedelta(days=1)).date()
LAST_DAY: date = (pd.Timestamp.max - pd.Timedelta(days=1)).date()


@dataclass(frozen=True)
class Period:
    """An inclusive span of days, from ``start`` to ``end``."""

    start: date
    end: date

    def __post_init__(self) -> None:
        for name, day in (("start", self.start), ("end", self.end)):
            if not FIRST_DAY <= day <= LAST_DAY:
                raise ValueError(
                    f"the period's {name} {day.isoformat()} is outside the dates the tables "
                    f"can hold ({FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()})"
                )
        if self.end < self.start:
            raise ValueError(
                f"the period ends ({self.end.isoformat()}) before it starts "
                f"({self.start.isoformat()})"
            )

    @classmethod
    def of(cls, start: object, end: object) -> Period:
        """A period from ISO strings, dates or timestamps."""
        return cls(as_date(start), as_date(end))


def as_date(value: object) -> date:
    """A date from an ISO string, a date, a datetime or a Timestamp."""
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, date):
        return value if type(value) is date else value.date()  # datetime -> its day
    return date.fromisoformat(str(value).strip())
