"""The bounds the publishers' readers and API clients keep (rows, pages, bytes, seconds).

A file or a server can be hostile or just huge: an API that keeps sending full pages, a body of
a gigabyte, a server that sends a byte a second, a spreadsheet that expands a thousandfold. Each
bound below stops that with a sentence that names the bound and the environment variable that
raises it; the defaults are far above what a Sahel country's data needs (docs/faults.md lists
them).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass


class LimitSettingError(ValueError):
    """An environment variable that sets a bound holds something that is not a bound."""


@dataclass(frozen=True)
class Limit:
    """One bound: the environment variable that sets it, its default and its unit."""

    env: str
    default: float
    unit: str  # "rows", "pages", "MB", "seconds", "times"
    #: what is bounded, as a sentence says it: "rows read from the ACLED API for one request"
    what: str

    def value(self) -> float:
        """The bound: the environment variable's value when it is set, else the default."""
        text = os.environ.get(self.env, "").strip()
        if not text:
            return self.default
        try:
            number = float(text)
        except ValueError:
            number = math.nan
        if not math.isfinite(number) or number <= 0:
            raise LimitSettingError(
                f"{self.env}={text!r} is not a positive number of {self.unit} (it bounds the "
                f"{self.what}; default {self.default:g})"
            )
        return number

    def count(self) -> int:
        """The bound as a whole number (rows, pages)."""
        return max(int(self.value()), 1)

    def raise_hint(self, value: float | None = None) -> str:
        """How to raise the bound: 'set MALI_X to more than 1000 (rows)'."""
        current = self.value() if value is None else value
        return f"set {self.env} to more than {current:g} to allow more"


ACLED_API_ROWS = Limit(
    "MALI_ACLED_API_MAX_ROWS", 300_000, "rows", "rows read from the ACLED API for one request"
)
UCDP_API_PAGES = Limit(
    "MALI_UCDP_API_MAX_PAGES", 1_000, "pages", "pages read from the UCDP API for one request"
)
API_BODY_MB = Limit("MALI_API_MAX_MB", 200, "MB", "size of one answer of the ACLED or UCDP API")
API_DEADLINE = Limit(
    "MALI_API_DEADLINE", 600, "seconds", "seconds one request to the ACLED or UCDP API may take"
)
AGGREGATED_ROWS = Limit(
    "MALI_AGGREGATED_MAX_ROWS", 1_000_000, "rows", "data rows read from one ACLED aggregated file"
)
XLSX_MB = Limit(
    "MALI_XLSX_MAX_MB", 1024, "MB", "size an xlsx workbook's parts may have once decompressed"
)
XLSX_RATIO = Limit(
    "MALI_XLSX_MAX_RATIO",
    200,
    "times",
    "times one part of an xlsx workbook may grow when decompressed",
)

ALL: tuple[Limit, ...] = (
    ACLED_API_ROWS,
    UCDP_API_PAGES,
    API_BODY_MB,
    API_DEADLINE,
    AGGREGATED_ROWS,
    XLSX_MB,
    XLSX_RATIO,
)
