"""A tiny parameterised notebook and a worker Job for it: the kernel tests of test_fast.py
(kernels started ahead) and test_kernel_zygote.py (kernels forked from the zygote)."""

from __future__ import annotations

from pathlib import Path

import nbformat

from analysis.pipeline import worker as build_worker


def tiny_notebook(path: Path, with_parent: bool = False) -> Path:
    """A notebook that prints its folder, its per-notebook environment, whether the report
    helpers were imported before it asked, the preload switch and the backend (and with
    ``with_parent``, its parent process)."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("label = 'default'", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(
            "import os, sys\n"
            "print(os.getcwd())\n"
            "print(os.environ['MALI_FIGURES_DIR'], os.environ['MALI_RUN_DATE'], label)\n"
            "print('preloaded', 'analysis.reports.page' in sys.modules)\n"
            "print('MALI_KERNEL_PRELOAD' in os.environ, os.environ['MPLBACKEND'])"
            + ("\nprint('parent', os.getppid())" if with_parent else "")
        ),
    ]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, path)
    return path


def job(tmp_path: Path, name: str, kernel_name: str, with_parent: bool = False):
    """The worker's Job for the tiny notebook ``name`` (run folder and work folder under
    ``tmp_path``, parameter label=name, run date 2025-03-01)."""
    run_dir, work_dir = tmp_path / "run", tmp_path / "work"
    run_dir.mkdir(exist_ok=True)
    work_dir.mkdir(exist_ok=True)
    return build_worker.Job(
        name=name,
        source=str(tiny_notebook(tmp_path / f"{name}.ipynb", with_parent)),
        run_dir=str(run_dir),
        work_dir=str(work_dir),
        mode=build_worker.EXECUTE,
        kernel_name=kernel_name,
        parameters={"label": name},
        facts={"run_date": "2025-03-01"},
        template_dir="",
    )


def printed(nb) -> str:
    """Everything the notebook's cells printed."""
    return "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
