"""Bad files given to the publishers' readers (issue 17): each gives an EventDataError naming
the file, and the line, column and problem where there is one; a file that is not what it
claims to be is recognised from its first block, before it is read into memory."""

from __future__ import annotations

import shutil
import tracemalloc
import zipfile
from datetime import date
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


# --- issue 27: bounds, ranges, repeats, cut files, damaged workbooks, invisible labels -------

WEEKLY = AGGREGATED / "Western_Africa_aggregated_data_up_to_week_of-2024-01-13"
WEEKLY_HEADER = (
    "WEEK,REGION,COUNTRY,ADMIN1,EVENT_TYPE,SUB_EVENT_TYPE,EVENTS,FATALITIES,"
    "POPULATION_EXPOSURE,DISORDER_TYPE,ID,CENTROID_LATITUDE,CENTROID_LONGITUDE"
)


def weekly_row(week: str, country: str = "Mali", admin1: str = "Mopti", **cells) -> str:
    values = {"events": 3, "deaths": 9, "latitude": 14.5, "kind": "Armed clash", **cells}
    return (
        f"{week},Western Africa,{country},{admin1},Battles,{values['kind']},{values['events']},"
        f"{values['deaths']},1000,Political violence,1,{values['latitude']},-4.2"
    )


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def rewritten_xlsx(source: Path, target: Path, member: str, old: bytes, new: bytes) -> Path:
    """A copy of a workbook with one part's bytes changed (a damaged cell, a padded sheet)."""
    with zipfile.ZipFile(source) as before, zipfile.ZipFile(target, "w") as after:
        for info in before.infolist():
            data = before.read(info.filename)
            if info.filename == member:
                assert old in data
                data = data.replace(old, new, 1)
            after.writestr(info.filename, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return target


def test_aggregated_csv_is_read_row_by_row_in_bounded_memory(tmp_path):
    """The reader keeps the rows of the country asked for, never the whole file (a 504 MB
    CSV took 11 GB): 40,000 rows of other countries and 3 of Mali's stay within a few MB."""
    other = weekly_row("2024-01-06", "Niger", "Tillaberi")
    lines = [WEEKLY_HEADER] + [other] * 40_000 + [weekly_row("2024-01-13", kind=k) for k in "ABC"]
    path = write(tmp_path / "weekly.csv", lines)
    tracemalloc.start()
    try:
        mali = events.load("acled-aggregated", path, country="Mali")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert int(mali["events"].sum()) == 9  # 3 rows of 3 events
    # the repeated Niger row is other countries' business: not kept, so not collapsed either
    assert mali.attrs["notes"] == []
    assert peak < 20_000_000  # holding the file's rows took ~80 MB


def test_aggregated_file_above_the_row_bound_is_refused_naming_the_bound(tmp_path, monkeypatch):
    monkeypatch.setenv("MALI_AGGREGATED_MAX_ROWS", "20")
    rows = [weekly_row("2024-01-06", kind=f"kind {i}") for i in range(30)]
    path = write(tmp_path / "weekly.csv", [WEEKLY_HEADER, *rows])
    with pytest.raises(EventDataError) as raised:
        events.load("acled-aggregated", path, country="Mali")
    assert str(raised.value) == (
        f"{path}: line 22: more than 20 data rows, the most read from one ACLED aggregated "
        "file (MALI_AGGREGATED_MAX_ROWS); set MALI_AGGREGATED_MAX_ROWS to more than 20 to "
        "allow more"
    )


@pytest.fixture
def openpyxl_never_opens(monkeypatch):
    """Fail if openpyxl is asked to open a workbook (a bomb must be refused before)."""
    import openpyxl

    def refuse(*args, **kwargs):
        raise AssertionError("openpyxl opened the workbook")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


def test_zip_bomb_workbook_is_refused_before_openpyxl_expands_it(tmp_path, openpyxl_never_opens):
    # 30 MB of spaces inside the sheet's XML (valid XML) deflate to ~30 KB: 1,000 times
    path = rewritten_xlsx(
        WEEKLY.with_suffix(".xlsx"),
        tmp_path / "bomb.xlsx",
        "xl/worksheets/sheet1.xml",
        b"</sheetData>",
        b"</sheetData>" + b" " * 30_000_000,
    )
    assert path.stat().st_size < 100_000
    with pytest.raises(EventDataError) as raised:
        events.load("acled-aggregated", path)
    message = str(raised.value)
    assert message.startswith(f"{path}: the workbook's part xl/worksheets/sheet1.xml would grow ")
    assert (
        "more than the 200 times a spreadsheet's parts grow (MALI_XLSX_MAX_RATIO): a zip bomb, "
        "or not a workbook saved by a spreadsheet program; it was not opened (set "
        "MALI_XLSX_MAX_RATIO to more than 200 to allow more)" in message
    )
    # the folder scan names it too, instead of failing every report
    assert events.acled_folder(tmp_path).unreadable == (message,)


def test_workbook_larger_than_the_size_bound_once_decompressed_is_refused(
    tmp_path, monkeypatch, openpyxl_never_opens
):
    monkeypatch.setenv("MALI_XLSX_MAX_MB", "0.01")  # 10 KB: the fixture's parts take ~20 KB
    path = tmp_path / "weekly.xlsx"
    shutil.copy(WEEKLY.with_suffix(".xlsx"), path)
    total = sum(i.file_size for i in zipfile.ZipFile(path).infolist())
    with pytest.raises(EventDataError) as raised:
        events.load("acled-aggregated", path)
    assert str(raised.value) == (
        f"{path}: the workbook's parts would take {total:,} bytes once decompressed, more than "
        "0.01 MB (MALI_XLSX_MAX_MB); it was not opened (set MALI_XLSX_MAX_MB to more than "
        "0.01 to allow more, in MB)"
    )


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        (b'<c r="G2" t="n"><v>3</v></c>', b'<c r="G2" t="s"><v>7</v></c>', "IndexError: list "
         "index out of range"),
        (b'<c r="G2" t="n"><v>3</v></c>', b'<c r="G2" t="n"><v>3x</v></c>', "ValueError: "
         "invalid literal for int() with base 10: '3x'"),
    ],
)  # fmt: skip
def test_damaged_workbook_cell_is_a_sentence_naming_sheet_and_row(tmp_path, old, new, problem):
    path = rewritten_xlsx(
        WEEKLY.with_suffix(".xlsx"), tmp_path / "weekly.xlsx", "xl/worksheets/sheet1.xml", old, new
    )
    with pytest.raises(EventDataError) as raised:
        events.load("acled-aggregated", path)
    assert str(raised.value) == (
        f"{path}, sheet 'Sheet1', row 2 (or the next row with data): a damaged cell "
        f"({problem}); the workbook cannot be read: download it again, or open and save it "
        "with a spreadsheet program"
    )


