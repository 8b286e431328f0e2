"""What a report says about data it did not read: a short note where a part is missing, and the
appendix's coverage notes, in words for readers.

A reader of the page never sees the machine that built it. So a dataset that was absent there
(or left out by the report's data-source choice) is a coverage note of the appendix, saying what
the report leaves out and where the publisher offers the data; the body's part says only that
this edition was built without it. The command that would fetch the file is for whoever builds
the report: it travels as ``NoData.build_hint`` to the build's log, never to the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from analysis.reports.parts import NoData, Section, Text, section
from analysis.sources import register

#: What the body's parts point to (the appendix section's title in the notebooks).
HEADING = "Data coverage"
WHERE = "Why, and where its publisher offers it: appendix, data coverage."


@dataclass(frozen=True)
class Unread:
    """A dataset the report can use that this edition did not read: its register key, what
    the report leaves out without it, what the edition was built from instead when its choice
    of data left the dataset out (``chosen_from``, e.g. 'the curated tables'; empty: the data
    was absent), and the builder's hint (how to get the file)."""

    key: str
    left_out: str
    chosen_from: str = ""
    build_hint: str = ""

    @property
    def why(self) -> str:
        """Why this edition did not read it, in words."""
        if self.chosen_from:
            return f"this edition was built from {self.chosen_from} alone"
        return "not available when this edition was built"

    @property
    def title(self) -> str:
        """The dataset's name as readers see it in headers and source lines."""
        return register.entry(self.key).title


def offered(key: str) -> str:
    """Where a dataset's publisher offers it, and under which licence, in one sentence:
    'Uppsala Conflict Data Program, Uppsala University offers it at https://... (licence: CC BY
    4.0 ...).' (the register's, which the tables layer also uses)."""
    return register.offered(key)


def missing_part(unread: Unread, what: str = "") -> NoData:
    """The body's note for a part that needs an unread dataset: that this edition was built
    without it, and that the appendix says why and where to find it."""
    lead = f"{what}: " if what else ""
    built = (
        f"this edition was built from {unread.chosen_from} alone, without"
        if unread.chosen_from
        else "this edition was built without"
    )
    return NoData(f"{lead}{built} the {unread.title}", WHERE, build_hint=unread.build_hint)


def note(unread: Unread) -> tuple[str, str]:
    """One coverage note: the dataset's name, then why it was not read, what that leaves out,
    and where its publisher offers it."""
    return unread.title, (
        f"({unread.why}). Without it, the report leaves out {unread.left_out}. "
        f"{offered(unread.key)}"
    )


def coverage_section(key: str, unread: Sequence[Unread], read: Sequence[str] = ()) -> Section:
    """The appendix's coverage notes: each dataset this edition did not read (``unread``), or,
    when it read all it can use, that it did; ``read`` adds sentences on what the data cover."""
    facts = [Text("{text}", {"text": sentence}) for sentence in read]
    if not unread:
        return section(
            key,
            Text(
                "This edition read every dataset the report can use; each is listed, with its "
                "version and licence, under Data sources and licences."
            ),
            *facts,
        )
    # The names and sentences are values (escaped on the page), the list's markup the template.
    template = "\n".join(f"- **{{name{i}}}** {{text{i}}}" for i in range(len(unread)))
    values = {}
    for i, item in enumerate(unread):
        values[f"name{i}"], values[f"text{i}"] = note(item)
    return section(
        key,
        Text(
            "This edition was built without some of the data the report can use; the figures "
            "and findings that need it are left out, not estimated."
        ),
        Text(template, values),
        *facts,
    )
