"""JupyterLab, started exactly as `make start` starts it, shows the course home in Chromium
and nothing the page loads leaves the machine.

The course promises offline use bound to 127.0.0.1; this is the end-to-end proof: the server
from widgets.launch.lab_command(), Debian's Chromium driven by Playwright (conftest's
offline_page), every request and websocket recorded, and any request to a non-loopback host
blocked and reported.
"""

from __future__ import annotations

import secrets

import nbformat
import pytest
from playwright.sync_api import expect
from support.repo import REPO

from widgets.launch import lab_command


def course_home_title() -> str:
    """The text of the course home's first heading, read from the notebook itself."""
    notebook = nbformat.read(REPO / "course" / "index.ipynb", as_version=4)
    first_line = notebook.cells[0].source.splitlines()[0]
    assert first_line.startswith("# "), "the course home starts with a level-1 title"
    return first_line.removeprefix("# ").strip()


@pytest.mark.slow
@pytest.mark.browser
def test_outside_requests_are_blocked_and_recorded(offline_page):
    page, traffic = offline_page
    page.set_content('<img src="https://example.invalid/logo.png">')
    page.wait_for_load_state("load")
    assert traffic.blocked == ["https://example.invalid/logo.png"]
    assert traffic.outside() == ["https://example.invalid/logo.png"]


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.timeout(300)
def test_course_home_renders_in_jupyterlab_offline(start_server, offline_page, tmp_path):
    page, traffic = offline_page
    token = secrets.token_hex(16)
    server = start_server(
        lambda port: lab_command(port=port, open_browser=False, token=token),
        ready_path="/api/status",
    )
    title = course_home_title()
    page.goto(f"{server.url}/lab/tree/course/index.ipynb?token={token}")
    heading = page.locator(".jp-NotebookPanel .jp-RenderedMarkdown h1").first
    try:
        expect(heading).to_contain_text(title, timeout=120_000)
    except AssertionError:
        page.screenshot(path=str(tmp_path / "course-home.png"))
        raise AssertionError(
            f"course home title {title!r} not rendered; screenshot "
            f"{tmp_path / 'course-home.png'}; server log:\n{server.log_tail()}"
        ) from None

    assert traffic.blocked == [], f"requests to non-loopback hosts (blocked): {traffic.blocked}"
    assert any(url.startswith(server.url) for url in traffic.requested)
    assert traffic.outside() == []
    assert server.process.poll() is None, "the server died during the test"