def test_infinite_count_in_a_workbook_cell_is_not_a_whole_number(tmp_path):
    """A cell of 1e999 is infinite: it was an OverflowError from int(), now a sentence."""
    path = rewritten_xlsx(
        WEEKLY.with_suffix(".xlsx"),
        tmp_path / "weekly.xlsx",
        "xl/worksheets/sheet1.xml",
        b'<c r="G2" t="n"><v>3</v></c>',
        b'<c r="G2" t="n"><v>1e999</v></c>',
    )
    with pytest.raises(EventDataError) as raised:
        events.load("acled-aggregated", path)
    assert str(raised.value) == (
        f"1 problem in ACLED aggregated data: {path}, sheet 'Sheet1', row 2, column EVENTS: "
        "'inf' is not a whole number"
    )


def test_workbook_that_is_not_a_zip_is_named(tmp_path):
    path = tmp_path / "Western_Africa_aggregated_data_up_to-2024-01-19.xlsx"
    path.write_bytes(WEEKLY.with_suffix(".xlsx").read_bytes()[200:])  # cut at the start
    with pytest.raises(EventDataError) as raised:
        events.load("acled-aggregated", path)
    assert str(raised.value) == (
        f"{path}: named like an xlsx workbook but not one (no zip signature): a damaged "
        "download, or another kind of file renamed; download it again"
    )


