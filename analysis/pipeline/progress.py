"""What the build shows while it runs: one live line per notebook in a terminal, else nothing.

In a terminal each notebook has a line with its status and time, redrawn in place. Elsewhere
(cron, CI logs) the build prints only the final summary, and with --quiet only failures.
"""

from __future__ import annotations

import time
from typing import TextIO

LIVE, PLAIN, QUIET = "live", "plain", "quiet"


def choose_mode(stream: TextIO, quiet: bool) -> str:
    """Live lines in a terminal, a summary line otherwise, nothing but errors when quiet."""
    if quiet:
        return QUIET
    isatty = getattr(stream, "isatty", None)
    return LIVE if isatty is not None and isatty() else PLAIN


class Progress:
    """Status and elapsed time of each notebook; drawn only in LIVE mode."""

    def __init__(self, names: list[str], stream: TextIO, mode: str) -> None:
        self.names = names
        self.stream = stream
        self.mode = mode
        self.width = max((len(n) for n in names), default=0)
        self.status = dict.fromkeys(names, "queued")
        self.started: dict[str, float] = {}
        self.seconds: dict[str, float] = {}
        self.notes: dict[str, str] = {}
        self._drawn = False

    def running(self, name: str) -> None:
        """Mark a notebook as running (its clock starts now)."""
        if self.status[name] == "queued":
            self.status[name] = "running"
            self.started[name] = time.perf_counter()

    def finished(self, name: str, status: str, seconds: float, note: str = "") -> None:
        """Mark a notebook done: ok, reused or FAILED, with its own duration."""
        self.status[name] = status
        self.seconds[name] = seconds
        self.notes[name] = note

    def _line(self, name: str) -> str:
        status = self.status[name]
        if status == "running":
            seconds = time.perf_counter() - self.started[name]
        else:
            seconds = self.seconds.get(name)
        clock = f"{seconds:7.1f} s" if seconds is not None else " " * 9
        note = f"  {self.notes[name]}" if self.notes.get(name) else ""
        return f"  {name:<{self.width}}  {status:<8}{clock}{note}"

    def draw(self) -> None:
        """Redraw every line in place (LIVE mode only)."""
        if self.mode != LIVE or not self.names:
            return
        if self._drawn:
            self.stream.write(f"\x1b[{len(self.names)}F")
        for name in self.names:
            self.stream.write("\x1b[2K" + self._line(name) + "\n")
        self.stream.flush()
        self._drawn = True
