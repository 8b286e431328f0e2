"""Benchmark: the report's HTML export against nbconvert's stock HTMLExporter, in one run.

    .venv/bin/python benchmarks/html_export.py [RUN_FOLDER] [--repeat 5] [--with-code]

For each executed notebook (``*.ipynb``) of a build's run folder (default: the newest
``reports/YYYY-MM-DD``), times, alternating stock and new (stock first in odd rounds, new
first in even ones), best of ``--repeat``, after one untimed call of each:

* ``export``: ``from_notebook_node`` of nbconvert's HTMLExporter and of the report's
  (``analysis.pipeline.html.build_exporter``, same template and settings), whose page is not
  parsed whole with BeautifulSoup;
* ``to_html``: the whole report page (``analysis.pipeline.html.to_html``) with either exporter.

and prints both times and the ratio new/stock per report, and whether the two pages are
equivalent (same tags, attributes and text; see tests/test_build_html_export.py).
These machines are shared and noisy: only the ratios of one run count.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from test_build_html_export import page_events  # noqa: E402

from analysis.pipeline import html as report_html  # noqa: E402


def newest_run() -> Path:
    """The newest dated run folder under reports/."""
    runs = sorted(
        p for p in (ROOT / "reports").glob("*") if re.fullmatch(r"\d{4}-\d\d-\d\d", p.name)
    )
    if not runs:
        sys.exit("no run folder under reports/: give one (a build's --out/DATE)")
    return runs[-1]


def best_of(repeat: int, calls: dict[str, Callable[[], object]]) -> dict[str, float]:
    """Best time of each call over ``repeat`` alternating rounds, after one untimed call each."""
    for call in calls.values():
        call()
    best = {name: float("inf") for name in calls}
    names = list(calls)
    for round_number in range(repeat):
        for name in names if round_number % 2 == 0 else names[::-1]:
            start = time.perf_counter()
            calls[name]()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("run_folder", nargs="?", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--with-code", action="store_true", help="pages with the code shown")
    args = parser.parse_args()
    folder = args.run_folder or newest_run()
    notebooks = sorted(folder.glob("*.ipynb"))
    if not notebooks:
        sys.exit(f"{folder}: no executed notebook (*.ipynb)")
    key = (str(report_html.DEFAULT_TEMPLATE.resolve()), args.with_code)
    exporters = {
        "stock": report_html.build_exporter(with_code=args.with_code, stock=True),
        "new": report_html.build_exporter(with_code=args.with_code),
    }
    print(f"{folder}, with_code={args.with_code}, best of {args.repeat}")
    print(f"{'report':<22}{'step':<9}{'stock s':>9}{'new s':>9}{'new/stock':>11}  equivalent")
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        facts = {"run_date": folder.name, "notebook": path.stem, "status": "ok"}
        resources = {"metadata": {"name": path.stem, "path": str(path.parent)}}

        def export(name: str, nb=nb, resources=resources) -> str:
            return exporters[name].from_notebook_node(nb, resources=dict(resources))[0]

        def page(name: str, nb=nb, facts=facts, path=path) -> str:
            report_html._exporters[key] = exporters[name]
            return report_html.to_html(nb, facts, with_code=args.with_code, source_dir=path.parent)

        for step, run in (("export", export), ("to_html", page)):
            times = best_of(args.repeat, {name: (lambda n=name, r=run: r(n)) for name in exporters})
            same = page_events(run("new")) == page_events(run("stock"))
            print(
                f"{path.stem:<22}{step:<9}{times['stock']:>9.3f}{times['new']:>9.3f}"
                f"{times['new'] / times['stock']:>11.2f}  {'yes' if same else 'NO'}"
            )


if __name__ == "__main__":
    main()
