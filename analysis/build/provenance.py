"""The data a report read, in words: each dataset's vintage, licence and citation.

A report's header lists the vintage of every dataset the notebook was seen reading (UCDP 24.1,
Afrobarometer rounds 4-7, curated tables as of a date...) and its footer gives their licences
and how to cite them. Datasets are recognised from the paths of the files read, so a new file
of a known dataset (a later UCDP version, a fresh download in data/raw) needs no change here.
"""

from __future__ import annotations

import csv
import json

import re
import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from analysis import config
from analysis.sources import register as open_data
from analysis.sources.register import version_from_name

UCDP_URL = "https://ucdp.uu.se/downloads/"


@dataclass(frozen=True)
class DataSource:
    """A dataset a report may read: how to recognise its files, its licence and citation."""

    key: str
    name: str
    publisher: str
    licence: str
    citation: str
    url: str
    #: regular expressions matched against the file's path (POSIX form), any of which identifies it
    patterns: tuple[str, ...]
    #: how a version is read from the file name: "ucdp" (v24_1, 241-csv), "rounds" or ""
    versioning: str = ""
    order: int = 50


def _from_register(dataset_name: str, **recognition) -> DataSource:
    """A downloadable dataset as a report source: publisher, licence and citation come from the
    one register of open datasets (analysis.sources.register); only how to recognise it is added here."""
    registered = open_data.DATASETS[dataset_name]
    recognition.setdefault("name", registered.title)
    return DataSource(
        publisher=registered.publisher,
        licence=registered.licence,
        citation=registered.citation,
        **recognition,
    )


SOURCES: tuple[DataSource, ...] = (
    DataSource(
        key="curated",
        name="Curated tables of this project",
        publisher="Mali extremism reports (this project)",
        licence="MIT, with the project; each row cites its sources",
        citation=(
            "Compiled by hand from published sources; every row cites them by source_id, and "
            "data/curated/sources.csv gives each source's title, publisher, date and URL."
        ),
        url="",
        patterns=(),  # recognised by folder (config.CURATED_DIR), see _source_of
        order=0,
    ),
    _from_register(
        "ucdp-ged",
        key="ucdp-ged",
        name="UCDP Georeferenced Event Dataset (GED)",
        url=UCDP_URL,
        patterns=(r"/ged\d{3}[^/]*$", r"/GEDEvent_v[^/]*$", r"/ucdp-ged/"),
        versioning="ucdp",
        order=10,
    ),
    _from_register(
        "ucdp-brd",
        key="ucdp-brd",
        url=UCDP_URL,
        patterns=(r"/BattleDeaths_v[^/]*$", r"/ucdp-brd-[^/]*$", r"/ucdp-brd/"),
        versioning="ucdp",
        order=11,
    ),
    _from_register(
        "ucdp-acd",
        key="ucdp-acd",
        url=UCDP_URL,
        patterns=(r"/UcdpPrioConflict_v[^/]*$", r"/ucdp-prio-acd-[^/]*$", r"/ucdp-acd/"),
        versioning="ucdp",
        order=12,
    ),
    _from_register(
        "ucdp-actor",
        key="ucdp-actor",
        url=UCDP_URL,
        patterns=(r"/ucdp-actor-[^/]*$", r"/ucdp-actor/"),
        versioning="ucdp",
        order=13,
    ),
    _from_register(
        "owid-deaths",
        key="owid",
        name="Our World in Data: deaths in armed conflicts by where they occurred",
        url="https://ourworldindata.org/grapher/deaths-in-armed-conflicts-based-on-where-they-occurred",
        patterns=(r"/deaths-in-armed-conflicts-based-on-where-they-occurred[^/]*$", r"/owid-"),
        order=20,
    ),
    DataSource(
        key="acled",
        name="Armed Conflict Location & Event Data (ACLED)",
        publisher="ACLED",
        licence="ACLED Terms of Use and attribution policy (not redistributed by this project)",
        citation=(
            "Raleigh, Clionadh, Andrew Linke, Håvard Hegre and Joakim Karlsen (2010). "
            "Introducing ACLED: An Armed Conflict Location and Event Dataset. Journal of Peace "
            "Research 47(5): 651-660."
        ),
        url="https://acleddata.com",
        patterns=(r"/acled[^/]*/", r"/[^/]*acled[^/]*$"),
        order=21,
    ),
    DataSource(
        key="afrobarometer",
        name="Afrobarometer survey data, Mali",
        publisher="Afrobarometer (Mali partner: GREAT)",
        licence="Free for research use, with citation (Afrobarometer data policy)",
        citation="Afrobarometer Data, Mali, available at https://www.afrobarometer.org.",
        url="https://www.afrobarometer.org/data/",
        patterns=(r"/afrobarometer[^/]*/", r"/mli_r\d+[^/]*\.sav$"),
        versioning="rounds",
        order=30,
    ),
    DataSource(
        key="press-toplines",
        name="Poll toplines reported in the press (FES Mali-Mètre, Afrobarometer)",
        publisher="Friedrich-Ebert-Stiftung Mali; Afrobarometer (as reported in the press)",
        licence="Published figures; cite the original surveys",
        citation=(
            "Friedrich-Ebert-Stiftung Mali, 'Mali-Mètre: Que pensent les Malien(ne)s ?' "
            "(annual); Afrobarometer dispatches."
        ),
        url="https://mali.fes.de",
        patterns=(r"/mali_opinion_toplines_press[^/]*$",),
        order=31,
    ),
    _from_register(
        "geoboundaries-adm1",
        key="geoboundaries",
        name="Mali administrative boundaries (geoBoundaries gbOpen, from OCHA / DNCT)",
        url="https://www.geoboundaries.org",
        patterns=(r"/geoBoundaries-MLI[^/]*$", r"/geoboundaries[^/]*/", r"/mli_adm\d[^/]*$"),
        order=40,
    ),
)
_BY_KEY = {source.key: source for source in SOURCES}


