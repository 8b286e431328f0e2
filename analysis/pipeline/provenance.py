"""The data a report read, in words: each dataset's vintage, licence and citation.

A report's header lists the vintage of every dataset the notebook read (UCDP 24.1, Afrobarometer
rounds 4-7, curated tables as of a date, an API answer of a given day...) and its footer gives
their licences and how to cite them. Both come from the origins the readers recorded while the
notebook ran (analysis.core.origins) and from the register (analysis.sources.register): nothing
is guessed from paths after the run.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from analysis import __version__, config
from analysis.core.origins import Origin
from analysis.sources.register import REGISTER, Dataset


@dataclass
class Vintage:
    """One dataset as a report read it: which dataset, which versions, which files."""

    source: Dataset
    files: list[Path] = field(default_factory=list)
    versions: list[str] = field(default_factory=list)

    def text(self) -> str:
        """The vintage in words, e.g. 'UCDP Battle-Related Deaths Dataset (dyadic), version 24.1'."""
        return (
            f"{self.source.title}, {', '.join(self.versions)}"
            if self.versions
            else self.source.title
        )


def _unregistered(key: str) -> Dataset:
    """A dataset key the register does not know (a researcher's own reader): named, no licence."""
    return Dataset(
        key=key, title=key, short=key, publisher="", licence="", citation="", url="",
        how_to_get="", order=90,
    )  # fmt: skip


def _sidecar(path: Path) -> dict:
    """The download record ``<file>.json`` that ``analysis data fetch`` writes, if any."""

    sidecar = path.with_name(path.name + ".json")
    try:
        return json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _snapshot_date(path: Path) -> str | None:
    """The date of a shared copy's upstream snapshot, from the PROVENANCE.md beside it."""
    try:
        text = (path.parent / "PROVENANCE.md").read_text(encoding="utf-8")
    except OSError:
        return None
    match = re.search(r"source commit[^\n]*?\((\d{4}-\d{2}-\d{2})\)", text, re.IGNORECASE)
    return match.group(1) if match else None


def _origin_version(origin: Origin) -> str:
    """One origin's version in words: the publisher's version, else when it was obtained."""
    if origin.kind == "api":
        return f"API answer of {origin.answered_at[:10]}" if origin.answered_at else "API answer"
    if origin.version.startswith(("round ", "data through ")):
        # a survey round, or an export dated by its data's last day: already in words
        return origin.version
    if origin.version:
        return f"version {origin.version}"
    path = config.PROJECT_ROOT / origin.where
    sidecar = _sidecar(path)
    if sidecar.get("version") and not str(sidecar["version"]).startswith("unknown"):
        return f"version {sidecar['version']}"
    if sidecar.get("accessed"):
        return f"downloaded {str(sidecar['accessed'])[:10]}"
    snapshot = _snapshot_date(path)
    if snapshot:
        return f"snapshot of {snapshot}"
    try:
        return f"file of {date.fromtimestamp(path.stat().st_mtime).isoformat()}"
    except OSError:
        return f"file sha256 {origin.sha256[:12]}" if origin.sha256 else ""


def _join_rounds(versions: list[str]) -> list[str]:
    """'round 4', 'round 5', 'round 7' -> 'rounds 4, 5 and 7' (other versions kept as they are)."""
    rounds = sorted({int(v.split()[1]) for v in versions if v.startswith("round ")})
    others = [v for v in versions if not v.startswith("round ")]
    if len(rounds) == 1:
        others.insert(0, f"round {rounds[0]}")
    elif rounds:
        consecutive = rounds == list(range(rounds[0], rounds[-1] + 1))
        text = (
            f"rounds {rounds[0]}–{rounds[-1]}"
            if consecutive and len(rounds) > 2
            else "rounds " + ", ".join(map(str, rounds[:-1])) + f" and {rounds[-1]}"
        )
        others.insert(0, text)
    return others


def curated_as_of(files: Iterable[Path], root: Path = config.PROJECT_ROOT) -> str:
    """When the curated files last changed: their last commit's date, or their newest mtime;
    for the tables shipped in an installed package, the package version.

    The commit date is used when git knows the files and none has uncommitted changes, so that a
    rebuild of the same checkout states the same vintage.
    """
    paths = sorted({Path(p).resolve() for p in files})
    if not paths:
        return ""
    if not config.SOURCE_CHECKOUT and all(config.PACKAGE_DIR in p.parents for p in paths):
        # the tables shipped in an installed package: their files' times are the install's
        return f"as shipped with version {__version__}"
    if (root / ".git").exists() and shutil.which("git"):
        names = [str(p) for p in paths]
        try:
            dirty = subprocess.run(
                ["git", "-C", str(root), "status", "--porcelain", "--", *names],
                capture_output=True, text=True, timeout=20,
            )  # fmt: skip
            last = subprocess.run(
                ["git", "-C", str(root), "log", "-1", "--format=%cs", "--", *names],
                capture_output=True, text=True, timeout=20,
            )  # fmt: skip
        except (OSError, subprocess.SubprocessError):
            dirty = last = None
        if (
            dirty is not None
            and last is not None
            and dirty.returncode == 0
            and not dirty.stdout.strip()
            and re.fullmatch(r"\d{4}-\d{2}-\d{2}", last.stdout.strip())
        ):
            return f"as of {last.stdout.strip()}"
    newest = max(p.stat().st_mtime for p in paths if p.exists())
    return f"as of {date.fromtimestamp(newest).isoformat()} (working copy)"


def as_origins(items: Iterable[Origin | Mapping[str, Any]]) -> list[Origin]:
    """Origins from their objects or their manifest form."""
    return [i if isinstance(i, Origin) else Origin.from_json(dict(i)) for i in items]


def vintages(items: Iterable[Origin | Mapping[str, Any]]) -> list[Vintage]:
    """The datasets among the origins, each with its versions, in the register's order."""
    found: dict[str, Vintage] = {}
    for origin in as_origins(items):
        source = REGISTER.get(origin.dataset) or _unregistered(origin.dataset)
        vintage = found.setdefault(source.key, Vintage(source))
        if origin.kind == "file":
            vintage.files.append(config.PROJECT_ROOT / origin.where)
        if source.key != "curated":
            version = _origin_version(origin)
            if version and version not in vintage.versions:
                vintage.versions.append(version)
    for vintage in found.values():
        if vintage.source.key == "curated":
            tables = ", ".join(sorted(p.stem for p in vintage.files))
            vintage.versions = [f"{tables}; {curated_as_of(vintage.files)}"]
        else:
            vintage.versions = _join_rounds(sorted(vintage.versions))
    return sorted(found.values(), key=lambda v: (v.source.order, v.source.title))


def curated_source_count(curated_dir: Path | None = None) -> int:
    """How many sources the curated bibliography (sources.csv) lists; 0 when it is missing."""

    path = (curated_dir or config.CURATED_DIR) / "sources.csv"
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return sum(1 for _ in csv.DictReader(handle))
    except OSError:
        return 0


def report_data(items: Iterable[Origin | Mapping[str, Any]]) -> dict[str, list[dict[str, str]]]:
    """What a report template needs: ``vintages`` (header) and ``sources`` (footer), as text."""
    found = vintages(items)
    sources = []
    for vintage in found:
        source = vintage.source
        if not source.licence:  # a file of no known dataset: no licence to state
            continue
        # Register citations name their version as {version}: fill in the one the report read.
        read = ", ".join(v.removeprefix("version ") for v in vintage.versions) or "unknown"
        citation = source.citation.replace("{version}", read)
        if source.key == "curated":
            count = curated_source_count()
            if count:
                citation += f" The bibliography lists {count:,} sources."
        sources.append(
            {
                "name": source.title,
                "publisher": source.publisher,
                "licence": source.licence,
                "citation": citation,
                "url": source.url,
                "used": ", ".join(vintage.versions),
            }
        )
    return {
        "vintages": [{"name": v.source.title, "version": ", ".join(v.versions)} for v in found],
        "sources": sources,
    }
