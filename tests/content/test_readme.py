"""The README tells the truth: its module table, its commands, CI and the Binder badge.

The README is the first thing a newcomer reads; each claim checked here is one that silently
goes stale when someone edits the course map, the CI script or the course home.
"""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from support.repo import REPO

from widgets.core.common.settings import settings_markdown
from widgets.core.course.course_map import load_course_map
from widgets.core.course.learning_paths import paths_table_markdown

README = (REPO / "README.md").read_text(encoding="utf-8")
BINDER_PREFIX = "https://mybinder.org/v2/gh/iso10002-course/iso10002-course/HEAD"


def module_table(markdown: str) -> list[tuple[str, str, int]]:
    """(id, title, minutes) for each table row whose first cell is a module id."""
    rows = []
    for line in markdown.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 3 and re.fullmatch(r"`?\d{2}-[a-z0-9-]+`?", cells[0]):
            rows.append((cells[0].strip("`"), cells[1], int(cells[2])))
    return rows


def first_code_block(markdown: str) -> list[str]:
    """The commands of the first fenced block, comments dropped."""
    match = re.search(r"^```[a-z]*\n(.*?)^```", markdown, flags=re.M | re.S)
    assert match, "README has no fenced code block"
    commands = []
    for line in match.group(1).splitlines():
        words = shlex.split(line, comments=True)
        if words:
            commands.append(" ".join(words))
    return commands


def test_module_table_matches_the_course_map():
    expected = [(m.id, m.title, m.minutes) for m in load_course_map().modules]
    assert module_table(README) == expected


def test_module_table_parser_reads_ids_titles_and_minutes():
    sample = "| Module | Title | Minutes |\n|---|---|---|\n| `03-x-y` | Handling | 75 |\n"
    assert module_table(sample) == [("03-x-y", "Handling", 75)]


def test_the_first_commands_are_start_then_test():
    assert first_code_block(README) == ["make start", "make test"]
    assert README.index("```") < README.index("\n## "), "the commands come before any section"


def test_ci_runs_the_readme_test_command():
    script = REPO / ".ci" / "run"
    assert os.access(script, os.X_OK), ".ci/run must be executable"
    lines = [line.strip() for line in script.read_text(encoding="utf-8").splitlines()]
    assert "make test" in lines
    assert "export CI=true" in lines
    assert "set -euo pipefail" in lines


def binder_badge_targets(markdown: str) -> list[str]:
    """The urlpath of every Binder launch link in the text."""
    urls = re.findall(r"\((https://mybinder\.org/v2/[^)\s]+)\)", markdown)
    return [parse_qs(urlsplit(url).query)["urlpath"][0] for url in urls]


def badge_file(urlpath: str) -> Path:
    """The repository file a Binder urlpath opens (JupyterLab tree or Voilà render)."""
    for prefix in ("lab/tree/", "voila/render/"):
        if urlpath.startswith(prefix):
            return REPO / urlpath.removeprefix(prefix)
    raise AssertionError(f"Binder urlpath {urlpath!r} opens neither lab/tree/ nor voila/render/")


def test_binder_badges_open_files_that_exist():
    assert f"({BINDER_PREFIX}?urlpath=lab/tree/course/index.ipynb)" in README
    targets = binder_badge_targets(README)
    assert "lab/tree/course/index.ipynb" in targets
    for target in targets:
        assert badge_file(target).is_file(), f"a Binder badge opens {target}, which does not exist"


def test_badge_targets_are_read_from_links():
    text = (
        "[![a](x.svg)](https://mybinder.org/v2/gh/o/r/HEAD?urlpath=lab/tree/a/b.ipynb) "
        "[![b](x.svg)](https://mybinder.org/v2/gh/o/r/HEAD?urlpath=voila/render/c.ipynb)"
    )
    assert binder_badge_targets(text) == ["lab/tree/a/b.ipynb", "voila/render/c.ipynb"]
    assert badge_file("voila/render/c.ipynb") == REPO / "c.ipynb"


def test_binder_installs_the_package():
    assert (REPO / "binder" / "runtime.txt").read_text().strip() == "python-3.11"
    post_build = REPO / "binder" / "postBuild"
    assert os.access(post_build, os.X_OK), "binder/postBuild must be executable"
    assert "pip install --no-cache-dir -e ." in post_build.read_text()


def test_settings_table_is_the_declared_settings():
    assert settings_markdown() in README, (
        "README's table of environment variables differs from widgets/core/common/settings.py;"
        f" paste this under 'Settings':\n{settings_markdown()}")


def test_paths_table_matches_the_course_map():
    """The learning paths come right after the two commands (and the badges), and their table
    is the course map's: modules, exercises and computed hours."""
    table = paths_table_markdown(load_course_map())
    assert table in README, (
        "README's table of learning paths differs from widgets/content/modules.yaml; paste this "
        f"under 'Learning paths':\n{table}")
    assert README.index("\n## Learning paths") == README.index("\n## "), (
        "the learning paths are the README's first section")
