"""Fixtures every test file may use: an isolated Jupyter home, a server runner, Chromium and
an offline browser page.

Servers (JupyterLab, Voilà, …) are started on a free loopback port with HOME and the Jupyter
and IPython folders pointed at a temporary directory, so a test never reads or writes the
developer's own settings, kernels or progress. Every server is ended by PID at teardown, pass
or fail, because a leaked server keeps a port and kernels alive on a 2-core CI machine.
The complaint core's data fixtures (policy, sample_result, cfpb_sample) live in sample_data.py.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
from repo_files import REPO
from sample_data import cfpb_sample, policy, sample_result  # noqa: F401  (complaint-core fixtures)

if TYPE_CHECKING:
    from playwright.sync_api import Page, Route

DEFAULT_CHROMIUM = "/usr/bin/chromium"


def in_ci() -> bool:
    """CI=true (or any value but 0/false): skipping for a missing tool then hides a failure."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def jupyter_dirs(tmp_path: Path) -> dict[str, str]:
    """HOME, JUPYTER_CONFIG_DIR, JUPYTER_DATA_DIR, JUPYTER_RUNTIME_DIR and IPYTHONDIR, each a
    fresh folder under the test's tmp_path. Merge into a child's environment (or monkeypatch
    them) so it starts as on a new machine."""
    names = {
        "HOME": "home",
        "JUPYTER_CONFIG_DIR": "jupyter-config",
        "JUPYTER_DATA_DIR": "jupyter-data",
        "JUPYTER_RUNTIME_DIR": "jupyter-runtime",
        "IPYTHONDIR": "ipython",
    }
    dirs = {}
    for variable, folder in names.items():
        path = tmp_path / folder
        path.mkdir()
        dirs[variable] = str(path)
    return dirs


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


@pytest.fixture
def start_server(tmp_path: Path, jupyter_dirs: dict[str, str]) -> Iterator[StartServer]:
    """A function ``start(argv_for_port, *, ready_path="/", timeout=120, cwd=REPO) -> Server``.

    ``argv_for_port(port)`` returns the command line for a free loopback port. The server runs
    in its own process group with the isolated Jupyter folders; ``start`` returns once
    ``ready_path`` answers and fails with the server's log if it exits or never answers.
    Every server started this way is stopped at teardown.
    """
    started: list[Server] = []

    def start(
        argv_for_port: Callable[[int], Sequence[str]],
        *,
        ready_path: str = "/",
        timeout: float = 120.0,
        cwd: Path = REPO,
    ) -> Server:
        port = free_port()
        log = tmp_path / f"server-{port}.log"
        env = {**os.environ, **jupyter_dirs}
        with log.open("wb") as sink:
            process = subprocess.Popen(
                list(argv_for_port(port)),
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        server = Server(process=process, port=port, log=log)
        started.append(server)
        deadline = time.monotonic() + timeout
        while not _answers(server.url + ready_path):
            if process.poll() is not None:
                pytest.fail(
                    f"server exited with code {process.returncode} before answering:\n"
                    f"{server.log_tail()}"
                )
            if time.monotonic() > deadline:
                pytest.fail(f"server did not answer within {timeout:.0f} s:\n{server.log_tail()}")
            time.sleep(0.25)
        return server

    yield start
    for server in started:
        _stop(server)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's Chromium (or $CHROMIUM) for Playwright. Playwright's own browser download is
    never used: it cannot be fetched offline. Missing: skip locally, fail in CI."""
    path = os.environ.get("CHROMIUM") or DEFAULT_CHROMIUM
    if os.path.isfile(path) and os.access(path, os.X_OK):
        return path
    reason = (
        f"no Chromium at {path}: install it (apt-get install chromium; `make test` does this "
        "as root on Debian) or set CHROMIUM=/path/to/chromium"
    )
    if in_ci():
        pytest.fail(f"{reason}; browser tests must run in CI")
    pytest.skip(reason)


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


@pytest.fixture
def offline_page(chromium_path: str) -> Iterator[tuple[Page, Traffic]]:
    """A page in a fresh headless Chromium (flags as in DESIGN.md) whose requests are all
    recorded and whose requests to non-loopback hosts are aborted and listed in
    ``traffic.blocked``: assert both lists are clean at the end of a test."""
    from playwright.sync_api import sync_playwright

    traffic = Traffic()

    def only_loopback(route: Route) -> None:
        if is_local(route.request.url):
            route.continue_()
        else:
            traffic.blocked.append(route.request.url)
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
        )
        try:
            context = browser.new_context()
            context.route("**/*", only_loopback)
            page = context.new_page()
            page.on("request", lambda request: traffic.requested.append(request.url))
            page.on("websocket", lambda socket: traffic.requested.append(socket.url))
            yield page, traffic
        finally:
            browser.close()
