"""One entry for every report: parameters checked against the run's snapshot, then built.

A report module gives ``PARAMETERS`` (the names of its notebook's parameters cell, in order),
``check(ctx, **values)`` (its parameters, checked and typed, against the run's curated
snapshot) and ``build(ctx, params)`` (its ``parts.Report``).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from analysis.reports.context import open_run
from analysis.reports.params import check_dates
from analysis.reports.parts import Report

#: The reports, by the name of their notebook.
REPORTS = ("attack_trends", "group_evolution", "public_opinion")


def run(name: str, namespace: Mapping[str, Any], curated_dir: Path | None = None) -> Report:
    """Build the report ``name`` from the parameters found in ``namespace`` (a notebook's
    ``globals()``): the dates are checked, the run is opened on them, the report's other
    parameters are checked against the run's snapshot, and the report is built."""
    if name not in REPORTS:
        raise ValueError(f"unknown report {name!r}; one of: {', '.join(REPORTS)}")
    module = importlib.import_module(f"analysis.reports.{name}")
    values = {p: namespace[p] for p in module.PARAMETERS if p in namespace}
    start, end = check_dates(values.get("start_date"), values.get("end_date"))
    ctx = open_run(start, end, curated_dir)
    return module.build(ctx, module.check(ctx, **values))
