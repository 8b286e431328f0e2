"""Report kernels forked from one process that has already imported what every report imports.

Each report's kernel used to import ipykernel, pandas, matplotlib, pyarrow and the report
helpers itself: about a second of CPU per kernel, paid while the other kernels compute. A build
now starts one *zygote* (``python -m analysis.pipeline.kernel --zygote SOCKET``) that imports them
once and then waits on a Unix socket. A kernel process that jupyter_client starts
(``python -m analysis.pipeline.kernel -f CONNECTION_FILE``) asks it for a kernel
(``request_kernel``): the zygote forks a child that becomes that kernel, with the asker's
arguments, working folder, environment and standard streams, and the asker stays as its
*stand-in* (``stand_in``): the signals jupyter_client sends it (interrupt, terminate) are passed
on to the child's process group, it exits when the child exits, and when the stand-in dies
(even by SIGKILL) the zygote kills the child. A fork starts with fresh state: nothing a notebook
does is seen by another.

Linux (and other systems with fork and Unix sockets) only; anywhere the zygote cannot be
reached, the kernel starts the usual way. What the zygote imports and how a kernel is launched
are analysis.pipeline.kernel's (``python -m analysis.pipeline.kernel --zygote SOCKET``).
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import select
import selectors
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Set for kernels (through the workers' environment): the zygote's socket.
ZYGOTE_ENV = "MALI_KERNEL_ZYGOTE"
#: Seconds a kernel waits for the zygote (it may still be importing) before starting alone.
ANSWER_TIMEOUT = 60.0
#: Signals a stand-in passes on to its kernel (interrupt, and the ways it is asked to stop).
FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)
_STREAMS = 3  # stdin, stdout, stderr, passed to the zygote to become the kernel's
#: Prefixes of the environment variables that modules read when imported (the package's
#: paths, matplotlib's, Python's, Jupyter's and the numeric libraries' settings).
IMPORT_TIME_ENV = ("MALI_", "MPL", "PYTHON", "JUPYTER", "IPYTHON", "OMP_", "OPENBLAS_", "ARROW_")
_GO = b"g"
#: The temporary folder of a zygote's socket (removed with it).
SOCKET_FOLDER_PREFIX = (
    "mali-kernels-"  # the asker's word that it took the kernel's pid and stands in for it
)


@dataclass
class Zygote:
    """A running zygote: its process and the socket kernels ask it on."""

    process: subprocess.Popen[bytes]
    socket_path: Path

    def stop(self) -> None:
        """Stop the zygote (kernels forked from it live on) and remove its socket."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        with contextlib.suppress(OSError):
            self.socket_path.unlink()
        with contextlib.suppress(OSError):
            self.socket_path.parent.rmdir()


def supported() -> bool:
    """Whether kernels can be forked here (fork, Unix sockets and passing descriptors)."""
    return hasattr(os, "fork") and hasattr(socket, "AF_UNIX") and hasattr(socket, "send_fds")


def die_with_parent(sig: int) -> None:
    """On Linux, have this process sent ``sig`` when the process that started it dies."""
    if not sys.platform.startswith("linux"):
        return
    try:
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, int(sig))
    except (OSError, AttributeError):
        return


def start(
    command: list[str], env: dict[str, str], cwd: Path, log_path: Path | None = None
) -> Zygote | None:
    """Start a zygote (``command`` + its socket's path; it imports while the build goes on);
    None where kernels cannot be forked or it does not come up."""
    if not supported():
        return None
    try:
        # A short path: a Unix socket's path is limited to about 100 bytes.
        socket_path = Path(tempfile.mkdtemp(prefix=SOCKET_FOLDER_PREFIX)) / "zygote.sock"
    except OSError:  # no writable temporary folder: kernels start the usual way
        return None
    try:
        with open(log_path, "ab") if log_path else open(os.devnull, "wb") as log:
            process = subprocess.Popen(
                [*command, str(socket_path)],
                env=env,
                cwd=str(cwd),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
            )
    except OSError:
        with contextlib.suppress(OSError):
            socket_path.parent.rmdir()
        return None
    started = Zygote(process, socket_path)
    try:
        # The socket exists before the zygote imports anything (kernels then wait in its queue).
        deadline = time.monotonic() + 10
        while not socket_path.exists():
            if process.poll() is not None or time.monotonic() > deadline:
                started.stop()
                return None
            time.sleep(0.005)
    except BaseException:  # interrupted while waiting: leave nothing behind
        started.stop()
        raise
    return started


