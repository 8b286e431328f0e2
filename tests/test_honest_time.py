"""Honest time (issue 13): no data is not zero, periods that follow the run, what changed.

Every series here is made by hand, and every expected number is worked out in a comment:
data ending mid-period, starting late, a gap in the middle, zero months inside coverage. The
ACLED export is hand-written in ACLED's export layout (the header of
tests/fixtures/events/acled_export_current.csv) with invented events.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.analyses import changepoints, geoshift, trends
from analysis.core import relative_dates
from analysis.tables import coverage as cov
from analysis.tables import events as event_tables
from analysis.tables.events import Coverage

FIXTURES = Path(__file__).parent / "fixtures" / "events"
T = pd.Timestamp


def frame(rows: list[tuple[str, int]], zone_admin1: str = "Gao") -> pd.DataFrame:
    """Canonical-looking events: (date, deaths) pairs, all in one region."""
    return pd.DataFrame(
        {
            "event_id": [f"e{i}" for i in range(len(rows))],
            "date": pd.to_datetime([d for d, _ in rows]),
            "deaths_best": [float(n) for _, n in rows],
            "deaths_low": [np.nan] * len(rows),
            "deaths_high": [np.nan] * len(rows),
            "admin1": [zone_admin1] * len(rows),
            "latitude": [16.0] * len(rows),
            "country": ["Mali"] * len(rows),
        }
    )


def span(first: str, last: str) -> Coverage:
    return Coverage.between("acled", date.fromisoformat(first), date.fromisoformat(last), "test")


# --- per_period: covered, zero and missing ----------------------------------------------------


def test_data_ending_mid_period_is_missing_after_and_partial_in_the_last_month():
    # events: 2 in January, 0 in February (covered: a true zero), 1 on 10 March; the export
    # stops on 15 March; the report period runs to 30 June.
    events = frame([("2024-01-05", 3), ("2024-01-20", 1), ("2024-03-10", 7)])
    table = trends.per_period(
        events, "month", "2024-01-01", "2024-06-30", span("2024-01-01", "2024-03-15")
    )
    assert list(table.index) == [T("2024-01-01") + pd.DateOffset(months=k) for k in range(6)]
    assert table.loc[T("2024-01-01"), "events"] == 2
    assert table.loc[T("2024-01-01"), "deaths_best"] == 4
    assert table.loc[T("2024-02-01"), "events"] == 0  # covered, no events: zero
    assert table.loc[T("2024-03-01"), "events"] == 1
    # April to June: not covered, missing, never 0
    assert table.loc[T("2024-04-01") :, "events"].isna().all()
    assert table.loc[T("2024-04-01") :, "deaths_best"].isna().all()
    # March is covered for 15 of its 31 days: marked partial, left out of whole periods
    assert table.loc[T("2024-03-01"), "covered_share"] == pytest.approx(15 / 31)
    assert list(trends.whole_periods(table).index) == [T("2024-01-01"), T("2024-02-01")]


def test_data_starting_late_is_missing_before():
    # coverage starts on 1 March; the period on 1 January
    events = frame([("2024-03-02", 1), ("2024-05-30", 2)])
    table = trends.per_period(
        events, "month", "2024-01-01", "2024-05-31", span("2024-03-01", "2024-05-31")
    )
    assert table["events"].isna().tolist() == [True, True, False, False, False]
    assert table["events"].tolist()[2:] == [1, 0, 1]  # April covered with no events: 0
    assert table["covered_share"].tolist() == [0, 0, 1, 1, 1]


def test_a_gap_in_the_middle_is_missing_and_zero_months_inside_coverage_are_zero():
    gap = Coverage(
        "acled",
        ((date(2024, 1, 1), date(2024, 2, 29)), (date(2024, 4, 1), date(2024, 5, 31))),
        "test",
    )
    events = frame([("2024-01-10", 1), ("2024-05-05", 1)])
    table = trends.per_period(events, "month", "2024-01-01", "2024-05-31", gap)
    # Jan 1, Feb 0 (covered), Mar missing (the gap), Apr 0 (covered), May 1
    assert table["events"].fillna(-1).tolist() == [1, 0, -1, 0, 1]
    assert gap.gaps() == ((date(2024, 3, 1), date(2024, 3, 31)),)
    assert gap.days_covered(date(2024, 2, 15), date(2024, 4, 10)) == 15 + 10


def test_the_frame_carries_its_coverage_and_a_fully_covered_series_keeps_integers():
    events = frame([("2024-01-10", 1), ("2024-02-05", 2)])
    events.attrs["coverage"] = span("2024-01-01", "2024-02-29")
    table = trends.per_period(events, "month")
    assert table["events"].dtype == "int64" and table["events"].tolist() == [1, 1]
    assert table["covered_share"].tolist() == [1.0, 1.0]


# --- change points on covered periods only ----------------------------------------------------


def steady_then(tail: list[float]) -> pd.Series:
    # 12 months of about 10 events, then the tail
    head = [9, 11, 10, 12, 8, 10, 11, 9, 10, 12, 9, 10]
    values = head + tail
    return pd.Series(values, index=pd.date_range("2023-01-01", periods=len(values), freq="MS"))


def test_no_change_point_at_the_end_of_coverage():
    # the data stops after 12 months; the report period runs 12 more: missing, not zero
    missing = steady_then([np.nan] * 12)
    assert changepoints.detect_change_points(missing) == []
    # the same months as covered zeros are a real fall: one break, in January 2024, down
    zeros = steady_then([0.0] * 12)
    found = changepoints.detect_change_points(zeros)
    assert [(p.date, p.direction, p.mean_after) for p in found] == [(T("2024-01-01"), "down", 0.0)]


def test_a_break_after_a_gap_is_dated_after_the_gap_and_says_so():
    # 8 months at 2, a 3-month gap, 8 months at 20
    values = [2, 1, 3, 2, 2, 1, 3, 2] + [np.nan] * 3 + [20, 22, 18, 21, 19, 20, 23, 17]
    series = pd.Series(values, index=pd.date_range("2023-01-01", periods=19, freq="MS"))
    (point,) = changepoints.detect_change_points(series)
    # the first period after the gap: month 12 of the series, December 2023
    assert (point.date, point.position, point.after_gap) == (T("2023-12-01"), 11, True)
    assert point.mean_before == 2.0 and point.mean_after == 20.0  # 16/8 and 160/8
    table = changepoints.change_point_table([point])
    assert table.iloc[0]["direction"] == "up (after a gap in coverage)"


# --- geographic shift windows -----------------------------------------------------------------


def test_shift_windows_use_whole_covered_years_and_say_why_they_are_shorter():
    # covered 2020-01-01 to 2023-06-30: three whole years (2020-2022), 2023 partial
    events = frame([("2020-05-01", 10), ("2021-05-01", 10), ("2022-05-01", 10), ("2023-05-01", 10)])
    shift = geoshift.geographic_shift(events, span("2020-01-01", "2023-06-30"))
    assert list(shift.index) == [2020, 2021, 2022, 2023]
    assert shift.loc[2023, "covered_share"] == pytest.approx(181 / 365)
    verdict = geoshift.shift_verdict(shift, window=3, min_events=1)
    # 3 whole years < two windows of 3: windows of 1 year each, 2020 and 2022
    assert (verdict.early_years, verdict.late_years) == ((2020, 2020), (2022, 2022))
    assert verdict.note == (
        "2023 is only partly covered by the data and left out of the windows. The windows are "
        "shortened to 1 year each: the data covers 3 whole years, fewer than two windows of 3."
    )
    assert verdict.note in verdict.sentence()


def test_a_covered_year_without_events_is_listed_and_an_uncovered_one_is_not():
    events = frame([("2020-05-01", 10), ("2022-05-01", 10)])
    shift = geoshift.geographic_shift(events, span("2020-01-01", "2022-12-31"))
    assert list(shift.index) == [2020, 2021, 2022]
    assert shift.loc[2021, "events_north"] == 0
    only_2020 = geoshift.geographic_shift(events, span("2020-01-01", "2020-12-31"))
    assert list(only_2020.index) == [2020]
    verdict = geoshift.shift_verdict(only_2020, window=3, min_events=1)
    assert verdict.verdict == "cannot be tested with this data"
    assert verdict.sentence() == (
        "The claim cannot be tested with this data: the data covers too few whole years for two "
        "windows. The data covers only 1 whole year, too few for two windows."
    )


# --- annual series: the Sahel comparison -------------------------------------------------------


def test_a_year_a_country_does_not_cover_is_missing_and_not_compared():
    annual = pd.DataFrame(
        {
            "country": ["Mali", "Mali", "Mali", "Burkina Faso", "Burkina Faso"],
            "year": [2021, 2022, 2023, 2021, 2022],
            "deaths_best": [900, 1000, 1100, 800, 1200],
        }
    )
    wide = trends.annual_wide(annual)
    assert np.isnan(wide.loc[2023, "Burkina Faso"])  # not 0
    assert trends.first_year_above(wide, "Burkina Faso", "Mali") == 2022
    assert trends.first_year_above(wide, "Mali", "Burkina Faso") == 2021
    assert trends.first_year_above(wide, "Mali", "Mali") is None  # a report on Mali itself


# --- coverage read from the files -------------------------------------------------------------


def write_acled_export(path: Path, rows: list[tuple[str, str, str, int]]) -> Path:
    """An export in ACLED's current layout (header of the committed fixture); each row is
    (event id, date, country, fatalities), everything else copied from the fixture's first
    invented row."""
    with (FIXTURES / "acled_export_current.csv").open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        header, template = reader.fieldnames, next(reader)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header)
        writer.writeheader()
        for event_id, day, country, deaths in rows:
            writer.writerow(
                {
                    **template,
                    "event_id_cnty": event_id,
                    "event_date": day,
                    "year": day[:4],
                    "country": country,
                    "fatalities": str(deaths),
                    "notes": "Fictional: invented for the honest-time tests.",
                }
            )
    return path


def test_an_acled_export_covers_from_its_first_to_its_last_event(tmp_path):
    export = write_acled_export(
        tmp_path / "acled_export.csv",
        [
            ("MLI99001", "2024-01-04", "Mali", 5),
            ("MLI99002", "2024-02-14", "Mali", 0),
            ("BFO99003", "2024-03-15", "Burkina Faso", 2),  # the export's last day
        ],
    )
    mali = event_tables.load("acled", export, country="Mali", start="2024-01-01", end="2024-06-30")
    coverage = mali.attrs["coverage"]
    # the export is cut at 15 March for every country in it, Mali included
    assert (coverage.first, coverage.last) == (date(2024, 1, 4), date(2024, 3, 15))
    table = trends.per_period(mali, "month", "2024-01-01", "2024-06-30", coverage)
    assert table["events"].fillna(-1).tolist() == [1, 1, 0, -1, -1, -1]
    niger = event_tables.load("acled", export, country="Niger")
    assert niger.attrs["coverage"].spans == ()
    assert cov.coverage_sentences({"ACLED export": niger.attrs["coverage"]}, date(2024, 6, 30)) == [
        "The ACLED export does not cover this country (no row for this country in the file)."
    ]


def test_a_ged_release_covers_what_ucdp_states():
    ged = event_tables.load("ucdp-ged", FIXTURES / "ged_v25_1.csv")
    coverage = ged.attrs["coverage"]
    # GED 25.1 covers 1989 to the end of 2024
    assert (coverage.first, coverage.last) == (date(1989, 1, 1), date(2024, 12, 31))
    assert coverage.basis == "release 25.1's stated span"


def test_coverage_sentences_say_where_each_source_ends():
    acled = span("2024-01-04", "2024-03-15")
    owid = Coverage.between(
        "owid", date(2012, 1, 1), date(2023, 12, 31), "the series' first and last year"
    )
    assert cov.coverage_sentences(
        {"ACLED export": acled, "OWID series": owid}, date(2024, 6, 30)
    ) == [
        "The ACLED export covers 4 January 2024 to 15 March 2024 (test); from 16 March 2024 on "
        "it has no data, shown as missing, not as zero.",
        # the period written one way (period_text), whole years too
        "The OWID series covers 1 January 2012 to 31 December 2023 (the series' first and last "
        "year); from 1 January 2024 on it has no data, shown as missing, not as zero.",
    ]


# --- the period follows the run ---------------------------------------------------------------


def test_relative_dates_resolve_against_the_run_date():
    run = date(2026, 11, 27)
    assert relative_dates.resolve("today", run) == run
    assert relative_dates.resolve("-52w", run) == date(2025, 11, 28)  # 364 days back
    assert relative_dates.resolve("-30d", run) == date(2026, 10, 28)
    assert relative_dates.resolve("-1m", date(2026, 3, 31)) == date(2026, 2, 28)
    assert relative_dates.resolve("-2y", date(2024, 2, 29)) == date(2022, 2, 28)
    assert relative_dates.is_relative(" Today ") and not relative_dates.is_relative("2026-01-01")
    with pytest.raises(ValueError, match="not a relative date"):
        relative_dates.resolve("-52", run)


def test_the_run_date_comes_from_the_build(monkeypatch):
    monkeypatch.setenv(relative_dates.RUN_DATE_ENV, "2026-11-27")
    assert relative_dates.run_date() == date(2026, 11, 27)


def test_a_relative_end_stops_at_the_data_and_a_written_end_is_kept():
    acled = span("2024-01-04", "2025-06-14")
    run = date(2026, 11, 27)
    end = cov.report_end(run, True, run, acled, "ACLED export")
    assert end.end == date(2025, 6, 14)
    assert end.sentence == (
        "The period ends on 14 June 2025, the last day the ACLED export covers, which is earlier "
        "than the run date (27 November 2026)."
    )
    kept = cov.report_end(date(2025, 12, 31), False, run, acled, "ACLED export")
    assert kept.end == date(2025, 12, 31)
    assert kept.sentence == (
        "The period ends on 31 December 2025 as asked; the ACLED export covers up to 14 June "
        "2025, so the periods after it are missing, not zero."
    )
    fresh = cov.report_end(run, True, run, span("2024-01-01", "2026-12-31"), "ACLED export")
    assert fresh.end == run and "the run date" in fresh.sentence


# --- the attack-trends report on an export that stops mid-period --------------------------------

CURATED_MIN = Path(__file__).parent / "fixtures" / "curated_min"
ATTACK_RAW = Path(__file__).parent / "fixtures" / "attack_trends" / "raw"


@pytest.fixture
def export_to_mid_march(tmp_path, monkeypatch):
    """data/raw with the hand-made OWID and BRD files and an ACLED-layout export for Mali that
    runs from 1 January 2024 to 15 March 2024 (steady at 3 events a month in January and
    February, 1 in March)."""
    import shutil

    from analysis import config

    raw = tmp_path / "raw"
    shutil.copytree(ATTACK_RAW, raw)
    (raw / "acled").mkdir()
    rows = [(f"MLI9910{k}", d, "Mali", 1) for k, d in enumerate(
        ["2024-01-01", "2024-01-12", "2024-01-25", "2024-02-02", "2024-02-14", "2024-02-27",
         "2024-03-15"]
    )]  # fmt: skip
    write_acled_export(raw / "acled" / "export.csv", rows)
    monkeypatch.setattr(config, "RAW_DIR", raw)
    monkeypatch.setattr(config, "SHARED_DATA_DIR", tmp_path / "no-shared")
    monkeypatch.setattr(config, "CURATED_DIR", CURATED_MIN)
    monkeypatch.setenv(relative_dates.RUN_DATE_ENV, "2026-11-27")


def attack_report(**given):
    from tests import attack_report as built

    return built.build(CURATED_MIN, **given)


def test_a_written_end_past_the_export_shows_missing_months_and_says_where_it_ends(
    export_to_mid_march,
):
    report = attack_report(start_date="2024-01-01", end_date="2024-12-31")
    assert report.inputs.selection.dataset == "acled" and len(report.inputs.events) == 7
    monthly = report.charts["national-trend-events"].data
    # Jan 3, Feb 3, Mar 1 (half covered); April to December missing, not 0
    assert monthly["events"].iloc[:3].tolist() == [3, 3, 1]
    assert monthly["events"].iloc[3:].isna().all() and len(monthly) == 12
    caption = report.charts["national-trend-events"].caption
    assert "The ACLED export ends in March 2024: the months after it are not covered" in caption
    assert "March 2024 (48% covered)" in caption  # 15 of 31 days
    # no change point at the end of coverage (old zero-filled series broke "down to 0" there)
    assert report.series.event_breaks == ()
    assert report.coverage_notes[0] == (
        "The period ends on 31 December 2024 as asked; the ACLED export covers up to 15 March "
        "2024, so the periods after it are missing, not zero."
    )
    assert (
        "The ACLED export covers 1 January 2024 to 15 March 2024 (the file's first and last "
        "event); from 16 March 2024 on it has no data, shown as missing, not as zero."
    ) in report.coverage_notes


def test_the_default_end_follows_the_run_and_stops_at_the_export(export_to_mid_march):
    # run date 2026-11-27 (MALI_RUN_DATE); end_date defaults to "today"
    report = attack_report(start_date="2024-01-01")
    assert report.params.end_date == date(2026, 11, 27)
    assert report.coverage_notes[0] == (
        "The period ends on 15 March 2024, the last day the ACLED export covers, which is "
        "earlier than the run date (27 November 2026)."
    )
    monthly = report.charts["national-trend-events"].data
    # January to March only, March marked partial (15 of 31 days)
    assert list(monthly.index) == [T("2024-01-01"), T("2024-02-01"), T("2024-03-01")]
    assert monthly["covered_share"].tolist() == [1.0, 1.0, pytest.approx(15 / 31)]
    # the change-point series leaves the partial month out
    assert report.charts["change-points-events"].data.fillna(-1).tolist() == [3, 3, -1]


# --- what changed since the last run ------------------------------------------------------------


def test_findings_compared_with_the_previous_run_by_hand():
    from analysis.pipeline import changes

    previous = {
        "run_date": "2026-11-20",
        "key_findings": [
            "UCDP counts 90 deaths in Mali in 2021.",
            "JNIM accounts for 78% of the 230 battle deaths.",
            "The claim is supported.",
        ],
    }
    now = [
        "UCDP counts 120 deaths in Mali in 2022.",  # same sentence, other numbers: changed
        "JNIM accounts for 78% of the 230 battle deaths.",  # unchanged
        "Burkina Faso's deaths first exceeded Mali's in 2020.",  # new
    ]
    result = changes.compare(previous, now)
    assert result["changed"] == [{"old": "UCDP counts 90 deaths in Mali in 2021.", "new": now[0]}]
    assert result["new"] == [now[2]]
    assert result["gone"] == ["The claim is supported."]
    assert result["summary"] == (
        "Since the run of 2026-11-20: 1 new, 1 changed, 1 disappeared, 1 unchanged key findings."
    )
    first = changes.compare(None, now)
    assert first["previous_run"] is None and "nothing to compare" in first["summary"]


NOTEBOOK_SOURCE = """\
import csv
from datetime import date

