"""Benchmark of ``python -m analysis build``: this tree against a git revision, in one run.

    .venv/bin/python benchmarks/build.py --baseline 14cdd97 [--repeat 3] [--jobs N]
        [--only NOTEBOOK] [--count-renders] [--floor]

Measures, side by side in one run (these machines are shared and noisy, so only the ratios
printed here count, never a time measured on another day):

* **Cold builds**: every notebook executed (``--force``) into a fresh reports folder, for this
  tree and for revision REV, alternating (REV first in odd rounds, this tree first in even
  ones), best of ``--repeat``. Prints both times and the ratio this/REV (target <= 1.3: the
  kernels papermill starts against 14cdd97's kernels forked and started ahead).
  Each tree runs with its own default ``--jobs`` (what ``make report`` does; printed), or
  both with ``--jobs N``.
* **No-change rebuild**: the build run again into the last cold build's folder, which should
  reuse every result (target under 1 s).
* **Imports**: ``python -c "import analysis"`` and every import line of each notebook (at
  bd3c0a8 they are spread over several cells; today they sit in the first cell after the
  parameters), each in a fresh process, best of ``--repeat``.
* ``--count-renders``: one more build of each tree with ``Figure.savefig`` and the canvas print
  methods (``print_png``, ``print_svg``: what really renders, also inside a
  ``bbox_inches="tight"`` save) counted, per report.
* ``--floor``: also the floor of this tree, the notebooks exported to plain Python and run in
  one process (no kernel, papermill or HTML); ratio build/floor, target at most 2.5.

**REV's environment.** REV is checked out into a temporary git worktree (removed at the end).
It runs with this tree's interpreter and installed packages, the worktree first on
``PYTHONPATH`` (so ``import analysis`` is REV's, also in the kernels papermill starts), when
every dependency REV's pyproject.toml names is installed here; otherwise a venv of its own is
made in the temporary folder (``python3 -m venv`` and ``pip install -e WORKTREE[dev,lab,pdf]``),
which takes minutes. The benchmark prints which one it used. Both trees read the same
publisher files (``MALI_SHARED_DATA``, ``MALI_RAW_DIR``) and each its own curated tables.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass, field
from datetime import date
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from analysis.config import NOTEBOOKS_DIR, RAW_DIR, SHARED_DATA_DIR  # noqa: E402
from analysis.pipeline.command import discover  # noqa: E402
from analysis.pipeline.html import external_references  # noqa: E402
from analysis.pipeline.options import available_cores  # noqa: E402
from analysis.pipeline.params import ParameterSet  # noqa: E402

TARGET_COLD_RATIO = 1.3
TARGET_REBUILD_SECONDS = 1.0
TARGET_FLOOR_RATIO = 2.5

# Put on PYTHONPATH for --count-renders: every kernel (and the build process) logs one line per
# Figure.savefig call, per canvas print call and per Figure.draw (every pass over the artists:
# to measure, to lay out inside a tight savefig, or to paint) into MALI_RENDER_LOG, with the notebook's
# figures folder (the build sets MALI_FIGURES_DIR per notebook) naming the report.
RENDER_COUNTER = """
import functools
import os


def _log(kind):
    path = os.environ.get("MALI_RENDER_LOG")
    if path:
        folder = os.environ.get("MALI_FIGURES_DIR", "")
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(f"{os.path.basename(folder) or '-'}\\t{kind}\\n")


def _wrap(owner, name, kind):
    original = getattr(owner, name)

    @functools.wraps(original)  # matplotlib reads the print methods' signatures
    def wrapped(*args, **kwargs):
        _log(kind)
        return original(*args, **kwargs)

    setattr(owner, name, wrapped)


try:
    import matplotlib.backends.backend_agg as _agg
    import matplotlib.backends.backend_svg as _svg
    import matplotlib.figure as _figure
except ImportError:
    pass
else:
    _wrap(_figure.Figure, "savefig", "savefig")
    _wrap(_agg.FigureCanvasAgg, "print_png", "print_png")
    _wrap(_svg.FigureCanvasSVG, "print_svg", "print_svg")
    _wrap(_figure.Figure, "draw", "draw")
"""

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


@dataclass
class Tree:
    """A source tree to build: this checkout or REV's worktree, and how to run its Python."""

    label: str
    root: Path
    python: str
    env: dict[str, str]
    cold: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    rebuild: float | None = None
    reused: str = ""
    reports: Path | None = None


def run(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, int, str]:
    """Wall time, exit status and stderr of a command."""
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=cwd)
    return time.perf_counter() - started, done.returncode, done.stderr.strip()


