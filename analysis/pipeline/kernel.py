"""The kernel that builds run notebooks in: the running interpreter, whatever the set-up.

papermill's most common failure is NoSuchKernel: the notebook names a kernel spec that is not
registered, or one that points at another Python. The build therefore writes its own kernel
spec into a private Jupyter data folder, pointing at ``sys.executable``, and names it
explicitly; the notebooks keep the portable ``python3`` in their metadata for JupyterLab.

papermill starts each notebook's kernel from that spec, as it starts any kernel
(jupyter_client's local provisioner). Run as ``python -m analysis.pipeline.kernel -f
CONNECTION_FILE``, this module starts ipykernel in its own process, bound to the life of the
worker that started it. What a notebook read is not guessed here: the readers record their
origins themselves (analysis.core.origins).
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import sys
from pathlib import Path

#: Name of the kernel spec written for builds.
KERNEL_NAME = "mali-reports-build"
_PACKAGE_PARENT = str(Path(__file__).resolve().parents[2])


def write_kernel_spec(jupyter_dir: Path) -> str:
    """Write a kernel spec for this interpreter under ``jupyter_dir/kernels``; returns its name.

    Put ``jupyter_dir`` first on JUPYTER_PATH (see ``kernel_environment``) before starting it.
    """
    spec = {
        # frozen_modules=off: debugpy otherwise warns on every start under Python 3.11+.
        "argv": [
            sys.executable,
            "-Xfrozen_modules=off",
            "-m",
            "analysis.pipeline.kernel",
            "-f",
            "{connection_file}",
            # Only errors: ipykernel otherwise warns on every start about its local TCP transport.
            "--IPKernelApp.log_level=ERROR",
        ],
        "display_name": f"Python {sys.version_info.major}.{sys.version_info.minor} (build)",
        "language": "python",
        "metadata": {"debugger": False},
        # The package must be importable from the kernel's temporary working folder.
        "env": {
            "PYTHONPATH": os.pathsep.join(
                filter(None, [_PACKAGE_PARENT, os.environ.get("PYTHONPATH", "")])
            )
        },
    }
    spec_dir = jupyter_dir / "kernels" / KERNEL_NAME
    spec_dir.mkdir(parents=True, exist_ok=True)
    (spec_dir / "kernel.json").write_text(json.dumps(spec, indent=1), encoding="utf-8")
    return KERNEL_NAME


def kernel_environment(jupyter_dir: Path, temp_dir: Path | None = None) -> dict[str, str]:
    """Environment variables that make Jupyter find the spec written by ``write_kernel_spec``;
    with ``temp_dir``, also the folder for temporary files (TMPDIR), kernels' connection files
    among them (jupyter_client writes each to a temporary file)."""
    existing = os.environ.get("JUPYTER_PATH", "")
    env = {
        "JUPYTER_PATH": os.pathsep.join(filter(None, [str(jupyter_dir), existing])),
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    }
    if temp_dir is not None:
        env["TMPDIR"] = str(temp_dir)
    return env


def die_with_parent(sig: int) -> None:
    """On Linux, have this process sent ``sig`` when the process that started it dies.

    A build killed with -9 cannot stop its workers, nor they their kernels; without this they
    would live on holding the run's files (ipykernel's own check only notices when the orphan
    is adopted by process 1, which a subreaper may prevent).
    """
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    try:
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, int(sig))
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the call: nobody would signal us
        os._exit(1)


def main() -> None:
    """Start ipykernel (as ipykernel_launcher does), bound to the life of its parent."""
    die_with_parent(signal.SIGTERM)
    if sys.path and sys.path[0] in ("", os.getcwd()):
        del sys.path[0]
    # imported here: the build process imports this module only to write the kernel spec
    from ipykernel import kernelapp  # noqa: PLC0415 (only when used: see above)

    kernelapp.launch_new_instance()


if __name__ == "__main__":
    main()
