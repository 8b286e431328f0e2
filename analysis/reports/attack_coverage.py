"""What the attack-trends report says about data it did not read, in words for readers.

A part that needs a dataset this edition was built without says so and points to the
appendix's data coverage (``unread_part``); the appendix lists each such dataset, what the
report leaves out without it and where its publisher offers it (``unread``, shown by
analysis.reports.coverage_notes), with the table of every dataset the report can use and
whether this edition read it. The command or folder that would fetch a file is a build hint:
the build's log has it, the page never does.
"""

from __future__ import annotations

from analysis.reports.attack_data import AttackInputs
from analysis.reports.attack_params import AttackTrendsParameters
from analysis.reports.coverage_notes import WHERE, Unread
from analysis.reports.parts import NoData
from analysis.sources import boundaries, register
from analysis.tables.coverage import HOW_TO_GET

#: What the report leaves out without event data that lists every attack.
CENSUS_LEFT_OUT = (
    "the counts of attacks and their trend, the latest weeks, the attacks by group, type and "
    "target, the deadliest events counted, the maps, the breaks in the event series and the "
    "test of the claim that the violence moved south"
)
#: What the report leaves out without each dataset (Unread.left_out).
LEFT_OUT: dict[str, str] = {
    "acled": f"{CENSUS_LEFT_OUT} (UCDP's GED, which also lists every event, would give them too)",
    "ucdp-ged": f"{CENSUS_LEFT_OUT} (ACLED's event export would give them too)",
    "acled-aggregated": (
        "the counts of attacks per area and week or month, their trend and the maps per area "
        "(used where no event-level data is available)"
    ),
    "owid": (
        "the national death toll per year, its key finding, the annual change points and the "
        "Sahel comparison"
    ),
    "ucdp-brd": (
        "the battle deaths by group and their key finding, the Sahel comparison of battle "
        "deaths and the check of the claim that the number of armed groups has grown"
    ),
    "geoboundaries-adm1": "the maps of events and deaths per region",
    "geoboundaries-adm2": "the maps of events and deaths per cercle",
}
#: The datasets in a sentence ('this edition was built without ...').
NAMES: dict[str, str] = {
    "acled": "ACLED's event export",
    "ucdp-ged": "UCDP's event data (GED)",
    "acled-aggregated": "ACLED's aggregated data",
    "owid": "Our World in Data's series of conflict deaths (from UCDP)",
    "ucdp-brd": "UCDP's battle-related deaths",
    "geoboundaries-adm1": "the boundaries of Mali's regions",
    "geoboundaries-adm2": "the boundaries of Mali's cercles",
}
#: The event datasets that list every event (a census), in the order "auto" prefers them.
CENSUS_SOURCES: tuple[str, ...] = ("acled", "ucdp-ged", "acled-aggregated")


def absent(key: str) -> Unread:
    """A dataset this edition was built without, with the command that fetches it for the
    build's log."""
    return Unread(key, LEFT_OUT[key], build_hint=f"{NAMES[key]}: {HOW_TO_GET[key]}")


def unread(d: AttackInputs, p: AttackTrendsParameters) -> tuple[Unread, ...]:
    """The datasets this edition did not read and whose absence leaves something out: the
    event data that lists every attack (when the brief has none: absent, or not chosen), UCDP's
    annual series, and Mali's boundaries (a report on Mali)."""
    found = []
    if not d.census:
        for key in CENSUS_SOURCES:
            if p.data_source != "auto" and key != "acled-aggregated":
                chosen = f"the {register.event_source(d.selection.dataset).short}"
                found.append(Unread(key, LEFT_OUT[key], chosen_from=chosen))
            elif key in d.selection.absent:
                found.append(absent(key))
    found += [
        absent(key) for key, frame in (("owid", d.owid_all), ("ucdp-brd", d.brd)) if frame is None
    ]
    if d.country == "Mali":
        found += [
            absent(boundaries.register_key(level))
            for level in boundaries.LEVELS
            if level not in d.boundaries
        ]
    return tuple(found)


def unread_part(keys: tuple[str, ...], what: str, slug: str | None = None) -> NoData:
    """The body's note for a part that needs datasets this edition was built without: which,
    and that the appendix says why and where their publishers offer them."""
    names = " and ".join(NAMES[k] for k in keys)
    return NoData(
        f"{what}: this edition was built without {names}",
        WHERE,
        slug=slug,
        build_hint="; ".join(f"{NAMES[k]}: {HOW_TO_GET[k]}" for k in keys),
    )


def read_keys(d: AttackInputs) -> set[str]:
    """The register keys of the datasets this edition read (the datasets table's 'read')."""
    read = {d.selection.dataset}
    events = d.events
    if "provisional" in events and events["provisional"].astype(bool).any():
        read.add("ucdp-candidate")  # UCDP's candidate months after a GED release
    read |= {key for key, frame in (("owid", d.owid_all), ("ucdp-brd", d.brd)) if frame is not None}
    return read | {boundaries.register_key(level) for level in d.boundaries}
