"""Comparison keys for names written many ways, and labels without invisible characters."""

from __future__ import annotations

import re
import unicodedata


def alias_key(name: str) -> str:
    """Comparison key: no case, accents, apostrophes, hyphens or spaces ("Jama’at" == "jamaat")."""
    decomposed = unicodedata.normalize("NFKD", name)
    without_marks = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return "".join(ch for ch in without_marks.casefold() if ch.isalnum())


#: Control characters of ASCII text (tab, line feed and carriage return are whitespace, kept).
_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: Unicode categories of invisible characters that change how the text around them is drawn
#: or read: controls (Cc), format characters (Cf: bidi overrides and isolates, zero-width
#: spaces and joiners, soft hyphens) and line/paragraph separators (Zl, Zp).
_INVISIBLE_CATEGORIES = ("Cc", "Cf", "Zl", "Zp")


def first_invisible(text: str) -> str | None:
    """The first invisible control or format character of a label (a bidi override U+202E
    reverses the text drawn after it), or None."""
    if text.isascii():
        found = _ASCII_CONTROL.search(text)
        return found.group() if found else None
    return next((ch for ch in text if _is_invisible(ch)), None)


def without_invisible(text: str) -> str:
    """The label without its invisible control and format characters."""
    if first_invisible(text) is None:
        return text
    return "".join(ch for ch in text if not _is_invisible(ch))


def _is_invisible(ch: str) -> bool:
    return ch not in "\t\n\r" and unicodedata.category(ch) in _INVISIBLE_CATEGORIES
