"""The one register of datasets: one record each (title, publisher, licence, citation, where it
is looked for, how a user gets it, how its version is read), and the open datasets' downloads.

Every report header, footer, figure source line, coverage table and `make data` entry is drawn
from here; no version string is typed anywhere else (the version is read from the file found).

Files live in ``data/raw/<name>/`` (gitignored), each with a sidecar ``<file>.json`` that
records the URL, the date accessed, the sha256, the licence and the citation. They get
there with ``python -m analysis data fetch`` (``make data``), from the publishers or, with
``--mirror DIR``, from a local copy such as ../shared/data.

ACLED is not here: its terms need an account, so a user downloads an export by hand into
``data/raw/acled/`` or reads the API (analysis.sources.acled_api).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from analysis import config
from analysis.core.hashing import sha256_file
from analysis.sources.candidate_release import release_of

UCDP_LICENCE = "CC BY 4.0 (Uppsala Conflict Data Program)"


@dataclass(frozen=True)
class PinnedFile:
    """A publisher's versioned file whose exact bytes are known: its name, size and sha256."""

    name: str
    size: int
    sha256: str
    #: where the bytes were seen (never a checksum copied from elsewhere or guessed)
    seen: str


#: Where the pinned files' bytes were seen: ../shared/data, whose PROVENANCE.md of each folder
#: traces the file, byte-identical, to the publisher's release.
SEEN_IN_SHARED = "../shared/data/{folder} (PROVENANCE.md: the publisher's file, byte-identical)"


@dataclass(frozen=True)
class OpenDataset:
    """One downloadable dataset and how to recognise and verify its file."""

    name: str
    title: str
    publisher: str
    url: str
    licence: str
    citation: str
    #: how the download is checked before it replaces the cached copy: csv, zip-csv, geojson
    kind: str
    #: columns the CSV (or the CSV inside the zip) must have
    required_columns: tuple[str, ...] = ()
    #: glob patterns (relative to a mirror folder) for a local copy, best first
    mirror_patterns: tuple[str, ...] = ()
    #: name fragments of files that are subsets, used only when no full file exists
    subset_markers: tuple[str, ...] = ("_mali", "_sahel", "subset")
    #: glob patterns in SHARED_DATA_DIR that the reports may read when data/raw lacks the file
    shared_patterns: tuple[str, ...] = ()
    #: expected sha256 of the file at ``url``, once its bytes are known (none is yet: the
    #: 26.1 releases were not seen here)
    sha256: str | None = None
    #: earlier versioned files of the publisher whose bytes are known: a copy of one under its
    #: name (a mirror, a zip member) must match its size and sha256
    pinned: tuple[PinnedFile, ...] = ()
    #: smallest plausible size of the download in bytes (0: no check); a cut file is refused
    min_bytes: int = 0
    #: version of the publisher's file at ``url`` (mirrored copies take theirs from the name)
    version: str = ""

    @property
    def filename(self) -> str:
        """Name of the downloaded file (the last part of the URL)."""
        return self.url.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0]

    def pinned_sha256(self, name: str) -> str | None:
        """The sha256 a file of this name must have (the URL's file, or a pinned version),
        or None when its bytes are not known."""
        if name == self.filename and self.sha256:
            return self.sha256
        return next((p.sha256 for p in self.pinned if p.name == name), None)

    def cite(self, version: str | None = None) -> str:
        """The citation, for the given version (default: the version at ``url``)."""
        return self.citation.format(version=version or self.version or "unknown")

    def raw_dir(self, raw_dir: Path | None = None) -> Path:
        """Folder of this dataset in data/raw."""
        return (raw_dir or config.RAW_DIR) / self.name


