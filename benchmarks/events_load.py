"""Benchmark: ``analysis.tables.events.load('acled', path)`` against pyarrow's bare CSV parse.

Generates a file in ACLED's current export layout (31 columns, 1,000,000 rows by default;
invented values, no ACLED data), then times, side by side in one run:

* ``pyarrow.csv.read_csv(path)``: the bare parse, every column, default options;
* ``analysis.tables.events.load("acled", path)``: parse, dates, event types, actors and group ids,
  targets, region names, conversion to the canonical pandas frame.

Each measurement runs in a fresh process (so peak memory is its own), alternating, and the
best of ``--repeat`` runs is kept. Target: load <= 1.5 x the bare parse, peak < 2 GB.

    .venv/bin/python benchmarks/events_load.py [--rows 1000000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
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


def generate(path: Path, rows: int, seed: int = 7) -> None:
    """Write an ACLED-layout CSV of invented events."""
    rng = np.random.default_rng(seed)
    chunk = 200_000
    with pacsv.CSVWriter(path, _schema()) as writer:
        for start in range(0, rows, chunk):
            n = min(chunk, rows - start)
            writer.write_table(_chunk(rng, start, n))


def _schema() -> pa.Schema:
    numeric = {"year": pa.int64(), "time_precision": pa.int64(), "iso": pa.int64(),
               "latitude": pa.float64(), "longitude": pa.float64(), "geo_precision": pa.int64(),
               "fatalities": pa.int64(), "timestamp": pa.int64()}  # fmt: skip
    return pa.schema([(c, numeric.get(c, pa.string())) for c in COLUMNS])


def _take(options: list, picks: np.ndarray) -> list:
    return [options[i] for i in picks]


def _chunk(rng: np.random.Generator, start: int, n: int) -> pa.Table:
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
    columns = {
        "event_id_cnty": [f"MLI{start + i + 1}" for i in range(n)],
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
        "iso": np.full(n, 466),
        "region": np.full(n, "Western Africa"),
        "country": np.full(n, "Mali"),
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
path, what = sys.argv[1], sys.argv[2]
sys.path.insert(0, sys.argv[3])
if what == "pyarrow":
    import pyarrow.csv as pacsv
    started = time.perf_counter()
    table = pacsv.read_csv(path)
    rows = table.num_rows
else:
    import analysis.tables.events as events
    started = time.perf_counter()
    frame = events.load("acled", path)
    rows = len(frame)
elapsed = time.perf_counter() - started
peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": elapsed, "peak_mb": peak_kib / 1024, "rows": rows}))
"""


def measure(path: Path, what: str) -> dict:
    """Time one reader in a fresh process; returns seconds, peak_mb and rows."""
    result = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path), what, str(ROOT)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, default=None, help="write the CSV here and keep it")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        path = args.keep or Path(folder) / "acled_benchmark.csv"
        if not path.exists():
            started = time.perf_counter()
            generate(path, args.rows)
            print(f"generated {args.rows:,} rows, {path.stat().st_size / 1e6:,.0f} MB, "
                  f"in {time.perf_counter() - started:.1f} s")  # fmt: skip
        results: dict[str, list[dict]] = {"pyarrow": [], "load": []}
        for _ in range(args.repeat):
            for what in results:
                results[what].append(measure(path, what))
        best = {what: min(runs, key=lambda r: r["seconds"]) for what, runs in results.items()}
        peak = {what: max(r["peak_mb"] for r in runs) for what, runs in results.items()}
    ratio = best["load"]["seconds"] / best["pyarrow"]["seconds"]
    print(f"{'reader':<34}{'best s':>8}{'peak MB':>10}{'rows':>12}")
    print(f"{'pyarrow.csv.read_csv (bare parse)':<34}{best['pyarrow']['seconds']:>8.2f}"
          f"{peak['pyarrow']:>10,.0f}{best['pyarrow']['rows']:>12,}")  # fmt: skip
    print(f"{'analysis.tables.events.load(acled)':<34}{best['load']['seconds']:>8.2f}"
          f"{peak['load']:>10,.0f}{best['load']['rows']:>12,}")  # fmt: skip
    verdict = "meets" if ratio <= 1.5 and peak["load"] < 2048 else "misses"
    print(f"ratio load / bare parse: {ratio:.2f}x (target <= 1.5x); peak {peak['load']:,.0f} MB "
          f"(target < 2,048 MB): {verdict} the target")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
