"""The chronology's rule and the candidate log (issue 25), on hand-made rows.

Each validator rule is shown failing on a row written for the test, with the exact message
`python -m analysis validate` prints (file, physical line, column); the rule's decisions
(``criteria_met``) are shown on made-up rows, one case at a time.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from analysis.config import display_path
from analysis.curated.chronology import (
    SAHEL_THEATRE,
    criteria_met,
    in_sahel_theatre,
    row_problems,
    threshold,
)
from analysis.curated.tables import validate_all

MINIMAL = Path(__file__).parent / "fixtures" / "curated_min"

EVENT_COLUMNS = (
    "event_id,date,date_precision,country,admin1,admin2,location,latitude,longitude,perpetrators,"
    "attribution,suspected_perpetrators,event_type,target,inclusion,deaths_low,deaths_best,"
    "deaths_high,injured,hostages,description,sources,notes"
).split(",")
CANDIDATE_COLUMNS = (
    "candidate_id,date,date_precision,country,admin1,location,perpetrators,deaths,description,"
    "found_by,sources,decision,reason,event_id,notes"
).split(",")
#: A state force for the fixture (groups.csv of curated_min has armed groups only).
FAMA = "fama,Malian Armed Forces,FAMa,Malian army,state,none,,,,,,,,,cep-mali,fixture,\n"


@pytest.fixture
def tables(tmp_path: Path) -> Path:
    target = tmp_path / "curated"
    shutil.copytree(MINIMAL, target)
    with (target / "groups.csv").open("a", encoding="utf-8") as handle:
        handle.write(FAMA)
    return target


def _line(columns: list[str], values: dict[str, str]) -> str:
    unknown = set(values) - set(columns)
    assert not unknown, unknown
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([values.get(c, "") for c in columns])
    return buffer.getvalue()


def _append(path: Path, columns: list[str], values: dict[str, str]) -> int:
    """Append one row; return its physical line number."""
    text = path.read_text(encoding="utf-8")
    if not text.endswith("\n"):
        text += "\n"
    path.write_text(text + _line(columns, values), encoding="utf-8")
    return len(text.splitlines()) + 1


EVENT = {
    "event_id": "ev-2019-05-01-test",
    "date": "2019-05-01",
    "date_precision": "day",
    "country": "Mali",
    "admin1": "Mopti",
    "location": "Somewhere",
    "perpetrators": "jnim",
    "attribution": "suspected",
    "event_type": "battle",
    "target": "military",
    "inclusion": "mali-20-deaths",
    "deaths_best": "25",
    "description": "A made-up attack.",
    "sources": "cep-mali",
}


def add_event(folder: Path, log: bool = True, **changes: str) -> int:
    """Append an event (the valid EVENT, changed), and its candidate unless ``log`` is False."""
    values = {**EVENT, **changes}
    line = _append(folder / "events.csv", EVENT_COLUMNS, values)
    if log and "notable" not in values["inclusion"]:
        add_candidate(
            folder,
            candidate_id="c" + values["event_id"][2:],
            date=values["date"],
            date_precision=values["date_precision"],
            country=values["country"],
            decision="included",
            reason=values["inclusion"],
            event_id=values["event_id"],
        )
    return line


CANDIDATE = {
    "candidate_id": "c-2019-06-01-test",
    "date": "2019-06-01",
    "date_precision": "day",
    "country": "Mali",
    "description": "A made-up event.",
    "found_by": "news search",
    "sources": "cep-mali",
    "decision": "excluded",
    "reason": "below-threshold",
    "deaths": "4",
}


def add_candidate(folder: Path, **changes: str) -> int:
    return _append(folder / "candidates.csv", CANDIDATE_COLUMNS, {**CANDIDATE, **changes})


def problems(folder: Path) -> list[str]:
    return [str(p) for p in sorted(validate_all(folder).problems)]


def at(folder: Path, table: str, line: int, column: str, message: str) -> str:
    return f"{display_path(folder / f'{table}.csv')}:{line}: column '{column}': {message}"


def test_made_up_rows_are_valid(tables):
    add_event(tables)
    add_candidate(tables)
    assert problems(tables) == []


# --- the rules every events.csv row keeps -------------------------------------------------------


def test_a_claim_says_how_it_was_made(tables):
    line = add_event(tables, attribution="claimed")
    assert problems(tables) == [
        at(
            tables,
            "events",
            line,
            "attribution",
            "'claimed', but neither description nor notes says how the claim was made (a claim, "
            "statement, video, audio recording...)",
        )
    ]


def test_a_claim_in_notes_is_enough(tables):
    add_event(tables, attribution="claimed", notes="JNIM claimed it in an audio recording.")
    assert problems(tables) == []


def test_a_claim_names_who_claimed(tables):
    line = add_event(tables, attribution="claimed", perpetrators="", notes="Claimed on Telegram.")
    assert problems(tables) == [
        at(
            tables,
            "events",
            line,
            "perpetrators",
            "the event is 'claimed' but no group is named as claiming it",
        )
    ]


def test_a_mali_event_without_region_says_why(tables):
    line = add_event(tables, admin1="")
    assert problems(tables) == [
        at(
            tables,
            "events",
            line,
            "admin1",
            "a Mali event without a region must say why in notes ('admin1 left empty' or "
            "'region not stated')",
        )
    ]
    # The same row with a reason is valid.
    tables_text = (tables / "events.csv").read_text(encoding="utf-8")
    (tables / "events.csv").write_text(
        tables_text.replace(
            "A made-up attack.,cep-mali,",
            "A made-up attack.,cep-mali,Region not stated by the sources.",
        ),
        encoding="utf-8",
    )
    assert problems(tables) == []


def test_a_band_gives_both_ends(tables):
    line = add_event(tables, deaths_low="20")
    assert problems(tables) == [
        at(
            tables,
            "events",
            line,
            "deaths_high",
            "deaths_low is given but deaths_high is empty: a band gives both ends (the lowest and "
            "highest figures of the cited sources), or neither when they give one figure",
        )
    ]


def test_a_band_without_best_says_why(tables):
    line = add_event(tables, deaths_low="20", deaths_best="", deaths_high="40")
    assert problems(tables) == [
        at(
            tables,
            "events",
            line,
            "deaths_best",
            "empty although the row has a band: give the later, better-founded figure, or say "
            "'No best figure' in notes and why",
        )
    ]


def test_no_best_figure_and_the_low_end_decides(tables):
    # No best figure: the low end (20) decides the criterion.
    add_event(
        tables,
        deaths_low="20",
        deaths_best="",
        deaths_high="40",
        notes="No best figure: two tolls.",
    )
    assert problems(tables) == []


def test_low_above_best_is_named(tables):
    line = add_event(tables, deaths_low="30", deaths_high="40")
    assert problems(tables) == [
        at(tables, "events", line, "deaths_low", "deaths_low 30 > deaths_best 25"),
    ]


def test_a_broken_count_is_reported_once_not_as_a_broken_band(tables):
    # '-3' is reported by its own check; the band rule does not add a second problem.
    line = add_event(tables, deaths_low="-3", deaths_high="40")
    assert problems(tables) == [
        at(tables, "events", line, "deaths_low", "'-3' is negative (counts must be 0 or more)"),
    ]


# --- the inclusion rule as the validator applies it --------------------------------------------


def test_state_force_fighting_armed_groups_is_not_in_the_rule(tables):
    line = add_event(tables, perpetrators="fama", target="armed group")
    assert problems(tables) == [
        at(
            tables,
            "events",
            line,
            "inclusion",
            "states mali-20-deaths but the row's own fields do not meet it (an attack, massacre or "
            "battle in Mali with at least 20 deaths, by an armed group (battles between armed "
            "groups included) or by state forces and their partners against civilians)",
        )
    ]


def test_state_force_killing_civilians_is_in_the_rule(tables):
    add_event(
        tables, perpetrators="fama", event_type="violence against civilians", target="civilians"
    )
    assert problems(tables) == []


def test_outside_the_sahel_theatre_is_not_in_the_rule(tables):
    # An attack in Nigeria with 90 deaths by a listed group: outside the theatre.
    line = add_event(
        tables,
        event_id="ev-2019-05-01-nigeria",
        country="Nigeria",
        admin1="Borno",
        inclusion="outside-mali",
        deaths_best="90",
    )
    assert at(
        tables,
        "events",
        line,
        "inclusion",
        "states outside-mali but the row's own fields do not meet it (an attack outside Mali but "
        "in the Sahel theatre, by a group of groups.csv (state forces only against civilians), "
        "with at least 20 deaths (to 2016) or 50 deaths (from 2017))",
    ) in problems(tables)


def test_a_criterion_met_must_be_stated(tables):
    line = add_event(
        tables,
        event_id="ev-2019-05-01-niger",
        country="Niger",
        admin1="Tillabéri",
        inclusion="notable",
        deaths_best="60",
    )
    assert problems(tables) == [
        at(
            tables,
            "events",
            line,
            "inclusion",
            "meets outside-mali by its fields but does not say so; add it",
        ),
    ]


# --- the candidate log ----------------------------------------------------------------------------


def test_every_event_in_the_rule_is_logged(tables):
    line = add_event(tables, log=False)
    assert problems(tables) == [
        at(
            tables,
            "events",
            line,
            "event_id",
            "event 'ev-2019-05-01-test' is in the rule but not in candidates.csv: log every "
            "event of the chronology as a candidate",
        )
    ]


def test_an_included_candidate_names_an_existing_event(tables):
    missing = add_candidate(tables, decision="included", reason="mali-20-deaths", deaths="25")
    unknown = add_candidate(
        tables,
        candidate_id="c-2019-06-02-test",
        date="2019-06-02",
        decision="included",
        reason="mali-20-deaths",
        event_id="ev-2019-06-02-nowhere",
    )
    assert problems(tables) == [
        at(
            tables,
            "candidates",
            missing,
            "event_id",
            "an included candidate names its row of events.csv",
        ),
        at(
            tables,
            "candidates",
            unknown,
            "event_id",
            "event 'ev-2019-06-02-nowhere' is not in events.csv",
        ),
    ]


def test_an_included_candidate_agrees_with_its_event(tables):
    add_event(tables, log=False)
    line = add_candidate(
        tables,
        date="2019-05-02",
        country="Niger",
        decision="included",
        reason="mali-20-deaths|capital",
        event_id="ev-2019-05-01-test",
    )
    events_line = len((tables / "events.csv").read_text(encoding="utf-8").splitlines())
    assert problems(tables) == [
        at(
            tables,
            "candidates",
            line,
            "country",
            f"'Niger' differs from the country of 'ev-2019-05-01-test' in events.csv (line "
            f"{events_line}): 'Mali'",
        ),
        at(
            tables,
            "candidates",
            line,
            "date",
            "2019-05-02 (day) differs from the date of 'ev-2019-05-01-test' in events.csv "
            f"(line {events_line}): 2019-05-01 (day)",
        ),
        at(
            tables,
            "candidates",
            line,
            "reason",
            "gives mali-20-deaths, capital but 'ev-2019-05-01-test' states mali-20-deaths in "
            f"events.csv (line {events_line})",
        ),
    ]


def test_a_decision_and_its_reason_agree(tables):
    included = add_candidate(tables, decision="included", reason="below-threshold")
    excluded = add_candidate(
        tables, candidate_id="c-2019-06-02-test", reason="mali-20-deaths|below-threshold"
    )
    unverified = add_candidate(
        tables, candidate_id="c-2019-06-03-test", decision="not verified", reason="below-threshold"
    )
    assert problems(tables) == [
        at(
            tables,
            "candidates",
            included,
            "event_id",
            "an included candidate names its row of events.csv",
        ),
        at(
            tables,
            "candidates",
            included,
            "reason",
            "an included candidate gives the criteria it meets (from the inclusion rule), not an "
            "exclusion reason: below-threshold",
        ),
        at(
            tables,
            "candidates",
            excluded,
            "reason",
            "an excluded candidate gives one reason from: below-threshold, outside-theatre, "
            "no-listed-perpetrator, state-operation, nationals-only, not-an-attack, "
            "outside-period, part-of-another, no-source-read (got: mali-20-deaths, "
            "below-threshold)",
        ),
        at(
            tables,
            "candidates",
            unverified,
            "reason",
            "'no-source-read' goes with the decision 'not verified', and only",
        ),
    ]


def test_an_event_in_the_rule_cannot_be_excluded_nor_logged_twice(tables):
    add_event(tables)  # logged once as included
    line = add_candidate(
        tables, candidate_id="c-2019-05-01-again", date="2019-05-01", event_id="ev-2019-05-01-test"
    )
    events_line = len((tables / "events.csv").read_text(encoding="utf-8").splitlines())
    first = len((tables / "candidates.csv").read_text(encoding="utf-8").splitlines()) - 1
    assert problems(tables) == [
        at(
            tables,
            "candidates",
            line,
            "decision",
            f"excluded, but 'ev-2019-05-01-test' is in the rule in events.csv (line "
            f"{events_line}): it states mali-20-deaths",
        ),
        at(
            tables,
            "candidates",
            line,
            "event_id",
            f"event 'ev-2019-05-01-test' is logged twice (first on line {first})",
        ),
    ]


def test_a_notable_event_is_logged_as_excluded(tables):
    add_event(tables, inclusion="notable", deaths_best="4")
    line = add_candidate(
        tables,
        date="2019-05-01",
        decision="included",
        reason="mali-20-deaths",
        event_id="ev-2019-05-01-test",
    )
    events_line = len((tables / "events.csv").read_text(encoding="utf-8").splitlines())
    assert problems(tables) == [
        at(
            tables,
            "candidates",
            line,
            "decision",
            f"'ev-2019-05-01-test' is 'notable' in events.csv (line {events_line}), outside the "
            "rule: log it as excluded, with the reason it falls outside",
        )
    ]
    text = (tables / "candidates.csv").read_text(encoding="utf-8")
    (tables / "candidates.csv").write_text(
        text.replace(
            "included,mali-20-deaths,ev-2019-05-01-test",
            "excluded,below-threshold,ev-2019-05-01-test",
        ),
        encoding="utf-8",
    )
    assert problems(tables) == []


def test_below_threshold_means_below_it(tables):
    mali = add_candidate(tables, deaths="20")
    niger = add_candidate(
        tables, candidate_id="c-2019-06-02-niger", date="2019-06-02", country="Niger", deaths="49"
    )
    niger_2016 = add_candidate(
        tables, candidate_id="c-2016-06-02-niger", date="2016-06-02", country="Niger", deaths="20"
    )
    no_count = add_candidate(tables, candidate_id="c-2019-06-03-test", date="2019-06-03", deaths="")
    assert problems(tables) == [
        at(
            tables,
            "candidates",
            mali,
            "deaths",
            "20 deaths meets the threshold of 20 for Mali in 2019: not below it",
        ),
        at(
            tables,
            "candidates",
            niger_2016,
            "deaths",
            "20 deaths meets the threshold of 20 for Niger in 2016: not below it",
        ),
        at(
            tables,
            "candidates",
            no_count,
            "deaths",
            "excluded as below the threshold: give the death count, or say 'no toll' in notes "
            "and what the sources report",
        ),
    ]
    assert niger  # 49 in Niger in 2019 is below 50: no problem


def test_outside_theatre_means_outside_it(tables):
    benin = add_candidate(tables, country="Benin", reason="outside-theatre")
    add_candidate(
        tables,
        candidate_id="c-2019-06-02-nigeria",
        date="2019-06-02",
        country="Nigeria",
        reason="outside-theatre",
    )
    add_candidate(
        tables,
        candidate_id="c-2019-06-03-diffa",
        date="2019-06-03",
        country="Niger",
        admin1="Diffa",
        reason="outside-theatre",
    )
    diffa_no = add_candidate(
        tables,
        candidate_id="c-2019-06-04-tillaberi",
        date="2019-06-04",
        country="Niger",
        admin1="Tillabéri",
        reason="outside-theatre",
    )
    assert problems(tables) == [
        at(
            tables,
            "candidates",
            benin,
            "reason",
            "excluded as outside the Sahel theatre, but Benin is in it",
        ),
        at(
            tables,
            "candidates",
            diffa_no,
            "reason",
            "excluded as outside the Sahel theatre, but Niger (Tillabéri) is in it",
        ),
    ]


# --- the rule's decisions, row by row -----------------------------------------------------------

BASE = {"date": "2019-01-01", "country": "Mali", "perpetrators": "jnim", "target": "military"}
STATE = {"fama", "burkina-faso-army", "vdp", "wagner"}


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        # Battles between armed groups in Mali count everyone killed.
        (
            {**BASE, "perpetrators": "gatia|cma", "target": "armed group", "deaths_best": "20"},
            {"mali-20-deaths"},
        ),
        # State forces and partners: in the rule when they kill civilians...
        (
            {
                **BASE,
                "perpetrators": "fama|wagner",
                "event_type": "violence against civilians",
                "target": "civilians",
                "deaths_best": "25",
            },
            {"mali-20-deaths"},
        ),
        (
            {
                **BASE,
                "country": "Burkina Faso",
                "perpetrators": "burkina-faso-army",
                "event_type": "violence against civilians",
                "target": "civilians",
                "deaths_best": "147",
            },
            {"outside-mali"},
        ),
        (
            {
                **BASE,
                "country": "Burkina Faso",
                "perpetrators": "vdp",
                "target": "civilians",
                "deaths_best": "49",
            },
            set(),
        ),
        # ...never when they fight armed groups, whatever the toll...
        ({**BASE, "perpetrators": "fama", "target": "armed group", "deaths_best": "80"}, set()),
        # ...never as an attack on a capital, a kidnapping or an attack on foreign forces.
        (
            {
                **BASE,
                "perpetrators": "fama",
                "location": "Bamako",
                "target": "civilians",
                "deaths_best": "3",
            },
            set(),
        ),
        (
            {
                **BASE,
                "perpetrators": "fama",
                "event_type": "kidnapping/hostage-taking",
                "target": "foreigners",
            },
            set(),
        ),
        # A kidnapping of foreigners in Mali by anyone...
        (
            {
                **BASE,
                "perpetrators": "",
                "event_type": "kidnapping/hostage-taking",
                "target": "civilians|foreigners",
            },
            {"foreigners-kidnapped"},
        ),
        # ...outside Mali only in the theatre and by a listed armed group.
        (
            {
                **BASE,
                "country": "Niger",
                "event_type": "kidnapping/hostage-taking",
                "target": "foreigners",
            },
            {"foreigners-kidnapped"},
        ),
        (
            {
                **BASE,
                "country": "Niger",
                "perpetrators": "",
                "event_type": "kidnapping/hostage-taking",
                "target": "foreigners",
            },
            set(),
        ),
        (
            {
                **BASE,
                "country": "Nigeria",
                "event_type": "kidnapping/hostage-taking",
                "target": "foreigners",
            },
            set(),
        ),
        # A kidnapping in a capital by a listed group: capital as well, whatever the toll.
        (
            {
                **BASE,
                "country": "Niger",
                "location": "Niamey",
                "event_type": "kidnapping/hostage-taking",
                "target": "foreigners",
            },
            {"foreigners-kidnapped", "capital"},
        ),
        # The theatre: Benin in, Nigeria out, Niger's Diffa region out.
        ({**BASE, "country": "Benin", "deaths_best": "54"}, {"outside-mali"}),
        ({**BASE, "country": "Nigeria", "perpetrators": "iswap", "deaths_best": "300"}, set()),
        (
            {
                **BASE,
                "country": "Niger",
                "admin1": "Diffa",
                "perpetrators": "iswap",
                "deaths_best": "60",
            },
            set(),
        ),
        (
            {
                **BASE,
                "country": "Niger",
                "admin1": "Tillabéri",
                "perpetrators": "isgs",
                "deaths_best": "60",
            },
            {"outside-mali"},
        ),
        # The period: 2003-2025.
        ({**BASE, "date": "2002-12-31", "deaths_best": "30"}, set()),
        ({**BASE, "date": "2026-01-01", "deaths_best": "30"}, set()),
        ({**BASE, "date": "2003-01-04", "deaths_best": "30"}, {"mali-20-deaths"}),
        # An attack on UN forces: 5 deaths in Mali.
        ({**BASE, "target": "peacekeepers", "deaths_best": "4"}, set()),
        (
            {**BASE, "perpetrators": "", "target": "peacekeepers", "deaths_best": "5"},
            {"international-force"},
        ),
    ],
)
def test_the_rule_decides(row, expected):
    assert criteria_met(row, STATE) == expected


def test_without_the_state_forces_every_group_is_an_armed_group():
    # criteria_met(row) with no state forces given reads fama as an armed group.
    row = {**BASE, "perpetrators": "fama", "target": "armed group", "deaths_best": "80"}
    assert criteria_met(row) == {"mali-20-deaths"}
    assert criteria_met(row, STATE) == set()


def test_theatre_and_thresholds():
    assert "Nigeria" not in SAHEL_THEATRE and "Chad" not in SAHEL_THEATRE
    assert in_sahel_theatre("Niger", "Tillabéri") and not in_sahel_theatre("Niger", "Diffa")
    assert in_sahel_theatre("Togo") and not in_sahel_theatre("Libya")
    assert (threshold("Mali", 2024), threshold("Niger", 2016), threshold("Niger", 2017)) == (
        20,
        20,
        50,
    )


def test_row_problems_on_a_plain_mapping():
    row = {
        "attribution": "claimed",
        "perpetrators": "jnim",
        "country": "Mali",
        "admin1": "Gao",
        "description": "An attack.",
        "deaths_high": "9",
        "notes": "",
    }
    assert row_problems(row) == [
        (
            "attribution",
            "'claimed', but neither description nor notes says how the claim was made "
            "(a claim, statement, video, audio recording...)",
        ),
        (
            "deaths_low",
            "deaths_high is given but deaths_low is empty: a band gives both ends (the "
            "lowest and highest figures of the cited sources), or neither when they give one figure",
        ),
    ]


def test_validate_prints_the_chronology_and_log_counts(tables, capsys):
    from analysis.cli import main

    add_event(tables)
    add_event(
        tables,
        event_id="ev-2019-05-02-notable",
        date="2019-05-02",
        inclusion="notable",
        deaths_best="3",
    )
    add_candidate(tables)
    assert main(["validate", "--dir", str(tables)]) == 0
    out = capsys.readouterr().out
    assert "  chronology: 3 events in the inclusion rule, 1 notable\n" in out
    assert "  candidate log: 3 included, 1 excluded, 0 not verified\n" in out