DATASETS: dict[str, OpenDataset] = {
    d.name: d
    for d in (
        OpenDataset(
            name="ucdp-ged",
            title="UCDP Georeferenced Event Dataset (GED) Global",
            version="26.1",
            publisher="Uppsala Conflict Data Program, Uppsala University",
            # 26.1 (1989-2025): the zip holds GEDEvent_v26_1.csv, 49 columns like 20.1-25.1
            url="https://ucdp.uu.se/downloads/ged/ged261-csv.zip",
            licence=UCDP_LICENCE,
            citation=(
                "Sundberg, Ralph and Erik Melander (2013). Introducing the UCDP Georeferenced "
                "Event Dataset. Journal of Peace Research 50(4): 523-532. Data: UCDP GED "
                "Global version {version}, https://ucdp.uu.se/downloads/"
            ),
            kind="zip-csv",
            required_columns=("id", "type_of_violence", "date_start", "best", "country"),
            # GEDEvent_vYY_1.csv: a final release, never a candidate file (GEDEvent_v26_0_3.csv)
            mirror_patterns=(
                "**/ged*-csv.zip",
                "**/GEDEvent_v[0-9][0-9]_1.csv",
                "**/ged[0-9]*.csv",
            ),
        ),
        OpenDataset(
            name="ucdp-brd",
            title="UCDP Battle-Related Deaths Dataset (dyadic)",
            version="26.1",
            publisher="Uppsala Conflict Data Program, Uppsala University",
            url="https://ucdp.uu.se/downloads/brd/ucdp-brd-dyadic-261-csv.zip",
            licence=UCDP_LICENCE,
            citation=(
                "Uppsala Conflict Data Program. UCDP Battle-Related Deaths Dataset (dyadic), "
                "version {version}. Department of Peace and Conflict Research, Uppsala University, "
                "https://ucdp.uu.se/downloads/"
            ),
            kind="zip-csv",
            required_columns=("dyad_id", "side_a", "side_b", "year", "bd_best"),
            pinned=(
                PinnedFile(
                    "BattleDeaths_v24_1.csv",
                    448_215,
                    "7d6e180845127fff39a52ce68e111b36384a341fded5d5091a3ab9902a2c9465",
                    SEEN_IN_SHARED.format(folder="ucdp_brd_v24_1"),
                ),
            ),
            mirror_patterns=("**/ucdp-brd-dyadic-*.zip", "**/BattleDeaths_v*.csv"),
            shared_patterns=("ucdp_brd_v*/BattleDeaths_v*.csv",),
        ),
        OpenDataset(
            name="ucdp-acd",
            title="UCDP/PRIO Armed Conflict Dataset",
            version="26.1",
            publisher="Uppsala Conflict Data Program and Peace Research Institute Oslo",
            url="https://ucdp.uu.se/downloads/ucdpprio/ucdp-prio-acd-261-csv.zip",
            licence=UCDP_LICENCE,
            citation=(
                "Gleditsch, Nils Petter, Peter Wallensteen, Mikael Eriksson, Margareta "
                "Sollenberg and Håvard Strand (2002). Armed Conflict 1946-2001: A New Dataset. "
                "Journal of Peace Research 39(5): 615-637. Data: UCDP/PRIO ACD version {version}"
            ),
            kind="zip-csv",
            required_columns=("conflict_id", "side_a", "side_b", "year", "gwno_loc"),
            pinned=(
                PinnedFile(
                    "UcdpPrioConflict_v24_1.csv",
                    395_231,
                    "07154da122e0eb77f91839bba8a8f62b61faf68b33df9c650c9e8a509df90d41",
                    SEEN_IN_SHARED.format(folder="ucdp_acd_v24_1"),
                ),
            ),
            mirror_patterns=("**/ucdp-prio-acd-*.zip", "**/UcdpPrioConflict_v*.csv"),
            shared_patterns=("ucdp_acd_v*/UcdpPrioConflict_v*.csv",),
        ),
        OpenDataset(
            name="ucdp-actor",
            title="UCDP Actor Dataset",
            version="26.1",
            publisher="Uppsala Conflict Data Program, Uppsala University",
            url="https://ucdp.uu.se/downloads/actor/ucdp-actor-261-csv.zip",
            licence=UCDP_LICENCE,
            citation=(
                "Uppsala Conflict Data Program. UCDP Actor Dataset, version {version}. Department of "
                "Peace and Conflict Research, Uppsala University, https://ucdp.uu.se/downloads/"
            ),
            kind="zip-csv",
            required_columns=("ActorId", "NameData"),
            pinned=(
                PinnedFile(
                    "ucdp-actor-221.csv",
                    296_730,
                    "9974d854199e4679eb3eb87548d79c9b31f75c4cfbb3616bdcd7f5ef33e1a92c",
                    SEEN_IN_SHARED.format(folder="ucdp_actors_v22_1"),
                ),
            ),
            mirror_patterns=("**/ucdp-actor-*.zip", "**/ucdp-actor-*.csv"),
            subset_markers=("_mali", "_sahel", "subset", "related"),
            shared_patterns=("ucdp_actors_v*/ucdp-actor-*.csv",),
        ),
        OpenDataset(
            name="owid-deaths",
            title="Deaths in armed conflicts based on where they occurred",
            publisher="Our World in Data, from UCDP data",
            url=(
                "https://ourworldindata.org/grapher/"
                "deaths-in-armed-conflicts-based-on-where-they-occurred.csv"
            ),
            licence="CC BY 4.0 (Our World in Data; underlying UCDP data CC BY 4.0)",
            citation=(
                "Our World in Data, 'Deaths in armed conflicts based on where they occurred', "
                "processed from the Uppsala Conflict Data Program, "
                "https://ourworldindata.org/grapher/"
                "deaths-in-armed-conflicts-based-on-where-they-occurred"
            ),
            kind="csv",
            required_columns=("Entity", "Year"),
            mirror_patterns=("**/deaths-in-armed-conflicts-based-on-where-they-occurred*.csv",),
            subset_markers=("_mali", "_sahel", "subset", "sahel3"),
            shared_patterns=(
                "owid_conflict_deaths/deaths-in-armed-conflicts-based-on-where-they-occurred*.csv",
            ),
        ),
        OpenDataset(
            name="geoboundaries-adm1",
            title="geoBoundaries gbOpen Mali ADM1 (regions)",
            version="gbOpen 6.0.0 (commit 9469f09)",
            publisher="William & Mary geoLab (geoBoundaries), from OCHA/DNCT",
            url=(
                "https://github.com/wmgeolab/geoBoundaries/raw/9469f09/releaseData/gbOpen/"
                "MLI/ADM1/geoBoundaries-MLI-ADM1.geojson"
            ),
            licence="CC BY 4.0 (geoBoundaries gbOpen; source OCHA Mali / DNCT)",
            citation=(
                "Runfola, Daniel et al. (2020). geoBoundaries: A global database of political "
                "administrative boundaries. PLoS ONE 15(4): e0231866."
            ),
            kind="geojson",
            mirror_patterns=("**/geoBoundaries-MLI-ADM1*.geojson", "**/mli_adm1*.geojson"),
            shared_patterns=("mali_boundaries/mli_adm1*.geojson",),
        ),
        OpenDataset(
            name="geoboundaries-adm2",
            title="geoBoundaries gbOpen Mali ADM2 (cercles)",
            version="gbOpen 6.0.0 (commit 9469f09)",
            publisher="William & Mary geoLab (geoBoundaries), from OCHA/DNCT",
            url=(
                "https://github.com/wmgeolab/geoBoundaries/raw/9469f09/releaseData/gbOpen/"
                "MLI/ADM2/geoBoundaries-MLI-ADM2.geojson"
            ),
            licence="CC BY 4.0 (geoBoundaries gbOpen; source OCHA Mali / DNCT)",
            citation=(
                "Runfola, Daniel et al. (2020). geoBoundaries: A global database of political "
                "administrative boundaries. PLoS ONE 15(4): e0231866."
            ),
            kind="geojson",
            mirror_patterns=("**/geoBoundaries-MLI-ADM2*.geojson", "**/mli_adm2*.geojson"),
            shared_patterns=("mali_boundaries/mli_adm2*.geojson",),
        ),
    )
}


