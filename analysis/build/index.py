"""Index pages: ``reports/D/index.html`` for one run and ``reports/index.html`` for all runs.

Both show, for each run, its date, its parameters in words, each report's status and the
report's key-findings sentences, so that a reader can scan what changed from one run to the
next: a sentence that the previous run's report did not state is marked as new.

Both are rendered from Jinja templates in ``analysis/templates/index/`` with autoescaping on, so
titles, findings and error messages from notebooks appear as text, never as markup.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from analysis.build.html import SERIES_NAME, TEMPLATES_DIR
from analysis.build.runs import past_runs, write_atomic

INDEX_TEMPLATES: Path = TEMPLATES_DIR / "index"


def _environment(template_dir: Path):
    # imported here: a build that reuses every report never renders an index template
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(template_dir)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def describe_parameters(values: Mapping[str, Any]) -> str:
    """Parameters in words for headers, e.g. 'Mali, 2012-01-01 to 2025-12-31, all groups'."""
    parts = []
    if values.get("country"):
        parts.append(str(values["country"]))
    if values.get("start_date") and values.get("end_date"):
        parts.append(f"{values['start_date']} to {values['end_date']}")
    if "focus_groups" in values:
        groups = values["focus_groups"]
        parts.append(", ".join(map(str, groups)) if groups else "all groups")
    return ", ".join(parts)


def _parameters_text(notebook: Mapping[str, Any]) -> str:
    return notebook.get("parameters_text") or describe_parameters(notebook.get("parameters", {}))


def _when(timestamp: str) -> str:
    """'2025-11-24T08:48:52+00:00' -> '2025-11-24 08:48 UTC' (as given when not a timestamp)."""
    try:
        moment = datetime.fromisoformat(timestamp)
    except (TypeError, ValueError):
        return str(timestamp or "")
    zone = moment.tzname() if moment.tzinfo else ""
    return f"{moment:%Y-%m-%d %H:%M}{' ' + zone if zone else ''}"


def run_summary(
    manifest: Mapping[str, Any], previous: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """One run as the index templates show it: reports with status, findings and what is new.

    ``parameters_text`` is the run's parameters in words when every report ran with the same
    ones (each report also has its own). A finding is ``new`` when the previous run had the same
    report and that report did not state the sentence; where the manifest records ``changes``
    (analysis.build.changes: the previous run of the same report *and parameters*), those say
    what is new, what changed (old -> new) and what disappeared.
    """
    earlier = {
        nb.get("name"): set(nb.get("key_findings", []))
        for nb in (previous or {}).get("notebooks", [])
    }
    reports = []
    for nb in manifest.get("notebooks", []):
        name = nb.get("name", "")
        files = list(nb.get("files", []))
        html_file = next((f for f in files if f.endswith(".html")), f"{name}.html")
        pdf_file = next((f for f in files if f.endswith(".pdf")), None)
        stated_before = earlier.get(name)
        changes = nb.get("changes") or {}
        if changes:
            # compared with the previous run of the same report and parameters (build/changes)
            stated_before = (
                set(nb.get("key_findings", [])) - set(changes.get("new", []))
                if changes.get("previous_run")
                else None
            )
        reports.append(
            {
                "name": name,
                "title": nb.get("title") or name,
                "status": nb.get("status", "failed"),
                "error": nb.get("error") or {},
                "html": html_file,
                "pdf": pdf_file,
                "files": files,
                "duration_seconds": float(nb.get("duration_seconds", 0.0)),
                "reused_from": nb.get("reused_from"),
                "warnings": len(nb.get("warnings", [])),
                "parameters_text": _parameters_text(nb),
                "findings": [
                    {
                        "text": sentence,
                        "new": stated_before is not None and sentence not in stated_before,
                    }
                    for sentence in nb.get("key_findings", [])
                ],
                "compared": stated_before is not None,
                "changes": changes,
            }
        )
    texts = {report["parameters_text"] for report in reports}
    git = manifest.get("git") or {}
    return {
        "run_date": manifest.get("run_date", ""),
        "damaged": manifest.get("damaged", ""),
        "finished_at": _when(manifest.get("finished_at", "")),
        "duration_seconds": float(manifest.get("duration_seconds", 0.0)),
        "version": (manifest.get("package") or {}).get("version", ""),
        "commit": (git.get("commit") or "")[:12],
        "dirty": bool(git.get("dirty")),
        "parameters_text": texts.pop() if len(texts) == 1 else "",
        "reports": reports,
        "ok": sum(1 for r in reports if r["status"] == "ok"),
        "failed": sum(1 for r in reports if r["status"] != "ok"),
        "previous_date": (previous or {}).get("run_date"),
        "inputs": len(manifest.get("inputs", [])),
        "given": (manifest.get("parameters") or {}).get("given") or {},
        "per_notebook": (manifest.get("parameters") or {}).get("per_notebook") or {},
    }


def run_index_html(
    manifest: Mapping[str, Any],
    template_dir: Path = INDEX_TEMPLATES,
    previous: Mapping[str, Any] | None = None,
) -> str:
    """The index page of one dated run, from its manifest (and the previous run's, to compare)."""
    template = _environment(template_dir).get_template("run.html.j2")
    return template.render(run=run_summary(manifest, previous), series=SERIES_NAME)


def runs_index_html(runs: Sequence[Mapping[str, Any]], template_dir: Path = INDEX_TEMPLATES) -> str:
    """The top-level index listing every run (manifests given newest first)."""
    rows = [
        run_summary(manifest, runs[i + 1] if i + 1 < len(runs) else None)
        for i, manifest in enumerate(runs)
    ]
    return (
        _environment(template_dir)
        .get_template("runs.html.j2")
        .render(runs=rows, series=SERIES_NAME)
    )


def write_runs_index(reports_dir: Path, template_dir: Path = INDEX_TEMPLATES) -> Path:
    """Rewrite ``reports/index.html`` from every dated run's manifest; returns its path.

    A run whose manifest is damaged is listed as damaged (its reports cannot be described),
    never left out as if it did not exist.
    """
    manifests = [
        {"run_date": run.date, "damaged": run.damaged} if run.damaged else run.manifest
        for run in past_runs(reports_dir, include_damaged=True)
    ]
    path = reports_dir / "index.html"
    write_atomic(path, runs_index_html(manifests, template_dir))
    return path
