"""Benchmark of ``python -m analysis build`` against the floor of running the same code.

    .venv/bin/python benchmarks/build.py [--jobs N] [--only NOTEBOOK] [-p NAME VALUE] [--params F]

Measures, in one run and side by side:

(a) the full build: every notebook executed (``--force``) into a fresh reports folder;
(b) the floor: the same notebooks exported to plain Python (nbconvert's script exporter, with the
    same parameters injected after each parameters cell) and run one after another in ONE Python
    process, so imports are paid once and no kernel, papermill or HTML conversion is involved;
(c) a no-change rebuild into the same folder, which should reuse every result.

Prints the three times, the ratio build/floor (target: at most 2.5 on a 2-core machine) and the
external resources the built HTML would load (target: none).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from analysis.build.command import default_jobs, discover  # noqa: E402
from analysis.build.html import external_references  # noqa: E402
from analysis.build.params import ParameterSet  # noqa: E402
from analysis.config import NOTEBOOKS_DIR  # noqa: E402

TARGET_RATIO = 2.5
TARGET_REBUILD_SECONDS = 1.0

# Runs each exported notebook in a fresh namespace, like a fresh kernel would, in this one
# process; what notebooks display goes to /dev/null, failures are reported and the run goes on.
FLOOR_RUNNER = """
import contextlib, io, os, sys, time, traceback
import matplotlib
matplotlib.use("Agg")
scripts = {scripts!r}
failed = []
for name, (path, figures, workdir) in scripts.items():
    os.environ["MALI_FIGURES_DIR"] = figures
    os.chdir(workdir)
    code = compile(open(path, encoding="utf-8").read(), path, "exec")
    namespace = {{"__name__": "__main__"}}
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            exec(code, namespace)
    except Exception as exc:
        failed.append(name)
        print(f"floor: {{name}} raised {{type(exc).__name__}}: {{exc}}", file=sys.stderr)
    import matplotlib.pyplot as plt
    plt.close("all")
sys.exit(1 if failed else 0)
"""


def export_scripts(
    notebooks, params: ParameterSet, folder: Path
) -> dict[str, tuple[str, str, str]]:
    """Each notebook as a Python script with its parameters injected (export time not measured)."""
    import nbformat
    from nbconvert import PythonExporter

    exporter = PythonExporter()
    scripts = {}
    for notebook in notebooks:
        nb = nbformat.read(notebook.path, as_version=4)
        overrides = params.for_notebook(notebook.name, notebook.defaults)
        index = next(
            i for i, cell in enumerate(nb.cells) if "parameters" in cell.metadata.get("tags", [])
        )
        injected = "\n".join(f"{name} = {value!r}" for name, value in overrides.items())
        nb.cells.insert(index + 1, nbformat.v4.new_code_cell(injected))
        source, _ = exporter.from_notebook_node(nb)
        # Magics have no meaning outside IPython (the build's notebooks should not need them).
        source = "\n".join(
            line for line in source.splitlines() if not line.lstrip().startswith("get_ipython()")
        )
        path = folder / f"{notebook.name}.py"
        path.write_text(source, encoding="utf-8")
        workdir = folder / f"work-{notebook.name}"
        workdir.mkdir()
        scripts[notebook.name] = (str(path), str(folder / "figures" / notebook.name), str(workdir))
    return scripts


def why_not_reused(before: dict, after: dict) -> list[str]:
    """What changed between two builds' manifests (e.g. files edited during the benchmark)."""
    reasons = []
    if before["sources_sha256"] != after["sources_sha256"]:
        reasons.append("the package sources changed between the builds")
    old = {item["path"]: item["sha256"] for item in before["inputs"]}
    new = {item["path"]: item["sha256"] for item in after["inputs"]}
    changed = sorted(path for path in old.keys() | new.keys() if old.get(path) != new.get(path))
    if changed:
        reasons.append(f"input files changed: {', '.join(changed)}")
    return reasons or ["nothing recorded changed (a bug in the cache?)"]


