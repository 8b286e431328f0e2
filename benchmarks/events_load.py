"""Benchmark: reading ACLED exports, against pyarrow's bare CSV parse, in one run.

Generates files in ACLED's current export layout (31 columns; invented values, no ACLED data)
in a temporary folder (or ``--keep DIR``):

* ``mali_1m.csv``: 1,000,000 rows of one country;
* ``africa_5m.csv``: 5,000,000 rows of ten countries, Mali's rows one in ten, and
  ``mali_alone.csv``: the same Mali rows alone (what the filtered load keeps).

and measures, each in a fresh process (so its peak memory, ``ru_maxrss``, is its own),
alternating, best time of ``--repeat`` and highest peak:

* the bare parse: ``pyarrow.csv.read_csv(path)``, every column, default options;
* the load without the cache (the reader is given no sha256, so no copy is read or written):
  the reader as before issue 15 on a country's own file; on the large file it still filters
  while reading, which before issue 15 parsed all 5,000,000 rows (see the bare parse's peak);
* the first load: ``analysis.tables.events.load("acled", path[, country="Mali"])`` with an
  empty cache folder (``MALI_CACHE_DIR``): the file's sha256, parse, dates, event types,
  actors, the normalised table cached (an Arrow file; for the 5,000,000-row file filtered while
  read, the raw parse as Parquet), group ids, conversion to the canonical pandas frame;
* the cached load: the same call again, the cache (and the sha256 sidecar) written by an
  earlier load (not timed): the sha256 read from its sidecar, the normalised table mapped,
  group ids, the canonical frame.

Targets (issue 15): first load <= 1.1x the bare parse and cached load <= 0.1x on 1,000,000
rows; the 5,000,000-row file filtered to Mali at most 1.5x the peak memory of Mali's rows
loaded alone, and well under 4 GB.

    .venv/bin/python benchmarks/events_load.py [--repeat 3] [--keep DIR] [--skip-large]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

ROOT = Path(__file__).resolve().parent.parent
COLUMNS = (
    "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,"
    "actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,"
    "iso,region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,"
    "source_scale,notes,fatalities,tags,timestamp"
).split(",")
TYPES = [
    ("Political violence", "Battles", "Armed clash"),
    ("Political violence", "Explosions/Remote violence", "Remote explosive/landmine/IED"),
    ("Political violence", "Explosions/Remote violence", "Air/drone strike"),
    ("Political violence", "Violence against civilians", "Attack"),
    ("Political violence", "Violence against civilians", "Abduction/forced disappearance"),
    ("Demonstrations", "Protests", "Peaceful protest"),
    ("Strategic developments", "Strategic developments", "Looting/property destruction"),
]
ACTORS = [
    ("JNIM: Group for Support of Islam and Muslims", "Rebel group"),
    ("Islamic State Sahel Province", "Rebel group"),
    ("Islamic State (Greater Sahara)", "Rebel group"),
    ("Military Forces of Mali (2021-)", "State forces"),
    ("Wagner Group", "External/Other forces"),
    ("Dan Na Ambassagou", "Identity militia"),
    ("Unidentified Armed Group (Mali)", "Political militia"),
    ("Civilians (Mali)", "Civilians"),
    ("CMA: Coordination of Azawad Movements", "Rebel group"),
    ("Protesters (Mali)", "Protesters"),
]
PLACES = [
    ("Mopti", "Douentza", "Boni", 15.02, -1.97),
    ("Timbuktu", "Gourma-Rharous", "Gossi", 15.82, -1.3),
    ("Gao", "Ansongo", "Tessit", 15.93, 0.9),
    ("Menaka", "Menaka", "Inekar", 15.95, 3.15),
    ("Segou", "Niono", "Dogofry", 14.3, -5.6),
    ("Kidal", "Tessalit", "Aguelhok", 19.46, 0.86),
    ("Bamako", "Bamako", "Bamako", 12.65, -8.0),
    ("Sikasso", "Koutiala", "Koutiala", 12.39, -5.46),
]


COUNTRIES = [
    ("Mali", "MLI", 466),
    ("Burkina Faso", "BFA", 854),
    ("Niger", "NER", 562),
    ("Nigeria", "NGA", 566),
    ("Cameroon", "CMR", 120),
    ("Sudan", "SDN", 729),
    ("Somalia", "SOM", 706),
    ("Ethiopia", "ETH", 231),
    ("Mozambique", "MOZ", 508),
    ("Democratic Republic of Congo", "COD", 180),
]


def generate(path: Path, rows: int, seed: int = 7, kept: Path | None = None) -> None:
    """Write an ACLED-layout CSV of invented events: of Mali only, or (with ``kept``) of the
    ten COUNTRIES in turn, Mali's rows also written alone to ``kept``."""
    rng = np.random.default_rng(seed)
    chunk = 200_000
    with pacsv.CSVWriter(path, _schema()) as writer:
        alone = pacsv.CSVWriter(kept, _schema()) if kept else None
        for start in range(0, rows, chunk):
            n = min(chunk, rows - start)
            table = _chunk(rng, start, n, several=kept is not None)
            writer.write_table(table)
            if alone is not None:
                alone.write_table(table.filter(pc.equal(table.column("country"), "Mali")))
        if alone is not None:
            alone.close()


