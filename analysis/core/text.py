"""Comparison keys for names written many ways."""

from __future__ import annotations

import unicodedata


def alias_key(name: str) -> str:
    """Comparison key: no case, accents, apostrophes, hyphens or spaces ("Jama’at" == "jamaat")."""
    decomposed = unicodedata.normalize("NFKD", name)
    without_marks = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return "".join(ch for ch in without_marks.casefold() if ch.isalnum())
