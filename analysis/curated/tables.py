"""Load the curated tables as typed DataFrames, and validate them together."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import networkx as nx
import pandas as pd

from analysis.config import CURATED_DIR
from analysis.core.text import alias_key
from analysis.curated import schema as s
from analysis.curated.aliases import AliasResolver, group_names
from analysis.curated.chronology import (
    CRITERIA,
    EXCLUSIONS,
    JUDGED,
    NO_TOLL_REASON,
    RULE,
    criteria_met,
    in_sahel_theatre,
    row_problems,
    state_force_ids,
    threshold,
)
from analysis.curated.poll_checks import series_population_problems
from analysis.curated.validation import DataValidationError, Problem, check_table


def _path(table: str, curated_dir: Path | None) -> Path:
    return (curated_dir or CURATED_DIR) / f"{table}.csv"


def load_table(table: str, curated_dir: Path | None = None) -> pd.DataFrame:
    """One curated table, read and checked on its own (no cache: a run reads each table once,
    through its snapshot); raises DataValidationError listing every problem."""
    if table not in s.TABLES:
        raise KeyError(f"unknown curated table '{table}'; known: {', '.join(s.TABLES)}")
    problems: list[Problem] = []
    frame = check_table(s.TABLES[table], _path(table, curated_dir), problems)
    if problems or frame is None:
        raise DataValidationError(problems)
    return frame


def load_groups(curated_dir: Path | None = None) -> pd.DataFrame:
    """Armed groups (groups.csv), one row per group."""
    return load_table("groups", curated_dir).copy()


def load_lineage(curated_dir: Path | None = None) -> pd.DataFrame:
    """Dated relations between groups (lineage.csv)."""
    return load_table("lineage", curated_dir).copy()


def load_events(curated_dir: Path | None = None) -> pd.DataFrame:
    """Curated chronology of incidents (events.csv)."""
    return load_table("events", curated_dir).copy()


def load_polls(curated_dir: Path | None = None) -> pd.DataFrame:
    """Poll toplines, one row per reported figure (polls.csv)."""
    return load_table("polls", curated_dir).copy()


def load_milestones(curated_dir: Path | None = None) -> pd.DataFrame:
    """Political and military milestones (milestones.csv)."""
    return load_table("milestones", curated_dir).copy()


def load_candidates(curated_dir: Path | None = None) -> pd.DataFrame:
    """The candidate log of the chronology (candidates.csv), one row per event considered."""
    return load_table("candidates", curated_dir).copy()


@dataclass
class ValidationReport:
    """Every table read, and every problem found across them."""

    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def validate_all(curated_dir: Path | None = None, today: date | None = None) -> ValidationReport:
    """Check every curated table, then the references between them; collect all problems."""
    report = ValidationReport()
    for name, spec in s.TABLES.items():
        frame = check_table(spec, _path(name, curated_dir), report.problems, today=today)
        if frame is not None:
            report.frames[name] = frame
    _check_references(report)
    return report


def _rows(frame: pd.DataFrame):
    """Yield (line, row) pairs using the physical line numbers kept by the reader."""
    for line, (_, row) in zip(frame.attrs["lines"], frame.iterrows(), strict=True):
        yield line, row


def _check_references(report: ValidationReport) -> None:
    frames, problems = report.frames, report.problems
    source_ids = set(frames["sources"]["source_id"].dropna()) if "sources" in frames else None
    groups = frames.get("groups")
    group_ids = set(groups["group_id"].dropna()) if groups is not None else None

    for name, frame in frames.items():
        spec = s.TABLES[name]
        for line, row in _rows(frame):
            for col in spec.columns:
                if col.kind == s.SOURCES and source_ids is not None:
                    for sid in row[col.name]:
                        if sid not in source_ids:
                            problems.append(
                                Problem(
                                    frame.attrs["path"],
                                    line,
                                    col.name,
                                    f"source id '{sid}' is not in sources.csv",
                                )
                            )
                if col.kind in (s.GROUP_IDS, s.GROUP_ID) and group_ids is not None:
                    ids = row[col.name] if col.kind == s.GROUP_IDS else [row[col.name]]
                    for gid in ids:
                        # A cell with a problem of its own is empty here (NA): skip it.
                        if isinstance(gid, str) and gid and gid not in group_ids:
                            problems.append(
                                Problem(
                                    frame.attrs["path"],
                                    line,
                                    col.name,
                                    _unknown_group(gid, group_ids),
                                )
                            )
    if "events" in frames:
        state_forces = (
            state_force_ids(groups.to_dict("records")) if groups is not None else frozenset()
        )
        _check_inclusion(frames["events"], problems, state_forces)
        if "candidates" in frames:
            _check_candidates(frames["candidates"], frames["events"], problems)
    if groups is not None:
        _check_aliases(groups, problems)
        if "lineage" in frames:
            _check_lineage(frames["lineage"], groups, problems)
    if "polls" in frames:
        problems.extend(series_population_problems(frames["polls"]))


def _text(value: object) -> str | None:
    """A cell's text, or None when it is empty or was rejected by its own check (NA)."""
    return value if isinstance(value, str) and value else None