def _schema() -> pa.Schema:
    numeric = {"year": pa.int64(), "time_precision": pa.int64(), "iso": pa.int64(),
               "latitude": pa.float64(), "longitude": pa.float64(), "geo_precision": pa.int64(),
               "fatalities": pa.int64(), "timestamp": pa.int64()}  # fmt: skip
    return pa.schema([(c, numeric.get(c, pa.string())) for c in COLUMNS])


def _chunk(rng: np.random.Generator, start: int, n: int, several: bool = False) -> pa.Table:
    days = rng.integers(0, 365 * 12, n)
    dates = (np.datetime64("2012-01-01") + days).astype("datetime64[D]").astype(str)
    types = rng.integers(0, len(TYPES), n)
    first, second = rng.integers(0, len(ACTORS), n), rng.integers(0, len(ACTORS), n)
    has_second = rng.random(n) < 0.8
    places = rng.integers(0, len(PLACES), n)
    assoc = np.where(rng.random(n) < 0.1, "Katiba Macina", "")
    fatalities = rng.poisson(1.5, n) * (rng.random(n) < 0.6)
    actor2 = np.where(has_second, np.array([a for a, _ in ACTORS])[second], "")
    inter2 = np.where(has_second, np.array([k for _, k in ACTORS])[second], "")
    inter1 = np.array([k for _, k in ACTORS])[first]
    civilian = np.where(inter2 == "Civilians", "Civilian targeting", "")
    place = [PLACES[i] for i in places]
    jitter = rng.normal(0, 0.2, (n, 2))
    which = (np.arange(start, start + n) % len(COUNTRIES)) if several else np.zeros(n, int)
    names = np.array([c for c, _, _ in COUNTRIES])[which]
    letters = np.array([iso for _, iso, _ in COUNTRIES])[which]
    numbers = np.array([code for _, _, code in COUNTRIES])[which]
    columns = {
        "event_id_cnty": [f"{letters[i]}{start + i + 1}" for i in range(n)],
        "event_date": dates,
        "year": dates.astype("U4").astype(int),
        "time_precision": rng.integers(1, 4, n),
        "disorder_type": [TYPES[t][0] for t in types],
        "event_type": [TYPES[t][1] for t in types],
        "sub_event_type": [TYPES[t][2] for t in types],
        "actor1": np.array([a for a, _ in ACTORS])[first],
        "assoc_actor_1": assoc,
        "inter1": inter1,
        "actor2": actor2,
        "assoc_actor_2": np.full(n, ""),
        "inter2": inter2,
        "interaction": np.char.add(np.char.add(inter1, "-"), inter2),
        "civilian_targeting": civilian,
        "iso": numbers,
        "region": np.full(n, "Western Africa"),
        "country": names,
        "admin1": [p[0] for p in place],
        "admin2": [p[1] for p in place],
        "admin3": [p[2] for p in place],
        "location": [p[2] for p in place],
        "latitude": np.round([p[3] for p in place] + jitter[:, 0], 4),
        "longitude": np.round([p[4] for p in place] + jitter[:, 1], 4),
        "geo_precision": rng.integers(1, 4, n),
        "source": np.full(n, "Benchmark Source"),
        "source_scale": np.full(n, "National"),
        "notes": [
            f"On {d}, invented benchmark event number {start + i + 1}, with a note of about the "
            "length ACLED writes: who did what, where, and how many died."
            for i, d in enumerate(dates)
        ],
        "fatalities": fatalities,
        "tags": np.full(n, ""),
        "timestamp": np.full(n, 1700000000),
    }
    return pa.table({c: pa.array(columns[c], type=_schema().field(c).type) for c in COLUMNS})


_CHILD = r"""
import json, resource, sys, time
path, what, country = sys.argv[1], sys.argv[2], sys.argv[3] or None
sys.path.insert(0, sys.argv[4])
if what == "pyarrow":
    import pyarrow.csv as pacsv
    started = time.perf_counter()
    table = pacsv.read_csv(path)
    rows = table.num_rows
else:
    import analysis.tables.events as events
    from analysis.sources import cache
    if what == "load-uncached":  # no sha256 given to the reader: no copy read or written
        from analysis.sources import acled
        load_events = acled.load_events
        acled.load_events = lambda path, country=None, sha256="", resolve=None: load_events(
            path, country, "", resolve)
    started = time.perf_counter()
    frame = events.load("acled", path, country=country)
    cache.wait()  # a cache written in the background counts in the time
    rows = len(frame)
elapsed = time.perf_counter() - started
peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": elapsed, "peak_mb": peak_kib / 1024, "rows": rows}))
"""


