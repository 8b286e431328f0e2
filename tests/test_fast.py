"""Issue 15, fast: heavy imports paid only where used, an ACLED export parsed once (columnar
cache) and filtered to one country while it is read.

No test here times anything: speed is measured by benchmarks/build.py and
benchmarks/events_load.py. These tests count parses, and check the cache's rules.
(Figures: tests/test_render.py.)
"""

from __future__ import annotations

import csv
import functools
import hashlib
import json
import os
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pyarrow as pa  # noqa: E402
import pyarrow.csv as pacsv  # noqa: E402
import pytest  # noqa: E402

from analysis import config  # noqa: E402
from analysis.core import hashing, origins  # noqa: E402
from analysis.sources import acled, cache, event_frames  # noqa: E402
from analysis.tables import events  # noqa: E402
from tests.conftest import fresh_process  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
HEADER = (ROOT / "tests/fixtures/events/acled_export_current.csv").read_text().splitlines()[0]

# ---------------------------------------------------------------------------------------------
# Imports: the heavy libraries are imported by the code that uses them, not by importing modules


def test_build_command_starts_without_the_scientific_stack():
    # the build process only schedules kernels and reads their files back: pandas, pyarrow and
    # numpy are the kernels' (the register needs candidate releases' names, not the readers;
    # the spreadsheet writer reads the take-away CSVs with the csv module)
    code = (
        "import json, sys\n"
        "import analysis.pipeline.command\n"
        "print(json.dumps([m for m in ('pandas', 'pyarrow', 'numpy', 'matplotlib') "
        "if m in sys.modules]))"
    )
    done = fresh_process(code, {"PATH": "/usr/bin:/bin"})
    assert json.loads(done.stdout) == []


# ---------------------------------------------------------------------------------------------
# ACLED: parsed once into a columnar cache, one country filtered while reading

COUNTRIES = [("Mali", "MLI"), ("Burkina Faso", "BFA"), ("Niger", "NER")]


def _export(path: Path, rows: int = 3000, line_breaks: bool = False) -> Path:
    """An ACLED export (current layout) of invented events of three countries in turn."""
    names = HEADER.split(",")
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, names)
        writer.writeheader()
        for i in range(rows):
            country, letters = COUNTRIES[i % 3]
            note = f"Invented event {i}" + ("\nsecond line" if line_breaks and i % 7 == 0 else "")
            writer.writerow(
                {
                    **{n: "" for n in names},
                    "event_id_cnty": f"{letters}{i + 1}",
                    "event_date": f"20{10 + i % 12:02d}-{1 + i % 12:02d}-{1 + i % 28:02d}",
                    "event_type": "Battles",
                    "sub_event_type": "Armed clash",
                    "actor1": "JNIM: Group for Support of Islam and Muslims",
                    "actor2": f"Military Forces of {country} (2021-)",
                    "inter2": "State forces",
                    "country": country,
                    "admin1": "Mopti",
                    "latitude": "14.5",
                    "longitude": "-4.2",
                    "notes": note,
                    "fatalities": str(i % 4),
                }
            )
    return path


@pytest.fixture
def parses(monkeypatch):
    """Counts the CSV parses of the ACLED reader (whole-file and streaming)."""
    counts = {"read_csv": 0, "open_csv": 0}
    for name in counts:
        original = getattr(pacsv, name)

        def wrapped(*args, _original=original, _name=name, **kwargs):
            counts[_name] += 1
            return _original(*args, **kwargs)

        monkeypatch.setattr(acled.pacsv, name, wrapped)
    return counts


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setattr(config, "CACHE_DIR", folder)
    monkeypatch.setattr(acled, "CACHE_FROM_BYTES", 0)  # the files here are small
    return folder


def _load(path: Path, **kwargs):
    frame = events.load("acled", path, resolve=lambda name: None, **kwargs)
    cache.wait()
    return frame


def _same(a, b) -> None:
    import pandas as pd

    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))


def _resolve_jnim(name: str) -> str | None:
    return "jnim" if name == "JNIM" else None


