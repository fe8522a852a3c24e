"""Fixtures of the end-to-end tests: an isolated Jupyter home, a server runner, Chromium and an
offline browser page (helpers in tests/support/servers.py). Every test here is marked ``e2e``.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from support.repo import REPO

if TYPE_CHECKING:
    from playwright.sync_api import Page, Route

from support.servers import (
    CHROMIUM_ARGS,
    DEFAULT_CHROMIUM,
    Server,
    StartServer,
    Traffic,
    _answers,
    _stop,
    free_port,
    in_ci,
    is_local,
)


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