from analysis.core import relative_dates
from analysis.reports import page

run = relative_dates.run_date()
start = relative_dates.resolve(start_date, run) if relative_dates.is_relative(start_date) else date.fromisoformat(start_date)
end = relative_dates.resolve(end_date, run) if relative_dates.is_relative(end_date) else date.fromisoformat(end_date)
with open(input_csv, encoding="utf-8") as f:
    rows = [r for r in csv.DictReader(f) if start <= date.fromisoformat(r["date"]) <= end]
page.key_findings([
    f"{len(rows)} events from {start.isoformat()} to {end.isoformat()}.",
    f"{sum(int(r['deaths']) for r in rows)} deaths in all.",
])
"""


def write_notebook(folder: Path) -> None:
    import nbformat

    nb = nbformat.v4.new_notebook()
    parameters = nbformat.v4.new_code_cell(
        'start_date = "-52w"  # first day (relative to the run)\n'
        'end_date = "today"  # last day\n'
        'input_csv = ""  # events file\n'
    )
    parameters.metadata["tags"] = ["parameters"]
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Weekly count\n\nEvents in the last 52 weeks."),
        parameters,
        nbformat.v4.new_code_cell(NOTEBOOK_SOURCE),
    ]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    folder.mkdir()
    nbformat.write(nb, folder / "weekly.ipynb")


@pytest.mark.slow
def test_two_dated_builds_show_what_changed_and_record_resolved_dates(tmp_path):
    import io
    import json

    from analysis.pipeline.command import EXIT_OK, BuildOptions, build

    notebooks, inputs, out = tmp_path / "notebooks", tmp_path / "inputs", tmp_path / "reports"
    write_notebook(notebooks)
    inputs.mkdir()
    events = inputs / "events.csv"
    # invented rows: 2025-11-01 falls outside the 52 weeks before 2026-11-20 (from 2025-11-21)
    events.write_text(
        "date,deaths\n2025-11-01,9\n2026-01-10,2\n2026-06-01,3\n2026-11-19,4\n", encoding="utf-8"
    )

    def run(day: str) -> dict:
        options = BuildOptions(
            out=out,
            run_date=day,
            param_pairs=[("input_csv", str(events))],
            jobs=1,
            notebooks_dir=notebooks,
            input_dirs=(inputs,),
            quiet=True,
        )
        err = io.StringIO()
        assert build(options, io.StringIO(), err) == EXIT_OK, err.getvalue()
        return json.loads((out / day / "manifest.json").read_text(encoding="utf-8"))

    first = run("2026-11-20")
    (entry,) = first["notebooks"]
    # -52w from 2026-11-20 is 2025-11-21; today is the run date
    assert entry["parameters_resolved"] == {"start_date": "2025-11-21", "end_date": "2026-11-20"}
    assert entry["key_findings"] == ["3 events from 2025-11-21 to 2026-11-20.", "9 deaths in all."]
    assert entry["changes"]["previous_run"] is None
    page = (out / "2026-11-20" / "weekly.html").read_text(encoding="utf-8")
    assert "there is nothing to compare" in page and "21 November 2025 to 20 November 2026" in page

    # a week later, with one more event; -52w is now 2025-11-28
    with events.open("a", encoding="utf-8") as f:
        f.write("2026-11-25,6\n")
    second = run("2026-11-27")
    (entry,) = second["notebooks"]
    assert entry["reused_from"] is None  # relative dates: a new date is a new period
    assert entry["parameters_resolved"] == {"start_date": "2025-11-28", "end_date": "2026-11-27"}
    # 2026-01-10, 2026-06-01, 2026-11-19, 2026-11-25: 4 events, 2 + 3 + 4 + 6 = 15 deaths
    assert entry["changes"]["changed"] == [
        {
            "old": "3 events from 2025-11-21 to 2026-11-20.",
            "new": "4 events from 2025-11-28 to 2026-11-27.",
        },
        {"old": "9 deaths in all.", "new": "15 deaths in all."},
    ]
    page = (out / "2026-11-27" / "weekly.html").read_text(encoding="utf-8")
    assert "What changed since the last run" in page
    assert "Since the run of 2026-11-20: 0 new, 2 changed, 0 disappeared, 0 unchanged" in page
    for index in (out / "2026-11-27" / "index.html", out / "index.html"):
        text = index.read_text(encoding="utf-8")
        assert (
            '<span class="old">9 deaths in all.</span> &rarr; <span class="new-text">15 deaths in all.</span>'
            in text
        )


# --- country-true reports -------------------------------------------------------------------------


@pytest.fixture
def sahel_export(export_to_mid_march, tmp_path):
    """The same machine, with an export that also holds Burkina Faso and Niger events."""
    from analysis import config

    rows = [
        ("MLI99201", "2024-01-05", "Mali", 1),
        ("BFO99202", "2024-01-09", "Burkina Faso", 4),
        ("BFO99203", "2024-02-11", "Burkina Faso", 6),
        ("NIG99204", "2024-02-20", "Niger", 3),
        ("MLI99205", "2024-03-15", "Mali", 2),
    ]
    write_acled_export(config.RAW_DIR / "acled" / "export.csv", rows)


@pytest.mark.parametrize("country", ["Burkina Faso", "Niger"])
def test_a_report_on_another_country_has_no_mali_content(sahel_export, country):
    report = attack_report(start_date="2024-01-01", end_date="2024-03-31", country=country)
    title, lede = report.report.title, report.report.lede
    assert title == f"Attack trends in {country} and the Sahel"
    others = " and ".join(c for c in ("Mali", "Burkina Faso", "Niger") if c != country)
    assert lede.startswith(f"How much armed violence has {country} seen")
    assert f"It compares {country} with {others}." in lede
    assert "boundaries" not in lede and "claimed" not in lede
    # the events are the country's: Burkina Faso 2 (10 deaths), Niger 1 (3 deaths)
    events = report.inputs.events
    assert set(events["country"]) == {country}
    assert len(events) == {"Burkina Faso": 2, "Niger": 1}[country]
    # the curated milestones of the fixture concern Mali: none borrowed
    assert report.inputs.milestones.empty
    assert report.missing["milestones"].what == (
        f"milestones of the chosen kinds in the period that concern {country}"
    )
    assert "claims" not in report.tables and "Mali" in report.missing["claims"].what
    assert report.texts("where")[0].endswith(f"so this report on {country} has neither.")
    # Mali's boundary files are not datasets of this report
    assert not report.tables["datasets"].frame["dataset"].str.contains("Mali").any()
    for finding in report.report.key_findings:
        # the UCDP series are the country's; only the Sahel comparison may name Mali
        assert "Mali" not in finding or finding.startswith("Burkina Faso's conflict deaths")


def test_milestones_follow_their_countries():
    from analysis.reports.attack_data import of_country

    milestones = pd.DataFrame(
        {
            "milestone_id": ["coup", "aes", "old"],
            "countries": [["Mali"], ["Mali", "Burkina Faso", "Niger"], []],
        }
    )
    assert of_country(milestones, "Mali")["milestone_id"].tolist() == ["coup", "aes", "old"]
    assert of_country(milestones, "Niger")["milestone_id"].tolist() == ["aes"]
    assert of_country(milestones, "Chad").empty


def test_a_relative_date_is_a_value_on_the_command_line():
    import argparse

    from analysis.pipeline.options import add_arguments

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    given = parser.parse_args(["-p", "start_date", "-52w", "-p", "end_date", "today"])
    assert given.param_pairs == [["start_date", "-52w"], ["end_date", "today"]]


def test_the_page_shows_the_period_the_report_computed():
    import nbformat

    from analysis.pipeline import html as report_html

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("")
    front = {
        "title": "Attack trends in Niger and the Sahel",
        "lede": "About Niger.",
        "start_date": "2024-01-01",
        "end_date": "2025-06-14",
    }
    cell.outputs = [
        nbformat.v4.new_output(
            "display_data", {"text/markdown": "# x"}, metadata={"mali_reports": {"front": front}}
        )
    ]
    nb.cells = [nbformat.v4.new_markdown_cell("# Attack trends\n\nAny country."), cell]
    assert report_html.notebook_title(nb, "x") == "Attack trends in Niger and the Sahel"
    assert report_html.reported_period(nb) == {"start_date": "2024-01-01", "end_date": "2025-06-14"}
    page = report_html.to_html(
        nb, {"parameters": {"start_date": "2012-01-01", "end_date": "today"}}
    )
    assert "1 January 2024 to 14 June 2025" in page and "About Niger." in page
    assert "Any country." not in page


# --- the "Latest" section -------------------------------------------------------------------------


def test_latest_windows_count_covered_weeks_and_leave_uncovered_ones_missing():
    # coverage 2023-06-01 to 2024-03-15; windows of 28 days ending on 15 March 2024:
    # latest 2024-02-17..2024-03-15, previous 2024-01-20..2024-02-16, year before
    # 2023-02-18..2023-03-17 (before coverage starts: missing)
    events = frame([("2024-02-20", 2), ("2024-03-15", 5), ("2024-01-25", 1), ("2023-03-01", 9)])
    events["group_ids"] = [["jnim"], ["isgs"], ["jnim"], ["jnim"]]
    table = trends.latest_table(events, span("2023-06-01", "2024-03-15"))
    row = table.loc["all"]
    assert (row["events latest"], row["deaths latest"]) == (2, 7)
    assert (row["events previous"], row["deaths previous"]) == (1, 1)
    assert np.isnan(row["events year before"]) and np.isnan(row["deaths year before"])
    groups = trends.latest_table(events, span("2023-01-01", "2024-03-15"), "group")
    # covered from January 2023: the year-before window holds the 2023-03-01 event (jnim);
    # isgs had none there: a covered zero
    assert groups.loc["jnim", "events year before"] == 1
    assert groups.loc["isgs", "events year before"] == 0
    assert list(groups.index) == ["isgs", "jnim"]  # 1 latest event each: stable order


def test_latest_events_without_a_death_figure_have_no_deaths_not_zero():
    # Windows as above (latest 2024-02-17..03-15, previous 01-20..02-16, year before
    # 2023-02-18..03-17). Both latest events give no death figure (a kidnapping in a
    # chronology); the previous window holds one event with 4 deaths and one without.
    events = frame([("2024-02-20", 0), ("2024-03-15", 0), ("2024-01-25", 4), ("2024-02-01", 0)])
    events["deaths_best"] = [np.nan, np.nan, 4.0, np.nan]
    row = trends.latest_table(events, span("2023-01-01", "2024-03-15")).loc["all"]
    # By hand: latest 2 events, deaths unknown (NaN, not 0); previous 2 events, 4 deaths;
    # year before: covered, no event, 0 deaths.
    assert row["events latest"] == 2 and np.isnan(row["deaths latest"])
    assert (row["events previous"], row["deaths previous"]) == (2, 4)
    assert (row["events year before"], row["deaths year before"]) == (0, 0)
    windows = trends.latest_windows(date(2024, 3, 15))
    assert trends.window_words(row, windows, "latest") == (
        "2 events and no death figure from 17 February 2024 to 15 March 2024"
    )
    from analysis.reports.attack_tables import latest_by

    # The regions table says so too: 'not given' for those deaths, 'not covered' only for a
    # window the data does not cover (none here), a covered window without events 0.
    regions = latest_by(events, span("2023-01-01", "2024-03-15"), "admin1")
    assert regions.iloc[0].tolist() == ["Gao", "2", "not given", "2", "4", "0", "0"]


def test_a_month_is_flagged_only_against_months_the_data_covers():
    months = pd.date_range("2022-01-01", periods=36, freq="MS")
    deaths = pd.Series([10.0] * 35 + [40.0], index=months)
    assert trends.highest_in(deaths, 12) is True and trends.highest_in(deaths, 36) is True
    deaths.iloc[5] = 50.0  # a deadlier month 31 months back: still the highest in one year
    assert trends.highest_in(deaths, 12) is True and trends.highest_in(deaths, 36) is False
    deaths.iloc[30] = np.nan  # a month not covered inside the year: no verdict
    assert trends.highest_in(deaths, 12) is None


def test_the_latest_section_of_the_report_says_where_its_weeks_end(export_to_mid_march):
    # events of 1 death each on Jan 1, 12, 25, Feb 2, 14, 27 and Mar 15 2024; export to Mar 15
    report = attack_report(start_date="2024-01-01", end_date="2024-12-31")
    assert tuple(report.texts("latest")) == (
        # latest 2024-02-17..03-15: Feb 27, Mar 15; previous 01-20..02-16: Jan 25, Feb 2, 14
        "In the last 4 weeks the ACLED export covers (17 February 2024 to 15 March 2024) it "
        "records 2 events and 2 deaths, against 3 events and 3 deaths (the 4 weeks before, 20 "
        "January 2024 to 16 February 2024) and the same weeks a year earlier, which the data "
        "does not cover whole (18 February 2023 to 17 March 2023).",
        # 2 events against 3: 0.5 and 0.75 a week, within ACLED's low baseline (2 and 5)
        "Change in events (ACLED Trendfinder's levels, method notes): against the 4 weeks "
        "before, too few events to compare (ACLED's low-baseline rule); against a year "
        "earlier, not compared (the data does not cover it whole).",
        # the 30 days 15 February to 15 March 2024 hold Feb 27 and Mar 15: 2 deaths; the
        # export starts on 1 January 2024, so no year before is covered
        "The 30 days to 15 March 2024 had 2 deaths: the data does not cover the whole one year "
        "before; the data does not cover the whole three years before; below HDX Signals' "
        "minimum of 100 deaths: no signal.",
        "These weeks end on 15 March 2024, the last day the data covers, not on the run date "
        "(27 November 2026): events since then are not in the data.",
    )
    regions = report.tables["latest-regions"].frame
    assert regions.iloc[0].tolist() == ["Mopti", "2", "2", "3", "3", "not covered", "not covered"]