@dataclass
class Vintage:
    """One dataset as a report read it: which source, which version, which files."""

    source: DataSource
    files: list[Path] = field(default_factory=list)
    versions: list[str] = field(default_factory=list)

    def text(self) -> str:
        """The vintage in words, e.g. 'UCDP Battle-Related Deaths Dataset (dyadic), version 24.1'."""
        return (
            f"{self.source.name}, {', '.join(self.versions)}" if self.versions else self.source.name
        )


def _source_of(path: Path) -> DataSource | None:
    """The data source a file belongs to, or None for a file of no known dataset."""
    try:
        path.resolve().relative_to(config.CURATED_DIR.resolve())
        return _BY_KEY["curated"]
    except ValueError:
        pass
    text = path.as_posix()
    for source in SOURCES:
        if any(re.search(pattern, text, re.IGNORECASE) for pattern in source.patterns):
            return source
    return None


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


def _file_version(source: DataSource, path: Path) -> str:
    """One file's version in words: the publisher's version, else when it was obtained."""
    sidecar = _sidecar(path)
    if source.versioning == "ucdp":
        version = version_from_name(path.name)
        if version:
            return f"version {version}"
    if source.versioning == "rounds":
        match = re.search(r"_r(\d+)", path.name, re.IGNORECASE)
        if match:
            return f"round {int(match.group(1))}"
    if sidecar.get("version") and not str(sidecar["version"]).startswith("unknown"):
        return f"version {sidecar['version']}"
    if sidecar.get("accessed"):
        return f"downloaded {str(sidecar['accessed'])[:10]}"
    snapshot = _snapshot_date(path)
    if snapshot:
        return f"snapshot of {snapshot}"
    return f"file of {date.fromtimestamp(path.stat().st_mtime).isoformat()}"


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
    """When the curated files last changed: their last commit's date, or their newest mtime.

    The commit date is used when git knows the files and none has uncommitted changes, so that a
    rebuild of the same checkout states the same vintage.
    """
    paths = sorted({Path(p).resolve() for p in files})
    if not paths:
        return ""
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


def vintages(paths: Iterable[str | Path]) -> list[Vintage]:
    """The datasets among the files read, each with its versions, in a fixed reading order.

    Files of no known dataset are listed by name (a fixture's CSV, a researcher's own file).
    """
    found: dict[str, Vintage] = {}
    for raw in paths:
        path = Path(raw)
        if not path.is_file() or path.name in ("PROVENANCE.md", "README.md"):
            continue
        source = _source_of(path)
        if source is None:
            source = DataSource(
                key=f"file:{path.name}",
                name=path.name,
                publisher="",
                licence="",
                citation="",
                url="",
                patterns=(),
                order=90,
            )
        vintage = found.setdefault(source.key, Vintage(source))
        vintage.files.append(path)
        if source.key != "curated":
            version = _file_version(source, path)
            if version not in vintage.versions:
                vintage.versions.append(version)
    for vintage in found.values():
        if vintage.source.key == "curated":
            tables = ", ".join(sorted(p.stem for p in vintage.files))
            vintage.versions = [f"{tables}; {curated_as_of(vintage.files)}"]
        else:
            vintage.versions = _join_rounds(sorted(vintage.versions))
    return sorted(found.values(), key=lambda v: (v.source.order, v.source.name))


def curated_source_count(curated_dir: Path | None = None) -> int:
    """How many sources the curated bibliography (sources.csv) lists; 0 when it is missing."""

    path = (curated_dir or config.CURATED_DIR) / "sources.csv"
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return sum(1 for _ in csv.DictReader(handle))
    except OSError:
        return 0


def report_data(paths: Iterable[str | Path]) -> dict[str, list[dict[str, str]]]:
    """What a report template needs: ``vintages`` (header) and ``sources`` (footer), as text."""
    found = vintages(paths)
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
                "name": source.name,
                "publisher": source.publisher,
                "licence": source.licence,
                "citation": citation,
                "url": source.url,
                "used": ", ".join(vintage.versions),
            }
        )
    return {
        "vintages": [{"name": v.source.name, "version": ", ".join(v.versions)} for v in found],
        "sources": sources,
    }
