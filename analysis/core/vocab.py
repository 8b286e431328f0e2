"""Vocabularies shared by the curated tables and the publishers' data, defined once."""

from __future__ import annotations

#: Harmonised event types: the curated events' vocabulary, onto which ACLED and UCDP types map.
EVENT_TYPES: tuple[str, ...] = (
    "battle",
    "explosion/remote violence",
    "violence against civilians",
    "kidnapping/hostage-taking",
    "other",
)