def test_weeks_outside_acleds_years_are_refused_so_they_cannot_stretch_coverage(tmp_path):
    # 9999-12-25, 1850-01-05 and 1200-01-01 are Saturdays; the last line is a good row
    rows = [weekly_row(w) for w in ("9999-12-25", "1850-01-05", "1200-01-01")]
    path = write(tmp_path / "weekly.csv", [WEEKLY_HEADER, *rows, weekly_row("2024-01-06")])
    with pytest.raises(EventDataError) as raised:
        events.load("acled-aggregated", path)
    today = date.today().isoformat()
    assert str(raised.value) == (
        f"3 problems in ACLED aggregated data: {path}: line 2, column WEEK: 9999-12-25 is after "
        f"today ({today}); {path}: line 3, column WEEK: 1850-01-05 is before 1997-01-01, the "
        f"first day of ACLED's data; {path}: line 4, column WEEK: 1200-01-01 is before "
        "1997-01-01, the first day of ACLED's data"
    )


def test_monthly_year_outside_acleds_years_is_refused(tmp_path):
    path = write(
        tmp_path / "mali_political_violence.csv",
        [
            "Country,Admin1,Admin2,ISO3,Admin2 Pcode,Admin1 Pcode,Month,Year,Events,Fatalities",
            "Mali,Mopti,Bandiagara,MLI,ML0501,ML05,January,1850,7,21",
        ],
    )
    with pytest.raises(EventDataError, match=r"line 2, column Year: '1850' is not a year of "):
        events.load("acled-aggregated", path)


def test_centroid_latitude_of_999_is_refused(tmp_path):
    rows = [weekly_row("2024-01-06", latitude=999)]
    path = write(tmp_path / "weekly.csv", [WEEKLY_HEADER, *rows])
    with pytest.raises(EventDataError) as raised:
        events.load("acled-aggregated", path)
    assert str(raised.value) == (
        f"1 problem in ACLED aggregated data: {path}: line 2, column CENTROID_LATITUDE: "
        "'999' is outside -90..90"
    )


def test_rows_after_the_stated_end_are_reported_and_left_out(tmp_path):
    # the name states weeks up to that of 2024-01-13 (to the 19th); a row of the 20th is after
    name = "Western_Africa_aggregated_data_up_to_week_of-2024-01-13.csv"
    rows = [weekly_row("2024-01-06"), weekly_row("2024-01-13"), weekly_row("2024-01-20")]
    frame = events.load("acled-aggregated", write(tmp_path / name, [WEEKLY_HEADER, *rows]))
    assert int(frame["events"].sum()) == 6  # 3 + 3: the row of the 20th is not counted
    assert frame.attrs["coverage"].text() == "2024-01-06 to 2024-01-19"
    assert frame.attrs["notes"] == [
        f"{tmp_path / name}: 1 row(s) are dated after 2024-01-19, the last day the file states "
        "it covers (from its name), e.g. row 4 (week of 2024-01-20): left out, not counted."
    ]
    # an HDX file's as-of day: April in a file "as of 15 March 2024"
    monthly = write(
        tmp_path / "mali_political_violence_events_as-of-15mar2024.csv",
        [
            "Country,Admin1,Admin2,ISO3,Admin2 Pcode,Admin1 Pcode,Month,Year,Events,Fatalities",
            "Mali,Mopti,Bandiagara,MLI,ML0501,ML05,March,2024,7,21",
            "Mali,Mopti,Bandiagara,MLI,ML0501,ML05,April,2024,5,2",
        ],
    )
    frame = events.load("acled-aggregated", monthly, country="Mali")
    assert int(frame["events"].sum()) == 7
    assert frame.attrs["coverage"].text() == "2024-03-01 to 2024-03-15"
    assert "1 row(s) are dated after 2024-03-15" in frame.attrs["notes"][0]
    assert "(its as-of day), e.g. row 3 (month of 2024-04-01)" in frame.attrs["notes"][0]