def request_kernel(socket_path: str, argv: list[str]) -> int | None:
    """Ask the zygote for a kernel with these arguments and this process's folder, environment
    and streams; returns the kernel's pid, or None (no zygote, or it declined: start the
    kernel here). The kernel launches only once this process has confirmed it took the pid,
    so a kernel is never forked for an asker that gave up waiting."""
    request = {"argv": argv, "cwd": os.getcwd(), "env": dict(os.environ), "stand_in": os.getpid()}
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.settimeout(ANSWER_TIMEOUT)
            connection.connect(socket_path)
            socket.send_fds(connection, [json.dumps(request).encode() + b"\n"], [0, 1, 2])
            answer = _read_line(connection)
            pid = json.loads(answer).get("pid") if answer else None
            if not isinstance(pid, int) or pid <= 0:
                return None
            connection.sendall(_GO)
    except (OSError, ValueError, AttributeError):
        return None
    return pid


def stand_in(pid: int) -> int:
    """Stay as the kernel ``pid``'s process for jupyter_client until it exits: signals are
    passed on to the kernel's process group (the kernel leads its own, as a kernel started
    by jupyter_client does); returns the exit status to leave with (0: a kernel's exit is
    not ours to see)."""
    for signum in FORWARDED:
        signal.signal(signum, lambda number, _frame: _send(pid, number))
    _wait_for_exit(pid)
    return 0


def _send(pid: int, signum: int) -> None:
    try:
        os.killpg(pid, signum)
    except (ProcessLookupError, PermissionError):  # not yet the leader of its group
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signum)


def _wait_for_exit(pid: int) -> None:
    """Block until process ``pid`` (not a child of this one) has exited."""
    try:
        handle = os.pidfd_open(pid)
    except (AttributeError, OSError):  # no pidfd (old kernel, not Linux): look twice a second
        while True:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            except PermissionError:
                pass
            time.sleep(0.5)
    try:
        poller = select.poll()
        poller.register(handle, select.POLLIN)
        poller.poll()  # readable once the process has exited; retried after a signal (PEP 475)
    finally:
        os.close(handle)


def _read_line(connection: socket.socket, limit: int = 1 << 20) -> bytes:
    data = b""
    while not data.endswith(b"\n"):
        chunk = connection.recv(65536)
        if not chunk:
            break
        data += chunk
        if len(data) > limit:
            raise ValueError("answer too long")
    return data


# ---------------------------------------------------------------------------------------------
# The zygote process


def serve(
    socket_path: str,
    prepare: Callable[[], Any],
    launch: Callable[[list[str]], Any],
    own_env: tuple[str, ...] = (),
) -> None:
    """The zygote: listen, ``prepare()`` (import what kernels import), then fork a kernel per
    request, which runs ``launch(argv)``.

    A request whose environment differs from the zygote's in a variable read at import
    (IMPORT_TIME_ENV), other than ``own_env`` (what is set per kernel), is declined: the
    modules imported here have read it (analysis.config does), so its kernel starts the usual
    way. Each kernel's stand-in is
    watched: when it exits, its kernel is killed (a kernel busy in C code, holding the GIL,
    could not end itself).
    """
    die_with_parent(signal.SIGTERM)
    # forked kernels are not waited for by anyone here: let the system reap them
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    # Ctrl-C reaches the build's whole process group: the build stops the zygote itself
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # stopped (by the build, or as its build died, even by SIGKILL): leave no socket behind
    signal.signal(signal.SIGTERM, lambda _number, _frame: _remove_socket_and_exit(socket_path))
    environment = dict(os.environ)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(socket_path)
    server.listen(64)
    prepare()
    watch = selectors.DefaultSelector()
    watch.register(server, selectors.EVENT_READ)
    while True:
        for key, _ in watch.select():
            if key.fileobj is server:
                _answer(server, watch, environment, own_env, launch)
                continue
            # a stand-in has exited: its kernel goes too (its pidfd: never another process)
            stand_in_handle = key.fd
            kernel_handle = key.data
            watch.unregister(stand_in_handle)
            with contextlib.suppress(OSError):
                signal.pidfd_send_signal(kernel_handle, signal.SIGKILL)
            os.close(stand_in_handle)
            os.close(kernel_handle)


