"""What a report numbers as it is shown (figures, tables, cited sources), from 1 in each run.

Opening a run (``analysis.reports.context.open_run``, which ``runner.run`` and the notebooks'
first cell call) starts the numbers again, so a report re-run from its first cell in JupyterLab
numbers its figures from 1 as a build does. ``analysis.reports.page`` asks ``current()``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from analysis.core.dates import human_date
from analysis.reports.references import Bibliography


@dataclass
class Numbers:
    """The numbers given so far in one run, and the bibliography its citations number."""

    bibliography: Bibliography = field(default_factory=Bibliography)
    figures: int = 0
    tables: int = 0
    slugs: set[tuple[str, str]] = field(default_factory=set)

    def next_figure(self) -> int:
        """The next figure's number."""
        self.figures += 1
        return self.figures

    def next_table(self) -> int:
        """The next table's number."""
        self.tables += 1
        return self.tables

    def unique_slug(self, kind: str, slug: str) -> str:
        """The slug made a file name, unique in the run (a second table 'groups' gets
        'groups-2')."""
        base = re.sub(r"[^a-z0-9]+", "-", slug.lower()).strip("-") or kind
        candidate, n = base, 1
        while (kind, candidate) in self.slugs:
            n += 1
            candidate = f"{base}-{n}"
        self.slugs.add((kind, candidate))
        return candidate


def _text(value: Any) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def published_text(value: Any, precision: Any = None) -> str:
    """When a source was published, at its precision ('2019', 'September 2012',
    '14 March 2025'); '' when undated. Text (as sources.csv writes it) is kept as it is."""
    if isinstance(value, str) or value is None or pd.isna(value):
        return _text(value)
    return human_date(pd.Timestamp(value).date(), _text(precision) or "day")


def bibliography(sources: pd.DataFrame | None) -> Bibliography:
    """The bibliography of a sources.csv table as the curated snapshot holds it (its dates
    parsed, with their precision); an empty one for None."""
    if sources is None or "source_id" not in sources.columns:
        return Bibliography()
    return Bibliography(
        {
            str(row["source_id"]): {
                "title": _text(row.get("title")),
                "publisher": _text(row.get("publisher")),
                "published": published_text(row.get("published"), row.get("published_precision")),
                "url": _text(row.get("url")),
            }
            for row in sources.to_dict("records")
        }
    )


_current = [Numbers()]


def start(sources: pd.DataFrame | None = None) -> Numbers:
    """Start the numbers of a new run, citing from ``sources`` (the run's sources.csv; None:
    no bibliography, ids stay as they are)."""
    _current[0] = Numbers(bibliography(sources))
    return _current[0]


def current() -> Numbers:
    """The numbers of the run being shown."""
    return _current[0]
