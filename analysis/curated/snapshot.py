"""The curated tables of one run, loaded and checked once, never changed afterwards."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.config import CURATED_DIR
from analysis.core import origins
from analysis.curated import schema
from analysis.curated.aliases import AliasResolver
from analysis.curated.tables import load_table


@dataclass(frozen=True)
class CuratedSnapshot:
    """Every curated table of a folder; each access returns a copy, so no caller can change
    what another sees."""

    folder: Path
    _tables: dict[str, pd.DataFrame] = field(repr=False)
    resolver: AliasResolver = field(repr=False)

    def table(self, name: str) -> pd.DataFrame:
        """A copy of one table by name (``groups``, ``lineage``, ``events``...)."""
        try:
            return self._tables[name].copy()
        except KeyError:
            raise KeyError(
                f"unknown curated table '{name}'; known: {', '.join(self._tables)}"
            ) from None

    @property
    def sources(self) -> pd.DataFrame:
        return self.table("sources")

    @property
    def groups(self) -> pd.DataFrame:
        return self.table("groups")

    @property
    def lineage(self) -> pd.DataFrame:
        return self.table("lineage")

    @property
    def events(self) -> pd.DataFrame:
        return self.table("events")

    @property
    def polls(self) -> pd.DataFrame:
        return self.table("polls")

    @property
    def milestones(self) -> pd.DataFrame:
        return self.table("milestones")

    def path(self, name: str) -> Path:
        """The CSV file a table was read from."""
        return self.folder / f"{name}.csv"


def load_snapshot(
    folder: Path | None = None, tables: tuple[str, ...] | None = None
) -> CuratedSnapshot:
    """Load (and check) the curated tables of a folder once; each file read is recorded as an
    origin. Tables missing from the folder are left out (a fixture folder may hold a subset), and
    so are the curation tables (the candidate log) unless ``tables`` names them."""
    root = Path(folder or CURATED_DIR)
    loaded: dict[str, pd.DataFrame] = {}
    default = tuple(t for t in schema.TABLES if t not in schema.CURATION_TABLES)
    for name in tables or default:
        path = root / f"{name}.csv"
        if not path.exists():
            continue
        loaded[name] = load_table(name, root)
        origins.record_file("curated", path, rows=len(loaded[name]))
    groups = loaded.get("groups")
    resolver = AliasResolver(groups if groups is not None else _empty_groups())
    return CuratedSnapshot(root, loaded, resolver)


def _empty_groups() -> pd.DataFrame:
    return pd.DataFrame(columns=["group_id", "name", "acronym", "aliases"])