def test_second_load_reads_the_cache_and_origin_is_the_file(tmp_path, cache_dir, parses):
    path = _export(tmp_path / "export.csv")
    first = _load(path)
    assert parses["read_csv"] == 1
    # the normalised table of the whole file, under the reader's version and code hash
    copies = list(cache_dir.glob("*.arrow"))
    assert [p.name for p in copies] == [
        cache.path_for(
            acled.NORMALISED_NAME, acled.normalised_version(), origins.sha256_file(path), ".arrow"
        ).name
    ]
    assert copies[0].name.startswith(f"acled-events-v{acled.READER_VERSION}-")
    assert [p.name for p in cache_dir.iterdir()] == [copies[0].name]  # no temporary, no raw copy
    log = origins.start_log()
    second = _load(path)
    assert parses == {"read_csv": 1, "open_csv": 0}  # the cache, not the CSV
    _same(first, second)
    (origin,) = [o for o in log if o.dataset == "acled"]
    assert origin.where.endswith("export.csv") and origin.sha256 == origins.sha256_file(path)
    assert origin.sha256 in copies[0].name


def test_cached_normalised_table_equals_a_fresh_load(tmp_path, cache_dir, parses, monkeypatch):
    path = _export(tmp_path / "export.csv", 600)
    load = functools.partial(events.load, "acled", path, resolve=_resolve_jnim)
    first = load(country="Niger", start="2013-01-01")
    cache.wait()
    cached = load(country="Niger", start="2013-01-01")
    assert parses["read_csv"] == 1
    monkeypatch.setattr(acled, "CACHE_FROM_BYTES", 1 << 40)  # no cache at all
    fresh = load(country="Niger", start="2013-01-01")
    assert parses["read_csv"] == 2
    _same(cached, fresh)
    _same(first, fresh)
    assert cached.attrs["coverage"] == fresh.attrs["coverage"]
    # by hand: rows i with i % 3 == 2 are Niger's (200 of 600); their dates are in 20{10 + i % 12},
    # so 2013 on keeps i % 12 in (5, 8, 11): 3 rows in each 12, 150 rows
    niger = [i for i in range(600) if i % 3 == 2 and i % 12 >= 3]
    assert len(cached) == len(niger) == 150
    # "JNIM: Group for Support ..." resolves through its acronym: one group id per row
    assert cached["group_ids"].map(list).tolist() == [["jnim"]] * 150
    # group ids are resolved from the run's aliases, not kept in the cache
    monkeypatch.setattr(acled, "CACHE_FROM_BYTES", 0)
    renamed = events.load("acled", path, country="Niger", resolve=lambda name: None)
    assert parses["read_csv"] == 2 and renamed["group_ids"].map(list).tolist() == [[]] * 200


def test_cached_table_is_harmonised_once_and_equals_a_fresh_load(
    tmp_path, cache_dir, parses, monkeypatch
):
    path = _export(tmp_path / "export.csv", 300)
    # Mali's rows spell their region and cercle in English ('Timbuktu', 'Gourma Rharous'), the
    # others' regions carry stray spaces: what finish harmonises
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        mali = row["country"] == "Mali"
        row["admin1"] = "Timbuktu" if mali else "  Tillaberi   North "
        row["admin2"] = "Gourma Rharous" if mali else ""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    load = functools.partial(events.load, "acled", path, resolve=_resolve_jnim)
    first = {}
    for country in ("Mali", "Niger", None):
        first[country] = load(country=country)
        cache.wait()  # the copy is written in the background
    assert parses["read_csv"] == 1
    (copy,) = cache_dir.glob("*.arrow")
    stored, metadata = cache.open_table(
        acled.NORMALISED_NAME, acled.normalised_version(), origins.sha256_file(path)
    )
    # the copy holds the harmonised places, so a cached load never harmonises again
    assert metadata[event_frames.HARMONISED_KEY.decode()] == "yes"
    assert set(stored.column("admin1").to_pylist()) == {"Tombouctou", "Tillaberi North"}

    def never(*args, **kwargs):
        raise AssertionError("harmonised again")

    with monkeypatch.context() as patched:
        patched.setattr(event_frames, "_harmonise_places", never)
        patched.setattr(event_frames, "_canonical_countries", never)
        cached = {country: load(country=country) for country in first}
    assert parses["read_csv"] == 1
    monkeypatch.setattr(acled, "CACHE_FROM_BYTES", 1 << 40)  # no cache at all
    fresh = {country: load(country=country) for country in first}
    assert parses["read_csv"] == 4
    for country in first:
        _same(cached[country], fresh[country])
        _same(first[country], fresh[country])
        assert cached[country].attrs["coverage"] == fresh[country].attrs["coverage"]
    # by hand: rows 0, 3, 6 ... are Mali's (100 of 300), rows 2, 5, 8 ... Niger's (100)
    mali, niger = cached["Mali"], cached["Niger"]
    assert len(mali) == len(niger) == 100
    assert set(mali["admin1"]) == {"Tombouctou"} and set(mali["admin2"]) == {"Gourma-Rharous"}
    assert set(niger["admin1"]) == {"Tillaberi North"} and niger["admin2"].isna().all()
    assert len(cached[None]) == 300