def _remove_socket_and_exit(socket_path: str) -> None:
    """Remove the zygote's socket, and its folder if start() made it, then exit."""
    path = Path(socket_path)
    with contextlib.suppress(OSError):
        path.unlink()
    if path.parent.name.startswith(SOCKET_FOLDER_PREFIX):
        with contextlib.suppress(OSError):
            path.parent.rmdir()
    os._exit(0)


def _answer(
    server: socket.socket,
    watch: selectors.BaseSelector,
    environment: dict[str, str],
    own_env: tuple[str, ...],
    launch: Callable[[list[str]], Any],
) -> None:
    """Take one request: decline it, or fork its kernel, send its pid and watch its stand-in."""
    connection, _ = server.accept()
    streams: list[int] = []
    try:
        connection.settimeout(ANSWER_TIMEOUT)
        message, streams, _, _ = socket.recv_fds(connection, 1 << 20, _STREAMS)
        while message and not message.endswith(b"\n"):
            more = connection.recv(1 << 20)
            if not more:
                break
            message += more
        request = json.loads(message)
        asked = request["env"]
        same = all(
            asked.get(name) == environment.get(name)
            for name in set(asked) | set(environment)
            if name.startswith(IMPORT_TIME_ENV) and name not in own_env
        )
        if not same or len(streams) != _STREAMS:
            connection.sendall(json.dumps({"pid": None}).encode() + b"\n")
            return
        pid = os.fork()
        if pid == 0:
            server.close()
            for key in list(watch.get_map().values()):
                with contextlib.suppress(OSError):
                    os.close(key.fd)
            _become_kernel(request, streams, connection, launch)  # never returns
        kernel_handle = stand_in_handle = None
        with contextlib.suppress(AttributeError, OSError):
            kernel_handle = os.pidfd_open(pid)
            stand_in_handle = os.pidfd_open(int(request["stand_in"]))
        if kernel_handle is not None and stand_in_handle is not None:
            watch.register(stand_in_handle, selectors.EVENT_READ, kernel_handle)
        else:
            for handle in (kernel_handle, stand_in_handle):
                if handle is not None:
                    os.close(handle)
        connection.sendall(json.dumps({"pid": pid}).encode() + b"\n")
    except (OSError, ValueError, KeyError, TypeError):
        pass  # a request cut short: its asker starts its kernel itself
    finally:
        for stream in streams:
            with contextlib.suppress(OSError):
                os.close(stream)
        connection.close()


def _become_kernel(
    request: dict[str, Any],
    streams: list[int],
    connection: socket.socket,
    launch: Callable[[list[str]], Any],
) -> None:
    """In the forked child: once the asker confirms it stands in for this process, take its
    streams, folder and environment, lead a process group of its own, and launch."""
    status = 1
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the kernel waits for its own children
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        try:
            confirmed = connection.recv(len(_GO)) == _GO  # b"" if the asker gave up
        except OSError:  # no word within ANSWER_TIMEOUT
            confirmed = False
        connection.close()
        if not confirmed:
            status = 0
            return
        os.setsid()  # as jupyter_client starts a kernel: signals to its group reach its children
        for target, stream in enumerate(streams[:_STREAMS]):
            os.dup2(stream, target)
            os.close(stream)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        threading.Thread(target=_exit_with, args=(int(request["stand_in"]),), daemon=True).start()
        sys.argv = [sys.argv[0], *request["argv"]]
        launch(list(request["argv"]))
        status = 0
    except SystemExit as stop:
        status = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    except BaseException:  # the kernel failed to start: say why in the kernel log
        traceback.print_exc()
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(status)


def _exit_with(stand_in: int) -> None:
    """End this kernel when its stand-in is gone (a second guard: the zygote kills it too)."""
    _wait_for_exit(stand_in)
    os._exit(1)
