"""The attack-trends report built in a test as a notebook builds it (dates checked, run opened,
parameters checked against its snapshot), with what it read and computed, and its parts found
by slug through its sections."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from analysis.reports import attack_trends
from analysis.reports.attack_data import AttackInputs, AttackSeries, analyse, load
from analysis.reports.attack_params import AttackTrendsParameters
from analysis.reports.context import RunContext, open_run
from analysis.reports.params import check_dates
from analysis.reports.parts import Chart, NoData, Report, Table, Text


def checked(curated: Path | None = None, **given) -> tuple[RunContext, AttackTrendsParameters]:
    """The run opened on the given dates and the parameters checked against it (a bad value
    raises the ParameterError a notebook shows)."""
    start, end = check_dates(given.get("start_date", "2012-01-01"), given.get("end_date", "today"))
    ctx = open_run(start, end, curated)
    return ctx, attack_trends.check(ctx, **given)


@dataclass(frozen=True)
class Built:
    """A built report with the inputs and series it was made from."""

    report: Report
    inputs: AttackInputs
    series: AttackSeries
    params: AttackTrendsParameters

    def blocks(self, kind: type) -> list:
        """Every block of a kind, in reading order."""
        return [b for s in self.report.sections.values() for b in s.blocks if isinstance(b, kind)]

    @property
    def charts(self) -> dict[str, Chart]:
        """The report's figures by slug."""
        return {c.slug: c for c in self.blocks(Chart)}

    @property
    def tables(self) -> dict[str, Table]:
        """The report's tables by slug."""
        return {t.slug: t for t in self.blocks(Table)}

    @property
    def missing(self) -> dict[str, NoData]:
        """The no-data notes by the slug of the figure or table they stand in for."""
        return {n.slug: n for n in self.blocks(NoData)}

    def texts(self, key: str) -> list[str]:
        """The prose of a section, as a reader reads it."""
        return [b.plain() for b in self.report[key].blocks if isinstance(b, Text)]

    @property
    def coverage_notes(self) -> list[str]:
        """The data-coverage section's sentences after 'Event data in this report'."""
        return self.texts("coverage")[1:]

    @property
    def event_summary(self) -> dict[str, str]:
        """The values of the 'Event data in this report' sentence."""
        return dict(self.report["coverage"].blocks[0].values)


def build(curated: Path | None = None, **given) -> Built:
    """The report of the given parameters, with its inputs and series."""
    ctx, params = checked(curated, **given)
    inputs = load(ctx, params)
    series = analyse(inputs, params)
    return Built(attack_trends.assemble(inputs, series, params), inputs, series, params)


def as_census(built: Built) -> Built:
    """The same run with its event source declared a census (the minimal chronology standing in
    for event data that lists every attack), analysed and assembled again."""
    inputs = built.inputs
    declared = dataclasses.replace(inputs.declared, census=True)
    selection = dataclasses.replace(inputs.selection, declaration=declared)
    inputs = dataclasses.replace(inputs, selection=selection)
    series = analyse(inputs, built.params)
    return Built(attack_trends.assemble(inputs, series, built.params), inputs, series, built.params)