@pytest.mark.parametrize("limit", [1 << 62, 4])
def test_combinations_numbered_in_order_of_first_appearance(monkeypatch, limit):
    # with a limit of 4 the codes are re-numbered before each column: the same answer
    monkeypatch.setattr(event_frames, "_COMBINED_LIMIT", limit)
    first = pa.chunked_array([["a", "b"], ["a", None, "b", "a"]])
    second = pa.array(["x", "x", "x", "y", "x", "y"])
    third = pa.array([1, 1, 1, 1, 2, 1]).cast(pa.string())
    codes, combos = event_frames.combinations([first, second, third])
    # by hand: (a,x,1) (b,x,1) (a,x,1) (None,y,1) (b,x,2) (a,y,1)
    assert codes.tolist() == [0, 1, 0, 2, 3, 4]
    assert combos == [
        ("a", "x", "1"),
        ("b", "x", "1"),
        (None, "y", "1"),
        ("b", "x", "2"),
        ("a", "y", "1"),
    ]


def test_filter_keeping_every_row_returns_the_table_uncopied():
    from datetime import date

    table = pa.table(
        {
            "country": ["Mali", "mali", "Mali"],
            "date": pa.array([date(2020, 1, 1), date(2021, 1, 1), date(2022, 1, 1)]),
        }
    )
    kept = event_frames.filter_rows(table, "Mali", date(2020, 1, 1), None)
    # by hand: every row is Mali's (any spelling) and on or after 2020-01-01
    assert kept.column("country").to_pylist() == ["Mali", "Mali", "Mali"]
    assert kept.num_rows == 3
    harmonised = event_frames.harmonise(
        table.append_column("admin1", pa.array(["Gao"] * 3)).append_column(
            "admin2", pa.array([None] * 3, pa.string())
        )
    )
    assert event_frames.filter_rows(harmonised, "Mali", None, None) is harmonised
    later = event_frames.filter_rows(harmonised, "Mali", date(2021, 1, 1), None)
    assert later.column("date").to_pylist() == [date(2021, 1, 1), date(2022, 1, 1)]


def test_cache_is_not_trusted_when_key_or_version_differs(tmp_path, cache_dir, parses, monkeypatch):
    one, two = _export(tmp_path / "one.csv", 300), _export(tmp_path / "two.csv", 600)
    _load(one)
    # the copy of one.csv put under two.csv's name: its key (inside the file) says one.csv
    sha_two = origins.sha256_file(two)
    (copy,) = cache_dir.glob("*.arrow")
    copy.rename(
        cache.path_for(acled.NORMALISED_NAME, acled.normalised_version(), sha_two, ".arrow")
    )
    assert len(_load(two)) == 600 and parses["read_csv"] == 2
    assert len(_load(two)) == 600 and parses["read_csv"] == 2  # its own copy, now
    # another reader version: parsed again, never read from the older copy
    monkeypatch.setattr(acled, "READER_VERSION", acled.READER_VERSION + 1)
    assert len(_load(two)) == 600 and parses["read_csv"] == 3
    assert len(_load(two)) == 600 and parses["read_csv"] == 3
    # the normalising code edited (same READER_VERSION): another hash, parsed again
    edited = tmp_path / "edited_countries.py"
    edited.write_text("# an edit\n")
    real = acled.normalised_version()
    monkeypatch.setattr(
        acled,
        "normalised_version",
        lambda: cache.source_version(acled.READER_VERSION, [Path(acled.__file__), edited]),
    )
    assert acled.normalised_version() != real
    assert len(_load(two)) == 600 and parses["read_csv"] == 4
    # a damaged copy counts as missing
    for copy in cache_dir.glob("*.arrow"):
        copy.write_bytes(b"not arrow")
    assert len(_load(two)) == 600 and parses["read_csv"] == 5
    # deleting the folder is safe
    for copy in cache_dir.iterdir():
        copy.unlink()
    cache_dir.rmdir()
    assert len(_load(two)) == 600 and parses["read_csv"] == 6