def _unknown_group(gid: str, group_ids: set[str]) -> str:
    message = f"group id '{gid}' is not in groups.csv"
    if gid.strip().lower() in group_ids:
        message += f" (ids are lower case: '{gid.strip().lower()}')"
    return message


#: The columns whose own problem makes a rule of the chronology unjudgeable on that row.
_RULE_COLUMNS: dict[str, tuple[str, ...]] = {
    "perpetrators": ("perpetrators", "attribution"),
    "attribution": ("attribution",),
    "suspected_perpetrators": ("perpetrators", "attribution", "suspected_perpetrators"),
    "admin1": ("country", "admin1"),
    "deaths_low": ("deaths_low", "deaths_best", "deaths_high"),
    "deaths_best": ("deaths_low", "deaths_best", "deaths_high"),
    "deaths_high": ("deaths_low", "deaths_best", "deaths_high"),
}


def _check_inclusion(
    events: pd.DataFrame, problems: list[Problem], state_forces: frozenset[str] = frozenset()
) -> None:
    """Each event states why it is in the chronology, in agreement with its own fields, and
    keeps the chronology's other rules (a claim says how it was made, a Mali event has a region
    or says why not, a band of deaths gives both ends)."""
    checkable = set(CRITERIA) - JUDGED
    path = events.attrs["path"]
    # A row with a problem already (a bad count or date) is judged once it is fixed.
    flagged_cells = {(p.line, p.column) for p in problems if p.file == path}
    flagged = {line for line, _ in flagged_cells}
    for line, row in _rows(events):
        record = row.to_dict()
        for column, message in row_problems(record):
            if not any((line, c) in flagged_cells for c in _RULE_COLUMNS[column]):
                problems.append(Problem(path, line, column, message))
        if line in flagged:
            continue
        stated = set(row["inclusion"] or [])
        met = criteria_met(record, state_forces)
        wrong = sorted((stated & checkable) - met)
        missing = sorted(met - stated)
        if wrong:
            problems.append(
                Problem(
                    path,
                    line,
                    "inclusion",
                    f"states {', '.join(wrong)} but the row's own fields do not meet it "
                    f"({'; '.join(CRITERIA[c] for c in wrong)})",
                )
            )
        if missing:
            problems.append(
                Problem(
                    path,
                    line,
                    "inclusion",
                    f"meets {', '.join(missing)} by its fields but does not say so; add it",
                )
            )
        if "notable" in stated and len(stated) > 1:
            problems.append(
                Problem(
                    path,
                    line,
                    "inclusion",
                    "'notable' means outside the rule: it cannot stand beside a criterion",
                )
            )


