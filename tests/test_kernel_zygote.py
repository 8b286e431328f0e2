"""Kernels forked from the build's zygote (analysis.pipeline.zygote): each runs its notebook as a
kernel started for it would, obeys interrupts, and none outlives the process that stands in
for it; where the zygote cannot be asked, the kernel starts the usual way."""

from __future__ import annotations

import os
import signal
import time

import pytest

from analysis.pipeline import kernel, zygote
from analysis.pipeline import worker as build_worker
from tests import kernel_jobs

pytestmark = pytest.mark.skipif(
    not zygote.supported(), reason="kernels are forked only where fork and Unix sockets exist"
)


@pytest.fixture
def spec(tmp_path, monkeypatch):
    """The build's kernel spec, registered as a build registers it."""
    for name, value in kernel.kernel_environment(tmp_path / "jupyter").items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernels choose it, as in a build
    yield kernel.write_kernel_spec(tmp_path / "jupyter")
    build_worker.stop_kernel_ahead()


@pytest.fixture
def running_zygote(spec, tmp_path, monkeypatch):
    started = kernel.start_zygote({}, tmp_path, tmp_path / "zygote.log")
    assert started is not None
    monkeypatch.setenv(zygote.ZYGOTE_ENV, str(started.socket_path))
    yield started
    build_worker.stop_kernel_ahead()
    started.stop()
    assert not started.socket_path.exists()


@pytest.mark.parametrize("ahead", [False, True])
def test_a_forked_kernel_runs_the_notebook_as_its_own(tmp_path, spec, running_zygote, ahead):
    if ahead:  # a kernel a worker started ahead, given the notebook's folder and environment
        build_worker.start_kernel_ahead(spec, str(tmp_path))
    nb, _, error_type, message, _ = build_worker._execute(
        kernel_jobs.job(tmp_path, "first", spec, with_parent=True)
    )
    assert error_type == "", message
    work, figures = tmp_path / "work" / "first", tmp_path / "run" / "figures" / "first"
    assert kernel_jobs.printed(nb) == (
        f"{work}\n{figures} 2025-03-01 first\n"
        # imported by the zygote, before the notebook asked; no switch left in its
        # environment; the backend ipykernel would have set; forked by the zygote
        f"preloaded True\nFalse {kernel.INLINE_BACKEND}\nparent {running_zygote.process.pid}\n"
    )


def _start(spec_name: str):
    from jupyter_client import KernelManager

    manager = KernelManager(kernel_name=spec_name)
    manager.start_kernel()
    client = manager.client()
    client.start_channels()
    client.wait_for_ready(timeout=60)
    return manager, client


def _run(client, code: str, timeout: float = 60) -> tuple[str, dict]:
    printed: list[str] = []

    def keep(message):
        if message["msg_type"] == "stream":
            printed.append(message["content"]["text"])

    reply = client.execute_interactive(code, output_hook=keep, timeout=timeout)
    return "".join(printed), reply["content"]


