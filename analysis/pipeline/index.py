"""Index pages: ``reports/D/index.html`` for one run and ``reports/index.html`` for all runs.

Both show, for each run, its date, its parameters in words, each report's status and the
report's key-findings sentences, so that a reader can scan what changed from one run to the
next: a sentence that the previous run's report did not state is marked as new.

Both are rendered from Jinja templates in ``analysis/templates/index/`` with autoescaping on, so
titles, findings and error messages from notebooks appear as text, never as markup.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from analysis.core.dates import human_date
from analysis.pipeline.html import SERIES_NAME, TEMPLATES_DIR, imprint_data
from analysis.pipeline.runs import past_runs, write_atomic

INDEX_TEMPLATES: Path = TEMPLATES_DIR / "index"


def _environment(template_dir: Path):
    # imported here: a build that reuses every report never renders an index template
    import jinja2  # noqa: PLC0415 (only when used: see above)

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


#: Width of a report's key figure on the index pages (a thumbnail, embedded).
THUMBNAIL_WIDTH_PX = 360


def thumbnail(png: Path, width: int = THUMBNAIL_WIDTH_PX) -> str:
    """A figure's PNG, scaled down to ``width`` and reduced to 64 colours, as a data: URL."""
    # imported here: only an index with a key figure to show needs Pillow
    from PIL import Image  # noqa: PLC0415 (only when used: see above)

    with Image.open(png) as image:
        image.thumbnail((width, width * 4))
        small = image.convert("RGB").quantize(colors=64)
    buffer = io.BytesIO()
    small.save(buffer, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def key_figure(run_dir: Path, notebook: Mapping[str, Any]) -> dict[str, str] | None:
    """The report's key figure (its first) for the index: title and a small embedded picture;
    None when the run's folder holds no PNG of it."""
    # imported here as in thumbnail: only an index with a key figure to show needs Pillow
    from PIL import Image  # noqa: PLC0415 (only when used: see above)

    for figure in notebook.get("figures", []):
        png = run_dir / "figures" / str(notebook.get("name", "")) / f"{figure.get('slug')}.png"
        if png.is_file():
            try:
                return {"title": str(figure.get("title", "")), "src": thumbnail(png)}
            except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
                return None  # a damaged picture: the index goes without it, never fails
    return None


def run_summary(
    manifest: Mapping[str, Any],
    previous: Mapping[str, Any] | None = None,
    run_dir: Path | None = None,
) -> dict[str, Any]:
    """One run as the index templates show it: reports with status, findings and what is new.

    ``parameters_text`` is the run's parameters in words when every report ran with the same
    ones (each report also has its own). A finding is ``new`` when the previous run had the same
    report and that report did not state the sentence; where the manifest records ``changes``
    (analysis.pipeline.changes: the previous run of the same report *and parameters*), those say
    what is new, what changed (old -> new) and what disappeared. With the run's folder, each
    report also has its key figure as a small picture.
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
            # compared with the previous run of the same report and parameters (pipeline/changes)
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
                "xlsx": next((f for f in files if f.endswith(".xlsx")), None),
                "key_figure": key_figure(run_dir, nb) if run_dir is not None else None,
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
                "data_through": _human_day(nb.get("data_through")),
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
    run_dir: Path | None = None,
) -> str:
    """The index page of one dated run, from its manifest (and the previous run's, to compare;
    with its folder, the key figures)."""
    template = _environment(template_dir).get_template("run.html.j2")
    return template.render(
        run=run_summary(manifest, previous, run_dir), series=SERIES_NAME, imprint=imprint_data()
    )


def runs_index_html(
    runs: Sequence[Mapping[str, Any]],
    template_dir: Path = INDEX_TEMPLATES,
    newest_dir: Path | None = None,
) -> str:
    """The top-level index (manifests given newest first): a front page of the newest run's
    reports (with ``newest_dir``, its folder: key findings, changes, key figure, links), then
    every run (the newest one's findings not a second time); the publisher in the footer."""
    rows = [
        run_summary(manifest, runs[i + 1] if i + 1 < len(runs) else None)
        for i, manifest in enumerate(runs)
    ]
    front = None
    if newest_dir is not None and runs and not runs[0].get("damaged"):
        front = run_summary(runs[0], runs[1] if len(runs) > 1 else None, newest_dir)
    return (
        _environment(template_dir)
        .get_template("runs.html.j2")
        .render(runs=rows, front=front, series=SERIES_NAME, imprint=imprint_data())
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
    newest = reports_dir / manifests[0]["run_date"] if manifests else None
    write_atomic(path, runs_index_html(manifests, template_dir, newest))
    return path


def _human_day(iso: object) -> str:
    """An ISO day as the reports write it ('31 December 2023'), or '' when there is none."""
    try:
        return human_date(date.fromisoformat(str(iso)))
    except ValueError:
        return ""
