"""The kernel that builds run notebooks in: the running interpreter, whatever the set-up.

papermill's most common failure is NoSuchKernel: the notebook names a kernel spec that is not
registered, or one that points at another Python. The build therefore writes its own kernel
spec into a private Jupyter data folder, pointing at ``sys.executable``, and names it
explicitly; the notebooks keep the portable ``python3`` in their metadata for JupyterLab.

Run as ``python -m analysis.build.kernel -f CONNECTION_FILE``, this module starts ipykernel after
installing an audit hook that records which input files the notebook opens (for the manifest).
"""

from __future__ import annotations

import ctypes
import functools
import importlib.machinery
import signal

import json
import os
import sys
from pathlib import Path

#: Name of the kernel spec written for builds.
KERNEL_NAME = "mali-reports-build"
#: Where the kernel appends the paths of input files it opened (one per line).
READS_LOG_ENV = "MALI_BUILD_READS_LOG"
#: os.pathsep-separated folders whose files count as inputs.
INPUT_ROOTS_ENV = "MALI_BUILD_INPUT_ROOTS"
_PACKAGE_PARENT = str(Path(__file__).resolve().parents[2])


def write_kernel_spec(jupyter_dir: Path, record_reads: bool = True) -> str:
    """Write a kernel spec for this interpreter under ``jupyter_dir/kernels``; returns its name.

    Put ``jupyter_dir`` first on JUPYTER_PATH (see ``kernel_environment``) before starting it.
    """
    module = "analysis.build.kernel" if record_reads else "ipykernel_launcher"
    spec = {
        # frozen_modules=off: debugpy otherwise warns on every start under Python 3.11+.
        "argv": [
            sys.executable,
            "-Xfrozen_modules=off",
            "-m",
            module,
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


def kernel_environment(jupyter_dir: Path) -> dict[str, str]:
    """Environment variables that make Jupyter find the spec written by ``write_kernel_spec``."""
    existing = os.environ.get("JUPYTER_PATH", "")
    return {
        "JUPYTER_PATH": os.pathsep.join(filter(None, [str(jupyter_dir), existing])),
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    }


def _install_read_recorder() -> None:
    """Record every file opened under the input roots: Python-level opens (pandas, csv, json)
    and the paths given to the C readers of C_READERS (SPSS files, GeoJSON)."""
    log_path, roots_text = os.environ.get(READS_LOG_ENV), os.environ.get(INPUT_ROOTS_ENV)
    if not log_path or not roots_text:
        return
    roots: set[str] = set()
    for root in roots_text.split(os.pathsep):
        if root:
            roots.update({os.path.abspath(root) + os.sep, os.path.realpath(root) + os.sep})
    prefixes = tuple(roots)
    log_fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    seen: set[str] = set()

    def hook(event: str, args: tuple) -> None:
        if event != "open" or not args or isinstance(args[0], int):
            return
        flags = args[2] if len(args) > 2 and isinstance(args[2], int) else os.O_RDONLY
        if flags & os.O_ACCMODE == os.O_WRONLY:
            return
        try:
            path = os.path.abspath(os.fsdecode(args[0]))
        except (TypeError, ValueError):
            return
        if path not in seen and path.startswith(prefixes):
            seen.add(path)
            os.write(log_fd, (path + "\n").encode("utf-8", "surrogateescape"))

    sys.addaudithook(hook)
    sys.meta_path.insert(0, _RecordCReads(lambda path: hook("open", (path, "r"))))


#: Readers that open their files in C, unseen by the audit hook: module -> functions whose first
#: argument is the path (pyreadstat reads Afrobarometer's .sav, pyogrio GeoJSON boundaries).
C_READERS: dict[str, tuple[str, ...]] = {
    "pyreadstat": ("read_sav", "read_dta", "read_por", "read_sas7bdat", "read_xport"),
    "pyogrio": ("read_dataframe", "read_arrow", "read_info"),
    "fiona": ("open",),
}


class _RecordCReads:
    """Import hook that wraps the C_READERS functions so their paths reach the read log."""

    def __init__(self, record) -> None:
        self.record = record

    def find_spec(self, name, path=None, target=None):
        if name not in C_READERS:
            return None

        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is not None and spec.loader is not None:
            spec.loader = _WrappingLoader(spec.loader, name, self.record)
        return spec


class _WrappingLoader:
    def __init__(self, loader, name: str, record) -> None:
        self._loader, self._name, self._record = loader, name, record

    def __getattr__(self, attribute: str):
        return getattr(self._loader, attribute)

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module) -> None:

        self._loader.exec_module(module)
        for function_name in C_READERS[self._name]:
            function = getattr(module, function_name, None)
            if function is None:
                continue

            @functools.wraps(function)
            def recorded(source, *args, _function=function, **kwargs):
                if isinstance(source, str | bytes | os.PathLike):
                    self._record(source)
                return _function(source, *args, **kwargs)

            setattr(module, function_name, recorded)


def _die_with_parent() -> None:
    """On Linux, have the kernel terminated when the process that started it dies.

    A build stopped by SIGTERM kills its workers; their kernels must not live on (ipykernel's
    own check only notices when the orphan is adopted by process 1).
    """
    if not sys.platform.startswith("linux"):
        return
    try:

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, int(signal.SIGTERM))
    except (OSError, AttributeError):
        return


def main() -> None:
    """Start ipykernel (as ipykernel_launcher does) with the read recorder installed."""
    _die_with_parent()
    _install_read_recorder()
    if sys.path and sys.path[0] in ("", os.getcwd()):
        del sys.path[0]
    # heavy dependency: imported only when this runs, so the command starts fast
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


if __name__ == "__main__":
    main()