def _check_candidates(
    candidates: pd.DataFrame, events: pd.DataFrame, problems: list[Problem]
) -> None:
    """The candidate log against itself and the chronology: a decision with its reason, an
    included candidate naming its event (same date and country, same criteria), an excluded one
    whose figures do not meet what it is excluded for, and every event of the chronology logged
    once."""
    path, events_path = candidates.attrs["path"], events.attrs["path"]
    bad_events = {p.line for p in problems if p.file == events_path}
    event_rows = {}
    for line, row in _rows(events):
        if _text(row["event_id"]) is not None:
            event_rows.setdefault(row["event_id"], (line, row))
    flagged_cells = {(p.line, p.column) for p in problems if p.file == path}
    logged: dict[str, int] = {}
    for line, row in _rows(candidates):

        def problem(column: str, message: str, line: int = line) -> None:
            if (line, column) not in flagged_cells:
                problems.append(Problem(path, line, column, message))

        decision, reasons = _text(row["decision"]), list(row["reason"] or [])
        criteria = [r for r in reasons if r in RULE]
        exclusions = [r for r in reasons if r in EXCLUSIONS]
        event_id = _text(row["event_id"])
        if decision == "included" and (exclusions or not criteria):
            problem(
                "reason",
                "an included candidate gives the criteria it meets (from the inclusion rule), "
                f"not an exclusion reason: {', '.join(reasons) or 'none given'}",
            )
        if decision in ("excluded", "not verified") and (criteria or len(exclusions) != 1):
            problem(
                "reason",
                f"an {decision} candidate gives one reason from: {', '.join(EXCLUSIONS)} "
                f"(got: {', '.join(reasons) or 'none'})",
            )
        elif (decision == "not verified") != ("no-source-read" in reasons) and decision:
            problem("reason", "'no-source-read' goes with the decision 'not verified', and only")
        if decision == "included" and event_id is None:
            problem("event_id", "an included candidate names its row of events.csv")
        if decision == "not verified" and event_id is not None:
            problem("event_id", "a candidate not verified cannot be a row of events.csv")
        if event_id is not None:
            if event_id in logged:
                problem(
                    "event_id",
                    f"event '{event_id}' is logged twice (first on line {logged[event_id]})",
                )
            logged.setdefault(event_id, line)
            if event_id not in event_rows:
                if events.attrs.get("complete", True):  # else it may be a row not read
                    problem("event_id", f"event '{event_id}' is not in events.csv")
            else:
                event_line, event = event_rows[event_id]
                if event_line not in bad_events:
                    _compare_candidate(row, event, event_line, decision, criteria, problem)
        deaths = row["deaths"]
        year = row["date"].year if not pd.isna(row["date"]) else None
        country = _text(row["country"])
        if "below-threshold" in exclusions and decision == "excluded" and year and country:
            if pd.isna(deaths):
                if not NO_TOLL_REASON.search(_text(row["notes"]) or ""):
                    problem(
                        "deaths",
                        "excluded as below the threshold: give the death count, or say 'no toll' "
                        "in notes and what the sources report",
                    )
            elif country == "Mali" or in_sahel_theatre(country, row["admin1"]):
                needed = threshold(country, year)
                if int(deaths) >= needed:
                    problem(
                        "deaths",
                        f"{int(deaths)} deaths meets the threshold of {needed} for {country} in "
                        f"{year}: not below it",
                    )
        if "outside-theatre" in exclusions and country and in_sahel_theatre(country, row["admin1"]):
            problem(
                "reason",
                f"excluded as outside the Sahel theatre, but {country}"
                f"{' (' + row['admin1'] + ')' if _text(row['admin1']) else ''} is in it",
            )
    if not candidates.attrs.get("complete", True):
        return  # a row not read may be the one that logs an event
    for event_id, (line, event) in event_rows.items():
        if event_id not in logged and (set(event["inclusion"] or []) & set(RULE)):
            problems.append(
                Problem(
                    events_path,
                    line,
                    "event_id",
                    f"event '{event_id}' is in the rule but not in candidates.csv: log every "
                    "event of the chronology as a candidate",
                )
            )


def _compare_candidate(row, event, event_line: int, decision, criteria, problem) -> None:
    """An included (or excluded but kept as notable) candidate agrees with its event's row."""
    event_id = row["event_id"]
    stated = set(event["inclusion"] or [])
    if not pd.isna(row["date"]) and not pd.isna(event["date"]):
        same = row["date"] == event["date"] and row["date_precision"] == event["date_precision"]
        if not same:
            problem(
                "date",
                f"{row['date'].date()} ({row['date_precision']}) differs from the date of "
                f"'{event_id}' in events.csv (line {event_line}): "
                f"{event['date'].date()} ({event['date_precision']})",
            )
    if _text(row["country"]) and _text(event["country"]) and row["country"] != event["country"]:
        problem(
            "country",
            f"'{row['country']}' differs from the country of '{event_id}' in events.csv "
            f"(line {event_line}): '{event['country']}'",
        )
    if decision == "included":
        if "notable" in stated:
            problem(
                "decision",
                f"'{event_id}' is 'notable' in events.csv (line {event_line}), outside the "
                "rule: log it as excluded, with the reason it falls outside",
            )
        elif set(criteria) != stated & set(RULE):
            problem(
                "reason",
                f"gives {', '.join(criteria) or 'no criterion'} but '{event_id}' states "
                f"{', '.join(sorted(stated & set(RULE)))} in events.csv (line {event_line})",
            )
    elif decision == "excluded" and "notable" not in stated:
        problem(
            "decision",
            f"excluded, but '{event_id}' is in the rule in events.csv (line {event_line}): "
            f"it states {', '.join(sorted(stated))}",
        )


