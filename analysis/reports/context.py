"""The run context: what one run of a report shares, opened once.

It holds the curated snapshot (loaded and checked once, immutable), the dataset register, the
report period as one typed value, and the log of origins the readers fill as they read. A report
function takes the context and its parameters and returns a report object; nothing below it
reads a global cache or threads a curated folder through its calls.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.core import origins
from analysis.core.origins import OriginLog
from analysis.core.period import Period
from analysis.curated.snapshot import CuratedSnapshot, load_snapshot
from analysis.reports import numbering
from analysis.sources import register
from analysis.tables import events as event_tables


@dataclass(frozen=True)
class RunContext:
    """One run: curated snapshot, register, period and origins."""

    curated: CuratedSnapshot
    period: Period
    origins: OriginLog

    @property
    def register(self):
        """The one register of datasets (analysis.sources.register)."""
        return register

    def load_events(
        self, dataset: str, country: str | None = None, path: str | Path | None = None
    ) -> pd.DataFrame:
        """A dataset as the canonical event (or annual) table, within the run's period; the
        reader records its origin in this run's log."""
        return event_tables.load(
            dataset,
            path=path,
            country=country,
            start=self.period.start,
            end=self.period.end,
            resolve=self.curated.resolver.get,
        )

    def version_read(self, dataset: str) -> str:
        """The version(s) of a dataset this run read, e.g. '24.1', or '' when none is known."""
        record = register.REGISTER.get(dataset)
        read_as = record.read_as if record and record.read_as else dataset
        versions = [o.version for o in self.origins if o.dataset == read_as and o.version]
        return ", ".join(dict.fromkeys(versions))

    def event_source_line(self, dataset: str) -> str:
        """The source line of event data read from ``dataset`` (the curated folder's events are
        its chronology)."""
        return self.source_line(register.event_source(dataset).key)

    def source_line(self, *datasets: str) -> str:
        """The source line of a figure drawn from these datasets, with the versions read."""
        return "; ".join(register.source_line(d, self.version_read(d)) for d in datasets)


def open_run(start: object, end: object, curated_dir: Path | None = None) -> RunContext:
    """Open a run: a fresh origin log, the curated snapshot, and the period; the figure,
    table and reference numbers of the page start again (analysis.reports.numbering)."""
    log = origins.start_log()
    snapshot = load_snapshot(curated_dir)
    try:
        bibliography = snapshot.sources
    except KeyError:  # a fixture folder without sources.csv: ids are shown as they are
        bibliography = None
    numbering.start(bibliography)
    return RunContext(curated=snapshot, period=Period.of(start, end), origins=log)
