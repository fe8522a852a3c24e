"""Running servers and a browser in tests: free loopback ports, ending every process by PID,
an offline Chromium page. The fixtures built on these are in tests/e2e/conftest.py.

Servers (JupyterLab, Voilà, …) are started on a free loopback port with HOME and the Jupyter
and IPython folders pointed at a temporary directory, so a test never reads or writes the
developer's own settings, kernels or progress. Every server is ended by PID at teardown, pass
or fail, because a leaked server keeps a port and kernels alive on a 2-core CI machine.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    pass

DEFAULT_CHROMIUM = "/usr/bin/chromium"


def in_ci() -> bool:
    """CI=true (or any value but 0/false): skipping for a missing tool then hides a failure."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """A server process started by ``start_server``."""

    process: subprocess.Popen
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_tail(self, lines: int = 60) -> str:
        """The end of the server's combined stdout/stderr, for failure messages."""
        text = self.log.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])


def _start_time(pid: int) -> str | None:
    """The process's start time in clock ticks (/proc/PID/stat field 22), None once it is gone.
    With the PID it identifies a process for sure: a PID alone may be reused."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def _descendants(pid: int) -> list[tuple[int, str]]:
    """(PID, start time) of the process's children, grandchildren, … (Linux /proc; empty
    elsewhere). Kernels run in their own sessions, so killing the server's group misses them."""
    found: list[tuple[int, str]] = []
    for children in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            pids = [int(child) for child in children.read_text().split()]
        except OSError:
            continue
        for child in pids:
            started = _start_time(child)
            if started is not None:
                found += [(child, started), *_descendants(child)]
    return found


def _stop(server: Server) -> None:
    """SIGTERM the server's process group (it shuts its kernels down), SIGKILL after 15 s,
    then SIGKILL any descendant that outlived it (the same process: PID and start time)."""
    process = server.process
    leftovers = _descendants(process.pid)
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=15)
        except ProcessLookupError:
            pass
    for pid, started in leftovers:
        if _start_time(pid) == started:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


_LOCAL_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _answers(url: str) -> bool:
    """True once anything answers HTTP at url (a 403 for a missing token counts); never via
    a proxy from the environment."""
    try:
        with _LOCAL_OPENER.open(url, timeout=5):
            return True
    except urllib.error.HTTPError as error:
        return error.code < 500
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


StartServer = Callable[..., Server]


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
_LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
_LOCAL_SCHEMES = {"data", "blob", "about"}


def is_local(url: str) -> bool:
    """A URL that stays on this machine: loopback host, or data:/blob:/about: content."""
    parts = urlsplit(url)
    return parts.scheme in _LOCAL_SCHEMES or parts.hostname in _LOOPBACK_HOSTS


@dataclass
class Traffic:
    """What a page asked for: every URL (requests and websockets), and the blocked ones."""

    requested: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)

    def outside(self) -> list[str]:
        """Requested URLs that would leave the machine."""
        return [url for url in self.requested if not is_local(url)]