def tree_default_jobs(tree: Tree) -> str:
    """The --jobs a tree's build uses when none is given (its own options.default_jobs)."""
    # the package was analysis.build before 48a2aab, and one module before that (bd3c0a8)
    code = (
        "try:\n from analysis.pipeline.options import default_jobs\n"
        "except ImportError:\n"
        " try:\n  from analysis.build.options import default_jobs\n"
        " except ImportError:\n  from analysis.build import default_jobs\n"
        "print(default_jobs())"
    )
    done = subprocess.run(
        [tree.python, "-c", code], capture_output=True, text=True, env=tree.env, cwd=tree.root
    )
    return done.stdout.strip() or "?"


def build_command(tree: Tree, reports: Path, run_date: str, args: argparse.Namespace) -> list:
    command = [tree.python, "-m", "analysis", "build", "--quiet", "--out", str(reports)]
    command += ["--date", run_date]
    if args.jobs:  # else each tree's own default, as `make report` runs it
        command += ["--jobs", str(args.jobs)]
    command += ["--notebooks", str(tree.root / "notebooks")]
    for name in args.only:
        command += ["--only", name]
    return command


def _requirement_names(pyproject: Path) -> list[str]:
    """Distribution names of a pyproject's dependencies and its dev, lab and pdf extras."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    requirements = list(project.get("dependencies", []))
    for extra in ("dev", "lab", "pdf"):
        requirements += project.get("optional-dependencies", {}).get(extra, [])
    return [re.split(r"[<>=!~\[; ]", r, maxsplit=1)[0] for r in requirements]


def baseline_tree(rev: str, scratch: Path, base_env: dict[str, str]) -> Tree:
    """REV checked out into a worktree, with this environment if it has REV's dependencies."""
    worktree = scratch / "baseline"
    subprocess.run(
        ["git", "-C", str(PROJECT_ROOT), "worktree", "add", "--detach", str(worktree), rev],
        check=True,
        capture_output=True,
    )
    missing = []
    for name in _requirement_names(worktree / "pyproject.toml"):
        try:
            version(name)
        except PackageNotFoundError:
            missing.append(name)
    env = {**base_env}
    if not missing:
        env["PYTHONPATH"] = os.pathsep.join([str(worktree), base_env.get("PYTHONPATH", "")])
        how = (
            f"this environment ({sys.prefix}) with {worktree.name}/ first on PYTHONPATH: "
            "every dependency of REV's pyproject.toml is installed here"
        )
        python = sys.executable
    else:
        venv = scratch / "baseline-venv"
        subprocess.run(["python3", "-m", "venv", str(venv)], check=True)
        python = str(venv / "bin" / "python")
        subprocess.run(
            [python, "-m", "pip", "install", "--quiet", "-e", f"{worktree}[dev,lab,pdf]"],
            check=True,
        )
        env["PATH"] = os.pathsep.join([str(venv / "bin"), env.get("PATH", "")])
        how = f"a venv of its own ({venv}); not installed here: {', '.join(missing)}"
    print(f"baseline {rev}: {worktree} runs in {how}")
    return Tree(f"baseline {rev}", worktree, python, env)


def remove_worktree(tree: Tree) -> None:
    subprocess.run(
        ["git", "-C", str(PROJECT_ROOT), "worktree", "remove", "--force", str(tree.root)],
        capture_output=True,
    )


