"""widgets.core.common.settings: every environment variable the package reads is declared
once, and the modules that use one follow it.

The README's table of the variables is checked against settings_markdown() in
tests/content/test_readme.py.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from support.repo import REPO

from widgets.core.common import SETTINGS, current_settings, settings_markdown, work_dir
from widgets.core.common.paths import course_root
from widgets.core.common.settings import COURSE_ROOT, WORK_DIR, Setting
from widgets.core.course.progress import current_learner, progress_dir

SETTINGS_MODULE = REPO / "widgets" / "core" / "common" / "settings.py"


def string_literals(path: Path) -> set[str]:
    return {node.value for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)}


def test_each_variable_is_named_only_in_the_settings_module():
    names = {setting.name for setting in SETTINGS}
    assert len(names) == len(SETTINGS), "a variable is declared twice"
    for path in sorted((REPO / "widgets").rglob("*.py")):
        if path != SETTINGS_MODULE:
            assert not names & string_literals(path), (
                f"{path.relative_to(REPO)} names a course variable itself; read it through "
                "its Setting in widgets/core/common/settings.py")


def test_a_blank_value_means_the_default():
    setting = Setting("X_COURSE_TEST", "~/x", "a test variable")
    assert setting.get({}) is None
    assert setting.get({"X_COURSE_TEST": "   "}) is None
    assert setting.get({"X_COURSE_TEST": " /srv/x \n"}) == "/srv/x"


def test_folders_follow_their_variables(monkeypatch, tmp_path):
    monkeypatch.setenv("ISO10002_WORK_DIR", str(tmp_path / "work"))
    monkeypatch.setenv("ISO10002_PROGRESS_DIR", str(tmp_path / "progress"))
    monkeypatch.setenv("JUPYTERHUB_USER", "  dana ")
    assert work_dir() == tmp_path / "work"
    assert progress_dir() == tmp_path / "progress"
    assert current_learner() == "dana"


def test_folders_fall_back_to_the_declared_defaults(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("ISO10002_WORK_DIR", "")
    monkeypatch.delenv("ISO10002_PROGRESS_DIR", raising=False)
    assert work_dir() == tmp_path / ".iso10002-course" / "work"
    assert progress_dir() == tmp_path / ".iso10002-course" / "progress"
    assert WORK_DIR.default == "~/.iso10002-course/work"


def test_a_wrong_course_root_names_the_variable_and_the_fix(monkeypatch, tmp_path):
    monkeypatch.setenv(COURSE_ROOT.name, str(tmp_path))
    with pytest.raises(FileNotFoundError, match=r"ISO10002_COURSE_ROOT=.*datasets/policy\.yaml"):
        course_root()
    monkeypatch.setenv(COURSE_ROOT.name, str(REPO))
    assert course_root() == REPO


def test_markdown_has_one_row_per_variable_in_order():
    lines = settings_markdown().splitlines()
    assert lines[:2] == ["| Variable | Default | What it does |", "|---|---|---|"]
    assert [line.split("|")[1].strip() for line in lines[2:]] == [
        f"`{setting.name}`" for setting in SETTINGS]
    assert "| `~/.iso10002-course/work` |" in lines[2 + SETTINGS.index(WORK_DIR)]


def test_current_settings_show_values_and_defaults():
    shown = dict(current_settings({"ISO10002_WORK_DIR": "/srv/work"}))
    assert list(shown) == [setting.name for setting in SETTINGS]
    assert shown["ISO10002_WORK_DIR"] == "/srv/work"
    assert shown["ISO10002_PROGRESS_DIR"] == "not set: ~/.iso10002-course/progress"
    assert shown["JUPYTERHUB_USER"] == "not set: the operating-system user"
