"""The build's kernel (analysis.pipeline.kernel), started from its spec as papermill starts it:
the process started is the kernel itself, on this interpreter and package, and its exit status
is its own."""

from __future__ import annotations

import sys
import time

import pytest

from analysis.config import PROJECT_ROOT
from analysis.pipeline import kernel

pytestmark = pytest.mark.slow


def test_the_started_process_is_the_kernel_and_its_exit_status_is_its_own(tmp_path, monkeypatch):
    from jupyter_client import KernelManager
    from jupyter_core.utils import run_sync

    for name, value in kernel.kernel_environment(tmp_path / "jupyter").items():
        monkeypatch.setenv(name, value)
    manager = KernelManager(kernel_name=kernel.write_kernel_spec(tmp_path / "jupyter"))
    manager.start_kernel(cwd=str(tmp_path))
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        printed: list[str] = []
        reply = client.execute_interactive(
            "import os, sys, analysis\n"
            "print(os.getpid(), sys.executable, analysis.__file__, os.getcwd(), sep='\\n')",
            output_hook=lambda m: printed.append(m["content"].get("text", "")),
            timeout=60,
        )
        assert reply["content"]["status"] == "ok"
        pid, executable, package, cwd = "".join(printed).split("\n")[:4]
        assert int(pid) == manager.provisioner.pid  # no stand-in between
        assert executable == sys.executable
        assert package == str(PROJECT_ROOT / "analysis" / "__init__.py")
        assert cwd == str(tmp_path)
        client.execute("import os; os._exit(3)")
        deadline = time.monotonic() + 30
        status = None
        while status is None and time.monotonic() < deadline:
            status = run_sync(manager.provisioner.poll)()
            time.sleep(0.05)
        assert status == 3
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
