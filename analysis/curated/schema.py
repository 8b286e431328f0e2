"""Declarative schemas of the curated tables: columns, types, vocabularies, keys."""

from __future__ import annotations

from dataclasses import dataclass

from analysis.core.vocab import AFFILIATIONS, EVENT_TYPES
from analysis.curated.chronology import CRITERIA, DECISIONS, EXCLUSIONS, FOUND_BY, RULE

# Column kinds understood by analysis.curated.validation.
TEXT = "text"  # free text
ID = "id"  # lower-case slug
DATE = "date"  # partial ISO date; precision from a *_precision column or from its form
PRECISION = "precision"  # day / month / year
INT = "int"  # non-negative integer
FLOAT = "float"  # number
PERCENT = "percent"  # number in 0..100
BOOL = "bool"  # true / false
ENUM = "enum"  # one of `choices`
ENUM_LIST = "enum_list"  # |-list, each one of `choices`
LIST = "list"  # |-list of free text
SOURCES = "sources"  # |-list of source ids (must exist in sources.csv)
GROUP_IDS = "group_ids"  # |-list of group ids (must exist in groups.csv)
GROUP_ID = "group_id"  # one group id
LATITUDE = "latitude"
LONGITUDE = "longitude"

LIST_SEPARATOR = "|"
EARLIEST_DATE_YEAR = 1990

GROUP_KINDS = (
    "jihadist",
    "separatist",
    "communal militia",
    "pro-government militia",
    "coalition",
    "state",
    "foreign force",
)
RELATIONS = (
    "split_from",
    "merged_into",
    "renamed_to",
    "joined",
    "allied_with",
    "pledged_to",
    "designated_by",
)
ATTRIBUTIONS = ("claimed", "confirmed", "suspected", "unknown")
TARGETS = (
    "military",
    "peacekeepers",
    "foreign military",
    "police",
    "civilians",
    "government",
    "foreigners",
    "armed group",
    "infrastructure",
)
MILESTONE_KINDS = (
    "coup",
    "foreign intervention",
    "peacekeeping mission",
    "peace agreement",
    "state of emergency",
    "election",
    "withdrawal",
    "designation",
    "regional organisation",
    # Not in the first vocabulary: a national strategy (e.g. against violent extremism) is a
    # milestone readers need and fits none of the kinds above.
    "national policy",
    # Added for a non-state actor's sustained action that readers place on the time axis
    # (e.g. JNIM's fuel blockade from September 2025).
    "armed group campaign",
    # Added for a popular revolt that brings down a government without being a coup
    # (Burkina Faso, October 2014: Compaoré forced out by street protests).
    "uprising",
)

# Bounding boxes (lon_min, lat_min, lon_max, lat_max), rounded outwards by ~0.1 degree, from
# Natural Earth country extents: a coordinate outside its country's box is certainly wrong.
COUNTRY_BOUNDS: dict[str, tuple[float, float, float, float]] = {
    "Mali": (-12.3, 10.1, 4.3, 25.1),
    "Burkina Faso": (-5.6, 9.3, 2.5, 15.2),
    "Niger": (0.1, 11.6, 16.1, 23.6),
    "Algeria": (-8.7, 18.9, 12.0, 37.2),
    "Mauritania": (-17.1, 14.6, -4.7, 27.4),
    "Côte d'Ivoire": (-8.7, 4.3, -2.4, 10.8),
    "Senegal": (-17.6, 12.2, -11.3, 16.8),
    "Guinea": (-15.1, 7.1, -7.6, 12.7),
    "Benin": (0.7, 6.1, 3.9, 12.5),
    "Togo": (-0.2, 6.0, 1.9, 11.2),
    "Nigeria": (2.6, 4.2, 14.7, 13.9),
    "Chad": (13.4, 7.4, 24.1, 23.5),
    "Libya": (9.3, 19.4, 25.2, 33.2),
    "Tunisia": (7.4, 30.1, 11.7, 37.6),
}


