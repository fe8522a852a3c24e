"""The dashboard served exactly as `make dashboard` serves it (python -m
widgets.dashboard.server), driven in Debian's Chromium by Playwright.

What a manager sees must work offline and safely: the three sections render with no console
error and no request leaving the machine; the notebook's code is not shown and a visitor
cannot run code in the kernel; rating statements moves the score and the chart; an export is
a real download; a saved assessment comes back after reloading the page; a CFPB export gives
KPIs and says which it cannot support; a malformed or oversized file gets a clear message;
and the kernel of a page that is gone is shut down (by the page when it closes, by culling
when it never says goodbye). A failing browser test saves a screenshot next to its temporary
files and names it in the failure. The server's configuration and command line are checked
first, without a browser.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from support.repo import REPO

from widgets.core.complaints.uploads import MAX_UPLOAD_BYTES, WEBSOCKET_MAX_MESSAGE_BYTES
from widgets.dashboard import server as dashboard_server
from widgets.dashboard.server import (
    CONFIG_FOLDER,
    TEMPLATE_ROOT,
    voila_command,
    voila_environment,
)

TIMEOUT_MS = 120_000  # first render on a busy 2-core machine
READY_PATH = "/voila/static/voila.js"  # answers without starting a kernel (the page would)
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def dashboard_command(port: int, *options: str) -> list[str]:
    """The `make dashboard` command on a given port, no browser of its own."""
    return [sys.executable, "-m", "widgets.dashboard.server", "--port", str(port),
            "--no-browser", *options]


@contextlib.contextmanager
def screenshot_on_failure(page: Page, folder: Path, name: str, server) -> Iterator[None]:
    """Save a full-page screenshot when the block fails and add its path (and the server's
    log) to the failure."""
    try:
        yield
    except Exception as error:
        path = folder / f"{name}.png"
        try:
            page.screenshot(path=str(path), full_page=True)
            where = f"screenshot: {path}"
        except Exception as shot_error:  # the page itself may be gone
            where = f"no screenshot ({shot_error})"
        raise AssertionError(f"{error}\n{where}\nserver log:\n{server.log_tail(40)}") from error


@pytest.fixture
def problems(offline_page) -> list[str]:
    """Console errors, uncaught page errors and failed responses (with their URL, which the
    console message lacks), collected for the whole test."""
    page, _ = offline_page
    found: list[str] = []
    page.on("console", lambda message: message.type == "error" and found.append(message.text))
    page.on("response", lambda response: response.status >= 400
            and found.append(f"HTTP {response.status}: {response.url}"))
    page.on("pageerror", lambda error: found.append(f"page error: {error}"))
    return found


def open_dashboard(page: Page, server) -> None:
    page.set_viewport_size({"width": 1280, "height": 1200})
    page.goto(server.url + "/")
    expect(page.get_by_role("tab", name="Our complaint data")).to_be_visible(timeout=TIMEOUT_MS)


def overall(page: Page):
    return page.locator(".iso10002-overall")


# ----------------------------------------------------------------------------- the page


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.timeout(400)
def test_all_sections_render_offline_and_viewers_cannot_run_code(
        start_server, offline_page, problems, tmp_path):
    page, traffic = offline_page
    server = start_server(dashboard_command, ready_path=READY_PATH)
    marker = tmp_path / "code-ran.txt"
    with screenshot_on_failure(page, tmp_path, "sections", server):
        open_dashboard(page, server)
        expect(page.get_by_role("heading", name="ISO 10002 self-assessment")).to_be_visible()
        page.get_by_role("button", name="Start the self-test").click()
        expect(page.get_by_text("Question 1.", exact=False).first).to_be_visible(
            timeout=TIMEOUT_MS)
        page.get_by_role("tab", name="Our organization").click()
        expect(page.get_by_text("4 Guiding principles —")).to_be_visible(timeout=TIMEOUT_MS)
        expect(overall(page)).to_contain_text("No statement rated yet.")
        page.get_by_role("tab", name="Our complaint data").click()
        expect(page.get_by_text("Showing: the sample log")).to_be_visible(timeout=TIMEOUT_MS)
        expect(page.locator(".iso10002-tile")).to_have_count(12)
        expect(page.locator(".iso10002-data img")).to_have_count(4)

        # No source: the notebook's code cell is not in the page.
        assert "from widgets.dashboard import Dashboard" not in page.content()
        # The kernel accepts widget messages only: an execute request sent straight to its
        # websocket is dropped, while a kernel_info request on the same socket is answered.
        replies = page.evaluate(PROBE_KERNEL, f"open({str(marker)!r}, 'w').write('ran')")
        assert replies["info_answered"], f"the probe got no kernel_info_reply: {replies}"
        assert replies["execute_replies"] == 0
        assert not marker.exists(), "code sent by a viewer ran in the kernel"

    assert problems == [], f"console errors: {problems}"
    assert traffic.blocked == [], f"requests to non-loopback hosts: {traffic.blocked}"
    assert traffic.outside() == []
    assert any(url.startswith(f"ws://127.0.0.1:{server.port}/api/kernels/")
               for url in traffic.requested)


PROBE_KERNEL = """async (code) => {
  const config = JSON.parse(document.getElementById("jupyter-config-data").textContent);
  const socket = new WebSocket(
    `ws://${location.host}/api/kernels/${config.kernelId}/channels?session_id=probe-session`);
  await new Promise((resolve, reject) => { socket.onopen = resolve; socket.onerror = reject; });
  const seen = [];
  socket.onmessage = (event) => {
    if (typeof event.data === "string") {
      const message = JSON.parse(event.data);
      seen.push([message.header.msg_type, message.parent_header.msg_id]);
    }
  };
  const send = (type, content) => {
    const id = `probe-${type}`;
    socket.send(JSON.stringify({
      header: {msg_id: id, username: "probe", session: "probe-session", msg_type: type,
               version: "5.3", date: new Date().toISOString()},
      parent_header: {}, metadata: {}, content, channel: "shell", buffers: []}));
    return id;
  };
  const executeId = send("execute_request", {code, silent: false, store_history: false,
                                             user_expressions: {}, allow_stdin: false,
                                             stop_on_error: true});
  const infoId = send("kernel_info_request", {});
  const deadline = Date.now() + 20000;
  while (Date.now() < deadline && !seen.some(([type, parent]) => parent === infoId)) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await new Promise((resolve) => setTimeout(resolve, 1000));
  socket.close();
  return {
    info_answered: seen.some(([type, parent]) => type === "kernel_info_reply"
                                                 && parent === infoId),
    execute_replies: seen.filter(([type, parent]) => parent === executeId).length,
  };
}"""


# ----------------------------------------------------------------------------- our organization


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.timeout(400)
def test_rating_moves_score_and_chart_export_downloads_and_save_reloads(
        start_server, offline_page, problems, tmp_path):
    page, traffic = offline_page
    server = start_server(dashboard_command, ready_path=READY_PATH)
    with screenshot_on_failure(page, tmp_path, "organization", server):
        open_dashboard(page, server)
        page.get_by_role("tab", name="Our organization").click()
        page.get_by_text("4 Guiding principles —").click()
        statements = page.locator(".iso10002-item")
        expect(statements).to_have_count(14, timeout=TIMEOUT_MS)
        chart = page.locator(".iso10002-organization img").first
        expect(chart).to_have_attribute("src", re.compile("."), timeout=TIMEOUT_MS)
        before = chart.get_attribute("src")

        statements.nth(0).get_by_role("button", name="1", exact=True).click()
        expect(overall(page)).to_contain_text("Overall maturity 1.0 of 4 (1 of 48 statements "
                                              "rated).")
        expect(chart).not_to_have_attribute("src", before)
        statements.nth(1).get_by_role("button", name="4", exact=True).click()
        expect(overall(page)).to_contain_text("Overall maturity 2.5 of 4 (2 of 48 statements "
                                              "rated).")
        expect(page.get_by_text("4 Guiding principles — 2/14 rated, mean 2.5")).to_be_visible()
        expect(page.locator(".iso10002-plan tbody tr")).to_have_count(1)

        page.get_by_role("button", name="Export report and answers").click()
        with page.expect_download() as report_download:
            page.get_by_role("link", name=re.compile("^Report")).click()
        report = Path(report_download.value.path()).read_text(encoding="utf-8")
        assert report_download.value.suggested_filename == "self-assessment-report.html"
        assert "Overall maturity: <strong>2.5</strong> of 4" in report
        with page.expect_download() as answers_download:
            page.get_by_role("link", name=re.compile("^Answers")).click()
        rows = list(csv.DictReader(io.StringIO(
            Path(answers_download.value.path()).read_text(encoding="utf-8-sig"))))
        assert len(rows) == 48 and rows[0]["level"] == "1" and rows[1]["level"] == "4"

        page.get_by_label("Assessment name").fill("Browser check 2025")
        page.get_by_label("Assessment name").press("Enter")
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.get_by_text("Saved 2 rated statement(s) to")).to_be_visible(
            timeout=TIMEOUT_MS)
        saved = json.loads((Path(server_home(server)) / ".iso10002-course" / "work" /
                            "self-assessment" / "browser-check-2025.json").read_text())
        assert saved["answers"]["leadership-visible-commitment"]["level"] == 1

        first_kernel = kernel_id(page)
        page.reload()  # a new page, a new kernel: nothing but the file remembers the answers
        expect(page.get_by_role("tab", name="Our organization")).to_be_visible(
            timeout=TIMEOUT_MS)
        page.get_by_role("tab", name="Our organization").click()
        expect(overall(page)).to_contain_text("No statement rated yet.", timeout=TIMEOUT_MS)
        page.get_by_label("Saved assessments").select_option("browser-check-2025")
        page.get_by_role("button", name="Load", exact=True).click()
        expect(overall(page)).to_contain_text("Overall maturity 2.5 of 4 (2 of 48 statements "
                                              "rated).", timeout=TIMEOUT_MS)
        page.get_by_text("4 Guiding principles —").click()
        first = page.locator(".iso10002-item").nth(0)
        expect(first.get_by_role("button", name="1", exact=True)).to_have_class(
            re.compile("mod-active"), timeout=TIMEOUT_MS)
        expect(page.get_by_label("Assessment name")).to_have_value("Browser check 2025")
        # The closed page's kernel was shut down by the page itself, not left for culling.
        assert kernel_id(page) != first_kernel
        assert wait_for_status(f"{server.url}/api/kernels/{first_kernel}", 404), \
            "the kernel of the reloaded page is still running"

    assert problems == [], f"console errors: {problems}"
    assert traffic.outside() == []


def kernel_id(page: Page) -> str:
    return page.evaluate(
        "JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")


def wait_for_status(url: str, status: int, timeout: float = 20) -> bool:
    deadline = time.monotonic() + timeout
    while get(url)[0] != status:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.5)
    return True


def server_home(server) -> str:
    """HOME of the server (the test's isolated folder): start_server's jupyter_dirs."""
    command_line = Path(f"/proc/{server.process.pid}/environ").read_bytes().split(b"\0")
    return next(entry[5:].decode() for entry in command_line if entry.startswith(b"HOME="))


# ----------------------------------------------------------------------------- complaint data


def choose_file(page: Page, button_name: str, path: Path) -> None:
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name=re.compile(button_name)).click()
    chooser.value.set_files(str(path))


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.timeout(400)
def test_cfpb_upload_gives_kpis_and_not_available_notes(
        start_server, offline_page, problems, tmp_path, cfpb_sample):
    page, traffic = offline_page
    server = start_server(dashboard_command, ready_path=READY_PATH)
    with screenshot_on_failure(page, tmp_path, "cfpb", server):
        open_dashboard(page, server)
        page.get_by_role("tab", name="Our complaint data").click()
        expect(page.get_by_text("Showing: the sample log")).to_be_visible(timeout=TIMEOUT_MS)
        choose_file(page, "Upload your CSV", cfpb_sample)
        expect(page.get_by_text(f"Showing: {cfpb_sample.name}")).to_be_visible(
            timeout=TIMEOUT_MS)
        expect(page.get_by_text("1,000 accepted")).to_be_visible()
        timely = page.locator(".iso10002-tile[data-kpi='cfpb_timely_response_rate']")
        expect(timely).to_contain_text("98.4%")
        expect(page.locator(".iso10002-tile.iso10002-not-available")).to_have_count(12)
        resolve = page.locator(".iso10002-tile[data-kpi='time_to_resolve']")
        expect(resolve).to_contain_text("Not available")
        expect(resolve).to_contain_text("CFPB exports carry no resolution timestamp")
        expect(page.get_by_text("No time-to-resolve distribution")).to_be_visible()
        expect(page.locator(".iso10002-data img")).to_have_count(3)
    assert problems == [], f"console errors: {problems}"
    assert traffic.outside() == []


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.timeout(400)
def test_malformed_and_oversized_files_get_clear_messages(
        start_server, offline_page, problems, tmp_path):
    page, traffic = offline_page
    server = start_server(dashboard_command, ready_path=READY_PATH)
    malformed = tmp_path / "not-a-log.csv"
    malformed.write_text("name,amount\nAnn,12\n", encoding="utf-8")
    oversized = tmp_path / "everything.csv"
    with oversized.open("wb") as handle:
        handle.truncate(MAX_UPLOAD_BYTES + 1024 * 1024)  # 21 MB, written sparse and fast
    with screenshot_on_failure(page, tmp_path, "bad-files", server):
        open_dashboard(page, server)
        page.get_by_role("tab", name="Our complaint data").click()
        expect(page.get_by_text("Showing: the sample log")).to_be_visible(timeout=TIMEOUT_MS)
        choose_file(page, "Upload your CSV", malformed)
        alert = page.locator(".iso10002-data [role=alert]").first
        expect(alert).to_contain_text("not-a-log.csv is missing required column(s) "
                                      "complaint_id, received_at", timeout=TIMEOUT_MS)
        expect(alert).to_contain_text("Choose the columns under Column mapping")
        expect(page.locator(".iso10002-tile")).to_have_count(0)

        choose_file(page, "Upload your CSV", oversized)
        guard = page.locator("#iso10002-upload-alert")
        expect(guard).to_contain_text("everything.csv is 21.0 MB; the dashboard accepts files "
                                      "up to 20.0 MB.")
        # refused in the browser: the kernel never saw it, the page still shows the last file
        expect(alert).to_contain_text("not-a-log.csv")
        page.get_by_role("button", name="Close this message").click()
        expect(guard).to_have_count(0)
    assert problems == [], f"console errors: {problems}"
    assert traffic.outside() == []


# ----------------------------------------------------------------------------- the server


def voila_config():
    """course/dashboard/voila.py as Voilà reads it."""
    from traitlets.config.loader import PyFileConfigLoader

    return PyFileConfigLoader("voila.py", path=str(REPO / CONFIG_FOLDER)).load_config()


def test_the_configuration_is_the_one_the_issue_asks_for():
    config = voila_config()
    assert config.Voila.ip == "127.0.0.1"
    settings = config.VoilaConfiguration
    assert settings.template == "iso10002"
    assert (settings.allow_template_override, settings.allow_theme_override) == ("NO", "NO")
    assert settings.strip_sources is True and settings.show_tracebacks is False
    assert settings.file_allowlist == []
    assert settings.extension_allowlist == ["@jupyter-widgets/jupyterlab-manager",
                                            "@voila-dashboards/widgets-manager8"]
    assert settings.preheat_kernel is True and settings.default_pool_size == 1
    assert settings.resources == {"iso10002": {"max_upload_bytes": MAX_UPLOAD_BYTES}}
    culling = config.MappingKernelManager
    assert (culling.cull_idle_timeout, culling.cull_interval) == (600, 60)
    assert (culling.cull_connected, culling.cull_busy) == (False, False)
    assert config.Voila.tornado_settings["websocket_max_message_size"] == \
        WEBSOCKET_MAX_MESSAGE_BYTES > MAX_UPLOAD_BYTES
    template = REPO / TEMPLATE_ROOT / "voila" / "templates" / "iso10002"
    assert json.loads((template / "conf.json").read_text()) == {"base_template": "lab"}


def test_the_server_command():
    argv = voila_command(port=8899, open_browser=False, preheat=False,
                         extra=["--MappingKernelManager.cull_interval=5"])
    assert argv == [sys.executable, "-m", "voila", str(REPO / "course" / "self-assessment.ipynb"),
                    f"--Voila.config_file_paths={REPO / CONFIG_FOLDER}", "--Voila.port=8899",
                    "--Voila.port_retries=0", "--no-browser",
                    "--VoilaConfiguration.preheat_kernel=False",
                    "--MappingKernelManager.cull_interval=5"]
    assert voila_command()[4:] == [f"--Voila.config_file_paths={REPO / CONFIG_FOLDER}"]
    with pytest.raises(FileNotFoundError, match=r"cannot serve course/nothing\.ipynb"):
        voila_command("course/nothing.ipynb")
    with pytest.raises(FileNotFoundError, match="no such notebook"):
        voila_command("README.md")
    env = voila_environment({"JUPYTER_PATH": "/elsewhere", "HOME": "/home/x"})
    assert env == {"JUPYTER_PATH": f"{REPO / TEMPLATE_ROOT}{os.pathsep}/elsewhere",
                   "HOME": "/home/x"}
    assert voila_environment({})["JUPYTER_PATH"] == str(REPO / TEMPLATE_ROOT)


def test_options_after_a_double_dash_go_to_voila(monkeypatch):
    calls = []
    monkeypatch.setattr(os, "execve", lambda path, argv, env: calls.append((path, argv, env)))
    dashboard_server.main(["--port", "9001", "--no-browser", "--",
                           "--MappingKernelManager.cull_idle_timeout=3"])
    ((path, argv, env),) = calls
    assert path == sys.executable
    assert argv[-4:] == ["--Voila.port=9001", "--Voila.port_retries=0", "--no-browser",
                         "--MappingKernelManager.cull_idle_timeout=3"]
    assert env["JUPYTER_PATH"].startswith(str(REPO / TEMPLATE_ROOT))



def get(url: str) -> tuple[int, bytes]:
    try:
        with _OPENER.open(url, timeout=120) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_the_kernel_of_a_page_gone_is_culled_and_the_page_is_clean(start_server):
    # The culling times of course/dashboard/voila.py (10 minutes, checked every minute),
    # shortened on the command line the way `-- ...` passes options through to Voilà.
    server = start_server(
        lambda port: dashboard_command(port, "--no-preheat", "--",
                                       "--MappingKernelManager.cull_idle_timeout=3",
                                       "--MappingKernelManager.cull_interval=1"),
        ready_path=READY_PATH)
    status, body = get(server.url + "/")  # renders the page: one kernel, no websocket
    page = body.decode("utf-8")
    assert status == 200, server.log_tail()
    kernel_id = json.loads(re.search(r'<script id="jupyter-config-data" type="application/json">'
                                     r"(.*?)</script>", page, re.S).group(1))["kernelId"]
    assert get(f"{server.url}/api/kernels/{kernel_id}")[0] == 200
    # The page as served: the course template, no CDN, no source, the upload guard.
    assert "cdn.jsdelivr.net" not in page and "cdnjs" not in page
    assert not re.search(r'(?:src|href)="https?://(?!127\.0\.0\.1)', page)
    assert "from widgets.dashboard import Dashboard" not in page
    assert f"const limit = {MAX_UPLOAD_BYTES};" in page
    # an icon in the head, so the browser does not ask for /favicon.ico (refused: 403)
    assert '<link rel="icon" href="data:,">' in page.split("</head>")[0]
    # Nothing but the dashboard: no file of the course folder, no other notebook, no tree.
    assert get(f"{server.url}/voila/files/self-assessment.ipynb")[0] == 403
    assert get(f"{server.url}/voila/render/course/index.ipynb")[0] == 403
    assert get(f"{server.url}/voila/tree")[0] == 403

    deadline = time.monotonic() + 60
    while get(f"{server.url}/api/kernels/{kernel_id}")[0] == 200:
        assert time.monotonic() < deadline, f"kernel not culled:\n{server.log_tail()}"
        time.sleep(1)
    assert "due to" in server.log_tail(200) and "inactivity" in server.log_tail(200)
