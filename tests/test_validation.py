"""validate: every problem reported with file, line and column, never a bare traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis.cli import main
from analysis.curated.tables import load_events, load_groups, validate_all
from analysis.curated.validation import DataValidationError

MINIMAL = Path(__file__).parent / "fixtures" / "curated_min"


@pytest.fixture
def tables(tmp_path: Path) -> Path:
    """A writable copy of the small hand-written curated fixture."""
    target = tmp_path / "curated"
    shutil.copytree(MINIMAL, target)
    return target


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not found in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def messages(folder: Path) -> list[str]:
    return [str(p) for p in validate_all(folder).problems]


def test_minimal_fixture_is_valid(tables):
    assert messages(tables) == []


def test_typed_frames(tables):
    events = load_events(tables)
    assert events["date"].dtype == "datetime64[ns]"
    assert events.loc[0, "date"] == pd.Timestamp("2015-11-20")
    assert events["deaths_best"].dtype == "Int64"
    assert events.loc[0, "deaths_best"] == 20
    assert events.loc[0, "target"] == ["civilians", "foreigners"]
    assert pd.isna(events.loc[0, "deaths_low"])
    groups = load_groups(tables)
    assert groups.set_index("group_id").loc["gspc", "founded_precision"] == "year"
    assert groups["group_id"].dtype == "string"


def test_wrong_encoding(tables):
    path = tables / "events.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("latin-1"))
    (problem,) = messages(tables)
    # Ménaka is on line 3 of events.csv: the first non-UTF-8 byte is there.
    assert problem.startswith("events.csv:3:") or "events.csv:3:" in problem
    assert "not valid UTF-8" in problem


def test_missing_column(tables):
    path = tables / "groups.csv"
    frame = pd.read_csv(path, dtype=str).drop(columns=["kind"])
    frame.to_csv(path, index=False)
    problems = messages(tables)
    assert any("groups.csv:1: column 'kind': required column missing" in p for p in problems)


def test_empty_file(tables):
    (tables / "polls.csv").write_text("", encoding="utf-8")
    problems = messages(tables)
    assert any(
        p.endswith("polls.csv: file is empty (expected a header row and data)") for p in problems
    )


def test_bad_date_negative_count_unknown_ids_all_reported_at_once(tables):
    events = tables / "events.csv"
    replace(events, "2015-11-20,day", "2015-11-31,day")
    replace(events, ",,54,", ",,-3,")
    replace(events, "aqim,claimed", "aqmi-typo,claimed")
    replace(events, "cep-mali,\n", "cep-mali|nowhere-2020,\n")
    problems = messages(tables)
    expected = [
        "events.csv:2: column 'date': '2015-11-31' is not a real calendar date",
        "events.csv:3: column 'deaths_best': '-3' is negative",
        "events.csv:2: column 'perpetrators': group id 'aqmi-typo' is not in groups.csv",
        "events.csv:2: column 'sources': source id 'nowhere-2020' is not in sources.csv",
    ]
    for fragment in expected:
        assert any(fragment in p for p in problems), (fragment, problems)
    assert len(problems) == 4


def test_share_low_best_high_coordinates_future(tables):
    replace(tables / "polls.csv", ",31,", ",131,")
    replace(tables / "events.csv", ",,20,,", ",25,20,,")
    replace(tables / "events.csv", "12.65,-8.0", "-8.0,12.65")
    replace(tables / "milestones.csv", "2015-11,month", "2099-11,month")
    problems = messages(tables)
    for fragment in [
        "polls.csv:2: column 'share': share 131 is outside 0-100",
        "events.csv:2: column 'deaths_low': deaths_low 25 > deaths_best 20",
        "events.csv:2: column 'latitude': (-8.0, 12.65) is outside Mali",
        "milestones.csv:3: column 'date': date 2099-11 is in the future",
    ]:
        assert any(fragment in p for p in problems), (fragment, problems)


def test_precision_mismatch_and_duplicate_id(tables):
    replace(tables / "groups.csv", "2007-01,month,,,Abdelmalek", "2007-01,year,,,Abdelmalek")
    text = (tables / "events.csv").read_text(encoding="utf-8")
    last = text.strip().splitlines()[-1]
    (tables / "events.csv").write_text(text + last + "\n", encoding="utf-8")
    problems = messages(tables)
    assert any(
        "groups.csv:3: column 'founded_precision': says 'year' but founded is written at month" in p
        for p in problems
    ), problems
    assert any(
        "events.csv:4: column 'event_id': duplicate id 'ev-2019-11-01-indelimane' (first on line 3)"
        in p
        for p in problems
    ), problems


def test_before_1990_and_unknown_vocabulary(tables):
    replace(tables / "groups.csv", "1998,year", "1985,year")
    replace(tables / "events.csv", "battle", "ambush")
    problems = messages(tables)
    assert any("groups.csv:2: column 'founded': date 1985 is before 1990" in p for p in problems)
    assert any("events.csv:3: column 'event_type': 'ambush' is not one of" in p for p in problems)


def test_row_with_wrong_field_count(tables):
    with (tables / "sources.csv").open("a", encoding="utf-8") as handle:
        handle.write("broken-row,only two\n")
    problems = messages(tables)
    assert any("sources.csv:4: row has 2 fields but the header has 6" in p for p in problems)


def test_loader_raises_with_every_problem(tables):
    replace(tables / "events.csv", ",,54,", ",,-3,")
    replace(tables / "events.csv", "2015-11-20,day", "2015-11-20,month")
    with pytest.raises(DataValidationError) as info:
        load_events(tables)
    assert len(info.value.problems) == 2
    assert "2 problems in curated data" in str(info.value)


def test_validate_command_exit_codes(tables, capsys):
    assert main(["validate", "--dir", str(tables)]) == 0
    assert "events.csv" in capsys.readouterr().out
    replace(tables / "events.csv", ",,54,", ",,-3,")
    assert main(["validate", "--dir", str(tables)]) == 1
    err = capsys.readouterr().err
    assert "Curated data has 1 problem:" in err
    assert "column 'deaths_best': '-3' is negative" in err
    assert "Traceback" not in err


def test_lineage_cycle_and_relation_before_founding(tables):
    with (tables / "lineage.csv").open("a", encoding="utf-8") as handle:
        handle.write("2018,year,jnim,merged_into,ansar-dine,Broken on purpose.,cep-mali,,\n")
        handle.write("2005,year,jnim,pledged_to,aqim,Broken on purpose.,cep-mali,,\n")
    problems = messages(tables)
    assert any(
        "cycle: jnim -> ansar-dine -> jnim" in p and "lineage.csv:" in p for p in problems
    ), problems
    assert any(
        "lineage.csv:6: column 'date': pledged_to dated 2005-01-01 is before jnim's founding" in p
        for p in problems
    ), problems
