"""How fast the self-assessment dashboard becomes usable, and how fast it answers a rating.

Why a script and not a test: timings on a shared 2-core machine are noisy, so nothing here is
asserted. It prints medians and a ratio to a baseline measured in the same run, served the
same way, which survives a noisy machine far better than absolute seconds:

- time to interactive (TTI): from navigation start until the page's first control is shown
  (Voilà shows the page once every cell has run and the widgets are rendered from the kernel,
  so a shown control is a working one), for the dashboard (its "Start the self-test" button)
  and for a one-widget notebook (an IntSlider), both served by `python -m
  widgets.dashboard.server` with the same configuration, with and without a preheated kernel;
- interaction latency: from a click on a rating button of the gap analysis until the updated
  chart image is decoded in the page (the kernel updates the scores, redraws the chart and
  sends it back).

Each page load uses a fresh browser context (cold cache, as a first visit). Loads alternate
between the dashboard and the baseline; with preheating the script waits for the pool to be
refilled before the next load. The kernels of closed pages are culled after a few seconds so
the machine does not fill up with them.

Targets (issue 7): TTI ratio dashboard / one-widget notebook ≤ 1.5; interaction ≤ 300 ms.

Run: .venv/bin/python benchmarks/dashboard.py [--repeats 5] [--clicks 12]
(needs Chromium: $CHROMIUM or /usr/bin/chromium)
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import nbformat
from playwright.sync_api import Browser, sync_playwright

TARGET_RATIO = 1.5
TARGET_INTERACTION_MS = 300
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update"]
DASHBOARD_READY = "button.jupyter-button"  # the self-test's Start button, the first control
BASELINE_READY = ".widget-slider, .jupyter-widget-slider"
POOL_FILLED = "is filled with"  # Voilà's log line when the preheated pool is full again
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))

# Resolves with performance.now() (ms since navigation start) when the selector is shown.
WATCH_READY = """(selector) => {
  window.__ready = new Promise((resolve) => {
    const check = () => {
      const element = document.querySelector(selector);
      if (element && element.offsetParent !== null) { resolve(performance.now()); }
      else { requestAnimationFrame(check); }
    };
    check();
  });
}"""

# Click the first statement's rating buttons in turn; time each click until the chart's new
# image has been decoded.
TIME_RATINGS = """async (clicks) => {
  const row = document.querySelector(".iso10002-item");
  const chart = document.querySelector(".iso10002-organization img");
  const button = (label) => [...row.querySelectorAll("button")]
    .find((b) => b.textContent.trim() === label);
  const timings = [];
  for (let n = 0; n < clicks; n++) {
    const before = chart.src;
    const changed = new Promise((resolve) => {
      const observer = new MutationObserver(() => {
        if (chart.src !== before) { observer.disconnect(); resolve(); }
      });
      observer.observe(chart, {attributes: true, attributeFilter: ["src"]});
    });
    const start = performance.now();
    button(String(n % 5)).click();
    await changed;
    await chart.decode();
    timings.push(performance.now() - start);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  return timings;
}"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    process: subprocess.Popen
    url: str
    log: Path

    def pools_filled(self) -> int:
        return self.log.read_text(errors="replace").count(POOL_FILLED)


def baseline_notebook(folder: Path) -> Path:
    """A notebook showing one widget: the smallest Voilà page with a kernel."""
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Baseline"),
        nbformat.v4.new_code_cell("import ipywidgets as widgets\n\n"
                                  "widgets.IntSlider(description='value')")])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    path = folder / "baseline.ipynb"
    nbformat.write(notebook, path)
    return path