def timed(command: list[str], env: dict[str, str] | None = None) -> tuple[float, int, str]:
    """Wall time, exit status and stderr of a command."""
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=PROJECT_ROOT)
    return time.perf_counter() - started, done.returncode, done.stderr.strip()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--notebooks", type=Path, default=NOTEBOOKS_DIR)
    parser.add_argument("--jobs", type=int, default=default_jobs())
    parser.add_argument("--only", action="append", default=[])
    parser.add_argument("-p", "--parameter", nargs=2, action="append", default=[], dest="pairs")
    parser.add_argument("--params", type=Path)
    args = parser.parse_args()

    notebooks = discover(args.notebooks, args.only)
    if not notebooks:
        print(f"no notebooks with a parameters cell in {args.notebooks}", file=sys.stderr)
        return 2
    params = ParameterSet.from_sources(args.params, args.pairs)
    run_date = date.today().isoformat()
    with tempfile.TemporaryDirectory(prefix="mali-bench-") as scratch:
        scratch_dir = Path(scratch)
        reports = scratch_dir / "reports"
        build = [
            sys.executable,
            "-m",
            "analysis",
            "build",
            "--quiet",
            "--out",
            str(reports),
            "--date",
            run_date,
            "--jobs",
            str(args.jobs),
            "--notebooks",
            str(args.notebooks),
        ]
        for name in args.only:
            build += ["--only", name]
        for name, value in args.pairs:
            build += ["-p", name, value]
        if args.params:
            build += ["--params", str(args.params)]

        full_seconds, full_status, full_errors = timed([*build, "--force"])
        manifest_path = reports / run_date / "manifest.json"
        first_manifest = json.loads(manifest_path.read_text(encoding="utf-8"))

        floor_dir = scratch_dir / "floor"
        floor_dir.mkdir()
        scripts = export_scripts(notebooks, params, floor_dir)
        runner = floor_dir / "run_all.py"
        runner.write_text(FLOOR_RUNNER.format(scripts=scripts), encoding="utf-8")
        env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONPATH": str(PROJECT_ROOT)}
        floor_seconds, floor_status, floor_errors = timed([sys.executable, str(runner)], env)

        rebuild_seconds, rebuild_status, rebuild_errors = timed(build)

        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        pages = sorted((reports / run_date).glob("*.html")) + [reports / "index.html"]
        loads = links = 0
        for page in pages:
            found = external_references(page.read_text(encoding="utf-8"))
            loads += len(found["loads"])
            links += len(found["links"])
        sizes = {p.name: p.stat().st_size for p in pages}

    ratio = full_seconds / floor_seconds
    reused = sum(1 for nb in manifest["notebooks"] if nb["reused_from"])
    print(f"notebooks: {', '.join(nb.name for nb in notebooks)}")
    print(f"jobs: {args.jobs}, cores available: {default_jobs()}")
    print(f"(a) full build (--force)       {full_seconds:7.2f} s   exit {full_status}")
    print(f"(b) floor, one Python process  {floor_seconds:7.2f} s   exit {floor_status}")
    print(
        f"(c) no-change rebuild          {rebuild_seconds:7.2f} s   exit {rebuild_status}, "
        f"{reused}/{len(manifest['notebooks'])} reused"
    )
    print(
        f"ratio build/floor              {ratio:7.2f}     target <= {TARGET_RATIO}: "
        f"{'met' if ratio <= TARGET_RATIO else 'NOT met'}"
    )
    print(
        f"no-change rebuild under {TARGET_REBUILD_SECONDS:.0f} s:     "
        f"{'met' if rebuild_seconds < TARGET_REBUILD_SECONDS else 'NOT met'}"
    )
    print(
        f"HTML pages: {len(pages)}; resources loaded from outside the file: {loads}; "
        f"outbound links: {links}"
    )
    for name, size in sizes.items():
        print(f"  {name:<28} {size / 1024:8.0f} KiB")
    if reused < len(manifest["notebooks"]):
        for reason in why_not_reused(first_manifest, manifest):
            print(f"  not reused: {reason}")
    for label, errors in (
        ("build", full_errors),
        ("floor", floor_errors),
        ("rebuild", rebuild_errors),
    ):
        if errors:
            print(f"{label} stderr:\n{errors}", file=sys.stderr)
    return 0 if full_status == floor_status == rebuild_status == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
