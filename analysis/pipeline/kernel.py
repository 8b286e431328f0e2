"""The kernel that builds run notebooks in: the running interpreter, whatever the set-up.

papermill's most common failure is NoSuchKernel: the notebook names a kernel spec that is not
registered, or one that points at another Python. The build therefore writes its own kernel
spec into a private Jupyter data folder, pointing at ``sys.executable``, and names it
explicitly; the notebooks keep the portable ``python3`` in their metadata for JupyterLab.

Run as ``python -m analysis.pipeline.kernel -f CONNECTION_FILE``, this module starts ipykernel so
that the kernel dies with the build process that started it. What a notebook read is not
guessed here: the readers record their origins themselves (analysis.core.origins).

A kernel a worker starts ahead of its notebook (analysis.pipeline.worker) is started with
PRELOAD_ENV set: before it answers, it imports what every report's first cell imports
(PRELOAD_MODULES: pandas, matplotlib, pyarrow and the report helpers, most of a second), while
its worker is still busy with the previous notebook's page.

Where the build started a zygote (analysis.pipeline.zygote; ``--zygote SOCKET`` runs one: it
imports ipykernel and PRELOAD_MODULES once), a kernel process asks it for a forked kernel and
stays as that kernel's stand-in; it starts ipykernel itself only if the zygote cannot be asked.
"""

from __future__ import annotations

import importlib
import json
import os
import signal
import sys
from pathlib import Path

from analysis.pipeline import zygote

#: Name of the kernel spec written for builds.
KERNEL_NAME = "mali-reports-build"
_PACKAGE_PARENT = str(Path(__file__).resolve().parents[2])
#: Set (to "1") for a kernel started ahead: it imports PRELOAD_MODULES before it answers.
PRELOAD_ENV = "MALI_KERNEL_PRELOAD"
#: What a kernel's environment may hold that the zygote's does not: what is set per notebook
#: (the worker's PER_NOTEBOOK_ENV, read when used, not at import) or for this kernel only.
KERNEL_OWN_ENV = (
    "MALI_FIGURES_DIR",
    "MALI_BUILD_ORIGINS_LOG",
    "MALI_RUN_DATE",
    PRELOAD_ENV,
    zygote.ZYGOTE_ENV,
    "JPY_PARENT_PID",
    "JPY_SESSION_NAME",
)
#: What every report's first cell imports (display, the run context, the figure style).
PRELOAD_MODULES = ("analysis.reports.page", "analysis.reports.context", "analysis.figures.style")
#: The backend ipykernel gives matplotlib when none is set (it sets it only if unset).
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


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
        "env": {"PYTHONPATH": kernel_process_environment(dict(os.environ))["PYTHONPATH"]},
    }
    spec_dir = jupyter_dir / "kernels" / KERNEL_NAME
    spec_dir.mkdir(parents=True, exist_ok=True)
    (spec_dir / "kernel.json").write_text(json.dumps(spec, indent=1), encoding="utf-8")
    return KERNEL_NAME


def kernel_environment(jupyter_dir: Path) -> dict[str, str]:
    """Environment variables that make Jupyter find the spec written by ``write_kernel_spec``."""
    existing = os.environ.get("JUPYTER_PATH", "")
    return {
        "JUPYTER_PATH": os.pathsep.join(filter(None, [str(jupyter_dir), existing])),
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    }


def _die_with_parent() -> None:
    """On Linux, have the kernel terminated when the process that started it dies.

    A build stopped by SIGTERM kills its workers; their kernels must not live on (ipykernel's
    own check only notices when the orphan is adopted by process 1).
    """
    zygote.die_with_parent(signal.SIGTERM)


def kernel_process_environment(env: dict[str, str]) -> dict[str, str]:
    """``env`` as the kernel spec gives it to a kernel: the package importable from anywhere."""
    path = os.pathsep.join(filter(None, [_PACKAGE_PARENT, env.get("PYTHONPATH", "")]))
    return {**env, "PYTHONPATH": path}


def start_zygote(
    env: dict[str, str], cwd: Path, log_path: Path | None = None
) -> zygote.Zygote | None:
    """Start the build's zygote (None where kernels cannot be forked); give its socket to the
    kernels in ``env`` under zygote.ZYGOTE_ENV."""
    command = [sys.executable, "-Xfrozen_modules=off", "-m", __name__, "--zygote"]
    return zygote.start(command, kernel_process_environment({**os.environ, **env}), cwd, log_path)


def _prepare_zygote() -> None:
    """What the zygote imports once for every kernel it forks."""
    # imported here: the build process imports this module only to write the kernel spec
    from ipykernel import kernelapp  # noqa: F401

    preload()


def _launch(argv: list[str]) -> None:
    """Run ipykernel with ``argv`` (in a kernel forked by the zygote)."""
    # imported here: the build process imports this module only to write the kernel spec
    from ipykernel import kernelapp

    # as preload leaves it in a kernel started ahead: the backend matplotlib was given
    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)
    kernelapp.launch_new_instance(argv=argv)


def main() -> None:
    """Start ipykernel (as ipykernel_launcher does), bound to the life of its parent: forked
    by the build's zygote when there is one, else in this process."""
    _die_with_parent()
    if sys.path and sys.path[0] in ("", os.getcwd()):
        del sys.path[0]
    arguments = sys.argv[1:]
    if arguments[:1] == ["--zygote"]:
        zygote.serve(arguments[1], _prepare_zygote, _launch, KERNEL_OWN_ENV)
        return
    started_ahead = os.environ.pop(PRELOAD_ENV, "")  # never left in a kernel's environment
    socket_path = os.environ.get(zygote.ZYGOTE_ENV, "")
    if socket_path and zygote.supported():
        pid = zygote.request_kernel(socket_path, arguments)
        if pid is not None:
            sys.exit(zygote.stand_in(pid))
    # imported here: the build process imports this module only to write the kernel spec
    from ipykernel import kernelapp

    if started_ahead:
        preload()
    kernelapp.launch_new_instance()


def preload(modules: tuple[str, ...] = PRELOAD_MODULES) -> list[str]:
    """Import ``modules`` now (a kernel started ahead); returns those that failed, which are
    left for the notebook's own import to report in its cell."""
    # matplotlib reads its backend when imported: the one ipykernel would set, set first
    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)
    failed = []
    for name in modules:
        try:
            # by name: the report modules are the kernel's to import, never the build's
            importlib.import_module(name)
        except Exception:
            failed.append(name)
    return failed


if __name__ == "__main__":
    main()
