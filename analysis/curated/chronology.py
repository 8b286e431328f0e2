"""The chronology's inclusion rule: which events events.csv must hold, and why each row is there.

events.csv is a sample with a rule, so that a count drawn from it says what it counts. Each row
names the criterion that put it there in its ``inclusion`` column; the criteria that can be read
from the row's own fields are checked against them (``criteria_met``).
"""

from __future__ import annotations

from collections.abc import Mapping

#: Capitals whose attack by a listed group is always included.
CAPITALS: tuple[str, ...] = ("Bamako", "Niamey", "Ouagadougou", "Nouakchott", "Algiers")
#: Targets that make an attack one on UN or foreign forces.
FORCE_TARGETS: frozenset[str] = frozenset({"peacekeepers", "foreign military"})

#: criterion -> what it means (docs/data_dictionary.md states the same rule).
CRITERIA: dict[str, str] = {
    "mali-20-deaths": "an attack or massacre in Mali with at least 20 deaths",
    "foreigners-kidnapped": "a kidnapping of foreigners in Mali, or in the Sahara-Sahel by a "
    "group of groups.csv",
    "capital": "an attack by a group of groups.csv on a capital (Bamako, Niamey, Ouagadougou, "
    "Nouakchott, Algiers)",
    "international-force": "an attack on UN peacekeepers or foreign forces in Mali with at "
    "least 5 deaths",
    "landmark": "an attack on a national landmark (e.g. Tombouctou's mausoleums)",
    "outside-mali": "an attack outside Mali by a group of groups.csv with at least 20 deaths "
    "(to 2016) or 50 deaths (from 2017)",
    "rebellion": "a main attack of the 2006 and 2007-2009 Tuareg rebellions or of the 2012 "
    "offensive in the north",
    "notable": "outside the rule: kept because the sources single it out; not part of the "
    "defined sample",
}
#: The criteria that define the sample (every event meeting them belongs in the table).
RULE: tuple[str, ...] = tuple(c for c in CRITERIA if c != "notable")


def _deaths(row: Mapping[str, object]) -> int:
    for column in ("deaths_best", "deaths_low"):
        value = row.get(column)
        if value is not None and value == value and str(value).strip() != "":
            return int(float(str(value)))
    return 0


def _items(value: object) -> set[str]:
    if isinstance(value, list | tuple | set):
        return {str(v) for v in value if str(v)}
    return {v for v in str(value or "").split("|") if v and v != "nan"}


def criteria_met(row: Mapping[str, object]) -> set[str]:
    """The criteria a row meets by its own fields (country, date, deaths, type, targets, groups).

    ``landmark`` and ``rebellion`` need a judgement the fields do not carry, so they are never
    returned here; a row stating them is taken at its word.
    """
    deaths = _deaths(row)
    targets = _items(row.get("target"))
    perpetrators = _items(row.get("perpetrators"))
    in_mali = row.get("country") == "Mali"
    year_text = str(row.get("date"))[:4]
    year = int(year_text) if year_text.isdigit() else None
    places = [str(row.get(c) or "").strip() for c in ("admin1", "admin2", "location")]
    met = set()
    if in_mali and deaths >= 20:
        met.add("mali-20-deaths")
    if row.get("event_type") == "kidnapping/hostage-taking" and "foreigners" in targets:
        met.add("foreigners-kidnapped")
    if perpetrators and any(p.startswith(CAPITALS) for p in places):
        met.add("capital")
    if in_mali and targets & FORCE_TARGETS and deaths >= 5:
        met.add("international-force")
    if not in_mali and perpetrators and year and deaths >= (20 if year <= 2016 else 50):
        met.add("outside-mali")
    return met
