"""``python -m analysis.pipeline.lab`` (``make lab``): JupyterLab on the notebooks, ``analysis`` reloading.

Lab is started with a private kernel spec named ``python3`` (the kernel the notebooks name)
whose kernel loads IPython's autoreload extension in mode 2: edit a module in ``analysis/``,
re-run a cell, and the cell uses the new code without restarting the kernel. Only this Lab
session sees the spec (it comes first on JUPYTER_PATH); builds (papermill, their own kernel)
and nbval (the test process's environment) are not affected.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from analysis.config import NOTEBOOKS_DIR

#: Where the Lab kernel spec is written: inside the environment, never in the repository.
LAB_JUPYTER_DIR: Path = Path(sys.prefix) / "share" / "mali-reports" / "lab"
KERNEL_NAME = "python3"
AUTORELOAD_ARGS = (
    "--InteractiveShellApp.extensions=autoreload",
    "--InteractiveShellApp.exec_lines=%autoreload 2",
)


def write_lab_kernel(jupyter_dir: Path = LAB_JUPYTER_DIR) -> Path:
    """Write the autoreloading ``python3`` kernel spec under ``jupyter_dir``; returns its folder."""
    spec = {
        "argv": [
            sys.executable,
            "-Xfrozen_modules=off",
            "-m",
            "ipykernel_launcher",
            "-f",
            "{connection_file}",
            *AUTORELOAD_ARGS,
        ],
        "display_name": "Python 3 (mali-reports, autoreload)",
        "language": "python",
        "metadata": {"debugger": True},
    }
    folder = jupyter_dir / "kernels" / KERNEL_NAME
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f".kernel.json.{os.getpid()}.tmp"
    temporary.write_text(json.dumps(spec, indent=1), encoding="utf-8")
    os.replace(temporary, folder / "kernel.json")
    return folder


def lab_environment(jupyter_dir: Path = LAB_JUPYTER_DIR) -> dict[str, str]:
    """The environment for Lab: the spec's folder first on JUPYTER_PATH."""
    existing = os.environ.get("JUPYTER_PATH", "")
    return {
        **os.environ,
        "JUPYTER_PATH": os.pathsep.join(filter(None, [str(jupyter_dir), existing])),
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    }


def main(argv: Sequence[str] | None = None) -> None:
    """Write the kernel spec and replace this process with JupyterLab on notebooks/."""
    extra = list(sys.argv[1:] if argv is None else argv)
    write_lab_kernel()
    command = [sys.executable, "-m", "jupyterlab", f"--notebook-dir={NOTEBOOKS_DIR}", *extra]
    os.execve(sys.executable, command, lab_environment())


if __name__ == "__main__":
    main()
