"""Every dotted name the README and docs/ give as ``analysis.<module>.<name>`` exists."""

from __future__ import annotations

import importlib
import re

import pytest

from analysis.config import PROJECT_ROOT

PAGES = [PROJECT_ROOT / "README.md", *sorted((PROJECT_ROOT / "docs").glob("*.md"))]
NAME = re.compile(r"`(analysis(?:\.[A-Za-z_]\w*)+)")


def documented_names() -> list[tuple[str, str]]:
    found = []
    for page in PAGES:
        for name in sorted(set(NAME.findall(page.read_text(encoding="utf-8")))):
            found.append((page.name, name))
    return found


def resolve(dotted: str) -> object:
    """The object a dotted name names: the longest importable module, then attributes."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[cut:]:
            target = getattr(target, attribute)
        return target
    raise ModuleNotFoundError(dotted)


@pytest.mark.parametrize(("page", "name"), documented_names(), ids=lambda v: str(v))
def test_documented_name_resolves(page, name):
    assert resolve(name) is not None, f"{page}: {name}"


def test_the_names_the_issue_found_missing_are_not_documented():
    text = "".join(page.read_text(encoding="utf-8") for page in PAGES)
    assert "analysis.events.load" not in text and "analysis.curated.aliases.resolve" not in text
    assert len(documented_names()) >= 3
