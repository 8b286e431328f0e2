"""Shared fixtures: copies of the curated data, and the real datasets in ../shared/data."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analysis import config
from analysis.config import CURATED_DIR, SHARED_DATA_DIR

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True, scope="session")
def _cache_folder(tmp_path_factory: pytest.TempPathFactory):
    """The columnar cache of publisher files (analysis.sources.cache) goes to a folder of the
    test session, never data/cache; builds started by tests inherit it."""
    folder = tmp_path_factory.mktemp("cache")
    saved = os.environ.get("MALI_CACHE_DIR"), config.CACHE_DIR
    os.environ["MALI_CACHE_DIR"], config.CACHE_DIR = str(folder), folder
    yield folder
    if saved[0] is None:
        os.environ.pop("MALI_CACHE_DIR", None)
    else:
        os.environ["MALI_CACHE_DIR"] = saved[0]
    config.CACHE_DIR = saved[1]


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


def fresh_process(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``python -c code`` in a fresh process (nothing imported yet) at the project's root: what
    importing or drawing pulls in, where this test process may already hold it."""
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=config.PROJECT_ROOT,
        env=env,
        check=True,
    )