def notebook_imports(notebook: Path) -> str:
    """Every top-level import statement of a notebook's code cells (what a kernel imports
    before any work: the report modules and, through them, the libraries they import)."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    statements = []
    for cell in cells:
        if cell["cell_type"] != "code":
            continue
        try:
            tree = ast.parse("".join(cell["source"]))
        except SyntaxError:  # a cell with IPython magics
            continue
        statements += [
            ast.unparse(node) for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)
        ]
    return "\n".join(dict.fromkeys(statements))


def import_seconds(tree: Tree, code: str, repeat: int) -> float:
    """Best wall time of a fresh Python importing ``code`` (matplotlib on Agg, like a build)."""
    env = {**tree.env, "MPLBACKEND": "Agg"}
    best = float("inf")
    for _ in range(repeat):
        seconds, status, errors = run([tree.python, "-c", code], env, tree.root)
        if status:
            raise SystemExit(f"{tree.label}: the imports failed:\n{code}\n{errors}")
        best = min(best, seconds)
    return best


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
    return reasons or ["nothing recorded changed"]


def count_renders(tree: Tree, scratch: Path, run_date: str, args) -> dict[str, dict[str, int]]:
    """Savefig and print calls per report in one instrumented cold build of the tree."""
    hook = scratch / f"render-counter-{time.monotonic_ns()}"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(RENDER_COUNTER, encoding="utf-8")
    log = hook / "renders.log"
    env = {
        **tree.env,
        "MALI_RENDER_LOG": str(log),
        "PYTHONPATH": os.pathsep.join([tree.env.get("PYTHONPATH", ""), str(hook)]),
    }
    reports = hook / "reports"
    _, status, errors = run(
        [*build_command(tree, reports, run_date, args), "--force"], env, tree.root
    )
    if status:
        print(f"{tree.label}: instrumented build exit {status}\n{errors}", file=sys.stderr)
    counts: dict[str, dict[str, int]] = {}
    for line in log.read_text(encoding="utf-8").splitlines() if log.exists() else []:
        report, kind = line.split("\t")
        counts.setdefault(report, {}).setdefault(kind, 0)
        counts[report][kind] += 1
    for report in counts:
        folder = reports / run_date / "figures" / report
        counts[report]["figures"] = len(list(folder.glob("*.png"))) if folder.is_dir() else 0
    return counts


def export_scripts(
    notebooks, params: ParameterSet, folder: Path
) -> dict[str, tuple[str, str, str]]:
    """Each notebook as a Python script with its parameters injected (export time not measured)."""
    # only --floor exports the notebooks: the other measures need no nbconvert in this process
    import nbformat  # noqa: PLC0415 (--floor only: see above)
    from nbconvert import PythonExporter  # noqa: PLC0415 (--floor only: see above)

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


def floor(tree: Tree, scratch: Path, args) -> tuple[float, int, str]:
    """The floor: this tree's notebooks as plain Python in one process."""
    notebooks = discover(NOTEBOOKS_DIR, args.only)
    folder = scratch / "floor"
    folder.mkdir()
    scripts = export_scripts(notebooks, ParameterSet.from_sources(None, []), folder)
    runner = folder / "run_all.py"
    runner.write_text(FLOOR_RUNNER.format(scripts=scripts), encoding="utf-8")
    env = {**tree.env, "MPLBACKEND": "Agg"}
    return run([tree.python, str(runner)], env, tree.root)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--baseline", metavar="REV", help="git revision to compare with")
    parser.add_argument("--repeat", type=int, default=3, help="cold builds per tree (best kept)")
    parser.add_argument(
        "--jobs",
        type=int,
        default=0,
        help="notebooks at once for both trees (default: each its own)",
    )
    parser.add_argument("--only", action="append", default=[])
    parser.add_argument("--count-renders", action="store_true")
    parser.add_argument("--floor", action="store_true", help="also the one-process floor")
    args = parser.parse_args()

    run_date = date.today().isoformat()
    base_env = {
        **os.environ,
        "MALI_SHARED_DATA": str(SHARED_DATA_DIR.resolve()),
        "MALI_RAW_DIR": str(RAW_DIR.resolve()),
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    base_env.pop("MALI_CURATED_DIR", None)
    base_env.pop("MALI_REPORTS_DIR", None)
    with tempfile.TemporaryDirectory(prefix="mali-bench-") as scratch_name:
        scratch = Path(scratch_name)
        current = Tree("this tree", PROJECT_ROOT, sys.executable, dict(base_env))
        trees = [current]
        baseline = None
        if args.baseline:
            baseline = baseline_tree(args.baseline, scratch, base_env)
            trees.insert(0, baseline)
        try:
            status = benchmark(trees, current, baseline, scratch, run_date, args)
        finally:
            if baseline is not None:
                remove_worktree(baseline)
    return status


def benchmark(trees, current, baseline, scratch, run_date, args) -> int:
    jobs = {tree.label: args.jobs or tree_default_jobs(tree) for tree in trees}
    print(
        f"jobs: {', '.join(f'{label} {n}' for label, n in jobs.items())}"
        f"{' (given)' if args.jobs else ' (each tree its default)'}, cores available: "
        f"{available_cores()}, repeat: {args.repeat}"
    )
    for round_number in range(args.repeat):
        order = trees if round_number % 2 == 0 else trees[::-1]
        for tree in order:
            reports = scratch / f"reports-{round_number}-{trees.index(tree)}"
            seconds, status, errors = run(
                [*build_command(tree, reports, run_date, args), "--force"], tree.env, tree.root
            )
            print(f"  round {round_number + 1}: {tree.label:<22} cold build {seconds:7.2f} s"
                  f"   exit {status}")  # fmt: skip
            if status:
                tree.failures.append(errors)
            tree.cold.append(seconds)
            tree.reports = reports
    for tree in trees:
        manifest_path = tree.reports / run_date / "manifest.json"
        cold_manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        seconds, status, errors = run(
            build_command(tree, tree.reports, run_date, args), tree.env, tree.root
        )
        tree.rebuild = seconds
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        reused = sum(1 for nb in manifest["notebooks"] if nb.get("reused_from"))
        tree.reused = f"{reused}/{len(manifest['notebooks'])} reused"
        if reused < len(manifest["notebooks"]):
            tree.reused += "; " + "; ".join(why_not_reused(cold_manifest, manifest))
        if status:
            tree.failures.append(errors)

    print()
    print(f"{'':<34}{'best s':>9}{'runs':>26}")
    for tree in trees:
        runs = ", ".join(f"{s:.2f}" for s in tree.cold)
        print(f"cold build, {tree.label:<22}{min(tree.cold):>9.2f}{runs:>26}")
    for tree in trees:
        print(f"no-change rebuild, {tree.label:<15}{tree.rebuild:>9.2f}   ({tree.reused})")
    status = 0 if not any(t.failures for t in trees) else 1
    if baseline is not None:
        ratio = min(current.cold) / min(baseline.cold)
        print(
            f"ratio cold build this tree / {baseline.label}: {ratio:.2f}x "
            f"(target <= {TARGET_COLD_RATIO}x): {'met' if ratio <= TARGET_COLD_RATIO else 'NOT met'}"
        )
    print(
        f"no-change rebuild of this tree under {TARGET_REBUILD_SECONDS:.0f} s: "
        f"{'met' if current.rebuild < TARGET_REBUILD_SECONDS else 'NOT met'}"
    )
    pages = sorted((current.reports / run_date).glob("*.html")) + [current.reports / "index.html"]
    loads = sum(len(external_references(p.read_text())["loads"]) for p in pages)
    print(f"this tree's HTML pages: {len(pages)}; resources loaded from outside the file: {loads}")
    for page in pages:
        print(f"  {page.name:<28} {page.stat().st_size / 1024:8.0f} KiB")

    print()
    print("imports, fresh process, best of", args.repeat)
    for tree in trees:
        seconds = import_seconds(tree, "import analysis", args.repeat)
        print(f"  {tree.label:<22} import analysis{'':<22}{seconds:7.2f} s")
    names = sorted(p.stem for p in (current.root / "notebooks").glob("*.ipynb"))
    for name in names:
        timings = {}
        for tree in trees:
            notebook = tree.root / "notebooks" / f"{name}.ipynb"
            if notebook.exists():
                timings[tree.label] = import_seconds(tree, notebook_imports(notebook), args.repeat)
        for label, seconds in timings.items():
            print(f"  {label:<22} {name + ' imports':<37}{seconds:7.2f} s")
        if baseline is not None and len(timings) == 2:
            ratio = timings[current.label] / timings[baseline.label]
            print(f"  {'':<22} ratio this tree / baseline {'':<10}{ratio:7.2f}x")

    if args.count_renders:
        print()
        print("renders per report in one instrumented cold build")
        for tree in trees:
            counts = count_renders(tree, scratch, run_date, args)
            for report, kinds in sorted(counts.items()):
                if report == "-":
                    continue
                n = kinds.get("figures", 0)
                per = f"{kinds.get('savefig', 0) / n:.1f}" if n else "-"
                draws = f"{kinds.get('draw', 0) / n:.1f}" if n else "-"
                print(
                    f"  {tree.label:<22} {report:<16} figures {n:>3}  savefig "
                    f"{kinds.get('savefig', 0):>3} ({per} per figure)  print_png "
                    f"{kinds.get('print_png', 0):>3}  print_svg {kinds.get('print_svg', 0):>3}  "
                    f"Figure.draw {kinds.get('draw', 0):>3} ({draws} per figure)"
                )

    if args.floor:
        print()
        seconds, floor_status, errors = floor(current, scratch, args)
        ratio = min(current.cold) / seconds
        print(f"floor of this tree, one Python process {seconds:7.2f} s   exit {floor_status}")
        print(
            f"ratio build/floor {ratio:.2f} (target <= {TARGET_FLOOR_RATIO}): "
            f"{'met' if ratio <= TARGET_FLOOR_RATIO else 'NOT met'}"
        )
        if floor_status:
            current.failures.append(errors)
            status = 1
    for tree in trees:
        for errors in tree.failures:
            print(f"{tree.label} stderr:\n{errors}", file=sys.stderr)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
