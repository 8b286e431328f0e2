"""Resolve any spelling of an armed group's name to its group_id."""

from __future__ import annotations

import difflib

import pandas as pd

from analysis.core.text import alias_key


class UnknownGroupError(KeyError):
    """A name that matches no alias; the message lists the closest known names."""

    def __init__(self, name: str, suggestions: list[str]):
        self.name = name
        self.suggestions = suggestions
        hint = f"; closest known names: {', '.join(suggestions)}" if suggestions else ""
        super().__init__(f"unknown group name '{name}'{hint}")

    def __str__(self) -> str:  # KeyError would quote the message
        return self.args[0]


def group_names(row: pd.Series) -> list[str]:
    """Every name a groups.csv row answers to: id, name, acronym and aliases."""
    names = [row["group_id"], row["name"]]
    if isinstance(row.get("acronym"), str) and row["acronym"]:
        names.append(row["acronym"])
    names.extend(row.get("aliases") or [])
    return [n for n in names if isinstance(n, str) and n.strip()]


class AliasResolver:
    """Maps names to group ids; built from groups.csv."""

    def __init__(self, groups: pd.DataFrame):
        self._by_key: dict[str, str] = {}
        self._display: dict[str, str] = {}
        for _, row in groups.iterrows():
            for name in group_names(row):
                key = alias_key(name)
                if key:
                    self._by_key.setdefault(key, row["group_id"])
                    self._display.setdefault(key, name)

    def resolve(self, name: str) -> str:
        """The group_id for a name; raises UnknownGroupError with suggestions."""
        found = self.get(name)
        if found is None:
            raise UnknownGroupError(name, self.suggest(name))
        return found

    def get(self, name: str) -> str | None:
        """The group_id for a name, or None when it is unknown."""
        if not isinstance(name, str):
            return None
        return self._by_key.get(alias_key(name))

    def suggest(self, name: str, n: int = 5) -> list[str]:
        """The known names closest to an unknown one."""
        key = alias_key(name) if isinstance(name, str) else ""
        keys = difflib.get_close_matches(key, list(self._by_key), n=n, cutoff=0.5)
        if not keys and key:
            keys = [k for k in self._by_key if key in k or k in key][:n]
        return [f"{self._display[k]} ({self._by_key[k]})" for k in keys]

    @property
    def group_ids(self) -> set[str]:
        return set(self._by_key.values())