def _check_aliases(groups: pd.DataFrame, problems: list[Problem]) -> None:
    owner: dict[str, str] = {}
    for line, row in _rows(groups):
        if _text(row["group_id"]) is None:
            continue  # its group_id has a problem of its own
        for alias in group_names(row):
            key = alias_key(alias)
            if not key:
                continue
            other = owner.setdefault(key, row["group_id"])
            if other != row["group_id"]:
                problems.append(
                    Problem(
                        groups.attrs["path"],
                        line,
                        "aliases",
                        f"alias '{alias}' of '{row['group_id']}' also names '{other}'",
                    )
                )


def _check_lineage(lineage: pd.DataFrame, groups: pd.DataFrame, problems: list[Problem]) -> None:
    """Unknown groups, self-relations, relations dated before either group's founding, and
    cycles of merged_into/renamed_to (a group cannot end inside its own descendant)."""
    path = lineage.attrs["path"]
    # Rows and cells with a problem of their own (a bad id, relation or date) are NA here: the
    # checks below skip what they cannot judge, so every other row is still checked.
    named = groups[groups["group_id"].map(lambda g: _text(g) is not None)]
    known = set(named["group_id"])
    founded = named.set_index("group_id")["founded"].to_dict()
    founded_precision = named.set_index("group_id")["founded_precision"].to_dict()
    merges = nx.DiGraph()
    for line, row in _rows(lineage):
        gid, relation = _text(row["group_id"]), _text(row["relation"])
        others = row["other_group_id"]
        if relation == "designated_by":
            bad = [o for o in others if not o.startswith(("state:", "org:"))]
            if bad:
                problems.append(
                    Problem(
                        path,
                        line,
                        "other_group_id",
                        f"designators {bad} must be written 'state:XX' or 'org:NAME'",
                    )
                )
            continue
        for other in others:
            if relation is None and other.startswith(("state:", "org:")):
                continue  # a designator under a misspelled relation: the relation is reported
            if other not in known:
                problems.append(Problem(path, line, "other_group_id", _unknown_group(other, known)))
            elif other == gid:
                problems.append(Problem(path, line, "other_group_id", f"{other} {relation} itself"))
            elif gid and relation in ("merged_into", "renamed_to"):
                merges.add_edge(gid, other, line=line, relation=relation)
        # Neither group can take part in a relation before it exists.
        for member in [gid, *[o for o in others if o in known]]:
            start = founded.get(member) if member else None
            if pd.isna(row["date"]) or start is None or pd.isna(start):
                continue
            # Compare at the coarser of the two precisions: '2012' is not before '2012-03'; a
            # precision that is missing (reported on its own) counts as the coarsest.
            precisions = (_text(founded_precision.get(member)), _text(row["date_precision"]))
            coarse = "year" in precisions or None in precisions
            rel_key = row["date"].year if coarse else row["date"]
            found_key = start.year if coarse else start
            if rel_key < found_key:
                problems.append(
                    Problem(
                        path,
                        line,
                        "date",
                        f"{relation or row['relation']} dated {row['date'].date()} is before "
                        f"{member}'s founding ({start.date()}) in groups.csv",
                    )
                )
    for cycle in nx.simple_cycles(merges):
        # Start at the row that closes the loop (the latest line), and report that line.
        edges = [merges.edges[a, b] for a, b in zip(cycle, [*cycle[1:], cycle[0]], strict=True)]
        lines = [edge["line"] for edge in edges]
        start = lines.index(max(lines))
        cycle = cycle[start:] + cycle[:start]
        first = max(lines)
        chain = " -> ".join([*cycle, cycle[0]])
        kinds = {edge["relation"] for edge in edges}
        what = "merged_into" if kinds == {"merged_into"} else "merged_into/renamed_to"
        problems.append(
            Problem(path, first, "other_group_id", f"{what} rows form a cycle: {chain}")
        )


def resolver(curated_dir: Path | None = None) -> AliasResolver:
    """The alias resolver of a curated folder's groups table."""
    return AliasResolver(load_groups(curated_dir))


def resolve(name: str, curated_dir: Path | None = None) -> str:
    """Map any alias of a group (any case, accents, apostrophes, hyphens) to its group_id."""
    return resolver(curated_dir).resolve(name)
