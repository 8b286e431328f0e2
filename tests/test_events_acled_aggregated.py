"""ACLED's aggregated data through events.load (issue 14): ACLED's weekly regional files and
HDX's monthly files per country in their three products, xlsx and CSV, with totals checked
against sums worked out by hand (tests/fixtures/acled_aggregated/README.md); every bad input
named with file, sheet, row and column, all at once."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from analysis import config
from analysis.sources.acled_aggregated import AGGREGATED_COLUMNS
from analysis.tables import events
from analysis.tables.events import EventDataError

FIXTURES = Path(__file__).parent / "fixtures" / "acled_aggregated"
WEEKLY = "Western_Africa_aggregated_data_up_to_week_of-2024-01-13"
PV = "mali_hrp_political_violence_events_and_fatalities_by_month-year_as-of-15mar2024"
CT = "mali_hrp_civilian_targeting_events_and_fatalities_by_month-year_as-of-15mar2024.xlsx"
DEMO = "mali_hrp_demonstration_events_by_month-year_as-of-15mar2024.xlsx"


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_weekly_file_totals_equal_the_files_sums(suffix):
    everything = events.load("acled-aggregated", FIXTURES / f"{WEEKLY}{suffix}")
    assert list(everything.columns) == list(AGGREGATED_COLUMNS)
    # by hand: 3+2+1+1+2 (Mali) + 4 (Burkina Faso) + 2 (Niger) = 15 events; 16+11+7 = 34 deaths
    assert (int(everything["events"].sum()), int(everything["deaths_best"].sum())) == (15, 34)
    mali = events.load("acled-aggregated", FIXTURES / f"{WEEKLY}{suffix}", country="Mali")
    assert (int(mali["events"].sum()), int(mali["deaths_best"].sum())) == (9, 16)
    assert set(mali["country"]) == {"Mali"}
    # WEEK is the Saturday that starts a Saturday-to-Friday week; weekly rows have no admin2
    assert mali["period_start"].min() == pd.Timestamp("2024-01-06")
    assert mali["period_end"].max() == pd.Timestamp("2024-01-19")
    assert mali["admin2"].isna().all() and mali["admin2_pcode"].isna().all()
    assert "Battles" in set(mali["event_type"])
    # population exposure kept per row as given (one cell empty), never summed
    exposure = mali["population_exposure"]
    assert exposure.iloc[0] == 12000 and pd.isna(exposure.iloc[1]) and exposure.iloc[2] == 3000
    assert mali.attrs["frequency"] == "week" and mali.attrs["layout"] == "weekly"
    # a regional file covers its first to last week for every country in it
    coverage = mali.attrs["coverage"]
    assert (coverage.first, coverage.last) == (date(2024, 1, 6), date(2024, 1, 19))


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_hdx_political_violence_totals_and_place_codes(suffix):
    frame = events.load("acled-aggregated", FIXTURES / f"{PV}{suffix}", country="Mali")
    # by hand: events 7+3+2+5+1+2 = 20, fatalities 21+4+6+12+0+3 = 46
    assert (int(frame["events"].sum()), int(frame["deaths_best"].sum())) == (20, 46)
    by_month = frame.groupby("period_start")["events"].sum()
    assert by_month.tolist() == [12, 6, 2]  # January 7+3+2, February 5+1, March 2
    assert frame.loc[0, ["admin1_pcode", "admin2_pcode"]].tolist() == ["ML05", "ML0501"]
    assert frame["event_type"].isna().all()
    assert frame.attrs["product"] == "political violence"
    # "as-of-15mar2024": March is covered up to the 15th only
    coverage = frame.attrs["coverage"]
    assert (coverage.first, coverage.last) == (date(2024, 1, 1), date(2024, 3, 15))


def test_hdx_civilian_targeting_with_its_hxl_row():
    frame = events.load("acled-aggregated", FIXTURES / CT, country="Mali")
    # by hand: events 2+1+1 = 4, fatalities 9+4+1 = 14 (the HXL row is not data)
    assert (int(frame["events"].sum()), int(frame["deaths_best"].sum())) == (4, 14)
    assert frame.attrs["product"] == "civilian targeting"


def test_hdx_demonstrations_have_no_deaths_not_zero_deaths():
    frame = events.load("acled-aggregated", FIXTURES / DEMO, country="Mali")
    assert int(frame["events"].sum()) == 7  # 4+1+2
    assert frame["deaths_best"].isna().all()
    assert frame.attrs["product"] == "demonstrations"


def test_product_is_read_from_the_file_whatever_its_name(tmp_path):
    # the civilian-targeting file renamed: its sheets' text does not say, its name no longer
    # does: a clear error rather than a guess between two products with the same columns
    renamed = tmp_path / "export.xlsx"
    shutil.copy(FIXTURES / CT, renamed)
    with pytest.raises(EventDataError, match="political violence or civilian targeting"):
        events.load("acled-aggregated", renamed)
    # the same file whose data sheet is named for its product is recognised
    book = openpyxl.load_workbook(renamed)
    book["Data"].title = "Civilian targeting"
    book.save(renamed)
    assert events.load("acled-aggregated", renamed).attrs["product"] == "civilian targeting"


def test_files_in_the_raw_folder_are_recognised_by_layout(tmp_path, monkeypatch):
    folder = tmp_path / "acled"
    folder.mkdir()
    shutil.copy(FIXTURES / f"{PV}.xlsx", folder / "download (3).xlsx")
    shutil.copy(FIXTURES / f"{WEEKLY}.csv", folder / "weekly.csv")
    monkeypatch.setattr(config, "RAW_DIR", tmp_path)
    # the monthly political-violence file is preferred; an aggregate is never an export
    assert events.locate("acled-aggregated").name == "download (3).xlsx"
    with pytest.raises(events.DatasetMissingError, match="no ACLED export"):
        events.locate("acled")
    # an aggregate given as "acled" is read as what it is
    routed = events.load("acled", folder / "weekly.csv", country="Mali")
    assert routed.attrs["dataset"] == "acled-aggregated" and int(routed["events"].sum()) == 9


def test_period_filter_keeps_the_periods_that_overlap_it():
    frame = events.load(
        "acled-aggregated", FIXTURES / f"{PV}.xlsx", start="2024-02-10", end="2024-02-20"
    )
    assert int(frame["events"].sum()) == 6  # February only: 5+1


# --- bad input ------------------------------------------------------------------------------


def _monthly_csv(tmp_path: Path, rows: list[str], header: str | None = None) -> Path:
    header = header or (
        "Country,Admin1,Admin2,ISO3,Admin2 Pcode,Admin1 Pcode,Month,Year,Events,Fatalities"
    )
    path = tmp_path / "mali_political_violence.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_missing_column_is_named_with_the_sheet(tmp_path):
    book = openpyxl.load_workbook(FIXTURES / f"{PV}.xlsx")
    book["Data"].delete_cols(4)  # ISO3
    path = tmp_path / "pv.xlsx"
    book.save(path)
    with pytest.raises(EventDataError) as raised:
        events.load("acled-aggregated", path)
    assert "pv.xlsx, sheet 'Data', row 1 (the header): missing column(s) ISO3" in str(raised.value)


def test_every_bad_cell_is_named_at_once(tmp_path):
    path = _monthly_csv(
        tmp_path,
        [
            "Mali,Mopti,Bandiagara,MLI,ML0501,ML05,Janvier,2024,7,21",
            "Mali,Gao,Ansongo,MLI,ML0701,ML07,February,2024,-3,4",
            "Mali,Gao,Ansongo,MLI,ML0701,ML07,March,2024,3,-1",
        ],
    )
    with pytest.raises(EventDataError) as raised:
        events.load("acled-aggregated", path)
    message = str(raised.value)
    assert message.startswith("3 problems in ACLED aggregated data")
    assert "line 2, column Month: 'Janvier' is not a month name" in message
    assert "line 3, column Events: '-3' is negative" in message
    assert "line 4, column Fatalities: '-1' is negative" in message
    assert "Traceback" not in message


def test_bad_cells_in_a_workbook_name_sheet_and_row(tmp_path):
    book = openpyxl.load_workbook(FIXTURES / f"{PV}.xlsx")
    sheet = book["Data"]
    sheet["G3"] = "Smarch"  # row 3: Gao, January
    sheet["I5"] = -5  # row 5: Douentza, February, Events
    path = tmp_path / "pv.xlsx"
    book.save(path)
    with pytest.raises(EventDataError) as raised:
        events.load("acled-aggregated", path)
    message = str(raised.value)
    assert "pv.xlsx, sheet 'Data', row 3, column Month: 'Smarch' is not a month name" in message
    assert "pv.xlsx, sheet 'Data', row 5, column Events: '-5' is negative" in message
    # renamed, the file no longer says its product: named in the same message
    assert "political violence or civilian targeting" in message


def test_a_country_file_with_other_countries_is_refused_when_one_is_asked_for(tmp_path):
    path = _monthly_csv(
        tmp_path,
        [
            "Mali,Mopti,Bandiagara,MLI,ML0501,ML05,January,2024,7,21",
            "Niger,Tillaberi,Ouallam,NER,NE006009,NE006,January,2024,2,5",
            "Burkina Faso,Sahel,Soum,BFA,BF5603,BF56,January,2024,1,1",
        ],
    )
    with pytest.raises(EventDataError) as raised:
        events.load("acled-aggregated", path, country="Mali")
    message = str(raised.value)
    assert "line 3, column Country: 'Niger' in a file read for Mali" in message
    assert "line 4, column Country: 'Burkina Faso' in a file read for Mali" in message
    # without a country, the file is read whole
    assert int(events.load("acled-aggregated", path)["events"].sum()) == 10


def test_weekly_week_that_is_not_a_saturday_is_named(tmp_path):
    text = (FIXTURES / f"{WEEKLY}.csv").read_text(encoding="utf-8")
    path = tmp_path / "weekly.csv"
    path.write_text(text.replace("2024-01-13", "2024-01-12", 1), encoding="utf-8")
    with pytest.raises(EventDataError, match="column WEEK: 2024-01-12 is a Friday, not a Saturday"):
        events.load("acled-aggregated", path)


def test_a_renamed_demonstrations_file_is_ranked_by_its_columns(tmp_path, monkeypatch):
    # both renamed: the names say nothing; the demonstrations file (no Fatalities column) is
    # the newer one, yet the political-violence file is the one taken
    folder = tmp_path / "acled"
    folder.mkdir()
    shutil.copy(FIXTURES / f"{PV}.xlsx", folder / "a.xlsx")
    shutil.copy(FIXTURES / DEMO, folder / "b.xlsx")
    older = (folder / "a.xlsx").stat().st_mtime_ns - 10**9
    os.utime(folder / "a.xlsx", ns=(older, older))
    monkeypatch.setattr(config, "RAW_DIR", tmp_path)
    assert [f.name for f in events.aggregated_files()] == ["a.xlsx", "b.xlsx"]
