"""One sentence for a file-system failure of the build: which folder or file, why, and for a
full disk how much is free where and how much a run needs; never a traceback."""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

from analysis.config import display_path
from analysis.pipeline.runs import RUN_NAME

CAUSES = {
    errno.ENOSPC: "the disk is full (no space left on device)",
    errno.EDQUOT: "the disk quota is used up",
    errno.EACCES: "permission denied (the folder is not writable for this user)",
    errno.EPERM: "operation not permitted",
    errno.EROFS: "the file system is read-only",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.EIO: "an input/output error of the disk",
    errno.EFBIG: "the file is larger than the file system allows",
    errno.ENAMETOOLONG: "the path is too long for the file system (a name in it has more than "
    "255 bytes, or the whole path more than 4,096)",
}


def cause(exc: OSError) -> str:
    """What went wrong, in words (the system's own words for an error not listed)."""
    return CAUSES.get(exc.errno or -1) or (exc.strerror or str(exc)).lower()


def human_size(size: float) -> str:
    """Bytes as a reader says them: '296 KB', '9.2 MB'."""
    for unit in ("bytes", "KB", "MB"):
        if size < 1024:
            return f"{size:.0f} {unit}" if unit != "MB" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"


def _existing(path: Path) -> Path | None:
    """The path, or its nearest folder that exists (a failed write may leave no file)."""
    for candidate in (path, *path.parents):
        try:
            if candidate.exists():
                return candidate
        except OSError:
            continue
    return None


def _mount_point(path: Path) -> Path:
    """The folder the disk holding ``path`` is mounted at."""
    folder = path if path.is_dir() else path.parent
    while not os.path.ismount(folder) and folder != folder.parent:
        folder = folder.parent
    return folder


def last_run_size(reports_dir: Path) -> tuple[str, int] | None:
    """The newest dated run and the bytes its files take, or None when there is none."""
    try:
        runs = sorted(p for p in reports_dir.iterdir() if RUN_NAME.match(p.name) and p.is_dir())
    except OSError:
        return None
    if not runs:
        return None
    total = 0
    for path in runs[-1].rglob("*"):
        try:
            total += path.stat().st_size if path.is_file() else 0
        except OSError:
            continue
    return runs[-1].name, total


def space_note(path: Path, reports_dir: Path | None) -> str:
    """'296 KB free on /mnt; the last run, 2026-12-08, takes 9.2 MB, and a new run needs at
    least as much ...', or "" when the free space cannot be known."""
    existing = _existing(path)
    if existing is None:
        return ""
    try:
        free = shutil.disk_usage(existing).free
    except OSError:
        return ""
    note = f"{human_size(free)} free on {display_path(_mount_point(existing))}"
    last = last_run_size(reports_dir) if reports_dir is not None else None
    if last is not None:
        note += (
            f"; the last run, {last[0]}, takes {human_size(last[1])}, and a new run needs at "
            "least as much while it is written beside the earlier ones"
        )
    return note


def os_error_sentence(exc: OSError, reports_dir: Path, run_date: str) -> str:
    """One sentence for a file-system failure: the folder or file and the cause; for a full
    disk, the space free and the space a run needs."""
    why = cause(exc)
    filename = Path(exc.filename) if exc.filename else None
    inside = filename is None or filename == reports_dir or reports_dir in filename.parents
    if exc.errno == errno.ENOSPC:
        # a run's size says how much is needed on the reports' disk, not on another one
        note = space_note(filename or reports_dir, reports_dir if inside else None)
        if note:
            why = f"{why.removesuffix(')')}: {note})"
    if inside:
        return (
            f"cannot write the {run_date} reports into {display_path(reports_dir)}: {why}; "
            "the build stopped and the earlier reports are untouched."
        )
    return (
        f"cannot use {display_path(filename or reports_dir)}: {why}; the build stopped and the "
        "earlier reports are untouched."
    )
