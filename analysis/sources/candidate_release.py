"""UCDP candidate releases named by their files: which year and months a file covers.

Apart from ``analysis.sources.ucdp_candidate`` (which reads the files) so that what only needs
a release's name (the register of open data, the build command) does not import the readers
and their scientific stack.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

_MONTHLY = re.compile(r"GEDEvent_v(\d{2})_0_(\d{1,2})\.csv$", re.IGNORECASE)
_CONSOLIDATED = re.compile(r"GEDEvent_v(\d{2})_(\d{2})_(\d{2})_(\d{2})\.csv$", re.IGNORECASE)


@dataclass(frozen=True)
class CandidateRelease:
    """One candidate release: its year and the months it covers, from the file name."""

    name: str
    year: int
    first_month: int
    last_month: int
    consolidated: bool

    @property
    def version(self) -> str:
        """UCDP's version label: '25.0.3' (monthly) or '26.01.26.06' (consolidated)."""
        yy = self.year % 100
        if self.consolidated:
            return f"{yy}.{self.first_month:02d}.{yy}.{self.last_month:02d}"
        return f"{yy}.0.{self.last_month}"

    @property
    def order(self) -> tuple[int, int, int]:
        """Sort key: later releases sort after earlier ones."""
        return (self.year, self.last_month, int(self.consolidated))

    @property
    def first_day(self) -> date:
        """The first day the release covers."""
        return date(self.year, self.first_month, 1)

    @property
    def last_day(self) -> date:
        """The last day the release covers."""
        return date(self.year, self.last_month, calendar.monthrange(self.year, self.last_month)[1])


def release_of(path: Path | str) -> CandidateRelease | None:
    """The candidate release a file name states, or None when it states none."""
    name = Path(path).name
    monthly = _MONTHLY.search(name)
    if monthly:
        year, month = 2000 + int(monthly.group(1)), int(monthly.group(2))
        return CandidateRelease(name, year, month, month, False) if 1 <= month <= 12 else None
    whole = _CONSOLIDATED.search(name)
    if whole:
        year, first = 2000 + int(whole.group(1)), int(whole.group(2))
        end_year, last = 2000 + int(whole.group(3)), int(whole.group(4))
        if end_year == year and 1 <= first <= last <= 12:
            return CandidateRelease(name, year, first, last, True)
    return None
