"""Bad curated input (issue 17): every case ends in a list of problems naming file, physical
line, column and what is wrong, every problem at once, never a traceback.

Each test breaks one thing (or a few, to show they are reported together) in a copy of the
small fixture (tests/fixtures/curated_min) or of data/curated, and asserts the exact lines
`python -m analysis validate --dir <copy>` prints, and its exit code.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.cli import main
from analysis.config import PROJECT_ROOT, display_path
from analysis.curated import schema
from analysis.curated.tables import validate_all

MINIMAL = Path(__file__).parent / "fixtures" / "curated_min"
RELATIONS = ", ".join(schema.RELATIONS)


@pytest.fixture
def tables(tmp_path: Path) -> Path:
    """A writable copy of the small hand-written curated fixture (valid as it is)."""
    target = tmp_path / "curated"
    shutil.copytree(MINIMAL, target)
    return target


def replace(path: Path, old: str, new: str) -> None:
    """Replace the first `old` in a file, byte for byte (line endings kept)."""
    data = path.read_bytes()
    assert old.encode() in data, f"{old!r} not found in {path.name}"
    path.write_bytes(data.replace(old.encode(), new.encode(), 1))


def set_cell(path: Path, line: int, column: str, value: str) -> None:
    """Set one cell of a one-line record, leaving every other byte of the file as it was."""
    data = path.read_bytes().decode("utf-8")
    header = next(csv.reader(io.StringIO(data)))
    lines = data.splitlines(keepends=True)
    body = lines[line - 1].rstrip("\r\n")
    (cells,) = csv.reader([body])
    cells[header.index(column)] = value
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(cells)
    lines[line - 1] = buffer.getvalue() + lines[line - 1][len(body) :]
    path.write_bytes("".join(lines).encode("utf-8"))


def at(folder: Path, table: str, line: int, column: str, message: str) -> str:
    """A problem line as the command prints it."""
    where = (
        f"{display_path(folder / f'{table}.csv')}:{line}"
        if line
        else display_path(folder / f"{table}.csv")
    )
    col = f" column '{column}':" if column else ""
    return f"{where}:{col} {message}"


def validate(folder: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    """Run `validate --dir folder`; it must fail cleanly; return the problem lines it prints."""
    code = main(["validate", "--dir", str(folder)])
    out = capsys.readouterr()
    assert code == 1, out.out
    assert "Traceback" not in out.err
    lines = out.err.splitlines()
    count = len(lines) - 1
    assert lines[0] == f"Curated data has {count} problem{'s' if count != 1 else ''}:"
    return [line.removeprefix("  ") for line in lines[1:]]


def valid(folder: Path, capsys: pytest.CaptureFixture[str]) -> str:
    code = main(["validate", "--dir", str(folder)])
    out = capsys.readouterr()
    assert code == 0, out.err
    return out.out


def not_an_id(value: str, hint: str) -> str:
    return (
        f"'{value}' is not a valid id (lower-case letters, digits and hyphens); "
        f"did you mean '{hint}'?"
    )


# --- ids, vocabularies and empty cells: used to crash in the cross-table checks ------------------


def test_upper_case_group_id_in_groups(tables, capsys):
    replace(tables / "groups.csv", "\njnim,", "\nJNIM,")
    assert validate(tables, capsys) == [
        at(tables, "groups", 4, "group_id", not_an_id("JNIM", "jnim")),
        # the lineage row that names jnim is still checked, and says why it now fails
        at(tables, "lineage", 3, "other_group_id", "group id 'jnim' is not in groups.csv"),
    ]


def test_upper_case_perpetrator_in_events(tables, capsys):
    replace(tables / "events.csv", ",aqim,claimed", ",AQIM,claimed")
    assert validate(tables, capsys) == [
        at(tables, "events", 2, "perpetrators", not_an_id("AQIM", "aqim")),
    ]


def test_upper_case_group_id_in_lineage(tables, capsys):
    replace(tables / "lineage.csv", "day,ansar-dine,merged_into", "day,Ansar-Dine,merged_into")
    assert validate(tables, capsys) == [
        at(tables, "lineage", 3, "group_id", not_an_id("Ansar-Dine", "ansar-dine")),
    ]


def test_upper_case_other_group_id_in_lineage(tables, capsys):
    replace(tables / "lineage.csv", "merged_into,jnim,", "merged_into,JNIM,")
    assert validate(tables, capsys) == [
        at(
            tables,
            "lineage",
            3,
            "other_group_id",
            "group id 'JNIM' is not in groups.csv (ids are lower case: 'jnim')",
        ),
    ]


def test_misspelled_lineage_relation(tables, capsys):
    replace(tables / "lineage.csv", "merged_into", "merged_in")
    assert validate(tables, capsys) == [
        at(
            tables,
            "lineage",
            3,
            "relation",
            f"'merged_in' is not one of: {RELATIONS}; did you mean 'merged_into'?",
        ),
    ]


def test_empty_group_id_and_relation_in_lineage(tables, capsys):
    replace(tables / "lineage.csv", "day,ansar-dine,merged_into", "day,,merged_into")
    replace(tables / "lineage.csv", "month,ansar-dine,designated_by", "month,ansar-dine,")
    assert validate(tables, capsys) == [
        at(tables, "lineage", 3, "group_id", "required value is empty"),
        at(tables, "lineage", 4, "relation", "required value is empty"),
    ]


def test_empty_date_and_empty_precision_in_lineage(tables, capsys):
    replace(tables / "lineage.csv", "2007-01,month,gspc", "2007-01,,gspc")
    replace(tables / "lineage.csv", "2017-03-02,day,ansar-dine", ",day,ansar-dine")
    # one problem per cell: no second "empty although date is set" for the same cell
    assert validate(tables, capsys) == [
        at(tables, "lineage", 2, "date_precision", "required value is empty"),
        at(tables, "lineage", 3, "date", "required value is empty"),
    ]


def test_bad_precision_is_one_problem(tables, capsys):
    replace(tables / "events.csv", "2015-11-20,day", "2015-11-20,days")
    assert validate(tables, capsys) == [
        at(
            tables,
            "events",
            2,
            "date_precision",
            "'days' is not a precision (expected day, month or year)",
        ),
    ]


# --- numbers: nan, inf, overflow, Python-only spellings, bounds ----------------------------------


@pytest.mark.parametrize(
    ("table", "old", "new", "line", "column", "message"),
    [
        ("events", ",,54,", ",,nan,", 3, "deaths_best", "'nan' is not a finite number"),
        ("events", ",,54,", ",,inf,", 3, "deaths_best", "'inf' is not a finite number"),
        ("events", ",,54,,,", ",,54,-inf,,", 3, "deaths_high", "'-inf' is not a finite number"),
        (
            "events",
            ",,54,",
            ",,1e400,",
            3,
            "deaths_best",
            "'1e400' is not a finite number (too large)",
        ),
        (
            "events",
            ",,54,",
            ",,99999999999999999999,",
            3,
            "deaths_best",
            "'99999999999999999999' is too large for a count",
        ),
        # Python's float() reads '1_000' as 1000: a spreadsheet never writes it
        ("events", ",,54,,,", ",,54,,1_000,", 3, "injured", "'1_000' is not a number"),
        (
            "polls",
            ",2200,,true,minu",
            ",NaN,,true,minu",
            2,
            "sample_size",
            "'NaN' is not a finite number",
        ),
        (
            "groups",
            "Droukdel,,,",
            "Droukdel,inf,,",
            3,
            "strength_low",
            "'inf' is not a finite number",
        ),
    ],
)
def test_count_not_a_finite_whole_number(tables, capsys, table, old, new, line, column, message):
    replace(tables / f"{table}.csv", old, new)
    assert validate(tables, capsys) == [at(tables, table, line, column, message)]


@pytest.mark.parametrize(
    ("old", "new", "column", "message"),
    [
        (",2200,,true", ",2200,inf,true", "design_effect", "'inf' is not a finite number"),
        (
            ",2200,,true",
            ",2200,-5,true",
            "design_effect",
            "'-5' is below 1, the smallest design_effect allowed",
        ),
        (
            ",2200,,true",
            ",2200,0.5,true",
            "design_effect",
            "'0.5' is below 1, the smallest design_effect allowed",
        ),
        (
            ",2200,,true",
            ",0,,true",
            "sample_size",
            "'0' is below 1, the smallest sample_size allowed",
        ),
        (",31,false", ",nan,false", "share", "'nan' is not a finite number"),
        (",31,false", ",inf,false", "share", "'inf' is not a finite number"),
    ],
)
def test_poll_design_effect_sample_size_and_share(tables, capsys, old, new, column, message):
    replace(tables / "polls.csv", old, new)
    assert validate(tables, capsys) == [at(tables, "polls", 2, column, message)]


def test_latitude_not_a_number_is_one_problem(tables, capsys):
    replace(tables / "events.csv", "12.65,-8.0", "abc,-8.0")
    # not also "latitude and longitude must be given together": the latitude was given
    assert validate(tables, capsys) == [
        at(tables, "events", 2, "latitude", "'abc' is not a number"),
    ]


def test_chart_label_too_long(tables, capsys):
    replace(tables / "milestones.csv", ",Serval,", ",Operation Serval launched by France,")
    assert validate(tables, capsys) == [
        at(
            tables,
            "milestones",
            2,
            "label",
            "'Operation Serval launched by France' is 35 characters long; at most 20",
        ),
    ]


# --- quotes, line breaks and characters: rows silently lost or merged before --------------------

QUOTE_HINT = 'a quote inside a cell is written ""'


def test_unclosed_quote_in_last_column_swallows_rows_to_end_of_file(tables, capsys):
    # Line 2's notes cell opens a quote that never closes: line 3 became part of that cell, the
    # field count still matched, and validate said the data was valid with one event lost.
    path = tables / "events.csv"
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    assert lines[1].endswith("cep-mali,\n")
    lines[1] = lines[1][: -len("\n")] + '"see the next row\n'
    path.write_text("".join(lines), encoding="utf-8")
    assert validate(tables, capsys) == [
        at(
            tables,
            "events",
            2,
            "notes",
            "a quote opens this cell and is never closed, so line 3 is read into this one "
            f"cell, to the end of the file; close the quote ({QUOTE_HINT})",
        ),
    ]


def test_quote_closed_lines_later_swallows_the_rows_between(tables, capsys):
    # The quote opened on line 2 closes at the end of line 3: the field count matches.
    path = tables / "events.csv"
    replace(path, "cep-mali,\nev-2019", 'cep-mali,"first note\nev-2019')
    data = path.read_bytes()
    assert data.endswith(b"cep-mali,\n")
    path.write_bytes(data[: -len(b"\n")] + b'last note"\n')
    assert validate(tables, capsys) == [
        at(
            tables,
            "events",
            2,
            "notes",
            "the quote that opens this cell closes only on line 3, so line 3 is read into this "
            f"one cell (1 looks like a row of the table); close the quote where the cell ends "
            f"({QUOTE_HINT})",
        ),
    ]


def test_quote_left_open_in_the_real_chronology(curated_copy, capsys):
    # Line 80 of events.csv ends with a quoted notes cell; drop its closing quote. The quote
    # then closes at the quote that opens line 81's description, and two rows become one.
    path = curated_copy / "events.csv"
    lines = path.read_bytes().split(b"\n")
    assert lines[79].endswith(b'"\r')
    lines[79] = lines[79][: -len(b'"\r')] + b"\r"
    path.write_bytes(b"\n".join(lines))
    assert validate(curated_copy, capsys) == [
        at(
            curated_copy,
            "events",
            80,
            "notes",
            "the quote that opens this cell closes only on line 81, so line 81 is read into "
            f"this one cell; close the quote where the cell ends ({QUOTE_HINT})",
        ),
    ]


def test_text_after_a_closing_quote(tables, capsys):
    # csv reads '"Indelimane" village' as 'Indelimane village', dropping the quotes silently.
    replace(tables / "events.csv", ",Indelimane,", ',"Indelimane" village,')
    assert validate(tables, capsys) == [
        at(
            tables,
            "events",
            3,
            "location",
            "text 'village' follows the closing quote of this cell; a quoted cell must end "
            f"with its quote ({QUOTE_HINT})",
        ),
    ]


def test_lone_carriage_return_inside_a_cell(tables, capsys):
    # An old-Mac line break typed into a notes cell splits the row in two.
    replace(tables / "sources.csv", ",2012-09,,fixture", ",2012-09,,fix\rture")
    assert validate(tables, capsys) == [
        at(
            tables,
            "sources",
            4,
            "",
            "row has 1 field but the header has 6: a lone carriage return (CR) ends the line "
            "before; a line break inside a cell must be quoted, or remove it",
        ),
    ]


def test_very_long_cell_is_read_and_later_rows_still_checked(tables, capsys):
    # A cell over csv's 131072-character limit stopped the reader: later rows went unchecked.
    replace(
        tables / "events.csv",
        "took guests hostage.,cep-mali,",
        "took guests hostage.,cep-mali," + "x" * 200_000,
    )
    replace(tables / "events.csv", ",,54,", ",,-3,")
    assert validate(tables, capsys) == [
        at(tables, "events", 3, "deaths_best", "'-3' is negative (counts must be 0 or more)"),
    ]


def test_nul_character_in_a_cell(tables, capsys):
    replace(tables / "milestones.csv", "France launched", "France\x00 launched")
    assert validate(tables, capsys) == [
        at(
            tables,
            "milestones",
            2,
            "description",
            "contains the control character U+0000 (invisible; left by a damaged file or a bad "
            "copy): remove it",
        ),
    ]


def test_byte_order_mark_inside_an_id_is_shown(tables, capsys):
    # Two files pasted together leave the second one's BOM in front of a row's first cell.
    replace(tables / "milestones.csv", "\nserval,", "\n\ufeffserval,")
    assert validate(tables, capsys) == [
        at(
            tables,
            "milestones",
            2,
            "milestone_id",
            "'\\ufeffserval' is not a valid id (lower-case letters, digits and hyphens); "
            "did you mean 'serval'?",
        ),
    ]


def test_doubled_byte_order_mark_before_the_header_is_accepted(tables, capsys):
    path = tables / "sources.csv"
    path.write_bytes("\ufeff\ufeff".encode() + path.read_bytes())
    assert "sources.csv         2 rows" in valid(tables, capsys)


def test_utf16_file(tables, capsys):
    path = tables / "polls.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    assert validate(tables, capsys) == [
        at(
            tables,
            "polls",
            0,
            "",
            "the file is saved as UTF-16 (it starts with a UTF-16 byte-order mark); save it as "
            "UTF-8 (in a spreadsheet: 'CSV UTF-8')",
        ),
    ]


# --- headers and whole files -------------------------------------------------------------------


def test_header_spaces_accepted_and_wrong_case_named(tables, capsys):
    path = tables / "events.csv"
    replace(path, "event_id,date,", " event_id ,date,")
    replace(path, ",deaths_best,", ",Deaths_Best,")
    assert validate(tables, capsys) == [
        at(
            tables,
            "events",
            1,
            "deaths_best",
            "required column missing from the header (the header has 'Deaths_Best': "
            "write it 'deaths_best')",
        ),
    ]


def test_missing_and_duplicate_columns_reported_together(tables, capsys):
    path = tables / "groups.csv"
    replace(path, ",kind,", ",notes,")
    assert validate(tables, capsys) == [
        at(tables, "groups", 1, "kind", "required column missing from the header"),
        at(tables, "groups", 1, "notes", "column appears twice"),
    ]


def test_header_only_file(tables, capsys):
    path = tables / "milestones.csv"
    header = path.read_text(encoding="utf-8").splitlines()[0]
    path.write_text(header + "\n", encoding="utf-8")
    assert validate(tables, capsys) == [
        at(tables, "milestones", 0, "", "has a header row but no data rows"),
    ]


def test_dir_that_is_not_a_folder(tmp_path, capsys):
    for target, what in ((tmp_path / "nowhere", "does not exist"), (tmp_path, None)):
        if what is None:
            target = tmp_path / "events.csv"
            target.write_text("x\n", encoding="utf-8")
            what = "is a file, not a folder"
        assert validate(target, capsys) == [
            f"{display_path(target)}: the folder given with --dir {what}"
        ]


# --- everything at once ------------------------------------------------------------------------


def test_every_typed_cell_broken_at_once_names_each_one(tables):
    # Row 2 of every table: every cell that has a type gets a wrong value. No crash; each is
    # named on its line and column; the cross-table checks still run.
    expected = set()
    for name, spec in schema.TABLES.items():
        path = tables / f"{name}.csv"
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
        header = rows[0]
        for col in spec.columns:
            if col.kind in (schema.TEXT, schema.LIST, schema.SOURCES) and col.name != "label":
                continue
            bad = {schema.BOOL: "maybe", schema.DATE: "2015-02-30", schema.TEXT: "x" * 21}
            rows[1][header.index(col.name)] = bad.get(col.kind, "NaN")
            expected.add((display_path(path), 2, col.name))
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        path.write_text(buffer.getvalue(), encoding="utf-8")
    report = validate_all(tables)
    named = {(p.file, p.line, p.column) for p in report.problems}
    assert expected <= named, sorted(expected - named)
    # with milestones.countries (13), candidates.csv (25), groups.countries (23),
    # events.suspected_perpetrators (61)
    assert len(expected) == 61


def test_command_in_a_subprocess_reports_all_files_at_once(curated_copy):
    # The real command, as `make validate` runs it, on the real data broken in five tables and
    # one table removed: every problem is printed, then exit 1, and no traceback.
    set_cell(curated_copy / "groups.csv", 12, "group_id", "JNIM")
    set_cell(curated_copy / "lineage.csv", 15, "relation", "merged_in")
    set_cell(curated_copy / "polls.csv", 2, "design_effect", "-5")
    set_cell(curated_copy / "polls.csv", 3, "sample_size", "nan")
    set_cell(curated_copy / "events.csv", 2, "date", "2015-13-01")
    set_cell(curated_copy / "events.csv", 2, "deaths_best", "1e400")
    (curated_copy / "milestones.csv").unlink()
    result = subprocess.run(
        [sys.executable, "-m", "analysis", "validate", "--dir", str(curated_copy)],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    printed = [line.removeprefix("  ") for line in result.stderr.splitlines()[1:]]
    expected = [
        at(
            curated_copy,
            "events",
            2,
            "date",
            "'2015-13-01' is not a real calendar date (month must be in 1..12)",
        ),
        at(curated_copy, "events", 2, "deaths_best", "'1e400' is not a finite number (too large)"),
        at(curated_copy, "groups", 12, "group_id", not_an_id("JNIM", "jnim")),
        at(
            curated_copy,
            "lineage",
            15,
            "relation",
            f"'merged_in' is not one of: {RELATIONS}; did you mean 'merged_into'?",
        ),
        at(curated_copy, "milestones", 0, "", "file not found"),
        at(
            curated_copy,
            "polls",
            2,
            "design_effect",
            "'-5' is below 1, the smallest design_effect allowed",
        ),
        at(curated_copy, "polls", 3, "sample_size", "'nan' is not a finite number"),
    ]
    for line in expected:
        assert line in printed, (line, printed)
    # Everything else printed follows from the upper-case JNIM: rows that name jnim.
    rest = [line for line in printed if line not in expected]
    assert rest, printed
    assert all(line.endswith("group id 'jnim' is not in groups.csv") for line in rest), rest
    assert result.stderr.splitlines()[0] == f"Curated data has {len(printed)} problems:"
