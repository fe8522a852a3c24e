"""The JupyterLab command line that `make start` / `iso10002 start` run."""

from __future__ import annotations

import sys

import pytest

from widgets import launch
from widgets.core.common.paths import course_root


def test_defaults_open_the_course_home_on_loopback(monkeypatch):
    monkeypatch.setattr(launch.os, "geteuid", lambda: 1000)
    root = course_root()
    assert launch.lab_command() == [
        sys.executable,
        "-m",
        "jupyterlab",
        str(root / "course" / "index.ipynb"),
        f"--ServerApp.root_dir={root}",
        "--ServerApp.ip=127.0.0.1",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.news_url=None",
        "--LabApp.extension_manager=readonly",
    ]


def test_port_token_no_browser_and_root(monkeypatch):
    monkeypatch.setattr(launch.os, "geteuid", lambda: 0)
    argv = launch.lab_command(port=8899, open_browser=False, token="s3cret")
    assert argv[-5:] == [
        "--ServerApp.port=8899",
        "--ServerApp.port_retries=0",
        "--no-browser",
        "--IdentityProvider.token=s3cret",
        "--allow-root",
    ]
    assert argv.count("--allow-root") == 1


def test_allow_root_only_as_root(monkeypatch):
    monkeypatch.setattr(launch.os, "geteuid", lambda: 1000)
    assert "--allow-root" not in launch.lab_command(port=8899)


@pytest.mark.parametrize("notebook", ["course/missing.ipynb", "../outside.ipynb", "/etc/passwd"])
def test_notebook_must_exist_inside_the_course(notebook):
    with pytest.raises(FileNotFoundError, match="no such notebook under the course folder"):
        launch.lab_command(notebook)
