"""What an event source can and cannot give, declared by the source itself.

Every event source yields the same canonical tables (analysis.tables.coverage.EventSelection:
its event rows, or only its totals per area and period) and a ``Declaration``: whether its rows
are single events or area totals, whether it gives event types, actors, coordinates and which
admin areas, and whether within its coverage it lists every event (a census) or a selection of
them (the curated chronology), which of its rows are not attacks (ACLED's protests, riots and
strategic developments, ``left_out``) and by which types its publisher sorts the violence
(``types``: ACLED's event types, UCDP's three types of violence). A report asks the declaration
("can it give actors?") instead of branching on which dataset it got.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

#: What one row of a source is: a single event, or the totals of an area in a week or month.
ROW_KINDS: tuple[str, ...] = ("event", "area-week", "area-month")
#: Where a row is placed: the event's own point, its area's centroid, or nowhere.
COORDINATE_KINDS: tuple[str, ...] = ("event", "area", "none")
#: The admin levels a source may name.
ADMIN_AREAS: tuple[str, ...] = ("admin1", "admin2")
#: What a report may ask a declaration for (``Declaration.gives``).
CAPABILITIES: tuple[str, ...] = (
    "event rows",
    "event types",
    "actors",
    "coordinates",
    *ADMIN_AREAS,
)


@dataclass(frozen=True)
class Declaration:
    """What one event source gives: its rows, event types, actors, coordinates, admin areas,
    and whether it is a census within its coverage or a selection.

    ``name`` is how a sentence names the source ("ACLED's aggregated data"); ``why_not`` says,
    in the source's own terms, why it cannot give a capability, where a plain "names no actor"
    would not say enough; ``supplements`` are the datasets whose rows it may add (a UCDP GED
    release: the candidate months after it). ``left_out`` names, in words, the rows that are not
    organised political violence and that a count of attacks leaves out ('' when every row is);
    ``types`` names the publisher's own typology of violence that tables of types show.
    """

    dataset: str
    name: str
    rows: str = "event"
    event_types: bool = True
    actors: bool = True
    coordinates: str = "event"
    admin_areas: tuple[str, ...] = ADMIN_AREAS
    census: bool = True
    selection: str = ""
    supplements: tuple[str, ...] = ()
    why_not: Mapping[str, str] = field(default_factory=dict)
    left_out: str = ""
    types: str = "the harmonised event types"

    def __post_init__(self) -> None:
        if self.rows not in ROW_KINDS:
            raise ValueError(f"{self.dataset}: rows must be one of {ROW_KINDS}, not {self.rows!r}")
        if self.coordinates not in COORDINATE_KINDS:
            raise ValueError(
                f"{self.dataset}: coordinates must be one of {COORDINATE_KINDS}, "
                f"not {self.coordinates!r}"
            )
        unknown = [a for a in self.admin_areas if a not in ADMIN_AREAS]
        if unknown:
            raise ValueError(f"{self.dataset}: unknown admin area(s) {unknown}")
        if not self.census and not self.selection:
            raise ValueError(f"{self.dataset}: a selection must say what it selects")
        if any(k not in CAPABILITIES for k in self.why_not):
            raise ValueError(f"{self.dataset}: why_not keys must be among {CAPABILITIES}")

    @property
    def event_rows(self) -> bool:
        """Whether its rows are single events (else totals per area and period)."""
        return self.rows == "event"

    def gives(self, capability: str) -> bool:
        """Whether the source gives ``capability`` (one of CAPABILITIES)."""
        answers = {
            "event rows": self.event_rows,
            "event types": self.event_types,
            "actors": self.actors,
            "coordinates": self.coordinates == "event",
            **{area: area in self.admin_areas for area in ADMIN_AREAS},
        }
        if capability not in answers:
            raise ValueError(f"unknown capability {capability!r}; one of {CAPABILITIES}")
        return answers[capability]

    def reason(self, capability: str) -> str:
        """Why the source cannot give ``capability``, in words ('ACLED's aggregated data counts
        events per area and period and names no actor')."""
        plain = {
            "event rows": "counts events per area and period only",
            "event types": "gives no event type",
            "actors": "names no actor",
            "coordinates": "gives no event's coordinates",
            "admin1": "names no region",
            "admin2": "names no cercle",
        }
        return self.why_not.get(capability) or f"{self.name} {plain[capability]}"