def _gone(pid: int, within: float = 15.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def test_a_forked_kernel_is_interrupted_and_dies_with_its_stand_in(spec, running_zygote):
    manager, client = _start(spec)
    try:
        printed, _ = _run(client, "import os; print(os.getpid(), os.getppid(), os.getpgid(0))")
        kernel_pid, parent, group = (int(n) for n in printed.split())
        stand_in = manager.provisioner.process.pid
        assert parent == running_zygote.process.pid and kernel_pid != stand_in
        assert group == kernel_pid  # it leads its own process group, as a started kernel does
        # an interrupt (SIGINT to the stand-in) reaches the kernel and stops the running cell
        client.execute("import time; time.sleep(60)")
        time.sleep(1.0)
        manager.interrupt_kernel()
        reply = client.get_shell_msg(timeout=20)
        assert reply["content"]["status"] == "error"
        assert reply["content"]["ename"] == "KeyboardInterrupt"
        printed, _ = _run(client, "print('still here')")  # the kernel lives on
        assert printed == "still here\n"
        # the stand-in killed (as jupyter_client's shutdown(now=True) or a dead build does)
        # while the kernel is busy in C code holding the GIL (no thread of its own can run)
        client.execute("import re; re.match(r'(a*)*b', 'a' * 40)")
        time.sleep(1.0)
        os.kill(stand_in, signal.SIGKILL)
        assert _gone(kernel_pid)
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def test_a_forked_kernel_shut_down_leaves_no_process(spec, running_zygote):
    manager, client = _start(spec)
    printed, _ = _run(client, "import os; print(os.getpid())")
    client.stop_channels()
    manager.shutdown_kernel()  # the polite way: a shutdown request, then the stand-in exits
    assert _gone(int(printed))
    assert manager.provisioner is None or not manager.is_alive()


def test_without_a_zygote_the_kernel_starts_the_usual_way(tmp_path, spec, monkeypatch):
    monkeypatch.setenv(zygote.ZYGOTE_ENV, str(tmp_path / "no-such.sock"))
    manager, client = _start(spec)
    try:
        printed, _ = _run(client, "import os; print(os.getpid())")
        assert int(printed) == manager.provisioner.process.pid  # the process started is it
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def test_a_zygote_that_does_not_come_up_is_not_used_and_leaves_nothing(tmp_path, monkeypatch):
    import sys
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    failing = [sys.executable, "-c", "import sys; sys.exit(3)"]
    assert zygote.start(failing, dict(os.environ), tmp_path) is None
    assert list((tmp_path / "tmp").iterdir()) == []  # its socket's folder removed
    running = kernel.start_zygote({}, tmp_path)
    assert running is not None and running.socket_path.parent.parent == tmp_path / "tmp"
    running.stop()
    assert running.process.poll() is not None and list((tmp_path / "tmp").iterdir()) == []


def test_a_kernel_asked_for_with_another_environment_is_not_forked(
    spec, running_zygote, monkeypatch
):
    # the zygote imported analysis.config with the build's data folders: a kernel asked for
    # with others must read its own, so it starts the usual way
    monkeypatch.setenv("MALI_CURATED_DIR", "/elsewhere/curated")
    manager, client = _start(spec)
    try:
        printed, _ = _run(client, "import os; print(os.getpid())")
        assert int(printed) == manager.provisioner.process.pid
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def test_no_kernel_is_left_for_an_asker_that_gave_up(tmp_path, running_zygote):
    """The kernel is forked, its pid sent, but the asker never confirms (it gave up waiting
    and starts its own): the forked process ends without becoming a kernel."""
    import json
    import socket

    request = {"argv": ["-f", str(tmp_path / "never.json")], "cwd": str(tmp_path),
               "env": kernel.kernel_process_environment(dict(os.environ)),  # as the spec gives it
               "stand_in": os.getpid()}  # fmt: skip
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        connection.settimeout(60)
        connection.connect(str(running_zygote.socket_path))
        socket.send_fds(connection, [json.dumps(request).encode() + b"\n"], [0, 1, 2])
        answer = b""
        while not answer.endswith(b"\n"):
            answer += connection.recv(4096)
        pid = json.loads(answer)["pid"]
    assert isinstance(pid, int) and pid > 0
    assert _gone(pid)
    assert not (tmp_path / "never.json").exists()


def test_what_is_set_per_notebook_may_differ_from_the_zygotes_environment():
    # the worker sets these for each notebook (read when used): they never decline a kernel
    assert set(build_worker.PER_NOTEBOOK_ENV) <= set(kernel.KERNEL_OWN_ENV)
    assert (
        kernel.PRELOAD_ENV in kernel.KERNEL_OWN_ENV and zygote.ZYGOTE_ENV in kernel.KERNEL_OWN_ENV
    )


def test_a_zygote_whose_build_died_leaves_no_socket(tmp_path, monkeypatch):
    # a build killed with SIGKILL cannot stop its zygote: the zygote is sent SIGTERM as its
    # parent dies (as here, by hand) and removes its socket and folder itself
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    running = kernel.start_zygote({}, tmp_path)
    assert running is not None and running.socket_path.exists()
    running.process.send_signal(signal.SIGTERM)
    running.process.wait(timeout=30)
    assert list((tmp_path / "tmp").iterdir()) == []
