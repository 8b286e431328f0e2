"""The parts every report is made of, the same for all three.

A report is a sequence of sections; a section is a tuple of blocks (prose, tables, figures, and
notes that say a part has no data). Each report module computes its sections as short functions
of the run context and its parameters; ``analysis.reports.page.show`` puts any section on the
page. Nothing here draws or displays.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd


@dataclass(frozen=True)
class Text:
    """Markdown prose: a template whose ``{name}`` fields are filled with escaped values."""

    template: str
    values: Mapping[str, Any] = field(default_factory=dict)

    def plain(self) -> str:
        """The text with its values filled in (unescaped), as a reader sees it."""
        return self.template.format(**self.values)


@dataclass(frozen=True)
class Table:
    """A reader's table with its caption, the decimals of its number columns and the source
    line of the datasets it is computed from (None: every dataset the run read). ``slug``
    names its CSV (default: from the caption)."""

    frame: pd.DataFrame
    caption: str
    decimals: Mapping[str, int] = field(default_factory=dict)
    source: str | tuple[str, ...] | None = None
    slug: str | None = None


@dataclass(frozen=True)
class NoData:
    """A section (or part) with no data, and how to get it; ``slug`` names the figure or
    table it stands in for, where it stands in for one. ``build_hint`` is for whoever builds
    the report (a command, a folder): printed to the build's log, never shown to readers."""

    what: str
    how_to_get: str = ""
    slug: str | None = None
    build_hint: str = ""


@dataclass(frozen=True)
class Chart:
    """A figure: its data (what its CSV holds), how to draw it, its caption and sources.

    Drawn as ``layout(*args, **options)`` when a layout (a function of analysis.figures that
    makes the figure and its panels) is given, else as ``draw(ax, *args, **options)`` on one new
    axes ``height`` inches tall. ``args`` defaults to ``(data,)``. ``source`` is one line, or one
    per panel where panels differ.
    """

    slug: str
    caption: str
    source: str | tuple[str, ...]
    data: Any
    draw: Callable[..., Any] | None = None
    layout: Callable[..., tuple[Any, Any]] | None = None
    args: tuple[Any, ...] | None = None
    options: Mapping[str, Any] = field(default_factory=dict)
    height: float = 3.6

    @property
    def arguments(self) -> tuple[Any, ...]:
        """What the draw or layout function is called with, before its options."""
        return (self.data,) if self.args is None else self.args


Block = Text | Table | NoData | Chart


@dataclass(frozen=True)
class Section:
    """One section of a report: its key and its blocks, in reading order. ``build_hints``
    are for whoever builds the report (a file that could not be read, a command that fetches
    one): printed to the build's log when the section is shown, never on the page."""

    key: str
    blocks: tuple[Block, ...] = ()
    build_hints: tuple[str, ...] = ()

    def charts(self) -> list[Chart]:
        """The section's figures."""
        return [b for b in self.blocks if isinstance(b, Chart)]

    def tables(self) -> list[Table]:
        """The section's tables."""
        return [b for b in self.blocks if isinstance(b, Table)]


def section(key: str, *blocks: Block | None, build_hints: Sequence[str] = ()) -> Section:
    """A section of the blocks given, in order; ``None`` (a part that does not apply) is left out."""
    return Section(key, tuple(b for b in blocks if b is not None), tuple(build_hints))


@dataclass(frozen=True)
class Report:
    """A built report: what its first cell shows, the lines its notebook checks with nbval,
    and its sections (brief and appendix) by key, in reading order.

    ``title`` and ``lede`` are set when they follow the parameters (else the notebook's own
    heading stands); ``front`` holds the facts of the report's card on the front page.
    ``data_through`` is the newest date the report's figures rest on (None: no dated data);
    the key findings, the page header, the front page and the manifest say it.
    """

    name: str
    key_findings: tuple[str, ...]
    sections: Mapping[str, Section]
    checks: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    title: str | None = None
    lede: str | None = None
    front: Mapping[str, Any] = field(default_factory=dict)
    data_through: date | None = None

    def __getitem__(self, key: str) -> Section:
        return self.sections[key]

    def charts(self) -> list[Chart]:
        """Every figure of the report, in order."""
        return [c for s in self.sections.values() for c in s.charts()]

    def tables(self) -> list[Table]:
        """Every table of the report, in order."""
        return [t for s in self.sections.values() for t in s.tables()]
