"""The parts a report hands its notebook: a reader's table, and a section that has no data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd


@dataclass(frozen=True)
class Table:
    """A reader's table with its caption, the decimals of its number columns and the source
    line of the datasets it is computed from (None: every dataset the run read)."""

    frame: pd.DataFrame
    caption: str
    decimals: Mapping[str, int] = field(default_factory=dict)
    source: str | tuple[str, ...] | None = None


@dataclass(frozen=True)
class NoData:
    """A section (or part) with no data, and how to get it."""

    what: str
    how_to_get: str = ""