def test_repeated_area_periods_are_counted_once_with_a_note_or_refused(tmp_path):
    header = "Country,Admin1,Admin2,ISO3,Admin2 Pcode,Admin1 Pcode,Month,Year,Events,Fatalities"
    row = "Mali,Mopti,Bandiagara,MLI,ML0501,ML05,January,2024,7,21"
    path = write(tmp_path / "mali_political_violence.csv", [header, row, row, row])
    frame = events.load("acled-aggregated", path, country="Mali")
    assert (int(frame["events"].sum()), len(frame)) == (7, 1)
    assert frame.attrs["notes"] == [
        f"{path}: 2 row(s) repeat an earlier row's area, month and type with the same counts "
        "(e.g. row 3 repeats row 2): each is counted once."
    ]
    other = row.replace(",7,21", ",9,21")
    write(path, [header, row, other])
    with pytest.raises(EventDataError) as raised:
        events.load("acled-aggregated", path, country="Mali")
    assert str(raised.value) == (
        f"1 problem in ACLED aggregated data: {path}: line 3, column Events: the same area, "
        "month as row 2 with other counts (7 events, 21 deaths there, 9 events, 21 deaths "
        "here): which is right cannot be told"
    )
    weekly = write(tmp_path / "weekly.csv", [WEEKLY_HEADER] + [weekly_row("2024-01-06")] * 2)
    frame = events.load("acled-aggregated", weekly)
    assert int(frame["events"].sum()) == 3
    assert "1 row(s) repeat an earlier row's area, week and type" in frame.attrs["notes"][0]


def test_invisible_characters_in_aggregated_labels_are_removed_with_a_note(tmp_path):
    rows = [weekly_row("2024-01-06", admin1="Mopti\u202e"), weekly_row("2024-01-13")]
    frame = events.load("acled-aggregated", write(tmp_path / "weekly.csv", [WEEKLY_HEADER, *rows]))
    assert list(frame["admin1"]) == ["Mopti", "Mopti"]
    assert frame.attrs["notes"] == [
        f"{tmp_path / 'weekly.csv'}: 1 label(s) held invisible control characters (e.g. U+202E "
        "in row 2, column ADMIN1, 'Mopti\\u202e'), which can reverse or hide the labels drawn "
        "next to them in a figure: removed."
    ]


# --- event files: ids, dates, coordinates, labels -------------------------------------------


def edited(dataset: str, tmp_path: Path, old: str, new: str, name: str = "") -> Path:
    data = fixture_bytes(dataset).decode()
    assert old in data
    path = tmp_path / (name or f"{dataset}.csv")
    path.write_text(data.replace(old, new, 1), encoding="utf-8")
    return path


def test_acled_event_repeated_is_counted_once_and_two_versions_are_refused(tmp_path):
    lines = fixture_bytes("acled").decode().splitlines(keepends=True)
    path = tmp_path / "acled.csv"
    path.write_text("".join(lines + [lines[1], lines[1]]), encoding="utf-8")
    frame = events.load("acled", path)
    # 10 events (one note holds a line break), the two copies of MLI90001 left out
    assert len(frame) == 10
    assert frame.attrs["notes"] == [
        f"{path}: 2 row(s) repeat an earlier row's event id with the same values (e.g. data "
        "row 11 repeats data row 1, MLI90001): each event is counted once."
    ]
    path.write_text("".join(lines + [lines[1].replace(",12,,1700000001", ",13,,1700000001")]))
    with pytest.raises(EventDataError) as raised:
        events.load("acled", path)
    assert str(raised.value) == (
        f"{path}: data rows 1 and 11 have the same event id 'MLI90001' but differ in "
        "deaths_best: the file holds two versions of one event, and which is right cannot be "
        "told; fetch the data again"
    )


def test_ged_event_repeated_is_counted_once(tmp_path):
    lines = fixture_bytes("ucdp-ged").decode().splitlines(keepends=True)
    path = tmp_path / "ged.csv"
    path.write_text("".join(lines + [lines[1]]), encoding="utf-8")
    frame = events.load("ucdp-ged", path)
    assert len(frame) == 6  # the fixture's six events, 900001 once
    assert "1 row(s) repeat an earlier row's event id" in frame.attrs["notes"][0]


