"""The reports folder: one lock, dated run folders moved into place whole, and their manifests.

A run is built in a hidden sibling folder (same filesystem) and renamed into place at the end,
so an interrupted run never leaves a half-written dated folder and never touches an earlier run.
Re-running a date moves the old folder aside, moves the new one in, then deletes the old one.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

LOCK_NAME = ".build.lock"
MANIFEST_NAME = "manifest.json"
RUN_NAME = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_BUILDING = ".building-"
_OLD = ".old-"

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; builds must not overlap there
    fcntl = None  # type: ignore[assignment]


class BuildLocked(RuntimeError):
    """Another build holds the reports folder's lock."""


class BuildLock:
    """An exclusive, non-blocking lock on ``<reports>/.build.lock`` (released on exit or death)."""

    def __init__(self, reports_dir: Path) -> None:
        self.path = reports_dir / LOCK_NAME
        self._fd: int | None = None

    def __enter__(self) -> BuildLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                holder = os.read(fd, 200).decode("utf-8", "replace").strip()
                os.close(fd)
                raise BuildLocked(
                    f"another build is running ({holder or 'unknown process'}) and holds "
                    f"{self.path}; wait for it to finish, then run again."
                ) from None
        os.ftruncate(fd, 0)
        stamp = datetime.now().astimezone().isoformat(timespec="seconds")
        os.write(fd, f"pid {os.getpid()}, started {stamp}\n".encode())
        self._fd = fd
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            os.close(self._fd)  # closing releases the flock
            self._fd = None


def recover(reports_dir: Path) -> None:
    """Tidy what an interrupted build left (call with the lock held).

    A ``.D.old-*`` folder whose date D is missing was moved aside by a swap that did not finish:
    it is moved back. Every other leftover build or old folder is deleted.
    """
    if not reports_dir.is_dir():
        return
    for entry in sorted(reports_dir.iterdir()):
        name = entry.name
        if not name.startswith(".") or not entry.is_dir():
            continue
        date = name[1:].split(".", 1)[0]
        if not RUN_NAME.match(date):
            continue
        moved_aside = entry / date
        if _OLD in name and moved_aside.is_dir() and not (reports_dir / date).exists():
            os.rename(moved_aside, reports_dir / date)
            shutil.rmtree(entry, ignore_errors=True)
        elif _OLD in name or _BUILDING in name:
            shutil.rmtree(entry, ignore_errors=True)


def new_run_dir(reports_dir: Path, date: str) -> Path:
    """A fresh hidden folder beside the dated folder, where this run is written."""
    folder = Path(tempfile.mkdtemp(prefix=f".{date}{_BUILDING}", dir=reports_dir))
    folder.chmod(0o755)  # mkdtemp's 0700 would hide the reports from a web server's user
    return folder


def move_into_place(run_dir: Path, reports_dir: Path, date: str) -> Path:
    """Replace ``reports/<date>`` by the finished run folder as a whole."""
    target = reports_dir / date
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{date}{_OLD}", dir=reports_dir))
        os.rename(target, old / date)
    os.rename(run_dir, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return target


def write_atomic(path: Path, text: str) -> None:
    """Write a text file through a temporary file in the same folder and a rename."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class PastRun:
    """A dated run folder and its manifest."""

    date: str
    folder: Path
    manifest: dict[str, Any]


def past_runs(reports_dir: Path) -> Iterator[PastRun]:
    """Every dated run with a readable manifest, newest first."""
    if not reports_dir.is_dir():
        return
    for folder in sorted(reports_dir.iterdir(), key=lambda p: p.name, reverse=True):
        if not RUN_NAME.match(folder.name) or not folder.is_dir():
            continue
        try:
            manifest = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        yield PastRun(folder.name, folder, manifest)
