"""Provenance recorded forward: a build records what each notebook read, and never reuses a
result that came from a volatile origin (an API answer) — demonstrated against a loopback ACLED
API whose answer changes between two builds."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from analysis.core import origins
from analysis.curated.snapshot import load_snapshot
from analysis.pipeline.command import EXIT_OK, BuildOptions, build
from analysis.reports.context import open_run
from tests.test_events_acled_api import ROWS, fake_acled  # noqa: F401  (the server fixture)

NOTEBOOKS = Path(__file__).parent / "fixtures" / "api_notebooks"
CURATED_MIN = Path(__file__).parent / "fixtures" / "curated_min"


def _build(out: Path, day: str) -> dict:
    options = BuildOptions(out=out, run_date=day, jobs=1, notebooks_dir=NOTEBOOKS, input_dirs=())
    err = io.StringIO()
    assert build(options, io.StringIO(), err) == EXIT_OK, err.getvalue()
    manifest = json.loads((out / day / "manifest.json").read_text(encoding="utf-8"))
    (entry,) = manifest["notebooks"]
    return entry


def _printed(out: Path, day: str) -> str:
    nb = json.loads((out / day / "acled_api_view.ipynb").read_text(encoding="utf-8"))
    texts = [o.get("text", "") for c in nb["cells"] for o in c.get("outputs", [])]
    return "".join("".join(t) if isinstance(t, list) else t for t in texts)


@pytest.mark.slow
def test_api_origin_is_recorded_and_a_changed_answer_is_re_executed(fake_acled, tmp_path):  # noqa: F811
    state, base = fake_acled
    out = tmp_path / "reports"
    first = _build(out, "2026-11-20")
    api = [o for o in first["origins"] if o["kind"] == "api"]
    assert len(api) == 1
    (origin,) = api
    assert origin["dataset"] == "acled-api"
    assert origin["where"] == f"{base}/api/acled/read"
    assert origin["query"] == {"country": "Mali", "end": "2023-12-31", "start": "2023-01-01"}
    assert origin["rows"] == 3 and origin["volatile"] is True
    assert origin["answered_at"][:2] == "20"  # an ISO time stamp of the answer
    assert "events from the API: 3" in _printed(out, "2026-11-20")
    # The page's header names the API answer as the data read.
    page = (out / "2026-11-20" / "acled_api_view.html").read_text(encoding="utf-8")
    assert "Armed Conflict Location &amp; Event Data (ACLED), API" in page

    # Same files, code and parameters, but the API now answers one more event: re-executed.
    state.rows.append({**ROWS[0], "event_id_cnty": "MLI99999", "event_date": "2023-09-01"})
    second = _build(out, "2026-11-27")
    assert second["reused_from"] is None
    assert second["executed_because"].startswith("not reused: acled-api was read from an API")
    assert "events from the API: 4" in _printed(out, "2026-11-27")


def test_a_run_context_logs_curated_files_and_events_with_their_sha256():
    ctx = open_run("2012-01-01", "2025-12-31", curated_dir=CURATED_MIN)
    ctx.load_events("curated", path=CURATED_MIN / "events.csv")
    read = list(ctx.origins)
    assert {o.dataset for o in read} == {"curated"}
    where = {Path(o.where).name for o in read}
    assert {"groups.csv", "events.csv", "sources.csv"} <= where
    events_origin = next(o for o in read if o.where.endswith("events.csv"))
    assert events_origin.sha256 == origins.sha256_file(CURATED_MIN / "events.csv")
    assert not ctx.origins.volatile()


def test_snapshot_tables_cannot_be_changed_by_a_caller():
    snapshot = load_snapshot(CURATED_MIN)
    groups = snapshot.groups
    groups.loc[:, "name"] = "changed"
    assert "changed" not in set(snapshot.groups["name"])
    assert snapshot.resolver.get(snapshot.groups["group_id"].iloc[0]) is not None


def test_a_file_read_twice_is_one_origin_and_named_once_in_the_header():
    """The snapshot reads events.csv, then the chronology is read again as event data."""
    from analysis.pipeline import provenance

    ctx = open_run("2012-01-01", "2025-12-31", curated_dir=CURATED_MIN)
    ctx.load_events("curated", path=CURATED_MIN / "events.csv")
    events_read = [o for o in ctx.origins if o.where.endswith("events.csv")]
    assert len(events_read) == 1
    (curated,) = provenance.report_data(list(ctx.origins))["vintages"]
    tables = curated["version"].split(";")[0]
    assert tables == "events, groups, lineage, milestones, polls, sources"
