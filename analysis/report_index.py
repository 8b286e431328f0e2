"""Index pages: ``reports/D/index.html`` for one run and ``reports/index.html`` for all runs.

Both are rendered from Jinja templates in ``analysis/templates/index/`` with autoescaping on, so
titles, findings and error messages from notebooks appear as text, never as markup.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from analysis.build_runs import past_runs, write_atomic
from analysis.report_html import TEMPLATES_DIR

INDEX_TEMPLATES: Path = TEMPLATES_DIR / "index"


def _environment(template_dir: Path):
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(template_dir)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def run_index_html(manifest: Mapping[str, Any], template_dir: Path = INDEX_TEMPLATES) -> str:
    """The index page of one dated run, from its manifest."""
    notebooks = manifest.get("notebooks", [])
    counts = {
        "ok": sum(1 for nb in notebooks if nb["status"] == "ok"),
        "failed": sum(1 for nb in notebooks if nb["status"] != "ok"),
    }
    template = _environment(template_dir).get_template("run.html.j2")
    return template.render(manifest=manifest, counts=counts)


def runs_index_html(runs: Sequence[Mapping[str, Any]], template_dir: Path = INDEX_TEMPLATES) -> str:
    """The top-level index listing every run (manifests given newest first)."""
    rows = []
    for manifest in runs:
        notebooks = manifest.get("notebooks", [])
        rows.append(
            {
                "run_date": manifest.get("run_date", ""),
                "finished_at": manifest.get("finished_at", ""),
                "notebooks": notebooks,
                "failed": any(nb.get("status") != "ok" for nb in notebooks),
            }
        )
    return _environment(template_dir).get_template("runs.html.j2").render(runs=rows)


def write_runs_index(reports_dir: Path, template_dir: Path = INDEX_TEMPLATES) -> Path:
    """Rewrite ``reports/index.html`` from every dated run's manifest; returns its path."""
    manifests = [run.manifest for run in past_runs(reports_dir)]
    path = reports_dir / "index.html"
    write_atomic(path, runs_index_html(manifests, template_dir))
    return path
