"""The one JupyterLab command line the course uses: `make start`, `iso10002 start` and the tests.

Why a function and not a line in the Makefile: the same settings must hold wherever the lab is
started — bound to 127.0.0.1 (a course server must not be reachable from the network), no
update check, no news feed and no PyPI extension listing (nothing leaves the machine), the
repository as root folder (so nbgrader_config.py, datasets/ and modules/ are all reachable),
and --allow-root only when running as root (JupyterLab refuses root without it; containers and
CI run as root). Tests build the exact argv the learner gets and start it.
"""

from __future__ import annotations

import os
import sys

from widgets.core.common import course_root

COURSE_HOME = "course/index.ipynb"


def lab_command(
    notebook: str = COURSE_HOME,
    *,
    port: int | None = None,
    open_browser: bool = True,
    token: str | None = None,
) -> list[str]:
    """The argv that starts JupyterLab on ``notebook`` (a path relative to the course root).

    ``port=None`` lets JupyterLab pick 8888 or the next free port; an explicit port is used
    exactly or the start fails (tests rely on knowing it). ``token=None`` lets JupyterLab make
    a random token and print the login URL; a token given here is the one to log in with.
    Raises FileNotFoundError when the notebook is not inside the course root.
    """
    root = course_root()
    target = (root / notebook).resolve()
    if not target.is_relative_to(root) or not target.is_file():
        raise FileNotFoundError(
            f"cannot open {notebook}: no such notebook under the course folder {root}; "
            f"give a path relative to it, such as {COURSE_HOME}"
        )
    argv = [
        sys.executable,
        "-m",
        "jupyterlab",
        str(target),
        f"--ServerApp.root_dir={root}",
        "--ServerApp.ip=127.0.0.1",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.news_url=None",
        "--LabApp.extension_manager=readonly",
    ]
    if port is not None:
        argv += [f"--ServerApp.port={port}", "--ServerApp.port_retries=0"]
    if not open_browser:
        argv.append("--no-browser")
    if token is not None:
        argv.append(f"--IdentityProvider.token={token}")
    if os.geteuid() == 0:
        argv.append("--allow-root")
    return argv
