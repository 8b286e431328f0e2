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
from analysis.curated.chronology import CRITERIA, criteria_met
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
        _check_inclusion(frames["events"], problems)
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


def _check_inclusion(events: pd.DataFrame, problems: list[Problem]) -> None:
    """Each event states why it is in the chronology, in agreement with its own fields."""
    checkable = set(CRITERIA) - {"landmark", "rebellion", "notable"}
    # A row with a problem already (a bad count or date) is judged once it is fixed.
    flagged = {p.line for p in problems if p.file == events.attrs["path"]}
    for line, row in _rows(events):
        if line in flagged:
            continue
        stated = set(row["inclusion"] or [])
        met = criteria_met(row.to_dict())
        wrong = sorted((stated & checkable) - met)
        missing = sorted(met - stated)
        if wrong:
            problems.append(
                Problem(
                    events.attrs["path"],
                    line,
                    "inclusion",
                    f"states {', '.join(wrong)} but the row's own fields do not meet it "
                    f"({'; '.join(CRITERIA[c] for c in wrong)})",
                )
            )
        if missing:
            problems.append(
                Problem(
                    events.attrs["path"],
                    line,
                    "inclusion",
                    f"meets {', '.join(missing)} by its fields but does not say so; add it",
                )
            )
        if "notable" in stated and len(stated) > 1:
            problems.append(
                Problem(
                    events.attrs["path"],
                    line,
                    "inclusion",
                    "'notable' means outside the rule: it cannot stand beside a criterion",
                )
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