def measure(path: Path, what: str, cache: Path, country: str = "") -> dict:
    """One reader in a fresh process, with ``cache`` as its cache folder."""
    env = {**os.environ, "MALI_CACHE_DIR": str(cache)}
    result = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path), what, country, str(ROOT)],
        capture_output=True,
        text=True,
        env=env,
    )
    if result.returncode:
        raise SystemExit(f"{what} on {path.name} failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def compare(path: Path, country: str, repeat: int, scratch: Path) -> dict[str, dict]:
    """Bare parse, first load (empty cache) and cached load, alternating; best time, top peak."""
    runs: dict[str, list[dict]] = {
        "bare parse": [],
        "load, no cache (sha256 not passed)": [],
        "first load": [],
        "cached load": [],
    }
    warm = scratch / f"cache-warm-{path.stem}"
    measure(path, "load", warm, country)  # fills the cache the cached loads read
    for round_number in range(repeat):
        cold = scratch / f"cache-cold-{path.stem}-{round_number}"
        # each in an empty folder of its own: the load without cache still records the file's
        # sha256, whose sidecar would spare the first load its hashing
        runs["bare parse"].append(measure(path, "pyarrow", cold))
        runs["load, no cache (sha256 not passed)"].append(
            measure(path, "load-uncached", cold.with_name(f"{cold.name}-no-cache"), country)
        )
        runs["first load"].append(measure(path, "load", cold, country))
        runs["cached load"].append(measure(path, "load", warm, country))
    return {
        what: {
            "seconds": min(r["seconds"] for r in results),
            "peak_mb": max(r["peak_mb"] for r in results),
            "rows": results[0]["rows"],
        }
        for what, results in runs.items()
    }


def report(title: str, results: dict[str, dict]) -> None:
    bare = results["bare parse"]
    print(title)
    print(f"  {'':<40}{'best s':>8}{'x bare':>8}{'peak MB':>10}{'rows':>12}")
    for what, r in results.items():
        ratio = r["seconds"] / bare["seconds"]
        print(f"  {what:<40}{r['seconds']:>8.2f}{ratio:>8.2f}{r['peak_mb']:>10,.0f}"
              f"{r['rows']:>12,}")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--large-rows", type=int, default=5_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, default=None, help="write the CSVs here, keep them")
    parser.add_argument("--skip-large", action="store_true", help="only the 1,000,000-row file")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        folder = args.keep or scratch
        folder.mkdir(parents=True, exist_ok=True)
        one = folder / "mali_1m.csv"
        large, alone = folder / "africa_5m.csv", folder / "mali_alone.csv"
        todo = [(one, args.rows, None)]
        if not args.skip_large:
            todo.append((large, args.large_rows, alone))
        for path, rows, kept in todo:
            if not path.exists() or (kept is not None and not kept.exists()):
                started = time.perf_counter()
                generate(path, rows, kept=kept)
                print(f"generated {path.name}: {rows:,} rows, {path.stat().st_size / 1e6:,.0f} MB"
                      f", in {time.perf_counter() - started:.1f} s")  # fmt: skip
        small = compare(one, "", args.repeat, scratch)
        report(f"{one.name}: {args.rows:,} rows of one country, load('acled', path)", small)
        first = small["first load"]["seconds"] / small["bare parse"]["seconds"]
        cached = small["cached load"]["seconds"] / small["bare parse"]["seconds"]
        print(f"  first load / bare parse {first:.2f}x (target <= 1.1x): "
              f"{'met' if first <= 1.1 else 'NOT met'}")  # fmt: skip
        print(f"  cached load / bare parse {cached:.2f}x (target <= 0.1x): "
              f"{'met' if cached <= 0.1 else 'NOT met'}")  # fmt: skip
        if args.skip_large:
            return 0
        filtered = compare(large, "Mali", args.repeat, scratch)
        report(
            f"{large.name}: {args.large_rows:,} rows of {len(COUNTRIES)} countries, "
            "load('acled', path, country='Mali')",
            filtered,
        )
        kept = compare(alone, "Mali", args.repeat, scratch)
        report(f"{alone.name}: the same Mali rows alone, load('acled', path, country='Mali')", kept)
        peak = filtered["first load"]["peak_mb"]
        alone_peak = kept["first load"]["peak_mb"]
        ratio = peak / alone_peak
        print(f"  peak of the filtered first load / peak of the kept rows loaded alone: "
              f"{peak:,.0f} / {alone_peak:,.0f} MB = {ratio:.2f}x (target <= 1.5x, well under "
              f"4,096 MB): {'met' if ratio <= 1.5 and peak < 4096 else 'NOT met'}")  # fmt: skip
        cached_ratio = filtered["cached load"]["peak_mb"] / kept["cached load"]["peak_mb"]
        print(f"  the same for the cached loads: {cached_ratio:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