@dataclass(frozen=True)
class Column:
    """One column of a curated table."""

    name: str
    kind: str
    required: bool = False
    choices: tuple[str, ...] = ()
    #: for DATE columns: the column holding its precision (else inferred from the form)
    precision_column: str | None = None
    #: for number columns: the smallest value allowed (a design effect is at least 1)
    minimum: float | None = None
    #: for TEXT columns: the most characters allowed (a label drawn on charts)
    max_length: int | None = None


@dataclass(frozen=True)
class TableSpec:
    """A curated table: its file name, columns and unique key."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    description: str = ""

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


SOURCES_SPEC = TableSpec(
    name="sources",
    description="bibliography: every source a curated row cites",
    key=("source_id",),
    columns=(
        Column("source_id", ID, required=True),
        Column("title", TEXT, required=True),
        Column("publisher", TEXT, required=True),
        Column("published", DATE),
        Column("url", TEXT),
        Column("notes", TEXT),
    ),
)

GROUPS_SPEC = TableSpec(
    name="groups",
    description="armed groups, with aliases, founding, leaders and strength",
    key=("group_id",),
    columns=(
        Column("group_id", ID, required=True),
        Column("name", TEXT, required=True),
        Column("acronym", TEXT),
        Column("aliases", LIST),
        Column("kind", ENUM, required=True, choices=GROUP_KINDS),
        Column("affiliation", ENUM, required=True, choices=AFFILIATIONS),
        Column("founded", DATE, precision_column="founded_precision"),
        Column("founded_precision", PRECISION),
        Column("ended", DATE, precision_column="ended_precision"),
        Column("ended_precision", PRECISION),
        Column("leaders", LIST),
        Column("strength_low", INT),
        Column("strength_high", INT),
        Column("strength_as_of", DATE),
        Column("sources", SOURCES, required=True),
        Column("notes", TEXT),
        # the countries where the group operates (a report counts only its country's groups);
        # empty: Mali, as the table's groups were Mali's before the column
        Column("countries", ENUM_LIST, choices=tuple(COUNTRY_BOUNDS)),
    ),
)

LINEAGE_SPEC = TableSpec(
    name="lineage",
    description="dated relations between groups: splits, mergers, pledges, designations",
    key=("group_id", "relation", "other_group_id", "date"),
    columns=(
        Column("date", DATE, required=True, precision_column="date_precision"),
        Column("date_precision", PRECISION, required=True),
        Column("group_id", GROUP_ID, required=True),
        Column("relation", ENUM, required=True, choices=RELATIONS),
        Column("other_group_id", LIST, required=True),
        Column("description", TEXT, required=True),
        Column("sources", SOURCES, required=True),
        Column("notes", TEXT),
        # the part of group_id the relation concerns when it is not the whole group (e.g.
        # "Sahara branch"); empty: the whole group
        Column("branch", TEXT),
    ),
)

EVENTS_SPEC = TableSpec(
    name="events",
    description="chronology of major incidents",
    key=("event_id",),
    columns=(
        Column("event_id", ID, required=True),
        Column("date", DATE, required=True, precision_column="date_precision"),
        Column("date_precision", PRECISION, required=True),
        Column("country", ENUM, required=True, choices=tuple(COUNTRY_BOUNDS)),
        Column("admin1", TEXT),
        Column("admin2", TEXT),
        Column("location", TEXT),
        Column("latitude", LATITUDE),
        Column("longitude", LONGITUDE),
        Column("perpetrators", GROUP_IDS),
        Column("attribution", ENUM, required=True, choices=ATTRIBUTIONS),
        # the perpetrators whose part is only suspected while ``attribution`` (claimed or
        # confirmed) holds for the others (Moura: the army confirmed, Wagner suspected)
        Column("suspected_perpetrators", GROUP_IDS),
        Column("event_type", ENUM, required=True, choices=EVENT_TYPES),
        Column("target", ENUM_LIST, choices=TARGETS),
        Column("inclusion", ENUM_LIST, required=True, choices=tuple(CRITERIA)),
        Column("deaths_low", INT),
        Column("deaths_best", INT),
        Column("deaths_high", INT),
        Column("injured", INT),
        Column("hostages", INT),
        Column("description", TEXT, required=True),
        Column("sources", SOURCES, required=True),
        Column("notes", TEXT),
    ),
)

POLLS_SPEC = TableSpec(
    name="polls",
    description="published poll toplines, one row per reported figure",
    key=("poll_id", "question_id", "population", "response"),
    columns=(
        Column("poll_id", ID, required=True),
        Column("pollster", TEXT, required=True),
        Column("fieldwork_start", DATE),
        Column("fieldwork_end", DATE),
        Column("published", DATE),
        Column("population", TEXT, required=True),
        Column("mode", TEXT),
        Column("sample_size", INT, minimum=1),
        Column("design_effect", FLOAT, minimum=1),
        Column("probability_sample", BOOL, required=True),
        Column("question_id", ID, required=True),
        Column("question", TEXT, required=True),
        Column("response", TEXT, required=True),
        Column("share", PERCENT, required=True),
        Column("press_reported", BOOL, required=True),
        Column("sources", SOURCES, required=True),
        Column("notes", TEXT),
    ),
)

MILESTONES_SPEC = TableSpec(
    name="milestones",
    description="political and military context: coups, interventions, agreements",
    key=("milestone_id",),
    columns=(
        Column("milestone_id", ID, required=True),
        Column("date", DATE, required=True, precision_column="date_precision"),
        Column("date_precision", PRECISION, required=True),
        Column("end_date", DATE),
        Column("kind", ENUM, required=True, choices=MILESTONE_KINDS),
        Column("actors", LIST),
        Column("label", TEXT, max_length=20),  # short label drawn on charts
        Column("description", TEXT, required=True),
        Column("sources", SOURCES, required=True),
        Column("notes", TEXT),
        # the countries a milestone concerns (a report shows only its country's); empty: Mali
        Column("countries", ENUM_LIST, choices=tuple(COUNTRY_BOUNDS)),
    ),
)

CANDIDATES_SPEC = TableSpec(
    name="candidates",
    description="candidate log: every event considered for the chronology, and the rule's decision",
    key=("candidate_id",),
    columns=(
        Column("candidate_id", ID, required=True),
        Column("date", DATE, required=True, precision_column="date_precision"),
        Column("date_precision", PRECISION, required=True),
        Column("country", ENUM, required=True, choices=tuple(COUNTRY_BOUNDS)),
        Column("admin1", TEXT),
        Column("location", TEXT),
        Column("perpetrators", GROUP_IDS),
        # the death count the decision rests on (the event's best figure, else its low one)
        Column("deaths", INT),
        Column("description", TEXT, required=True),
        Column("found_by", ENUM_LIST, required=True, choices=FOUND_BY),
        Column("sources", SOURCES, required=True),
        Column("decision", ENUM, required=True, choices=DECISIONS),
        # the criteria met (included) or the one reason for leaving it out (excluded)
        Column("reason", ENUM_LIST, required=True, choices=(*RULE, *EXCLUSIONS)),
        Column("event_id", ID),
        Column("notes", TEXT),
    ),
)

#: Every curated table, in the order validation reads them (sources first: others cite it).
TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        SOURCES_SPEC,
        GROUPS_SPEC,
        LINEAGE_SPEC,
        EVENTS_SPEC,
        POLLS_SPEC,
        MILESTONES_SPEC,
        CANDIDATES_SPEC,
    )
}

#: Tables kept for the curators, not for the reports: validated with the others, but a report's
#: snapshot does not read them (the candidate log says how the chronology was drawn up).
CURATION_TABLES: tuple[str, ...] = ("candidates",)
