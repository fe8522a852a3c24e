"""binder/ installs the course: its steps, run in a fresh virtual environment on a copy of the
repository, give an importable package that finds the copy's data, and the notebook the
README's Binder badge opens is there.

mybinder.org cannot be reached from CI, so this replays what repo2docker does after building
the image (Python from runtime.txt, then postBuild from the repository root) as closely as a
local machine can: a new venv whose pip is first on PATH, and a copy of what git would check
out (no .venv, no build leftovers).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support.repo import REPO, checkout_files

CHECK_INSTALL = """
import json, widgets, jupyterlab
from widgets.core.common.paths import course_root
from widgets.core.course.course_map import load_course_map
print(json.dumps({"package": widgets.__file__, "root": str(course_root()),
                  "modules": len(load_course_map().modules)}))
"""


def checkout_copy(target: Path) -> Path:
    """Copy the files a clone would have to ``target``."""
    for source in checkout_files():
        if source.is_file():
            destination = target / source.relative_to(REPO)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)
    return target


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_binder_steps_install_the_course(tmp_path: Path):
    repo = checkout_copy(tmp_path / "repo")
    assert not (repo / ".venv").exists()
    assert (repo / "binder" / "runtime.txt").read_text().strip() == "python-3.11"

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = {key: value for key, value in os.environ.items() if key != "VIRTUAL_ENV"}
    env.pop("ISO10002_COURSE_ROOT", None)
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    build = subprocess.run(
        [str(repo / "binder" / "postBuild")],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert build.returncode == 0, f"postBuild failed:\n{build.stdout[-3000:]}{build.stderr[-3000:]}"

    # Import from outside the copy, so only the installed package can be found.
    check = subprocess.run(
        [str(venv / "bin" / "python"), "-c", CHECK_INSTALL],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stderr
    found = json.loads(check.stdout.splitlines()[-1])
    assert Path(found["package"]).resolve() == (repo / "widgets" / "__init__.py").resolve()
    assert Path(found["root"]).resolve() == repo.resolve()
    assert found["modules"] == 8

    readme = (repo / "README.md").read_text(encoding="utf-8")
    # Every badge (the course home; later the dashboard) opens a file of the installed copy.
    opened = re.findall(
        r"mybinder\.org/v2/gh/[^)\s]+\?urlpath=(?:lab/tree|voila/render)/([^)\s&]+)", readme
    )
    assert "course/index.ipynb" in opened
    for path in opened:
        assert (repo / path).is_file(), f"a Binder badge opens {path}, missing after install"
