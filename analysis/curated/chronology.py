"""The chronology's inclusion rule: which events events.csv must hold, and why each row is there.

events.csv is a sample with a rule, so that a count drawn from it says what it counts. Each row
names the criterion that put it there in its ``inclusion`` column; the criteria that can be read
from the row's own fields are checked against them (``criteria_met``), and so are the other
rules of the chronology (``row_problems``: how a claim was made, the region, the band of deaths).
The candidate log (candidates.csv) records every event considered for the chronology, with the
rule's decision: the criteria met, or the reason it was left out (``EXCLUSIONS``).
docs/data_dictionary.md states the same rule in words.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping

#: The years the rule covers.
FIRST_YEAR, LAST_YEAR = 2003, 2025

#: Capitals whose attack by an armed group of groups.csv is always included.
CAPITALS: tuple[str, ...] = ("Bamako", "Niamey", "Ouagadougou", "Nouakchott", "Algiers")
#: Targets that make an attack one on UN or foreign forces.
FORCE_TARGETS: frozenset[str] = frozenset({"peacekeepers", "foreign military"})

#: The Sahel theatre that the outside-Mali criteria cover: Mali, its Saharan and Sahelian
#: neighbours where the groups of Mali's conflict (AQIM and its forerunners and offshoots, JNIM,
#: the Islamic State's Sahel branch, Ansaroul Islam) fight, and the coastal states their
#: campaign has reached from the north. Not the Lake Chad basin (Nigeria, Chad and Niger's Diffa
#: region: the theatre of Boko Haram and ISWAP), nor Libya.
SAHEL_THEATRE: tuple[str, ...] = (
    "Mali",
    "Algeria",
    "Mauritania",
    "Niger",
    "Burkina Faso",
    "Côte d'Ivoire",
    "Benin",
    "Togo",
)
#: (country, admin1) pairs inside a theatre country that belong to another theatre.
OUTSIDE_THEATRE_REGIONS: frozenset[tuple[str, str]] = frozenset({("Niger", "Diffa")})

#: Kinds of groups.csv that are state forces or their partners: national armies, police and
#: gendarmerie, the auxiliaries the state arms and commands (Burkina Faso's VDP), and foreign
#: forces (French forces, Wagner, Africa Corps). Their violence is in the rule when it kills
#: civilians; their combat against armed groups is not (exclusion reason 'state-operation').
STATE_KINDS: frozenset[str] = frozenset({"state", "foreign force"})

#: criterion -> what it means (docs/data_dictionary.md states the same rule).
CRITERIA: dict[str, str] = {
    "mali-20-deaths": "an attack, massacre or battle in Mali with at least 20 deaths, by an "
    "armed group (battles between armed groups included) or by state forces and their "
    "partners against civilians",
    "foreigners-kidnapped": "a kidnapping of foreigners in Mali, or elsewhere in the Sahel "
    "theatre by an armed group of groups.csv",
    "capital": "an attack (a kidnapping included) by an armed group of groups.csv on a capital "
    "(Bamako, Niamey, Ouagadougou, Nouakchott, Algiers)",
    "international-force": "an attack on UN peacekeepers or foreign forces in Mali with at "
    "least 5 deaths",
    "landmark": "an attack on a national landmark (e.g. Tombouctou's mausoleums)",
    "outside-mali": "an attack outside Mali but in the Sahel theatre, by a group of groups.csv "
    "(state forces only against civilians), with at least 20 deaths (to 2016) or 50 deaths "
    "(from 2017)",
    "rebellion": "a main attack of the 2006 and 2007-2009 Tuareg rebellions or of the 2012 "
    "offensive in the north",
    "notable": "outside the rule: kept because the sources single it out; not part of the "
    "defined sample",
}
#: The criteria that define the sample (every event meeting them belongs in the table).
RULE: tuple[str, ...] = tuple(c for c in CRITERIA if c != "notable")
#: Criteria that are judgements: the fields cannot decide them, a row is taken at its word.
JUDGED: frozenset[str] = frozenset({"landmark", "rebellion", "notable"})

#: Why a candidate event is not in the rule (candidates.csv ``reason`` when it is excluded).
EXCLUSIONS: dict[str, str] = {
    "below-threshold": "fewer deaths than its criterion needs (20 in Mali; outside Mali 20 to "
    "2016 and 50 from 2017; 5 for an attack on UN or foreign forces in Mali)",
    "outside-theatre": "outside Mali and outside the Sahel theatre (e.g. the Lake Chad basin)",
    "no-listed-perpetrator": "outside Mali, and no group of groups.csv is known to be "
    "responsible (unknown attackers, or bandits and militias with no group id)",
    "state-operation": "state forces or their partners fighting armed groups: no killing of "
    "civilians that reaches a criterion",
    "nationals-only": "a kidnapping of nationals only, no foreigners",
    "not-an-attack": "not an act of armed violence (a coup, a protest, an accident, an arrest)",
    "outside-period": "before 2003 or after 2025",
    "part-of-another": "part of an event logged under another candidate (counted once)",
    "no-source-read": "not verified: no source about it could be read",
}
#: candidates.csv ``decision``: in the rule (and in events.csv), left out, or not verified.
DECISIONS: tuple[str, ...] = ("included", "excluded", "not verified")
#: How a candidate was found (candidates.csv ``found_by``).
FOUND_BY: tuple[str, ...] = (
    "year list",  # per-year lists of attacks, massacres and kidnappings
    "country list",  # lists of massacres, attacks or battles in Mali, Burkina Faso, Niger
    "kidnapping list",  # lists of foreigners kidnapped in the Sahel
    "UN report",  # Secretary-General's reports on Mali, MINUSMA and OHCHR human-rights notes
    "human-rights report",  # Human Rights Watch, Amnesty International, FIDH
    "news search",  # a search of news archives
    "project sources",  # already in events.csv or sources.csv
)

#: How a claimed row says the claim was made.
CLAIM_WORDS = re.compile(r"claim|stated|statement|video|audio|communiqu", re.IGNORECASE)
#: How a Mali row without a region says why.
NO_REGION_REASON = re.compile(r"admin1 (is )?left empty|region not stated", re.IGNORECASE)
#: How a candidate excluded as below the threshold, with no count, says why.
NO_TOLL_REASON = re.compile(r"no toll", re.IGNORECASE)
#: How a row with a band but no best figure says why.
NO_BEST_REASON = re.compile(r"no best figure", re.IGNORECASE)


def _deaths(row: Mapping[str, object]) -> int:
    for column in ("deaths_best", "deaths_low"):
        value = _cell(row.get(column))
        if value:
            return int(float(value))
    return 0


def _cell(value: object) -> str:
    """A cell as text: '' when it is empty, None or NA."""
    if value is None or isinstance(value, float) and value != value:
        return ""
    try:
        if value != value:  # pandas NA and NaT compare unequal... or raise
            return ""
    except (TypeError, ValueError):
        return ""
    text = str(value).strip()
    return "" if text in ("nan", "<NA>", "NaT", "None") else text


def _items(value: object) -> set[str]:
    if isinstance(value, list | tuple | set | frozenset):
        return {str(v) for v in value if str(v)}
    return {v.strip() for v in _cell(value).split("|") if v.strip()}


def in_sahel_theatre(country: object, admin1: object = None) -> bool:
    """True for a place in the Sahel theatre (``SAHEL_THEATRE`` less ``OUTSIDE_THEATRE_REGIONS``)."""
    country_text, region = _cell(country), _cell(admin1)
    return country_text in SAHEL_THEATRE and (country_text, region) not in OUTSIDE_THEATRE_REGIONS


def state_force_ids(groups: Iterable[Mapping[str, object]]) -> frozenset[str]:
    """The group ids of groups.csv rows whose kind is a state force or a partner of one."""
    return frozenset(
        _cell(g.get("group_id")) for g in groups if _cell(g.get("kind")) in STATE_KINDS
    )


def threshold(country: object, year: int) -> int:
    """Deaths an attack needs to be in the rule: 20 in Mali; outside Mali 20 to 2016, 50 after."""
    if _cell(country) == "Mali":
        return 20
    return 20 if year <= 2016 else 50


def criteria_met(row: Mapping[str, object], state_forces: Collection[str] = ()) -> set[str]:
    """The criteria a row meets by its own fields (country, date, deaths, type, targets, groups).

    ``state_forces`` are the group ids of state forces and their partners (``state_force_ids``
    of groups.csv): an event whose perpetrators are all state forces is in the rule only when it
    kills civilians (a civilian target, or violence against civilians), and never as an attack
    on a capital or a kidnapping. ``landmark`` and ``rebellion`` need a judgement the fields do
    not carry, so they are never returned here; a row stating them is taken at its word.
    """
    deaths = _deaths(row)
    targets = _items(row.get("target"))
    perpetrators = _items(row.get("perpetrators"))
    armed_groups = perpetrators - set(state_forces)
    by_state = bool(perpetrators) and not armed_groups
    civilians_hit = "civilians" in targets or row.get("event_type") == "violence against civilians"
    country = _cell(row.get("country"))
    in_mali = country == "Mali"
    theatre = in_sahel_theatre(country, row.get("admin1"))
    year_text = _cell(row.get("date"))[:4]
    year = int(year_text) if year_text.isdigit() else None
    places = [_cell(row.get(c)) for c in ("admin1", "admin2", "location")]
    met: set[str] = set()
    if year is None or not FIRST_YEAR <= year <= LAST_YEAR or not theatre:
        return met  # outside the period, or outside the Sahel theatre
    if by_state and not civilians_hit:
        return met  # a state force's operation against armed groups
    if in_mali and deaths >= 20:
        met.add("mali-20-deaths")
    kidnapping = row.get("event_type") == "kidnapping/hostage-taking"
    if kidnapping and "foreigners" in targets and not by_state and (in_mali or armed_groups):
        met.add("foreigners-kidnapped")
    if armed_groups and any(p.startswith(CAPITALS) for p in places):
        met.add("capital")
    if in_mali and targets & FORCE_TARGETS and deaths >= 5 and not by_state:
        met.add("international-force")
    if not in_mali and perpetrators and deaths >= threshold(country, year):
        met.add("outside-mali")
    return met


def row_problems(row: Mapping[str, object]) -> list[tuple[str, str]]:
    """The chronology's rules that one events.csv row must keep, besides its criteria: a claimed
    event names who claimed it and says how; a Mali event has a region or says why not; the
    band of deaths is whole. Returns (column, message) pairs."""
    problems: list[tuple[str, str]] = []
    description, notes = _cell(row.get("description")), _cell(row.get("notes"))
    suspected = _items(row.get("suspected_perpetrators"))
    if suspected:
        perpetrators = _items(row.get("perpetrators"))
        if not suspected < perpetrators:
            problems.append(
                (
                    "suspected_perpetrators",
                    "must name some of the perpetrators, not all nor others: those whose part "
                    "is only suspected while the row's attribution holds for the rest",
                )
            )
        elif _cell(row.get("attribution")) in ("suspected", "unknown"):
            problems.append(
                (
                    "suspected_perpetrators",
                    "is given, so attribution must say how the other perpetrators' part is "
                    "known (claimed or confirmed)",
                )
            )
    if _cell(row.get("attribution")) == "claimed":
        if not _items(row.get("perpetrators")):
            problems.append(
                ("perpetrators", "the event is 'claimed' but no group is named as claiming it")
            )
        if not CLAIM_WORDS.search(f"{description} {notes}"):
            problems.append(
                (
                    "attribution",
                    "'claimed', but neither description nor notes says how the claim was made "
                    "(a claim, statement, video, audio recording...)",
                )
            )
    if _cell(row.get("country")) == "Mali" and not _cell(row.get("admin1")):
        if not NO_REGION_REASON.search(notes):
            problems.append(
                (
                    "admin1",
                    "a Mali event without a region must say why in notes ('admin1 left empty' "
                    "or 'region not stated')",
                )
            )
    low, best, high = (_cell(row.get(f"deaths_{k}")) for k in ("low", "best", "high"))
    if bool(low) != bool(high):
        given, empty = ("deaths_low", "deaths_high") if low else ("deaths_high", "deaths_low")
        problems.append(
            (
                empty,
                f"{given} is given but {empty} is empty: a band gives both ends (the lowest and "
                "highest figures of the cited sources), or neither when they give one figure",
            )
        )
    if low and high and not best and not NO_BEST_REASON.search(notes):
        problems.append(
            (
                "deaths_best",
                "empty although the row has a band: give the later, better-founded figure, or "
                "say 'No best figure' in notes and why",
            )
        )
    return problems