@pytest.mark.parametrize(
    ("dataset", "old", "new", "expected"),
    [
        ("acled", "2021-02-10", "2021-02-30", "data row 2, column event_date: '2021-02-30' is "
         "not a day of the calendar (that month has fewer days)"),
        ("acled", ",16.2717,", ",999,", "data row 2, column latitude: 999.0 is outside -90..90"),
        ("acled", "2021-02-10", "1850-02-10", "data row 2, column event_date: '1850-02-10' is "
         "before 1997-01-01, the first day of the publisher's data"),
        ("ucdp-ged", ",15.05,-1.75,", ",999,-1.75,", "data row 1, column latitude: 999.0 is "
         "outside -90..90"),
    ],
)  # fmt: skip
def test_event_dates_and_coordinates_are_range_checked(dataset, old, new, expected, tmp_path):
    path = edited(dataset, tmp_path, old, new)
    with pytest.raises(EventDataError) as raised:
        events.load(dataset, path)
    assert str(raised.value) == f"{path}: {expected}"


def test_ged_day_that_is_not_in_the_calendar_is_refused(tmp_path):
    day = ",2018-03-10 00:00:00.000,2018-03-10 00:00:00.000,"  # date_start, date_end of row 1
    path = edited("ucdp-ged", tmp_path, day, day.replace("03-10", "02-30", 1))
    with pytest.raises(EventDataError) as raised:
        events.load("ucdp-ged", path)
    assert str(raised.value) == (
        f"{path}: data row 1, column date_start: '2018-02-30 00:00:00.000' is not a day of the "
        "calendar (that month has fewer days)"
    )


def test_acled_export_with_only_its_header_has_no_events_not_misaligned_rows(tmp_path):
    path = tmp_path / "acled.csv"
    path.write_bytes(fixture_bytes("acled").splitlines(keepends=True)[0])
    frame = events.load("acled", path, country="Mali")
    assert len(frame) == 0
    assert frame.attrs["coverage"].spans == ()
    assert frame.attrs["notes"] == [
        f"{path}: the export has its header row and no data rows: it holds no events."
    ]


def test_invisible_characters_in_event_labels_are_removed_with_a_note(tmp_path):
    path = edited("acled", tmp_path, ",Mopti,Douentza,", ",Mopti\u202e,Douentza\u200b,")
    frame = events.load("acled", path, country="Mali")
    assert not frame["admin1"].str.contains("\u202e").any()
    assert frame.iloc[0]["admin1"] == "Mopti" and frame.iloc[0]["admin2"] == "Douentza"
    assert frame.attrs["notes"] == [
        f"{path}: 1 row(s) had labels with invisible control characters (such as U+202E in "
        "the admin1 'Mopti\\u202e'), which can reverse or hide the labels drawn next to them in "
        "a figure: removed."
    ]


def test_owid_file_cut_inside_its_last_number_is_refused(tmp_path):
    data = fixture_bytes("owid")
    assert data.endswith(b"Africa,,2020,1000\n")
    path = tmp_path / "owid.csv"
    path.write_bytes(data[:-2])  # "...,1000\n" cut to "...,100": fewer digits, no newline
    with pytest.raises(EventDataError) as raised:
        events.load("owid", path)
    assert str(raised.value) == (
        f"{path}: its last line has no line break: the file looks cut short inside its last "
        "row (a number there may have lost digits); download or copy it again"
    )


def test_ged_events_after_the_span_the_release_states_are_reported_and_left_out(tmp_path):
    # the fixture's events are of 2018 to 2020; named as release 20.1, it states 1989 to 2019
    path = tmp_path / "GEDEvent_v20_1.csv"
    path.write_bytes(fixture_bytes("ucdp-ged"))
    frame = events.load("ucdp-ged", path)
    assert list(frame["event_id"]) == ["900001", "900002", "900003"]  # 2018, 2018, 2019
    assert frame.attrs["coverage"].text() == "1989-01-01 to 2019-12-31"
    assert frame.attrs["notes"] == [
        f"{path}: 3 event(s) are dated after 2019-12-31, the end of the span release 20.1 "
        "states (e.g. data row 4, 2020-01-15): left out, not counted."
    ]
