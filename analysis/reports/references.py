"""Numbered references to the curated bibliography (data/curated/sources.csv).

A curated row cites its sources by id (``un-qde159-jnim``); a reader sees a number instead
(``[3]``) that links to the entry, with its title, publisher, date and URL, in the report's
References section. Sources are numbered in the order a report first cites them; the numbers
restart with each run (``analysis.reports.numbering``, which makes the bibliography from the
run's sources.csv). Light on purpose: the build reads the references of a page without pandas.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

#: The anchor of reference N in a report: ``#ref-N``.
ANCHOR = "ref-{number}"


@dataclass(frozen=True)
class Reference:
    """One cited source: its number in the report and its bibliography entry."""

    number: int
    source_id: str
    title: str = ""
    publisher: str = ""
    published: str = ""
    url: str = ""

    @property
    def anchor(self) -> str:
        """The id of its entry in the References section."""
        return ANCHOR.format(number=self.number)

    def as_json(self) -> dict[str, Any]:
        """The entry as output metadata and the spreadsheet carry it."""
        return asdict(self)

    @classmethod
    def from_json(cls, record: Mapping[str, Any]) -> Reference:
        """The entry from its metadata form."""
        fields = ("source_id", "title", "publisher", "published", "url")
        return cls(int(record["number"]), *(str(record.get(f) or "") for f in fields))


def id_pattern(source_ids: Iterable[str]) -> re.Pattern[str] | None:
    """A pattern that finds these ids as whole words in text (longest first, so that
    ``cep-mali-2`` is never read as ``cep-mali``); None for no ids."""
    ids = sorted({i for i in source_ids if i}, key=lambda i: (-len(i), i))
    if not ids:
        return None
    # An id ends before a sentence's full stop ("... cep-mali."), not inside another word.
    words = "|".join(re.escape(i) for i in ids)
    return re.compile(rf"(?<![\w.\-])(?:{words})(?![\w\-]|\.\w)")


def split_cited(text: str, pattern: re.Pattern[str] | None) -> list[str | tuple[str]]:
    """The text cut into plain pieces (str) and cited ids (a 1-tuple ``(id,)``), in order."""
    if pattern is None or "-" not in text:
        return [text] if text else []
    pieces: list[str | tuple[str]] = []
    last = 0
    for match in pattern.finditer(text):
        if match.start() > last:
            pieces.append(text[last : match.start()])
        pieces.append((match.group(0),))
        last = match.end()
    if last < len(text):
        pieces.append(text[last:])
    return pieces


#: What may separate the ids of a list of sources ("a, b; c | d").
_LIST_SEPARATORS = re.compile(r"[\s,;|]*")


def only_citations(pieces: list[str | tuple[str]]) -> bool:
    """True when the pieces are ids and separators only (a cell listing sources)."""
    return any(isinstance(p, tuple) for p in pieces) and all(
        isinstance(p, tuple) or _LIST_SEPARATORS.fullmatch(p) for p in pieces
    )


class Bibliography:
    """The curated sources of a run (``entries``: source id -> title, publisher, published,
    url, as text), and the numbers given to those a report has cited."""

    def __init__(self, entries: Mapping[str, Mapping[str, str]] | None = None) -> None:
        fields = ("title", "publisher", "published", "url")
        self._entries = {
            str(key): {f: str(entry.get(f) or "") for f in fields}
            for key, entry in (entries or {}).items()
        }
        self._numbers: dict[str, Reference] = {}
        self.pattern = id_pattern(self._entries)

    def __contains__(self, source_id: object) -> bool:
        return source_id in self._entries

    def cite(self, source_id: str) -> tuple[Reference, bool]:
        """The reference of a known source id, and whether this cite numbered it (its first)."""
        if source_id in self._numbers:
            return self._numbers[source_id], False
        entry = self._entries[source_id]
        reference = Reference(len(self._numbers) + 1, source_id, **entry)
        self._numbers[source_id] = reference
        return reference, True

    def cited(self) -> list[Reference]:
        """Every reference numbered so far, by number."""
        return sorted(self._numbers.values(), key=lambda r: r.number)

    def split(self, text: str) -> list[str | tuple[str]]:
        """The text cut into plain pieces and the ids of this bibliography it cites."""
        return split_cited(text, self.pattern)


def merged(records: Iterable[Mapping[str, Any]]) -> list[Reference]:
    """References gathered from several outputs: each number once, in order."""
    found: dict[int, Reference] = {}
    for record in records:
        reference = Reference.from_json(record)
        found[reference.number] = reference
    return [found[n] for n in sorted(found)]