def test_table_copy_is_written_atomically(cache_dir, monkeypatch):
    table = pa.table({"a": [1, 2, 3]})
    target = cache.path_for("test", "1-abc", "cd" * 32, ".arrow")
    seen = []
    real_replace = cache.os.replace

    def replace(source, destination):
        # at the rename: nothing under the real name yet, the temporary file already whole
        seen.append((Path(destination).exists(), pa.ipc.open_file(source).read_all()))
        real_replace(source, destination)

    monkeypatch.setattr(cache.os, "replace", replace)
    cache.write_table("test", "1-abc", "cd" * 32, table, {"note": "x"})
    assert len(seen) == 1 and seen[0][0] is False and seen[0][1].num_rows == 3
    read, metadata = cache.open_table("test", "1-abc", "cd" * 32)
    assert read.equals(table) and metadata == {"note": "x"}
    assert [p.name for p in cache_dir.iterdir()] == [target.name]

    def failing(source, destination):
        raise OSError("disk full")

    target.unlink()
    monkeypatch.setattr(cache.os, "replace", failing)
    with pytest.raises(OSError):
        cache.write_table("test", "1-abc", "cd" * 32, table, {})
    assert list(cache_dir.iterdir()) == []  # the temporary file removed
    assert cache.open_table("test", "1-abc", "cd" * 32) is None
    # in the background, a failed write is only a missing copy
    cache.write_table_in_background("test", "1-abc", "cd" * 32, table)
    cache.wait()
    assert list(cache_dir.iterdir()) == []


# ---------------------------------------------------------------------------------------------
# sha256: an unchanged large file is not hashed again, in this process or the next


@pytest.fixture
def sidecars(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "CACHE_DIR", tmp_path / "cache")
    monkeypatch.setattr(hashing, "REMEMBER_FROM_BYTES", 0)  # the files here are small
    monkeypatch.setattr(hashing, "_KNOWN", {})
    return tmp_path / "cache" / hashing.SIDECAR_FOLDER


def _write(path: Path, data: bytes, mtime: float) -> Path:
    path.write_bytes(data)
    os.utime(path, (mtime, mtime))
    return path


def test_unchanged_file_is_not_hashed_again(tmp_path, sidecars):
    past = time.time() - 3600
    path = _write(tmp_path / "export.csv", b"event_id_cnty\nMLI1\n", past)
    expected = hashlib.sha256(b"event_id_cnty\nMLI1\n").hexdigest()
    assert hashing.sha256_file(path) == expected
    (sidecar,) = sidecars.iterdir()
    assert json.loads(sidecar.read_text())["sha256"] == expected
    # a new process (no digest in memory): the sidecar is trusted for the same size, mtime
    # and inode; a planted digest shows the file was not read again
    hashing._KNOWN.clear()
    record = json.loads(sidecar.read_text())
    sidecar.write_text(json.dumps({**record, "sha256": "0" * 64}))
    assert hashing.sha256_file(path) == "0" * 64


def test_changed_file_of_the_same_size_is_hashed_again(tmp_path, sidecars):
    past = time.time() - 3600
    path = _write(tmp_path / "export.csv", b"MLI1,3\n", past)
    assert hashing.sha256_file(path) == hashlib.sha256(b"MLI1,3\n").hexdigest()
    # rewritten in place, same size and inode, a new mtime: hashed again (memory and sidecar)
    _write(path, b"MLI1,4\n", past + 60)
    assert hashing.sha256_file(path) == hashlib.sha256(b"MLI1,4\n").hexdigest()
    hashing._KNOWN.clear()
    assert hashing.sha256_file(path) == hashlib.sha256(b"MLI1,4\n").hexdigest()
    # a damaged sidecar is ignored, not trusted
    (sidecar,) = sidecars.iterdir()
    sidecar.write_text("{not json")
    hashing._KNOWN.clear()
    assert hashing.sha256_file(path) == hashlib.sha256(b"MLI1,4\n").hexdigest()


