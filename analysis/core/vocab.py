"""Vocabularies shared by the curated tables and the publishers' data, defined once."""

from __future__ import annotations

#: Harmonised event types: the curated events' vocabulary, onto which ACLED and UCDP types map.
EVENT_TYPES: tuple[str, ...] = (
    "battle",
    "explosion/remote violence",
    "violence against civilians",
    "kidnapping/hostage-taking",
    "other",
)

#: The affiliation families of armed groups (groups.csv's ``affiliation``), in the order the
#: reports count and colour them.
AFFILIATIONS: tuple[str, ...] = (
    "al-Qaeda",
    "Islamic State",
    "separatist coalition",
    "pro-government coalition",
    "none",
)

#: The survey breakdown group holding every respondent (no breakdown).
ALL_GROUP = "All respondents"
#: The survey breakdown group of respondents whose answer to the breakdown question is missing.
NOT_GIVEN = "Not given"
#: Short names of the datasets in coverage sentences ("The ACLED export covers ...").
COVERAGE_NAMES: dict[str, str] = {
    "curated": "curated chronology",
    "acled": "ACLED export",
    "acled-aggregated": "ACLED aggregated file",
    "acled-api": "ACLED API answer",
    "ucdp-ged": "UCDP GED file",
    "ucdp-candidate": "UCDP candidate files",
    "ucdp-api": "UCDP API answer",
    "ucdp-brd": "UCDP BRD series",
    "owid": "OWID series (from UCDP)",
}
