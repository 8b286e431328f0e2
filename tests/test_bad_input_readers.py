"""Bad files given to the publishers' readers (issue 17): each gives an EventDataError naming
the file, and the line, column and problem where there is one; a file that is not what it
claims to be is recognised from its first block, before it is read into memory."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest

from analysis.tables import events
from analysis.tables.events import EventDataError

FIXTURES = Path(__file__).parent / "fixtures" / "events"
#: dataset -> fixture of the layout it reads
LAYOUTS = {
    "acled": "acled_export_current.csv",
    "ucdp-ged": "ged_v25_1.csv",
    "ucdp-brd": "brd_dyadic.csv",
    "owid": "owid_deaths_long_label.csv",
}
READERS = list(LAYOUTS)


def fixture_bytes(dataset: str) -> bytes:
    return (FIXTURES / LAYOUTS[dataset]).read_bytes()


def latin1(dataset: str, old: str, new: str, tmp_path: Path) -> Path:
    """The fixture with one UTF-8 value replaced by a Latin-1 one."""
    data = fixture_bytes(dataset)
    assert old.encode() in data
    path = tmp_path / f"{dataset}_latin1.csv"
    path.write_bytes(data.replace(old.encode(), new.encode("latin-1"), 1))
    return path


@pytest.fixture
def no_full_read(monkeypatch):
    """Fail if pandas is asked to read the whole file (the 4-6 GB the issue saw)."""

    def refuse(*args, **kwargs):
        raise AssertionError("the whole file was handed to pandas.read_csv")

    monkeypatch.setattr(pd, "read_csv", refuse)


# --- B. text that is not UTF-8 --------------------------------------------------------------


def test_acled_latin1_in_notes_names_file_line_and_column(tmp_path):
    path = latin1("acled", "a roadside bomb hit", "a roadside bomb hit Tésit", tmp_path)
    with pytest.raises(EventDataError) as raised:
        events.load("acled", path)
    message = str(raised.value)
    assert "acled_latin1.csv: line 3, column notes: byte 0xe9 is not UTF-8" in message
    assert "save it as UTF-8" in message


def test_ged_latin1_in_side_b_names_file_line_and_column_in_csv_and_zip(tmp_path):
    path = latin1("ucdp-ged", ",JNIM,2,", ",JNIM Ménaka,2,", tmp_path)
    expected = "line 2, column side_b: byte 0xe9 is not UTF-8"
    with pytest.raises(EventDataError, match=rf"ucdp-ged_latin1.csv: {expected}"):
        events.load("ucdp-ged", path)
    archive = tmp_path / "ged251-csv.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(path, "GEDEvent_v25_1.csv")
    with pytest.raises(EventDataError, match=rf"ged251-csv.zip: {expected}"):
        events.load("ucdp-ged", archive)


def test_brd_latin1_names_file_line_and_column(tmp_path):
    path = latin1("ucdp-brd", '"JNIM","9000"', '"JNIM Ségou","9000"', tmp_path)
    with pytest.raises(
        EventDataError, match=r"ucdp-brd_latin1.csv: line 2, column side_b: byte 0xe9 is not UTF-8"
    ):
        events.load("ucdp-brd", path)


def test_owid_latin1_names_file_line_and_column(tmp_path):
    path = latin1("owid", "Mali,MLI,2020", "Malí,MLI,2020", tmp_path)
    with pytest.raises(
        EventDataError, match=r"owid_latin1.csv: line 3, column Entity: byte 0xed is not UTF-8"
    ):
        events.load("owid", path)


def test_latin1_in_the_header_names_line_1(tmp_path):
    data = fixture_bytes("owid").replace(b"Entity", "Entité".encode("latin-1"), 1)
    path = tmp_path / "owid_header.csv"
    path.write_bytes(data)
    with pytest.raises(EventDataError, match=r"owid_header.csv: line 1 \(the header\), byte 6"):
        events.load("owid", path)


# --- B. files that are not what they claim to be ------------------------------------------


@pytest.mark.parametrize("dataset", READERS)
def test_file_of_nul_bytes_is_named_from_the_first_block(dataset, tmp_path, no_full_read):
    path = tmp_path / f"{dataset}_zeros.csv"
    with open(path, "wb") as handle:
        handle.truncate(64 * 1024 * 1024)  # sparse: 64 MB of zeros on no disk
    with pytest.raises(EventDataError) as raised:
        events.load(dataset, path)
    message = str(raised.value)
    assert f"{dataset}_zeros.csv: NUL bytes from byte 1" in message and "not a CSV" in message
    assert len(message) < 400


@pytest.mark.parametrize("dataset", READERS)
def test_empty_file_is_named(dataset, tmp_path):
    path = tmp_path / f"{dataset}_empty.csv"
    path.write_bytes(b"")
    with pytest.raises(EventDataError, match=rf"{dataset}_empty.csv: the file is empty"):
        events.load(dataset, path)


@pytest.mark.parametrize("dataset", READERS)
def test_html_page_saved_as_csv_is_named(dataset, tmp_path, no_full_read):
    path = tmp_path / f"{dataset}_page.csv"
    path.write_text(
        "<!DOCTYPE html>\n<html><head><title>Sign in</title></head>\n<body>x</body></html>\n"
    )
    with pytest.raises(
        EventDataError, match=rf"{dataset}_page.csv: a web page \(HTML titled 'Sign in'\)"
    ):
        events.load(dataset, path)


@pytest.mark.parametrize("dataset", READERS)
def test_semicolon_separated_file_is_named(dataset, tmp_path, no_full_read):
    path = tmp_path / f"{dataset}_semi.csv"
    lines = fixture_bytes(dataset).decode().splitlines()[:3]
    path.write_text("\n".join(line.replace(",", ";") for line in lines) + "\n")
    with pytest.raises(
        EventDataError,
        match=rf"{dataset}_semi.csv: line 1: the header is separated by semicolons, not commas",
    ):
        events.load(dataset, path)


@pytest.mark.parametrize("dataset", READERS)
def test_zip_saved_as_csv_is_named(dataset, tmp_path, no_full_read):
    path = tmp_path / f"{dataset}_zipped.csv"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("data.csv", fixture_bytes(dataset))
    with pytest.raises(EventDataError, match=rf"{dataset}_zipped.csv: a zip archive, not a CSV"):
        events.load(dataset, path)


@pytest.mark.parametrize("dataset", READERS)
def test_no_header_row_in_the_first_block_is_named(dataset, tmp_path, no_full_read):
    path = tmp_path / f"{dataset}_noline.csv"
    path.write_bytes(b"x" * (300 * 1024))
    with pytest.raises(EventDataError, match=rf"{dataset}_noline.csv: no line break in the first"):
        events.load(dataset, path)


@pytest.mark.parametrize("dataset", ["ucdp-ged", "ucdp-brd"])
def test_zip_with_no_csv_inside_lists_what_it_holds(dataset, tmp_path):
    path = tmp_path / f"{dataset}.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("README.txt", "see the new portal")
    with pytest.raises(
        EventDataError,
        match=rf"{dataset}.zip: expected one CSV in the zip, found none "
        r"\(it holds: README.txt\)",
    ):
        events.load(dataset, path)


@pytest.mark.parametrize("dataset", ["ucdp-ged", "ucdp-brd", "owid"])
def test_corrupt_zip_is_named(dataset, tmp_path):
    path = tmp_path / f"{dataset}.zip"
    path.write_bytes(b"PK\x03\x04" + b"\x13" * 500)
    with pytest.raises(EventDataError, match=rf"{dataset}.zip: not a valid zip file"):
        events.load(dataset, path)


@pytest.mark.parametrize("dataset", ["ucdp-ged", "ucdp-brd"])
def test_zip_with_damaged_data_is_named(dataset, tmp_path):
    path = tmp_path / f"{dataset}.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.csv", fixture_bytes(dataset) * 20)
    data = bytearray(path.read_bytes())
    for i in range(60, 300):  # scramble the compressed data, keep the directory
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))
    with pytest.raises(EventDataError, match=rf"{dataset}.zip: .*(damaged|not a valid zip)"):
        events.load(dataset, path)


def test_brd_file_with_only_its_header_gives_an_empty_table(tmp_path):
    """A BRD file with its header and no rows is an empty series for a country, not a KeyError."""
    header = (
        "conflict_id,dyad_id,location_inc,side_a,side_a_id,side_a_2nd,side_b,side_b_id,"
        "side_b_2nd,incompatibility,territory_name,year,bd_best,bd_low,bd_high,type_of_conflict,"
        "battle_location,gwno_a,gwno_a_2nd,gwno_b,gwno_b_2nd,gwno_loc,gwno_battle,region,version\n"
    )
    path = tmp_path / "BattleDeaths_v24_1.csv"
    path.write_text(header, encoding="utf-8")
    frame = events.load("ucdp-brd", path=path, country="Mali")
    assert len(frame) == 0
    assert {"side_a", "side_b", "deaths_best", "year"} <= set(frame.columns)


# --- UCDP candidate GED files and the 26.1 layout (issue 14) --------------------------------

UCDP = Path(__file__).parent / "fixtures" / "ucdp"


def candidate(name: str, month: int, old: str, new: bytes | str, tmp_path: Path) -> Path:
    """A candidate fixture (month 1 has a header row, month 2 has none) with one value changed,
    saved under a candidate name."""
    data = (UCDP / f"GEDEvent_v26_0_{month}.csv").read_bytes()
    assert old.encode() in data
    path = tmp_path / name
    path.write_bytes(data.replace(old.encode(), new if isinstance(new, bytes) else new.encode(), 1))
    return path


def test_candidate_with_header_and_a_bad_violence_type_names_row_and_column(tmp_path):
    path = candidate("GEDEvent_v26_0_1.csv", 1, "Unclear,3,", "Unclear,7,", tmp_path)
    with pytest.raises(EventDataError) as raised:
        events.load("ucdp-candidate", path)
    # the second data row (920002) is the one changed
    assert str(raised.value) == (
        f"{path}: data row 2, column type_of_violence: '7' is not 1, 2 or 3"
    )


def test_headerless_candidate_with_text_in_a_count_column_is_refused(tmp_path):
    path = candidate("GEDEvent_v26_0_2.csv", 2, ",5,6,4,,", ",many,6,4,,", tmp_path)
    with pytest.raises(EventDataError) as raised:
        events.load("ucdp-candidate", path)
    message = str(raised.value)
    assert f"{path}: no header row, and the columns cannot be assigned" in message
    assert "line 2, column best (field 45): 'many' is not a whole number of deaths" in message


def test_headerless_candidate_with_a_negative_count_is_named_as_negative(tmp_path):
    path = candidate("GEDEvent_v26_0_2.csv", 2, ",9,12,9,,", ",-9,12,9,,", tmp_path)
    with pytest.raises(EventDataError, match=r"data row 1, column best: -9 is negative"):
        events.load("ucdp-candidate", path)


def test_headerless_candidate_in_latin1_names_line_and_column(tmp_path):
    path = candidate(
        "GEDEvent_v26_0_4.csv",
        2,
        "Talataye village,",
        "Talataye Tésit,".encode("latin-1"),
        tmp_path,
    )
    with pytest.raises(EventDataError, match=r"line 1, column \w+: byte 0xe9 is not UTF-8"):
        events.load("ucdp-candidate", path)


def test_empty_candidate_file_is_named(tmp_path):
    path = tmp_path / "GEDEvent_v26_0_5.csv"
    path.write_text("")
    with pytest.raises(EventDataError, match=rf"{path.name}: the file is empty"):
        events.load("ucdp-candidate", path)


def test_folder_without_candidate_files_says_how_they_are_named(tmp_path):
    (tmp_path / "candidates.csv").write_text("id\n1\n")
    with pytest.raises(events.DatasetMissingError, match="no file named like GEDEvent_vYY_0_M"):
        events.load("ucdp-candidate", tmp_path)


def test_ged_26_1_missing_a_column_lists_it(tmp_path):
    text = (UCDP / "ged_v26_1.csv").read_text(encoding="utf-8")
    path = tmp_path / "GEDEvent_v26_1.csv"
    path.write_text(text.replace(",date_prec,", ",date_precision,", 1), encoding="utf-8")
    with pytest.raises(EventDataError, match="line 1: missing UCDP GED column.*date_prec"):
        events.load("ucdp-ged", path)


# --- ACLED aggregated data (issue 14) -----------------------------------------------------------

AGGREGATED = Path(__file__).parent / "fixtures" / "acled_aggregated"
HDX_PV = "mali_hrp_political_violence_events_and_fatalities_by_month-year_as-of-15mar2024"


def test_aggregated_workbook_problems_are_all_named_with_sheet_row_and_column(tmp_path):
    # openpyxl is a dependency of the reader; the workbook is the committed fixture, edited
    import openpyxl

    book = openpyxl.load_workbook(AGGREGATED / f"{HDX_PV}.xlsx")
    sheet = book["Data"]
    sheet["I2"] = None  # Events empty
    sheet["J3"] = -4  # Fatalities negative
    sheet["I4"] = "many"  # Events not a number
    sheet["H6"] = "2O24"  # Year not a year
    path = tmp_path / f"{HDX_PV}.xlsx"
    book.save(path)
    with pytest.raises(EventDataError) as raised:
        events.load("acled-aggregated", path, country="Mali")
    message = str(raised.value)
    assert message.startswith("4 problems in ACLED aggregated data")
    where = f"{path.name}, sheet 'Data'"
    assert f"{where}, row 2, column Events: is empty" in message
    assert f"{where}, row 3, column Fatalities: '-4' is negative" in message
    assert f"{where}, row 4, column Events: 'many' is not a whole number" in message
    assert f"{where}, row 6, column Year: '2O24' is not a year" in message


def test_aggregated_csv_missing_columns_are_listed(tmp_path):
    path = tmp_path / "weekly.csv"
    path.write_text("WEEK,COUNTRY,ADMIN1,EVENTS\n2024-01-06,Mali,Mopti,3\n", encoding="utf-8")
    with pytest.raises(EventDataError) as raised:
        events.load("acled-aggregated", path)
    assert (
        "weekly.csv: line 1 (the header): missing column(s) REGION, EVENT_TYPE, SUB_EVENT_TYPE, "
        "FATALITIES, POPULATION_EXPOSURE" in str(raised.value)
    )


def test_web_page_saved_as_an_aggregated_csv_is_named(tmp_path):
    path = tmp_path / "Western_Africa_aggregated_data_up_to-2024-01-19.csv"
    path.write_text("<html><title>Log in</title></html>\n", encoding="utf-8")
    with pytest.raises(EventDataError, match="a web page .*not a CSV"):
        events.load("acled-aggregated", path)
