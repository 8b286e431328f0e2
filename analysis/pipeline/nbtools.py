"""Keep committed notebooks clean: outputs only on the cells nbval checks.

    python -m analysis.pipeline.nbtools refresh notebooks/NAME.ipynb   # execute in place, then strip
    python -m analysis.pipeline.nbtools strip notebooks/NAME.ipynb     # strip without executing
    python -m analysis.pipeline.nbtools check [NOTEBOOK ...]           # list stray outputs; exit 1 if any

Stripping follows nbstripout as the pre-commit hook runs it (``--keep-count --keep-id``), so a refreshed
notebook commits unchanged: every output and execution count goes, except on cells whose metadata
says ``"keep_output": true``; those are the cells starting with ``# NBVAL_CHECK_OUTPUT`` whose
stated figures ``pytest --nbval-lax`` compares against a fresh run (nbval needs their count).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis.config import NOTEBOOKS_DIR
from analysis.core import console
from analysis.pipeline.kernel import kernel_environment, write_kernel_spec
from analysis.pipeline.worker import one_line

# Named, not __name__: run as `python -m analysis.pipeline.nbtools`, __name__ is "__main__",
# outside the "analysis" logger the command line configures.
log = logging.getLogger("analysis.pipeline.nbtools")
CHECK_MARKER = "# NBVAL_CHECK_OUTPUT"
KEEP_OUTPUT = "keep_output"
#: nbstripout's default extra keys, plus papermill's metadata (the pre-commit hook passes the same).
EXTRA_KEYS: tuple[str, ...] = (
    "metadata.signature",
    "metadata.widgets",
    "cell.metadata.collapsed",
    "cell.metadata.ExecuteTime",
    "cell.metadata.execution",
    "cell.metadata.heading_collapsed",
    "cell.metadata.hidden",
    "cell.metadata.scrolled",
    "metadata.papermill",
    "cell.metadata.papermill",
)


@dataclass(frozen=True)
class Problem:
    """Something in a committed notebook that the pre-commit hook or nbval would trip on."""

    path: Path
    cell: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}: cell {self.cell}: {self.message}"


def _source(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return source if isinstance(source, str) else "".join(source)


def keeps_output(cell: dict[str, Any]) -> bool:
    """Whether the cell's outputs are committed (metadata or tag ``keep_output``)."""
    metadata = cell.get("metadata", {})
    return bool(metadata.get(KEEP_OUTPUT)) or KEEP_OUTPUT in metadata.get("tags", [])


def problems(path: Path) -> list[Problem]:
    """Stray outputs, and checked cells that nbval could not compare."""
    # heavy dependency: imported only when this runs, so the command starts fast
    import nbformat  # noqa: PLC0415 (heavy: loaded when used)

    nb = nbformat.read(path, as_version=4)
    found = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        outputs = cell.get("outputs", [])
        checked = _source(cell).lstrip().startswith(CHECK_MARKER)
        if outputs and not keeps_output(cell):
            found.append(
                Problem(
                    path,
                    index,
                    f"carries {len(outputs)} output(s) but has no '{KEEP_OUTPUT}: true' metadata; "
                    "strip it (python -m analysis.pipeline.nbtools strip) or mark it",
                )
            )
        if checked and not keeps_output(cell):
            found.append(
                Problem(path, index, f"starts with {CHECK_MARKER} but lacks '{KEEP_OUTPUT}: true'")
            )
        elif checked and outputs and cell.get("execution_count") is None:
            found.append(
                Problem(
                    path,
                    index,
                    "keeps outputs without an execution count, which nbval rejects; "
                    "run python -m analysis.pipeline.nbtools refresh",
                )
            )
        elif checked and not outputs:
            found.append(
                Problem(
                    path,
                    index,
                    f"starts with {CHECK_MARKER} but has no stored output; "
                    "run python -m analysis.pipeline.nbtools refresh",
                )
            )
    return found


def strip(nb: Any) -> Any:
    """Strip outputs, counts and volatile metadata in place, as nbstripout does; returns nb."""
    try:
        # heavy dependency: imported only when this runs, so the command starts fast
        from nbstripout import strip_output  # noqa: PLC0415 (heavy: loaded when used)
    except ImportError:  # a development tool: installed with the [dev] extra
        raise SystemExit(
            "nbstripout is not installed; run `make setup` (pip install -e '.[dev]')."
        ) from None

    # Cell ids stay: some are names ("appendix") and a renumbering is a diff on every commit;
    # the pre-commit hook runs nbstripout with --keep-id to match.
    strip_output(nb, keep_output=False, keep_count=True, keep_id=True, extra_keys=list(EXTRA_KEYS))
    # nbval skips a cell without execution count ("unrun reference"), so checked cells keep
    # theirs; the pre-commit hook runs nbstripout with --keep-count to match.
    for cell in nb.cells:
        if cell.get("cell_type") == "code" and not keeps_output(cell):
            cell["execution_count"] = None
    return nb


