"""The brief and its appendix: the body's short tables keep their rows and lose only the long
columns, headers that could not wrap get spaces, and each notebook ends with an appendix whose
sections are those its report module fills."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pandas as pd

from analysis.reports import brief, coverage_notes, glossary
from analysis.reports import group_evolution as ge
from analysis.reports import public_opinion as po
from analysis.reports.parts import Table

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def milestones() -> pd.DataFrame:
    """Two hand-made milestones: one at day precision with a label, one spanning months."""
    return pd.DataFrame(
        {
            "date": pd.to_datetime(["2013-01-11", "2015-11-01"]),
            "date_precision": ["day", "month"],
            "end_date": pd.to_datetime(["2014-07-31", None]),
            "end_date_precision": ["day", None],
            "kind": ["foreign intervention", "state of emergency"],
            "label": ["Serval", "State of emergency 2015"],
            "description": ["France launched Operation Serval.", "A state of emergency."],
            "sources": [["cep-mali"], ["isn-2012"]],
        }
    )


def test_milestone_brief_keeps_date_kind_and_label():
    shown = brief.milestone_brief(milestones())
    assert list(shown.columns) == ["Date", "Kind", "Milestone"]
    # Dates at their precision, as the full table writes them (human_date).
    assert shown["Date"].tolist() == ["11 January 2013 – 31 July 2014", "November 2015"]
    assert shown["Milestone"].tolist() == ["Serval", "State of emergency 2015"]


def test_without_columns_and_readable_headers():
    part = Table(
        pd.DataFrame(
            {"date": ["2019-11-01"], "deaths": [54], "what happened": ["An attack on a camp."]}
        ),
        "The 1 deadliest events",
        {"deaths": 0},
    )
    body = brief.without_columns(part, ["what happened"], "what happened: appendix")
    assert list(body.frame.columns) == ["date", "deaths"]
    assert body.caption == "The 1 deadliest events (what happened: appendix)"
    assert body.decimals == {"deaths": 0}
    assert list(part.frame.columns) == ["date", "deaths", "what happened"]  # left as it was
    zones = Table(
        pd.DataFrame({"year": ["2012"], "deaths_weighted_latitude": [19.42]}),
        "Zones",
        {"deaths_weighted_latitude": 2},
    )
    wrapped = brief.readable_headers(zones)
    assert list(wrapped.frame.columns) == ["year", "deaths weighted latitude"]
    assert wrapped.decimals == {"deaths weighted latitude": 2}
    assert wrapped.frame.iloc[0, 1] == 19.42
    # The table keeps its kind and its source; a given rename is used, unless two columns would
    # then share a header (then both keep their names: no table shows one header twice).
    sourced = dataclasses.replace(zones, source="UCDP GED 25.1")
    renamed = brief.readable_headers(sourced, {"year": "year of the zones"})
    assert isinstance(renamed, Table) and renamed.source == "UCDP GED 25.1"
    assert list(renamed.frame.columns) == ["year of the zones", "deaths weighted latitude"]
    clash = brief.readable_headers(sourced, {"year": "deaths weighted latitude"})
    assert list(clash.frame.columns) == ["year", "deaths_weighted_latitude"]
    assert brief.without_columns(sourced, ["year"], "x").source == "UCDP GED 25.1"


def appendix_titles(name: str) -> list[str]:
    """The `###` titles after the notebook's `## Appendix` cell, in order."""
    cells = json.loads((NOTEBOOKS / f"{name}.ipynb").read_text(encoding="utf-8"))["cells"]
    texts = ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]
    start = next(i for i, t in enumerate(texts) if t.startswith("## Appendix"))
    assert not any(t.startswith("## ") for t in texts[start + 1 :]), "the appendix comes last"
    return [t[4:].strip() for t in texts[start + 1 :] if t.startswith("### ")]


def test_each_notebook_ends_with_its_appendix():
    assert appendix_titles("public_opinion") == list(po.APPENDIX.values())
    assert appendix_titles("group_evolution") == list(ge.APPENDIX.values())
    attack = appendix_titles("attack_trends")
    assert attack[0] == "Latest weeks by group" and attack[-3] == "Milestones in full"
    assert attack[-2:] == [coverage_notes.HEADING, glossary.HEADING]
    assert "Method notes" in attack and "Names that match no group or area" in attack
