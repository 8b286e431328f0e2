"""Where each piece of data came from, recorded by the reader at the moment it reads.

A reader calls ``record_file`` or ``record_api``; the record goes to the log of the current run
(a ``RunContext`` opens one) and, during a build, to the file named by ``ORIGINS_LOG_ENV`` so that
the report's header, footer and manifest are written from what was really read. An origin that
can change between two runs with the same files (an API answer, the clock, a credential) is
*volatile*: the build re-executes a notebook that has one instead of reusing its last result.
"""

from __future__ import annotations

import contextvars
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from analysis.config import display_path
from analysis.core.hashing import sha256_file

#: During a build, the JSON-lines file the kernel appends its origins to.
ORIGINS_LOG_ENV = "MALI_BUILD_ORIGINS_LOG"


@dataclass(frozen=True)
class Origin:
    """One thing a report read: a file (with its sha256) or an API answer (with its query)."""

    dataset: str
    kind: str  # "file" or "api"
    where: str  # the file's path as the project shows it, or the API endpoint
    sha256: str = ""
    version: str = ""
    query: dict = field(default_factory=dict)
    answered_at: str = ""
    rows: int | None = None
    volatile: bool = False
    why_volatile: str = ""

    def identity(self) -> tuple:
        """What makes two records the same read: a file's dataset, path and content; an API
        answer is always its own (its time differs)."""
        if self.kind == "file":
            return (self.dataset, self.kind, self.where, self.sha256)
        return (self.dataset, self.kind, self.where, json.dumps(self.query, sort_keys=True),
                self.answered_at)  # fmt: skip

    def to_json(self) -> dict:
        """The origin as a JSON-able dict (the manifest's form)."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> Origin:
        """An origin back from its manifest form (unknown keys ignored)."""
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


class OriginLog:
    """The origins of one run, in the order they were read, without repeats."""

    def __init__(self, write_through: bool = True) -> None:
        self._origins: list[Origin] = []
        # a held log (``held``) keeps its records to itself until the caller adds them
        self._write_through = write_through

    def add(self, origin: Origin) -> Origin:
        """Record an origin once and, during a build, append it to the build's log file.

        The same file read twice (the snapshot's events.csv, then the chronology as event data)
        is one origin: the first record stands."""
        same = next((o for o in self._origins if o.identity() == origin.identity()), None)
        if same is not None:
            return same
        self._origins.append(origin)
        log_path = os.environ.get(ORIGINS_LOG_ENV) if self._write_through else None
        if log_path:
            with open(log_path, "a", encoding="utf-8") as handle:
                handle.write(json.dumps(origin.to_json(), sort_keys=True) + "\n")
        return origin

    def __iter__(self):
        return iter(list(self._origins))

    def __len__(self) -> int:
        return len(self._origins)

    def datasets(self) -> list[str]:
        """The datasets read, in reading order."""
        return list(dict.fromkeys(o.dataset for o in self._origins))

    def volatile(self) -> list[Origin]:
        """The origins that may differ between two runs on the same files."""
        return [o for o in self._origins if o.volatile]


_CURRENT: contextvars.ContextVar[OriginLog | None] = contextvars.ContextVar(
    "mali_origins", default=None
)


def current_log() -> OriginLog:
    """The log of the current run, opened on first use when no run context opened one."""
    log = _CURRENT.get()
    if log is None:
        log = OriginLog()
        _CURRENT.set(log)
    return log


def start_log() -> OriginLog:
    """A fresh log for a new run, made current."""
    log = OriginLog()
    _CURRENT.set(log)
    return log


@contextmanager
def held() -> Iterator[OriginLog]:
    """Reads made inside are recorded in a log of their own, not the run's: a caller that tries
    several files (the event source a report picks) adds to the run's log only the origins of
    what it used (``keep``), so that a file read and then not used is never listed as read."""
    log = OriginLog(write_through=False)
    token = _CURRENT.set(log)
    try:
        yield log
    finally:
        _CURRENT.reset(token)


def keep(origins: OriginLog | list[Origin]) -> None:
    """Add held origins to the current run's log (see ``held``)."""
    for origin in origins:
        current_log().add(origin)


def record_file(
    dataset: str, path: Path | str, version: str = "", rows: int | None = None, sha256: str = ""
) -> Origin:
    """Record that ``dataset`` was read from a file (its sha256 is taken now, unless the
    caller hashed it already and gives it)."""
    file = Path(path)
    return current_log().add(
        Origin(
            dataset=dataset,
            kind="file",
            where=display_path(file),
            sha256=sha256 or sha256_file(file),
            version=version,
            rows=rows,
        )
    )


def record_api(
    dataset: str, endpoint: str, query: dict, rows: int | None = None, version: str = ""
) -> Origin:
    """Record an API answer: endpoint, query (without credentials) and when it answered."""
    return current_log().add(
        Origin(
            dataset=dataset,
            kind="api",
            where=endpoint,
            query={k: v for k, v in sorted(query.items())},
            answered_at=datetime.now(UTC).isoformat(timespec="seconds"),
            rows=rows,
            version=version,
            volatile=True,
            why_volatile=f"{dataset} was read from an API ({endpoint}), whose answer can change",
        )
    )


def read_log_file(path: Path) -> list[Origin]:
    """The origins a build's kernel wrote (one JSON object a line); damaged lines are skipped."""
    origins: list[Origin] = []
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError:
        return origins
    for line in text.splitlines():
        try:
            origin = Origin.from_json(json.loads(line))
        except (ValueError, TypeError):
            continue
        if origin not in origins:
            origins.append(origin)
    return origins