def test_file_modified_just_now_is_not_remembered(tmp_path, sidecars):
    path = _write(tmp_path / "export.csv", b"MLI1\n", time.time())
    assert hashing.sha256_file(path) == hashlib.sha256(b"MLI1\n").hexdigest()
    assert not sidecars.exists() and hashing._KNOWN == {}


def test_small_files_leave_no_sidecar(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "CACHE_DIR", tmp_path / "cache")
    path = _write(tmp_path / "small.csv", b"MLI1\n", time.time() - 3600)
    assert path.stat().st_size < hashing.REMEMBER_FROM_BYTES
    assert hashing.sha256_file(path) == hashlib.sha256(b"MLI1\n").hexdigest()
    assert not (tmp_path / "cache").exists()


def test_a_failed_write_leaves_nothing(tmp_path, cache_dir):
    schema = pa.schema([("a", pa.int64())])
    with pytest.raises(RuntimeError), cache.Writer("test", 1, "ab" * 32, schema) as writer:
        writer.write(pa.table({"a": [1, 2]}))
        raise RuntimeError("interrupted")
    assert list(cache_dir.iterdir()) == []
    assert cache.open_copy("test", 1, "ab" * 32) is None


@pytest.mark.parametrize("line_breaks", [False, True])
def test_one_country_filtered_while_reading(tmp_path, cache_dir, parses, monkeypatch, line_breaks):
    # small blocks and row groups: the filter really runs block by block
    monkeypatch.setattr(acled, "STREAM_BLOCK_BYTES", 16 * 1024)
    monkeypatch.setattr(acled, "STREAM_ABOVE_BYTES", 0)
    monkeypatch.setattr(cache, "ROW_GROUP_ROWS", 500)
    path = _export(tmp_path / "africa.csv", 3000, line_breaks=line_breaks)
    whole = _load(path)  # every country, parsed whole; its cached copy is then deleted
    for copy in cache_dir.iterdir():
        copy.unlink()
    parses.update(read_csv=0, open_csv=0)
    expected = whole[whole["country"] == "Burkina Faso"].reset_index(drop=True)
    # also spelled differently: any spelling of the country
    filtered = _load(path, country="burkina faso")
    _same(filtered, expected)
    assert parses["open_csv"] >= 1 and parses["read_csv"] == 0
    # the export's coverage is its whole file's first to last event, whatever the country
    assert filtered.attrs["coverage"].spans == whole.attrs["coverage"].spans
    # the streaming parse wrote every row (all countries) to the cache, in many row groups
    (copy,) = cache_dir.glob("*.parquet")
    assert cache.open_copy(acled.CACHE_NAME, acled.READER_VERSION, copy.stem.split("-")[-1])
    counted = dict(parses)
    for country in ("Burkina Faso", "Niger"):
        again = _load(path, country=country)
        _same(again, whole[whole["country"] == country].reset_index(drop=True))
        assert again.attrs["coverage"].spans == whole.attrs["coverage"].spans
    assert parses == counted  # both from the cache
    raw = acled.read_export(path, "Niger", origins.sha256_file(path))
    assert raw.num_rows == 1000 and acled.event_span(raw) == whole.attrs["coverage"].spans[0]


def test_filtered_read_of_a_country_not_in_the_file(tmp_path, cache_dir):
    path = _export(tmp_path / "africa.csv", 90)
    for _ in ("parsed", "from the cache"):
        frame = _load(path, country="Chad")
        assert frame.empty and frame.attrs["coverage"].spans == ()


def test_small_files_are_not_cached(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setattr(config, "CACHE_DIR", folder)
    path = _export(tmp_path / "small.csv", 90)
    assert path.stat().st_size < acled.CACHE_FROM_BYTES
    assert len(_load(path)) == 90 and len(_load(path, country="Mali")) == 30
    assert not folder.exists()