def _write(nb: Any, path: Path) -> None:
    # heavy dependency: imported only when this runs, so the command starts fast
    import nbformat  # noqa: PLC0415 (heavy: loaded when used)

    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            nbformat.write(nb, stream)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class RefreshError(RuntimeError):
    """A notebook raised while being refreshed; the file is left untouched."""


def execute(nb: Any, folder: Path, timeout: float | None = None) -> Any:
    """Execute a notebook in its folder with this interpreter's kernel; returns it."""
    # heavy dependency: imported only when this runs, so the command starts fast
    from nbclient import NotebookClient  # noqa: PLC0415 (heavy: loaded when used)

    # heavy dependency: imported only when this runs, so the command starts fast
    from nbclient.exceptions import CellExecutionError  # noqa: PLC0415 (heavy: loaded when used)

    with tempfile.TemporaryDirectory(prefix="mali-kernel-") as jupyter_dir:
        name = write_kernel_spec(Path(jupyter_dir))
        saved = {
            key: os.environ.get(key) for key in ("JUPYTER_PATH", "PYDEVD_DISABLE_FILE_VALIDATION")
        }
        os.environ.update(kernel_environment(Path(jupyter_dir)))
        try:
            client = NotebookClient(
                nb,
                kernel_name=name,
                timeout=timeout,
                record_timing=False,
                resources={"metadata": {"path": str(folder)}},
            )
            client.execute()
        except CellExecutionError as exc:
            raise RefreshError(f"{exc.ename}: {one_line(exc.evalue)}") from None
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
    return nb


def refresh(path: Path, timeout: float | None = None) -> None:
    """Execute a notebook in place and strip every output except the checked cells."""
    # heavy dependency: imported only when this runs, so the command starts fast
    import nbformat  # noqa: PLC0415 (heavy: loaded when used)

    nb = nbformat.read(path, as_version=4)
    kernelspec = nb.metadata.get("kernelspec")
    execute(nb, path.parent, timeout)
    if kernelspec is not None:
        nb.metadata["kernelspec"] = kernelspec
    strip(nb)
    nbformat.validate(nb)
    _write(nb, path)


def strip_file(path: Path) -> bool:
    """Strip a notebook file in place; returns whether it changed."""
    # heavy dependency: imported only when this runs, so the command starts fast
    import nbformat  # noqa: PLC0415 (heavy: loaded when used)

    before = path.read_text(encoding="utf-8")
    nb = strip(nbformat.reads(before, as_version=nbformat.NO_CONVERT))
    after = nbformat.writes(nb)
    after += "" if after.endswith("\n") else "\n"  # as nbformat.write ends the file
    if after == before:
        return False
    _write(nb, path)
    return True


def _notebooks(paths: Sequence[str]) -> list[Path]:
    return [Path(p) for p in paths] if paths else sorted(NOTEBOOKS_DIR.glob("*.ipynb"))


def main(argv: Sequence[str] | None = None) -> int:
    """Command line of nbtools; returns the exit status."""
    # nbformat's validator pulls in a slow optional grammar; these commands never need it.
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    parser = argparse.ArgumentParser(
        prog="python -m analysis.pipeline.nbtools",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    refresh_parser = sub.add_parser(
        "refresh", help="execute notebooks in place, keep only checked outputs"
    )
    refresh_parser.add_argument("notebooks", nargs="+")
    refresh_parser.add_argument("--timeout", type=float, default=None, help="seconds per cell")
    strip_parser = sub.add_parser("strip", help="strip outputs except checked cells, in place")
    strip_parser.add_argument("notebooks", nargs="+")
    check_parser = sub.add_parser("check", help="list notebooks that carry outputs they should not")
    check_parser.add_argument("notebooks", nargs="*", help="default: notebooks/*.ipynb")
    args = parser.parse_args(argv)
    console.configure()

    if args.command == "refresh":
        status = 0
        for path in map(Path, args.notebooks):
            try:
                refresh(path, args.timeout)
            except RefreshError as exc:
                log.error("FAILED %s: %s (notebook left unchanged)", path.stem, exc)
                status = 1
                continue
            log.info("refreshed %s", path)
        return status
    if args.command == "strip":
        for path in map(Path, args.notebooks):
            log.info("%s: %s", "stripped" if strip_file(path) else "already clean", path)
        return 0
    found = [problem for path in _notebooks(args.notebooks) for problem in problems(path)]
    for problem in found:
        log.info("%s", problem)
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
