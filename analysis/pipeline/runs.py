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
import stat
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from analysis.pipeline.manifest_check import manifest_problem

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


_HOLDER_PID = re.compile(r"^pid (\d+)")
#: How long to wait for the leftovers of a dead build (dying with it) to let go of the lock.
_STALE_WAIT_SECONDS = 5.0


def _pid_alive(pid: int) -> bool:
    """Whether a process with this id exists and is not a zombie."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:
            return stat.read().rsplit(")", 1)[-1].split()[0] != "Z"
    except OSError:
        return True


def _holder_pid(holder: str) -> int | None:
    match = _HOLDER_PID.match(holder)
    return int(match.group(1)) if match else None


class BuildLock:
    """An exclusive, non-blocking lock on ``<reports>/.build.lock`` (released on exit or death).

    The lock file names the holding build's process id. Processes the build starts do not keep
    the lock (its spawned workers never inherit it, a forked child closes its copy at once), so
    the lock dies with the build process itself. A lock file still naming a build that is no longer running (killed with -9) is taken
    over; ``took_over`` then says so, for the build to print.
    """

    def __init__(self, reports_dir: Path) -> None:
        self.path = reports_dir / LOCK_NAME
        self._fd: int | None = None
        self._owner = os.getpid()
        #: a sentence about the stale lock taken over, or None
        self.took_over: str | None = None

    def _close_in_child(self) -> None:
        """After a fork: the child must not keep the build's lock alive (it may outlive it)."""
        if self._fd is not None and os.getpid() != self._owner:
            try:
                os.close(self._fd)
            except OSError:
                pass
            self._fd = None

    def __enter__(self) -> BuildLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        if fcntl is not None:
            try:
                self._acquire(fd)
            except BaseException:
                os.close(fd)
                raise
        stale = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
        pid = _holder_pid(stale)
        if stale and pid != os.getpid() and self.took_over is None:
            self.took_over = (
                f"took over the stale lock {self.path} of a build that is no longer running "
                f"({stale}); what it left unfinished is cleaned up."
            )
        try:
            os.ftruncate(fd, 0)
            stamp = datetime.now().astimezone().isoformat(timespec="seconds")
            os.pwrite(fd, f"pid {os.getpid()}, started {stamp}\n".encode(), 0)
        except BaseException:  # a full disk: the lock must not stay held by a lost descriptor
            os.close(fd)
            raise
        self._fd = fd
        self._owner = os.getpid()
        if hasattr(os, "register_at_fork"):
            os.register_at_fork(after_in_child=self._close_in_child)
        return self

    def _acquire(self, fd: int) -> None:
        """flock the file; a holder that is dead gets a few seconds for its leftovers to die."""
        deadline = None
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except OSError:
                holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
            pid = _holder_pid(holder)
            if pid is None or _pid_alive(pid):
                raise BuildLocked(
                    f"another build is running ({holder or 'unknown process'}) and holds "
                    f"{self.path}; wait for it to finish, then run again."
                ) from None
            # The build named in the file is dead but processes it started still hold the
            # lock (they die with it): wait for them a little.
            deadline = deadline or time.monotonic() + _STALE_WAIT_SECONDS
            if time.monotonic() > deadline:
                raise BuildLocked(
                    f"the build that held {self.path} ({holder}) is no longer running, but "
                    "processes it started still hold the lock; end them (see `fuser "
                    f"{self.path}`), then run again."
                ) from None
            time.sleep(0.1)

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
    """A dated run folder and its manifest; ``damaged`` says why the manifest cannot be used."""

    date: str
    folder: Path
    manifest: dict[str, Any]
    damaged: str = ""


#: A run's manifest is tens of kilobytes; a larger file is damage, not a manifest (read whole).
MAX_MANIFEST_BYTES = 64 << 20


def read_manifest(folder: Path) -> tuple[dict[str, Any], str]:
    """A run folder's manifest, or ({}, why it is damaged): unreadable, not JSON, too large,
    not a regular file, or a field the build reads that is damaged (manifest_check)."""
    path = folder / MANIFEST_NAME
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            return {}, f"{MANIFEST_NAME} is not a regular file"
        if info.st_size > MAX_MANIFEST_BYTES:
            return {}, (
                f"{MANIFEST_NAME} is too large ({info.st_size:,} bytes; a manifest has at most "
                f"{MAX_MANIFEST_BYTES:,})"
            )
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}, f"{MANIFEST_NAME} is missing"
    except OSError as exc:
        return {}, f"{MANIFEST_NAME} cannot be read ({exc.strerror})"
    except UnicodeDecodeError:
        return {}, f"{MANIFEST_NAME} is not UTF-8 text"
    except ValueError as exc:
        return {}, f"{MANIFEST_NAME} is not valid JSON ({exc})"
    except RecursionError:
        return {}, f"{MANIFEST_NAME} is not valid JSON (nested too deeply)"
    problem = manifest_problem(manifest)
    if problem:
        return {}, f"{MANIFEST_NAME} {problem}"
    return manifest, ""


def past_runs(reports_dir: Path, include_damaged: bool = False) -> Iterator[PastRun]:
    """Every dated run with a readable manifest, newest first (with ``include_damaged``, also
    the runs whose manifest is damaged, with an empty manifest and the reason)."""
    if not reports_dir.is_dir():
        return
    for folder in sorted(reports_dir.iterdir(), key=lambda p: p.name, reverse=True):
        if not RUN_NAME.match(folder.name) or not folder.is_dir():
            continue
        manifest, damaged = read_manifest(folder)
        if damaged and not include_damaged:
            continue
        yield PastRun(folder.name, folder, manifest, damaged)
