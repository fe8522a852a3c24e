"""The one way the self-assessment dashboard is served: `make dashboard`, the browser tests and
the benchmark all run ``python -m widgets.dashboard.server``.

Every server setting lives in course/dashboard/voila.py (bound to 127.0.0.1, the course
template without CDN requests, no sources shown, kernels culled when idle, the upload cap,
a preheated kernel). This module only finds that folder, puts its template on JUPYTER_PATH,
adds what varies between runs (port, browser, preheating, the notebook) and replaces itself
with Voilà (``os.execve``), so the process a test starts *is* the server and ends with it.

    python -m widgets.dashboard.server                 # what `make dashboard` runs
    python -m widgets.dashboard.server --port 8866 --no-browser --no-preheat
    python -m widgets.dashboard.server --port 8866 -- --MappingKernelManager.cull_interval=5

Arguments after ``--`` go to Voilà unchanged (they override voila.py).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence

from widgets.core.common.paths import course_root

DASHBOARD_NOTEBOOK = "course/self-assessment.ipynb"
CONFIG_FOLDER = "course/dashboard"
TEMPLATE_ROOT = "course/dashboard/jupyter"  # holds voila/templates/iso10002


def voila_command(
    notebook: str | os.PathLike[str] = DASHBOARD_NOTEBOOK,
    *,
    port: int | None = None,
    open_browser: bool = True,
    preheat: bool = True,
    extra: Sequence[str] = (),
) -> list[str]:
    """The argv that serves ``notebook`` (relative to the course root, or absolute) with the
    dashboard's configuration. An explicit ``port`` is used exactly or the start fails."""
    root = course_root()
    path = (root / notebook).resolve()
    if not path.is_file() or path.suffix != ".ipynb":
        raise FileNotFoundError(f"cannot serve {notebook}: no such notebook (looked for {path})")
    argv = [
        sys.executable,
        "-m",
        "voila",
        str(path),
        f"--Voila.config_file_paths={root / CONFIG_FOLDER}",
    ]
    if port is not None:
        argv += [f"--Voila.port={port}", "--Voila.port_retries=0"]
    if not open_browser:
        argv.append("--no-browser")
    if not preheat:
        argv.append("--VoilaConfiguration.preheat_kernel=False")
    return argv + list(extra)


def voila_environment(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """``environ`` (default: this process's) with the course template folder first on
    JUPYTER_PATH, where Voilà looks for templates."""
    env = dict(os.environ if environ is None else environ)
    template_root = str(course_root() / TEMPLATE_ROOT)
    existing = env.get("JUPYTER_PATH", "")
    env["JUPYTER_PATH"] = os.pathsep.join([template_root, *filter(None, [existing])])
    return env


def _parse(argv: Sequence[str]) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(
        prog="python -m widgets.dashboard.server",
        description="Serve the ISO 10002 self-assessment dashboard with Voilà on 127.0.0.1.",
    )
    parser.add_argument("--port", type=int, help="port to listen on (default: Voilà's 8866 "
                        "or the next free one)")
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser")
    parser.add_argument("--no-preheat", action="store_true",
                        help="start each visitor's kernel on request instead of keeping one ready")
    parser.add_argument("--notebook", default=DASHBOARD_NOTEBOOK,
                        help=f"notebook to serve (default {DASHBOARD_NOTEBOOK})")
    arguments = list(argv)
    extra: list[str] = []
    if "--" in arguments:
        cut = arguments.index("--")
        arguments, extra = arguments[:cut], arguments[cut + 1:]
    return parser.parse_args(arguments), extra


def main(argv: Sequence[str] | None = None) -> None:
    """Replace this process with the Voilà server."""
    options, extra = _parse(sys.argv[1:] if argv is None else argv)
    command = voila_command(options.notebook, port=options.port,
                            open_browser=not options.no_browser,
                            preheat=not options.no_preheat, extra=extra)
    os.execve(command[0], command, voila_environment())


if __name__ == "__main__":
    main()
