"""Shared fixtures: copies of the curated data, and the real datasets in ../shared/data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analysis.config import CURATED_DIR, SHARED_DATA_DIR

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def curated_copy(tmp_path: Path) -> Path:
    """A writable copy of data/curated, for tests that break it on purpose."""
    target = tmp_path / "curated"
    shutil.copytree(CURATED_DIR, target)
    return target


def shared_file(*parts: str) -> Path:
    """A file in ../shared/data, or skip the test saying what is missing."""
    path = SHARED_DATA_DIR.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"real dataset not available: {path} (../shared/data is absent on user clones)")
    return path
