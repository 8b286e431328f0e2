"""What a researcher calls from a notebook: display helpers that take the canonical tables and
return nothing, docstrings that list the accepted values, messages through logging."""

from __future__ import annotations

import argparse
import logging

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from analysis.cli import main
from analysis.figures import style
from analysis.reports import page
from analysis.reports.parts import NoData, Report, Table, Text, section
from analysis.reports.takeaway import takeaway
from analysis.sources import fetch
from analysis.tables import coverage, events


@pytest.fixture
def shown(monkeypatch):
    """What the helpers put on the page (IPython's display replaced)."""
    items = []
    monkeypatch.setattr(page, "display", lambda obj, metadata=None: items.append(obj.data))
    return items


def cells(html: str) -> list[str]:
    import re

    return re.findall(r'<td class="text">(.*?)</td>', html)


def test_table_html_shows_list_and_array_cells_as_text():
    frame = pd.DataFrame(
        {
            "event": ["a", "b", "c"],
            "perpetrators": [["jnim", "isgs"], np.array(["aqim"]), []],
        }
    )
    assert cells(page.table_html(frame)) == ["a", "jnim; isgs", "b", "aqim", "c", ""]


def test_table_html_takes_pyarrow_list_columns_as_the_event_table_has():
    """The canonical event table's group_ids is a pyarrow list column: a row of it holds numpy
    arrays ("The truth value of an array ... is ambiguous" before)."""
    ids = pd.Series([["jnim", "isgs"], ["aqim"]], dtype=pd.ArrowDtype(pa.list_(pa.string())))
    frame = pd.DataFrame({"event_id": ["e1", "e2"], "group_ids": ids})
    assert cells(page.table_html(frame)) == ["e1", "jnim; isgs", "e2", "aqim"]
    csv = takeaway(frame, "curated").csv.splitlines()
    assert csv == ["event_id,group_ids", "e1,jnim; isgs", "e2,aqim"]


def test_the_curated_event_table_shows_as_a_table(shown):
    table = events.load("curated", country="Mali", start="2015-11-20", end="2015-11-20")
    assert page.table(table, "One day") is None
    (html,) = shown
    # the page may break long words (<wbr>): read the cell text without them
    (row,) = [
        r.replace("<wbr>", "") for r in html.split("<tr>") if "bamako" in r.lower() and "<td" in r
    ]
    assert "al-mourabitoun; aqim" in row or "aqim; al-mourabitoun" in row


def test_every_display_helper_returns_nothing(shown, tmp_path, monkeypatch):
    monkeypatch.setenv(page.FIGURES_DIR_ENV, str(tmp_path))
    page.reset_figure_numbers()
    frame = pd.DataFrame({"region": ["Gao"], "events": [3]})
    fig, ax = style.new_figure()
    ax.bar([0], [3])
    report = Report(
        name="t",
        key_findings=("Three events.",),
        sections={"s": section("s", Text("{n} events.", {"n": 3}), Table(frame, "Counts"),
                               NoData("no map", "run make data"))},
        title="T",
        lede="L",
    )  # fmt: skip
    results = [
        page.md("{n} events", n=3),
        page.key_findings(["One."]),
        page.no_data("boundaries", "run make data"),
        page.figure(fig, "bars", "Bars.", source="fixture"),
        page.table(frame, "Counts"),
        page.show_block(NoData("boundaries", "the 2015 boundaries would fill it")),
        page.show(report, "s"),
        page.front(report),
    ]
    assert results == [None] * len(results)
    assert len(shown) >= 9


def test_docstrings_list_the_accepted_values():
    for name in events.DATASETS:
        assert f"{name}," in events.load.__doc__ or f"{name} " in events.load.__doc__, name
    for name in coverage.EVENT_SOURCES:
        assert name in coverage.select_events.__doc__, name


def test_commands_print_their_messages_as_before(capsys, tmp_path):
    assert main(["data", "fetch", "no-such-dataset", "--raw-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("unknown dataset(s): no-such-dataset; known: ucdp-ged")


def test_a_library_user_can_redirect_or_silence_the_messages(tmp_path):
    """Called from Python, the command's messages go to the loggers, not to the terminal."""
    records: list[logging.LogRecord] = []
    collector = logging.Handler()
    collector.emit = records.append
    logger = logging.getLogger("analysis")
    saved = logger.level, logger.propagate, list(logger.handlers)
    try:
        logger.handlers = [collector]
        logger.setLevel(logging.INFO)
        args = argparse.Namespace(action="fetch", names=["no-such-dataset"], raw_dir=tmp_path)
        assert fetch.run(args) == 2
        (record,) = records
        assert record.name == "analysis.sources.fetch" and record.levelno == logging.ERROR
        assert record.getMessage().startswith("unknown dataset(s): no-such-dataset")
        logger.setLevel(logging.CRITICAL)  # silenced
        assert fetch.run(args) == 2
        assert len(records) == 1
    finally:
        logger.setLevel(saved[0])
        logger.propagate = saved[1]
        logger.handlers = saved[2]
