"""nbval on a clone without ../shared/data (a user's fresh clone).

The cells marked ``# NBVAL_CHECK_OUTPUT`` state headline figures, several of them computed from
the real datasets in ../shared/data. Without that folder those figures cannot hold, so every
cell still runs (an error still fails), but stored outputs are not compared, and the run says so.
"""

from __future__ import annotations

import pytest

from analysis.config import SHARED_DATA_DIR

_relaxed: list[str] = []


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Turn off output comparison for checked cells when the real datasets are absent."""
    if SHARED_DATA_DIR.is_dir():
        return
    for item in items:
        options = getattr(item, "options", None)
        if isinstance(options, dict) and options.get("check"):
            options["check"] = False
            _relaxed.append(item.nodeid)


def pytest_terminal_summary(terminalreporter) -> None:
    """Say which checked cells ran without comparing their stored output, and why."""
    if _relaxed:
        terminalreporter.write_line(
            f"nbval: {SHARED_DATA_DIR} is absent: {len(_relaxed)} checked cell(s) ran without "
            "comparing their stored key figures (they are computed from the real datasets)."
        )
