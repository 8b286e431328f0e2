"""Which folders each report reads its data from: the reuse key of a built report covers the
files in these folders only, so a file no report reads re-runs nothing.

Kept free of heavy imports: the build command reads it before any notebook runs.
tests/test_reads.py builds each report and checks that every file it read lies in a folder
named here (a report that starts reading another dataset fails that test until it is added).
"""

from __future__ import annotations

from pathlib import Path

from analysis import config
from analysis.sources import register

#: The datasets each report consults (the register's keys, and the folders named below), also
#: those it only looks for: a file that appears in one of their folders may change the report.
READS: dict[str, tuple[str, ...]] = {
    "attack_trends": (
        "curated",
        "acled",
        "ucdp-ged",
        "ucdp-candidate",
        "ucdp-brd",
        "owid-deaths",
        "geoboundaries-adm1",
        "geoboundaries-adm2",
    ),
    "group_evolution": ("curated", "ucdp-actor", "ucdp-brd"),
    "public_opinion": ("curated", "afrobarometer"),
}
#: Folders of data/raw that no entry of the register names (ACLED's exports and aggregated
#: files, UCDP's monthly candidate files, Afrobarometer's .sav files), and the ../shared/data
#: folder of each where there is one.
RAW_FOLDERS: dict[str, str] = {
    "acled": "acled",
    "ucdp-candidate": "ucdp-candidate",
    "afrobarometer": "afrobarometer",
}
SHARED_FOLDERS: dict[str, str] = {"afrobarometer": "afrobarometer_mali"}


def dataset_folders(key: str) -> list[Path]:
    """The folders a dataset is looked for in: data/raw's, and ../shared/data's."""
    if key == "curated":
        return [config.CURATED_DIR]
    if key in RAW_FOLDERS:
        shared = SHARED_FOLDERS.get(key)
        return [config.RAW_DIR / RAW_FOLDERS[key]] + (
            [config.SHARED_DATA_DIR / shared] if shared else []
        )
    spec = register.dataset(key)
    shared = {pattern.split("/", 1)[0] for pattern in spec.shared_patterns}
    # a pattern's folder may itself be a pattern (ucdp_brd_v*: whichever release is there)
    found = {path for folder in shared for path in config.SHARED_DATA_DIR.glob(folder)}
    return [spec.raw_dir(), *sorted(found)]


def report_folders(name: str) -> list[Path] | None:
    """The folders report ``name`` reads from, or None for a notebook this module does not
    know (a researcher's own: every input folder counts for it)."""
    if name not in READS:
        return None
    return [folder for key in READS[name] for folder in dataset_folders(key)]
