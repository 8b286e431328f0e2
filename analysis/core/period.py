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

    @property
    def start_ts(self) -> pd.Timestamp:
        """First day as a pandas Timestamp."""
        return pd.Timestamp(self.start)

    @property
    def end_ts(self) -> pd.Timestamp:
        """Last day as a pandas Timestamp (midnight of that day)."""
        return pd.Timestamp(self.end)

    @property
    def years(self) -> range:
        """Calendar years the period touches."""
        return range(self.start.year, self.end.year + 1)

    def contains(self, when: object) -> bool:
        """True when a date falls inside the period (both ends included)."""
        return self.start <= as_date(when) <= self.end

    def text(self) -> str:
        """The period in words: '2012-01-01 to 2025-12-31'."""
        return f"{self.start.isoformat()} to {self.end.isoformat()}"


def as_date(value: object) -> date:
    """A date from an ISO string, a date, a datetime or a Timestamp."""
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, date):
        return value if type(value) is date else value.date()  # datetime -> its day
    return date.fromisoformat(str(value).strip())
