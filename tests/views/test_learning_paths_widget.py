"""The course home's PathChooser and ProgressView on a chosen path, driven from Python."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

from widgets.core.course.course_map import load_course_map
from widgets.core.course.progress import ProgressStore
from widgets.core.course.syllabus import load_banks, module_checks
from widgets.learning_paths import PathChooser, paths_html
from widgets.progress import ProgressView

COURSE = load_course_map()
CHECKS = module_checks(COURSE, load_banks())


def text(markup: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def pass_module(store: ProgressStore, module_id: str, score: float = 1.0) -> None:
    for bank in CHECKS[module_id]:
        store.record(module_id, score, check=bank.id, pass_mark=bank.pass_mark)


def checkout(tmp_path: Path) -> Path:
    """A checkout holding only the notebook of module 01."""
    (tmp_path / "checkout" / "modules").mkdir(parents=True)
    (tmp_path / "checkout" / "modules" / "01-standard-and-principles.ipynb").write_text("{}")
    return tmp_path / "checkout"


def test_the_paths_table_lists_every_path_of_the_map():
    shown = text(paths_html(COURSE, CHECKS))
    for path in COURSE.paths:
        assert path.title in shown and path.audience in shown
        assert ", ".join(path.exercises) in shown
        assert f"Certificate: {path.certificate}" in shown


def test_choosing_a_path_saves_it_and_shows_the_next_steps(tmp_path: Path):
    store = ProgressStore("alice", tmp_path / "progress")
    root = checkout(tmp_path)
    chooser = PathChooser(store, root=root, base=root / "course")
    assert chooser.picker.value is None
    assert "Choose the path for your role" in chooser.steps.value
    assert [label for label, _ in chooser.picker.options][1:] == [p.title for p in COURSE.paths]

    chooser.picker.value = "internal-auditor"
    assert store.chosen_path().id == "internal-auditor"
    shown = text(chooser.steps.value)
    assert "Your path: Internal auditor of complaints handling" in shown
    assert "0 of 5 modules passed" in shown
    assert "Next module: 00 Welcome and how the course works (15 min)" in shown
    assert "<a " not in chooser.steps.value, "module 00 is not in this checkout: no link"
    assert "ready for you" not in shown
    assert ("Graded exercises still to come, each once its module is passed: ex01-principles "
            "after module 01") in shown

    pass_module(store, "00-welcome")
    pass_module(store, "01-standard-and-principles")
    chooser.refresh_button.click()
    shown = text(chooser.steps.value)
    assert "2 of 5 modules passed" in shown
    assert "Next module: 02 Framework, policy and planning" in shown
    assert "Graded exercises ready for you: ex01-principles (Guiding principles in practice, " \
        f"about {COURSE.exercise('ex01-principles').minutes} min)" in shown
    assert "ex01-principles after module 01" not in shown
    assert "still to come" in shown and "ex11-audit-plan-and-checklist after module 06" in shown


def test_the_next_module_is_linked_when_its_notebook_exists(tmp_path: Path):
    store = ProgressStore("alice", tmp_path / "progress")
    pass_module(store, "00-welcome")
    store.record("01-standard-and-principles", 0.5, check=CHECKS[
        "01-standard-and-principles"][0].id)
    store.choose_path("practitioner")
    root = checkout(tmp_path)
    chooser = PathChooser(store, root=root, base=root / "course")
    assert chooser.picker.value == "practitioner", "the saved choice is shown again"
    assert ('Carry on with <strong>01</strong> <a href="../modules/'
            '01-standard-and-principles.ipynb">') in chooser.steps.value


def test_changing_and_clearing_the_path_keeps_results(tmp_path: Path):
    store = ProgressStore("alice", tmp_path / "progress")
    pass_module(store, "00-welcome")
    chooser = PathChooser(store)
    chooser.picker.value = "analyst-manager"
    chooser.picker.value = "practitioner"
    assert store.chosen_path().id == "practitioner"
    chooser.picker.value = None
    assert store.chosen_path() is None and store.load()["00-welcome"].completed


def test_a_retired_path_is_explained_on_the_course_home(tmp_path: Path):
    store = ProgressStore("alice", tmp_path / "progress")
    store.choose_path("manager")
    chooser = PathChooser(store)
    assert chooser.picker.value is None
    assert "('manager') is no longer part of the course" in text(chooser.notice.value)


def test_progress_view_counts_the_chosen_path(tmp_path: Path):
    store = ProgressStore("alice", tmp_path / "progress")
    pass_module(store, "00-welcome")
    pass_module(store, "07-review-improvement-certification")
    assert "Module status: 2 of 8 completed" in ProgressView(store).table.value
    store.choose_path("internal-auditor")
    table = ProgressView(store).table.value
    assert ("On your path, Internal auditor of complaints handling: 1 of 5 modules passed "
            "(2 of 8 modules of the course completed)") in table
    rows = {row.split("<br>")[0]: row for row in re.findall(r'<th scope="row">(.*?)</th>', table)}
    assert "not on your path" in rows["Review, improvement and certification"]
    assert "not on your path" in rows["Analysing complaints"]
    assert "not on your path" not in rows["Auditing complaints handling"]