@contextlib.contextmanager
def serve(notebook: str, preheat: bool, home: Path) -> Iterator[Server]:
    """The dashboard's server command for ``notebook``, isolated in ``home``; stopped (its
    process group, kernels included) at the end."""
    port = free_port()
    log = home / f"server-{port}.log"
    env = {**os.environ, "HOME": str(home), "JUPYTER_CONFIG_DIR": str(home / "config"),
           "JUPYTER_DATA_DIR": str(home / "data"), "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
           "IPYTHONDIR": str(home / "ipython")}
    command = [sys.executable, "-m", "widgets.dashboard.server", "--port", str(port),
               "--no-browser", "--notebook", notebook,
               *([] if preheat else ["--no-preheat"]),
               "--", "--MappingKernelManager.cull_idle_timeout=5",
               "--MappingKernelManager.cull_interval=2"]
    with log.open("wb") as sink:
        process = subprocess.Popen(command, env=env, stdout=sink, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    server = Server(process, f"http://127.0.0.1:{port}/", log)
    try:
        deadline = time.monotonic() + 120
        while True:
            with contextlib.suppress(urllib.error.URLError, ConnectionError):
                _OPENER.open(server.url + "voila/static/voila.js", timeout=5).close()
                break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start:\n{log.read_text()[-2000:]}")
            time.sleep(0.25)
        if preheat:
            wait_for_pool(server, 1)
        yield server
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def wait_for_pool(server: Server, fills: int, timeout: float = 120) -> None:
    """Wait until the preheated pool has been filled ``fills`` times in all."""
    deadline = time.monotonic() + timeout
    while server.pools_filled() < fills:
        if time.monotonic() > deadline:
            raise RuntimeError("the preheated kernel pool was not refilled in time")
        time.sleep(0.2)


def time_to_interactive(browser: Browser, url: str, selector: str) -> float:
    """Milliseconds from navigation start until ``selector`` is shown, in a fresh context."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    try:
        page = context.new_page()
        page.add_init_script(f"({WATCH_READY})({selector!r})")
        page.goto(url, timeout=180_000)
        return float(page.evaluate("window.__ready"))
    finally:
        context.close()


def interaction_latencies(browser: Browser, url: str, clicks: int) -> list[float]:
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    try:
        page = context.new_page()
        page.goto(url, timeout=180_000)
        page.get_by_role("tab", name="Our organization").click(timeout=180_000)
        page.get_by_text("4 Guiding principles —").click(timeout=60_000)
        page.locator(".iso10002-item").first.wait_for(timeout=60_000)
        page.locator(".iso10002-organization img").first.wait_for(timeout=60_000)
        return list(page.evaluate(TIME_RATINGS, clicks))
    finally:
        context.close()


def measure_mode(browser: Browser, preheat: bool, repeats: int, home: Path,
                 baseline: Path) -> tuple[list[float], list[float]]:
    """TTI of the dashboard and the baseline, alternating, ``repeats`` each."""
    dashboard_times, baseline_times = [], []
    with serve("course/self-assessment.ipynb", preheat, home / "dashboard") as dashboard, \
            serve(str(baseline), preheat, home / "baseline") as one_widget:
        for _ in range(repeats):
            for server, selector, found in ((dashboard, DASHBOARD_READY, dashboard_times),
                                            (one_widget, BASELINE_READY, baseline_times)):
                fills = server.pools_filled()
                found.append(time_to_interactive(browser, server.url, selector))
                if preheat:
                    wait_for_pool(server, fills + 1)
                else:
                    time.sleep(1)  # let the kernel of the closed page go idle
    return dashboard_times, baseline_times


def describe(values: list[float]) -> str:
    return f"{statistics.median(values):7.0f} ms (min {min(values):.0f}, max {max(values):.0f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="page loads per page and mode")
    parser.add_argument("--clicks", type=int, default=12, help="ratings timed")
    options = parser.parse_args()
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    with tempfile.TemporaryDirectory(prefix="dashboard-bench-") as folder, sync_playwright() as p:
        home = Path(folder)
        for name in ("dashboard", "baseline"):
            (home / name).mkdir()
        baseline = baseline_notebook(home)
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        try:
            print(f"Time to interactive, median of {options.repeats} cold page loads each "
                  "(target: ratio ≤ 1.5)")
            print(f"{'kernels':<12} {'dashboard':<32} {'one-widget notebook':<32} ratio")
            for preheat in (False, True):
                dashboard, one_widget = measure_mode(browser, preheat, options.repeats, home,
                                                     baseline)
                ratio = statistics.median(dashboard) / statistics.median(one_widget)
                verdict = "meets" if ratio <= TARGET_RATIO else "MISSES"
                label = "preheated" if preheat else "on request"
                print(f"{label:<12} {describe(dashboard):<32} {describe(one_widget):<32} "
                      f"{ratio:4.2f}  {verdict} the target")
            with serve("course/self-assessment.ipynb", False, home / "dashboard") as server:
                latencies = interaction_latencies(browser, server.url, options.clicks)
        finally:
            browser.close()
    ordered = sorted(latencies)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    verdict = "meets" if statistics.median(latencies) <= TARGET_INTERACTION_MS else "MISSES"
    print(f"\nRating a statement → updated chart shown, {len(latencies)} clicks "
          f"(target ≤ {TARGET_INTERACTION_MS} ms)")
    print(f"median {statistics.median(latencies):.0f} ms, p90 {p90:.0f} ms, "
          f"max {max(latencies):.0f} ms  {verdict} the target")


if __name__ == "__main__":
    main()
