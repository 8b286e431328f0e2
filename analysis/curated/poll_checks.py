"""Checks of polls.csv that look across rows: a series that mixes populations must say so."""

from __future__ import annotations

import re

import pandas as pd

from analysis.curated.validation import Problem


def population_key(population: str) -> str:
    """Population without parenthetical detail, lower case: 'urban (Bamako ...)' -> 'urban'."""
    return re.sub(r"\s*\([^)]*\)", "", str(population)).strip().casefold()


def series_population_problems(polls: pd.DataFrame) -> list[Problem]:
    """Rows of a series that mixes populations across polls without a note saying so.

    A series mixes populations when its polls did not all survey the same populations (compared
    without parenthetical detail). Every row whose population is not shared by all the series'
    polls must carry a note, so the report can say why the figures differ in coverage.
    """
    problems: list[Problem] = []
    path = polls.attrs.get("path", "polls.csv")
    lines = polls.attrs.get("lines")
    if lines is None or len(lines) != len(polls):
        lines = [0] * len(polls)  # a subset of the table: physical lines no longer known
    frame = polls.assign(_line=list(lines), _key=polls["population"].map(population_key))
    for qid, block in frame.groupby("question_id", sort=False):
        per_poll = {poll: set(keys) for poll, keys in block.groupby("poll_id")["_key"]}
        if len(per_poll) < 2:
            continue
        shared = set.intersection(*per_poll.values())
        if all(keys == shared for keys in per_poll.values()):
            continue
        described = "; ".join(
            f"{poll}: {', '.join(sorted(keys))}" for poll, keys in per_poll.items()
        )
        for _, row in block.iterrows():
            note = row.get("notes")
            if row["_key"] in shared or (isinstance(note, str) and note.strip()):
                continue
            problems.append(
                Problem(
                    path,
                    int(row["_line"]),
                    "notes",
                    f"question_id '{qid}' mixes populations across polls ({described}) and this "
                    f"row ({row['population']}) has no note saying so; add a note or give the "
                    "figure its own question_id",
                )
            )
    return problems