def dataset(name: str) -> OpenDataset:
    """A dataset by name; the error lists the known names."""
    try:
        return DATASETS[name]
    except KeyError:
        raise KeyError(f"unknown dataset {name!r}; known: {', '.join(DATASETS)}") from None


def is_data_file(path: Path) -> bool:
    """True for a dataset file in data/raw (not a sidecar, not a partial download)."""
    return path.is_file() and path.suffix != ".json" and not path.name.startswith(".")


class RawFileChangedError(ValueError):
    """A file in data/raw no longer matches the sha256 its sidecar recorded at download."""


def raw_file(name: str, raw_dir: Path | None = None, check: bool = True) -> Path | None:
    """The dataset's file in data/raw (the most recently fetched), or None.

    With ``check`` (the default), a file changed since its download (its sha256 differs from
    the one in its sidecar) raises RawFileChangedError instead of being used."""
    folder = dataset(name).raw_dir(raw_dir)
    if not folder.is_dir():
        return None
    files = [p for p in folder.iterdir() if is_data_file(p)]
    found = max(files, key=lambda p: p.stat().st_mtime_ns) if files else None
    if found is not None and check:
        check_unchanged(found)
    return found


def check_unchanged(data_file: Path) -> None:
    """Refuse a data file whose content differs from what its sidecar recorded.

    Refused rather than warned about: the sidecar's sha256, URL and date are what the reports
    cite, so numbers from an edited file would be published under a provenance that is not
    theirs. A file strictly older than its sidecar and of the recorded size is not re-hashed;
    otherwise it is hashed once per process."""
    sidecar_file = sidecar_path(data_file)
    if not sidecar_file.exists():
        return
    try:
        sidecar = json.loads(sidecar_file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RawFileChangedError(
            f"{sidecar_file}: the provenance sidecar of {data_file.name} is not valid JSON "
            f"({exc}); fetch the dataset again (python -m analysis data fetch) or delete the "
            "sidecar"
        ) from None
    recorded = sidecar.get("sha256") if isinstance(sidecar, dict) else None
    if not recorded:
        return
    stat = data_file.stat()
    size = sidecar.get("size")
    if (size is None or size == stat.st_size) and (
        stat.st_mtime_ns < sidecar_file.stat().st_mtime_ns
    ):
        return
    found = sha256_file(data_file)
    if found != recorded:
        name = sidecar.get("dataset", data_file.parent.name)
        raise RawFileChangedError(
            f"{data_file}: changed since it was downloaded: its sha256 is {found}, the "
            f"sidecar {sidecar_file.name} recorded {recorded} (accessed "
            f"{str(sidecar.get('accessed', '?'))[:10]}). Restore it with `python -m analysis "
            f"data fetch {name}`, or, to use your edited file, delete the sidecar (the reports "
            "will then show it without provenance)."
        )


def shared_file(name: str, shared_dir: Path | None = None) -> Path | None:
    """The dataset's full file in ../shared/data (development machines and CI), or None."""
    root = shared_dir or config.SHARED_DATA_DIR
    spec = dataset(name)
    if not root.is_dir():
        return None
    return best_match(root, spec.shared_patterns, spec.subset_markers)


def best_match(
    root: Path, patterns: tuple[str, ...], subset_markers: tuple[str, ...]
) -> Path | None:
    """The first file matching the patterns, full files before subsets."""
    for pattern in patterns:
        found = sorted(p for p in root.glob(pattern) if p.is_file())
        if found:
            full = [p for p in found if not _is_subset(p, subset_markers)]
            return (full or found)[-1]
    return None


def _is_subset(path: Path, markers: tuple[str, ...]) -> bool:
    name = path.name.lower()
    return any(marker in name for marker in markers)


def sidecar_path(data_file: Path) -> Path:
    """The provenance sidecar of a data file: ``<file>.json`` next to it."""
    return data_file.with_name(data_file.name + ".json")


def read_sidecar(data_file: Path) -> dict | None:
    """The provenance recorded next to a data file, or None when there is none."""
    path = sidecar_path(data_file)
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def version_from_name(name: str) -> str | None:
    """A UCDP-style version in a file name: 'BattleDeaths_v24_1.csv', 'ged251-csv.zip' -> 24.1/25.1."""
    match = (
        re.search(r"v(\d{2})[._](\d+)", name)
        or re.search(r"(?<!\d)(\d{2})(\d)(?:-csv|\.csv|\.zip|\.pdf|\.xlsx)", name)
        or re.search(r"^ged(\d{2})(\d)", name)
    )
    return f"{match.group(1)}.{match.group(2)}" if match else None


UCDP_URL = "https://ucdp.uu.se/downloads/"


@dataclass(frozen=True)
class Dataset:
    """One dataset a report may read."""

    key: str
    title: str
    #: name in figure source lines, before the version: "UCDP GED"
    short: str
    publisher: str
    licence: str
    citation: str
    url: str
    how_to_get: str
    #: the open-data download spec (DATASETS) of this dataset, when `make data` fetches it
    download: str | None = None
    #: how a version is read from a file: "ucdp" (v24_1, 241-csv), "ucdp-candidate"
    #: (GEDEvent_v26_0_3 -> 26.0.3), "rounds" (_r7) or ""
    versioning: str = ""
    #: domain shown in source lines
    domain: str = ""
    order: int = 50
    #: the dataset its files are recorded under when that differs (the chronology is curated)
    read_as: str = ""
    #: what a reader needs to download it from ``url`` ("free registration"), if anything
    access: str = ""

    def version_of(self, path: Path | str) -> str:
        """The version a file name states ('24.1', 'round 7'), or ''."""
        name = Path(path).name
        if self.versioning == "ucdp":
            return version_from_name(name) or ""
        if self.versioning == "ucdp-candidate":
            release = release_of(name)
            return release.version if release else ""
        if self.versioning == "rounds":
            match = re.search(r"_r(\d+)", name, re.IGNORECASE)
            return f"round {int(match.group(1))}" if match else ""
        return ""

    def source_line(self, version: str = "") -> str:
        """The dataset as a figure's source line names it, with the version read."""
        text = f"{self.short} {version}".strip() if version else self.short
        return f"{text} ({self.domain})" if self.domain else text

    def cite(self, version: str = "") -> str:
        """The citation, with the version read filled in."""
        return self.citation.replace("{version}", version or "unknown")


def _fetch_hint(download: str) -> str:
    return f"run `make data` (or `python -m analysis data fetch {download}`)"


def _open(key: str, download: str, short: str, domain: str, **fields) -> Dataset:
    spec = DATASETS[download]
    fields.setdefault("title", spec.title)
    return Dataset(
        key=key,
        short=short,
        publisher=spec.publisher,
        licence=spec.licence,
        citation=spec.citation,
        how_to_get=_fetch_hint(download),
        download=download,
        domain=domain,
        **fields,
    )


ACLED_CITATION = (
    "Raleigh, Clionadh, Andrew Linke, Håvard Hegre and Joakim Karlsen (2010). Introducing "
    "ACLED: An Armed Conflict Location and Event Dataset. Journal of Peace Research 47(5): "
    "651-660."
)
ACLED_LICENCE = "ACLED Terms of Use and attribution policy (not redistributed by this project)"

REGISTER: dict[str, Dataset] = {
    d.key: d
    for d in (
        Dataset(
            key="curated",
            title="Curated tables of this project",
            short="curated tables of this project",
            publisher="Mali extremism reports (this project)",
            licence="MIT, with the project; each row cites its sources",
            citation=(
                "Compiled by hand from published sources; every row names its sources, and the "
                "project's bibliography gives each source's title, publisher, date and link (the "
                "References section lists those this report cites)."
            ),
            url="",
            how_to_get="part of the project (data/curated/)",
            order=0,
        ),
        Dataset(
            key="curated-events",
            title="Curated chronology of major incidents (this project)",
            short="curated chronology of major incidents",
            publisher="Mali extremism reports (this project)",
            licence="MIT, with the project; each row cites its sources",
            citation=(
                "Compiled by hand from published sources; every event names its sources "
                "(References)."
            ),
            url="",
            how_to_get="part of the project (data/curated/events.csv)",
            order=1,
            read_as="curated",
        ),
        _open(
            "ucdp-ged",
            "ucdp-ged",
            "UCDP GED",
            "ucdp.uu.se",
            url=UCDP_URL,
            versioning="ucdp",
            order=10,
        ),  # fmt: skip
        Dataset(
            key="ucdp-candidate",
            title="UCDP Candidate Events Dataset (monthly candidate GED releases)",
            short="UCDP Candidate Events",
            publisher="Uppsala Conflict Data Program, Uppsala University",
            licence=UCDP_LICENCE,
            citation=(
                "Hegre, Håvard, Mihai Croicu, Kristine Eck and Stina Högbladh (2020). Introducing "
                "the UCDP Candidate Events Dataset. Research & Politics 7(3). Data: UCDP "
                "Candidate Events version {version}, https://ucdp.uu.se/downloads/"
            ),
            url=UCDP_URL,
            how_to_get=(
                "download the monthly candidate files (GEDEvent_vYY_0_M.csv, 'UCDP Candidate "
                "Events Dataset' on https://ucdp.uu.se/downloads/) into data/raw/ucdp-candidate/"
            ),
            versioning="ucdp-candidate",
            domain="ucdp.uu.se",
            order=14,
        ),
        Dataset(
            key="ucdp-api",
            title="UCDP Georeferenced Event Dataset (GED), API",
            short="UCDP GED API",
            publisher="Uppsala Conflict Data Program, Uppsala University",
            licence=UCDP_LICENCE,
            citation=DATASETS["ucdp-ged"].citation,
            url="https://ucdp.uu.se/apidocs/",
            how_to_get=(
                "request an access token from UCDP (https://ucdp.uu.se/apidocs/) and set "
                "UCDP_ACCESS_TOKEN"
            ),
            access="with an access token from UCDP",
            domain="ucdpapi.pcr.uu.se",
            order=15,
        ),
        _open(
            "ucdp-brd",
            "ucdp-brd",
            "UCDP Battle-Related Deaths",
            "ucdp.uu.se",
            # UCDP's own name without "(dyadic)": readers see it in every header; the citation
            # keeps the file's full name, and each report's glossary explains the word.
            title="UCDP Battle-Related Deaths Dataset",
            url=UCDP_URL,
            versioning="ucdp",
            order=11,
        ),  # fmt: skip
        _open(
            "ucdp-acd",
            "ucdp-acd",
            "UCDP/PRIO Armed Conflict Dataset",
            "ucdp.uu.se",
            url=UCDP_URL,
            versioning="ucdp",
            order=12,
        ),  # fmt: skip
        _open(
            "ucdp-actor",
            "ucdp-actor",
            "UCDP Actor Dataset",
            "ucdp.uu.se",
            url=UCDP_URL,
            versioning="ucdp",
            order=13,
        ),  # fmt: skip
        _open(
            "owid",
            "owid-deaths",
            "Our World in Data from UCDP",
            "ourworldindata.org",
            title="Our World in Data: deaths in armed conflicts by where they occurred",
            url=(
                "https://ourworldindata.org/grapher/"
                "deaths-in-armed-conflicts-based-on-where-they-occurred"
            ),
            order=20,
        ),  # fmt: skip
        Dataset(
            key="acled",
            title="Armed Conflict Location & Event Data (ACLED), export",
            short="ACLED",
            publisher="ACLED",
            licence=ACLED_LICENCE,
            citation=ACLED_CITATION,
            url="https://acleddata.com",
            how_to_get=(
                "ACLED needs a free account: put an export from "
                "https://acleddata.com/data-export-tool/ in data/raw/acled/, or set "
                "ACLED_USERNAME and ACLED_PASSWORD and use data_source='acled-api'"
            ),
            access="free account",
            domain="acleddata.com",
            order=21,
        ),
        Dataset(
            key="acled-aggregated",
            title=(
                "Armed Conflict Location & Event Data (ACLED), aggregated data (weekly regional "
                "files, or HDX's monthly files per country)"
            ),
            short="ACLED aggregated data",
            publisher="ACLED (monthly files via the Humanitarian Data Exchange, HDX)",
            licence=ACLED_LICENCE,
            citation=ACLED_CITATION,
            url="https://acleddata.com",
            how_to_get=(
                "put ACLED's weekly aggregated file for the region (acleddata.com, free "
                "account) or HDX's '<Country> - Conflict Data' monthly file (xlsx or CSV) in "
                "data/raw/acled/"
            ),
            access="free account",
            domain="acleddata.com",
            order=23,
        ),
        Dataset(
            key="acled-api",
            title="Armed Conflict Location & Event Data (ACLED), API",
            short="ACLED API",
            publisher="ACLED",
            licence=ACLED_LICENCE,
            citation=ACLED_CITATION,
            url="https://acleddata.com",
            how_to_get="set ACLED_USERNAME and ACLED_PASSWORD (a free ACLED account)",
            access="free account",
            domain="acleddata.com",
            order=22,
        ),
        Dataset(
            key="afrobarometer",
            title="Afrobarometer survey data, Mali",
            short="Afrobarometer Mali, respondent-level data",
            publisher=(
                "Afrobarometer (fieldwork in Mali by the Groupe de Recherche en Economie "
                "Appliquée et Théorique)"
            ),
            licence="Free for research use, with citation (Afrobarometer data policy)",
            citation="Afrobarometer Data, Mali, available at https://www.afrobarometer.org.",
            url="https://www.afrobarometer.org/data/",
            access="free registration",
            how_to_get=(
                "Download the Mali SPSS files for rounds 4-7 from afrobarometer.org (Data > "
                "Download data, free registration) into data/raw/afrobarometer"
            ),
            versioning="rounds",
            order=30,
        ),
        Dataset(
            key="press-toplines",
            title="Poll toplines reported in the press (FES Mali-Mètre, Afrobarometer)",
            short="poll toplines reported in the press",
            publisher="Friedrich-Ebert-Stiftung Mali; Afrobarometer (as reported in the press)",
            licence="Published figures; cite the original surveys",
            citation=(
                "Friedrich-Ebert-Stiftung Mali, 'Mali-Mètre: Que pensent les Malien(ne)s ?' "
                "(annual); Afrobarometer dispatches."
            ),
            url="https://mali.fes.de",
            how_to_get="part of ../shared/data on development machines",
            order=31,
        ),
        _open(
            "geoboundaries-adm1",
            "geoboundaries-adm1",
            "geoBoundaries gbOpen",
            "geoboundaries.org",
            title="Mali regions (ADM1 boundaries, geoBoundaries gbOpen, from OCHA / DNCT)",
            url="https://www.geoboundaries.org",
            order=40,
        ),  # fmt: skip
        _open(
            "geoboundaries-adm2",
            "geoboundaries-adm2",
            "geoBoundaries gbOpen",
            "geoboundaries.org",
            title="Mali cercles (ADM2 boundaries, geoBoundaries gbOpen, from OCHA / DNCT)",
            url="https://www.geoboundaries.org",
            order=41,
        ),  # fmt: skip
    )
}


def entry(key: str) -> Dataset:
    """The register's record of a dataset; the error lists the known keys."""
    try:
        return REGISTER[key]
    except KeyError:
        raise KeyError(f"unknown dataset {key!r}; known: {', '.join(REGISTER)}") from None


#: Datasets that, read as event data, are one part of a larger record: the curated folder's
#: events are its chronology (events.csv), not every curated table.
_AS_EVENTS: dict[str, str] = {"curated": "curated-events"}


def event_source(key: str) -> Dataset:
    """The record that names a dataset read as event data."""
    return entry(_AS_EVENTS.get(key, key))


def offered(key: str) -> str:
    """Where a dataset's publisher offers it, and under which licence, in one sentence for
    readers: 'Uppsala Conflict Data Program, Uppsala University offers it at https://...
    (licence: CC BY 4.0 ...).'"""
    source = entry(key)
    access = f" ({source.access})" if source.access else ""
    where = f" at {source.url}{access}" if source.url else access
    licence = f" (licence: {source.licence})" if source.licence else ""
    return f"{source.publisher} offers it{where}{licence}."


def source_line(key: str, version: str = "") -> str:
    """A figure's source line for a dataset, with the version read (see Dataset.source_line)."""
    return entry(key).source_line(version)
