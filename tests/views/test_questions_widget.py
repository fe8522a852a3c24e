"""The Quiz and ProgressView widgets, driven from Python: set control values, click buttons,
read the state, the score and the rendered feedback. Progress goes to tmp_path only."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import ipywidgets as widgets
import pytest

import widgets.progress as progress_view
from widgets.core.course.course_map import CourseMapError, load_course_map
from widgets.core.course.progress import ProgressStore
from widgets.core.course.questions import Question, load_bank
from widgets.progress import ProgressView
from widgets.questions import Quiz

PRINCIPLES_MODULE = "01-standard-and-principles"


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch) -> Path:
    folder = tmp_path / "progress"
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ISO10002_PROGRESS_DIR", str(folder))
    monkeypatch.setenv("JUPYTERHUB_USER", "quiz-tester")
    return folder


def answer_correctly(quiz: Quiz, question: Question) -> None:
    control = quiz.controls[question.id]
    if question.type == "multiple":
        for option, box in zip(question.options, control, strict=True):
            box.value = option.correct
    elif question.type == "ordering":
        for position, item in enumerate(question.items):
            control[position].value = item.id  # swaps keep every item used once
    else:
        control.value = question.correct_options[0].id


def answer_all_correctly(quiz: Quiz) -> None:
    for question in quiz.attempt.questions:
        answer_correctly(quiz, question)


def test_quiz_builds_labelled_standard_controls():
    quiz = Quiz("principles")
    bank = load_bank("principles")

    assert isinstance(quiz, widgets.VBox)
    assert [q.id for q in quiz.attempt.questions] == [q.id for q in bank.questions]
    for number, question in enumerate(quiz.attempt.questions, start=1):
        control = quiz.controls[question.id]
        if question.type == "multiple":
            assert [box.description for box in control] == [o.text for o in question.options]
            assert all(isinstance(box, widgets.Checkbox) and not box.value for box in control)
        elif question.type == "ordering":
            assert [d.description for d in control] == [
                f"Position {n}" for n in range(1, len(question.items) + 1)
            ]
            assert tuple(d.value for d in control) == quiz.attempt.start_order(question.id)
        else:
            assert isinstance(control, widgets.RadioButtons)
            assert control.description == f"Question {number}"
            assert control.tooltip == f"Answer to question {number}"
            assert control.value is None
            assert [label for label, _ in control.options] == [o.text for o in question.options]
    assert quiz.submit_button.description == "Submit answers"
    assert quiz.retry_button.disabled and not quiz.submit_button.disabled
    assert quiz.store is None  # no module given: nothing is saved


def test_submitting_with_unanswered_questions_says_which(isolated: Path):
    quiz = Quiz("principles")
    first, second = quiz.attempt.questions[:2]
    answer_correctly(quiz, first)
    answer_correctly(quiz, second)

    quiz.submit_button.click()

    assert quiz.attempt.result is None
    assert 'role="alert"' in quiz.status.value
    # ordering questions' drop-downs always hold a complete order, so they count as answered
    unanswered = [str(number) for number, question in enumerate(quiz.attempt.questions, start=1)
                  if number > 2 and question.type != "ordering"]
    assert len(unanswered) < len(quiz.attempt.questions) - 2  # the bank has an ordering question
    assert f"questions {', '.join(unanswered)} are not" in quiz.status.value
    assert not quiz.submit_button.disabled
    assert all(feedback.value == "" for feedback in quiz.feedback.values())


def test_all_correct_scores_full_marks_and_shows_feedback_with_clauses():
    quiz = Quiz("principles")
    answer_all_correctly(quiz)

    quiz.submit_button.click()

    result = quiz.attempt.result
    assert result.score == 1 and result.passed
    assert "<h4>Score: 100% — Passed</h4>" in quiz.status.value
    total = len(quiz.attempt.questions)
    assert f"{total} of {total} questions fully correct; pass mark 80%" in quiz.status.value
    accessibility = quiz.feedback["pr-scenario-accessibility"].value
    assert "✓ Correct" in accessibility and "(1 of 1 mark)" in accessibility
    assert "ISO 10002:2018 4.5 Accessibility [R]" in accessibility
    assert "ISO 10002:2018 7.1 Communication [R]" in accessibility
    assert "<em>your choice: correct</em>. Yes. Complaining should be easy" in accessibility
    assert "<em>not chosen</em>. Nothing here costs him money" in accessibility
    family = quiz.feedback["pr-family-order"].value
    assert family.count("✓ <em>in the right place</em>") == 4
    assert "ISO 10003:2018 (Quality management" in family
    assert quiz.submit_button.disabled and not quiz.retry_button.disabled
    radio = quiz.controls["pr-guidance-not-requirements"]
    assert radio.disabled


def test_wrong_and_partial_answers_get_matching_feedback_and_score():
    quiz = Quiz("principles")
    answer_all_correctly(quiz)
    quiz.controls["pr-scenario-charges"].value = "transparency"
    new_principles = quiz.attempt.question("pr-new-principles-2018")
    for option, box in zip(new_principles.options, quiz.controls["pr-new-principles-2018"],
                           strict=True):
        box.value = option.id == "commitment"  # one of the three correct, nothing wrong

    quiz.submit()

    # all questions right but two: one scores 1/3, one 0 — (n - 2 + 1/3) / n
    total = len(quiz.attempt.questions)
    expected = Fraction(3 * (total - 2) + 1, 3 * total)
    assert quiz.attempt.result.score == expected
    verdict = "Passed" if expected >= Fraction(4, 5) else "Not passed yet"
    assert f"<h4>Score: {round(float(expected) * 100)}% — {verdict}</h4>" in quiz.status.value
    assert f"{total - 2} of {total} questions fully correct" in quiz.status.value
    charges = quiz.feedback["pr-scenario-charges"].value
    assert "✗ Not correct" in charges and "(0 of 1 mark)" in charges
    assert "Transparency (4.4)</strong> — <em>your choice: not correct</em>" in charges
    assert "Charges (4.8)</strong> — <em>correct answer you did not choose</em>" in charges
    partial = quiz.feedback["pr-new-principles-2018"].value
    assert "◐ Partly correct" in partial and "(1/3 of 1 mark)" in partial
    assert "Competence</strong> — <em>correct answer you did not choose</em>" in partial


def test_ordering_dropdowns_swap_so_every_item_stays_used_once():
    quiz = Quiz("process")
    dropdowns = quiz.controls["proc-steps-order"]
    before = [d.value for d in dropdowns]

    dropdowns[0].value = before[5]

    after = [d.value for d in dropdowns]
    assert after[0] == before[5] and after[5] == before[0]
    assert after[1:5] + after[6:] == before[1:5] + before[6:]
    assert sorted(after) == sorted(before)


def test_ordering_feedback_names_the_right_position():
    quiz = Quiz("process")
    answer_all_correctly(quiz)
    dropdowns = quiz.controls["proc-steps-order"]
    dropdowns[0].value = "tracking"  # swaps receipt and tracking

    quiz.submit()

    feedback = quiz.feedback["proc-steps-order"].value
    assert "(3/4 of 1 mark)" in feedback  # 6 of 8 items in place
    assert ("Position 1: <strong>Tracking of the complaint</strong> — ✗ "
            "<em>belongs in position 2</em>") in feedback
    assert ("Position 3: <strong>Acknowledgement to the complainant</strong> — ✓ "
            "<em>in the right place</em>") in feedback


def test_score_is_saved_and_retry_reshuffles(isolated: Path):
    quiz = Quiz("principles", module=PRINCIPLES_MODULE)
    answer_all_correctly(quiz)
    quiz.submit_button.click()

    saved = json.loads((isolated / "quiz-tester.json").read_text())
    check = saved["modules"][PRINCIPLES_MODULE]["checks"]["principles"]
    assert (check["attempts"], check["best_score"], check["completed"]) == (1, 1.0, True)
    assert f"module {PRINCIPLES_MODULE} is completed; best score 100% over 1 attempt" in (
        quiz.status.value
    )

    first_layout = [[o.id for o in q.options] for q in quiz.attempt.questions]
    quiz.retry_button.click()

    assert quiz.attempt.number == 2 and quiz.attempt.result is None
    assert [[o.id for o in q.options] for q in quiz.attempt.questions] != first_layout
    assert quiz.controls["pr-guidance-not-requirements"].value is None
    assert not quiz.controls["pr-guidance-not-requirements"].disabled
    assert quiz.status.value == "" and quiz.retry_button.disabled
    assert "attempt 2" in quiz.children[1].value

    for question in quiz.attempt.questions:  # this time choose a wrong option everywhere
        control = quiz.controls[question.id]
        if question.type == "multiple":
            wrong = next(o for o in question.options if not o.correct)
            for option, box in zip(question.options, control, strict=True):
                box.value = option is wrong
        elif question.type != "ordering":
            control.value = next(o.id for o in question.options if not o.correct)
    result = quiz.submit()

    progress = ProgressStore().module(PRINCIPLES_MODULE)
    assert progress.attempts == 2 and progress.best_score == 1.0
    assert progress.last_score == float(result.score) < 0.2
    assert progress.completed  # the earlier pass stands

    again = Quiz("principles", module=PRINCIPLES_MODULE)
    assert again.attempt.number == 3  # a new kernel continues the attempt count


def test_damaged_progress_file_is_shown_and_the_quiz_still_saves(isolated: Path):
    isolated.mkdir(parents=True)
    (isolated / "quiz-tester.json").write_text('{"schema": "iso10002-course/progress", ')

    quiz = Quiz("process", module="03-handling-a-complaint")

    assert "⚠ Your saved progress" in quiz.notice.value
    assert "could not be read: it is not valid JSON" in quiz.notice.value
    answer_all_correctly(quiz)
    quiz.submit()
    assert ProgressStore().module("03-handling-a-complaint").attempts == 1


def test_a_failed_save_is_reported_without_losing_the_feedback(tmp_path: Path):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the progress folder should be")
    store = ProgressStore("quiz-tester", blocker)
    quiz = Quiz("process", module="03-handling-a-complaint", store=store)
    answer_all_correctly(quiz)

    result = quiz.submit()

    assert result.score == 1
    assert "Your score could not be saved" in quiz.status.value
    assert "<h4>Score: 100% — Passed</h4>" in quiz.status.value
    assert "✓ Correct" in quiz.feedback["proc-steps-order"].value


def test_quiz_from_a_path_with_explicit_learner_and_store(tmp_path: Path):
    store = ProgressStore("carol", tmp_path / "elsewhere")
    bank_file = Path(load_bank("process").source)
    quiz = Quiz(bank_file, learner="carol", module="03-handling-a-complaint", store=store)
    assert quiz.learner == "carol" and quiz.attempt.learner == "carol"
    answer_all_correctly(quiz)
    quiz.submit()
    assert (tmp_path / "elsewhere" / "carol.json").is_file()


# ----------------------------------------------------------------------------- ProgressView


def test_progress_view_lists_course_modules_with_status(isolated: Path):
    store = ProgressStore()
    store.record(PRINCIPLES_MODULE, 0.9, check="principles")
    store.record("03-handling-a-complaint", 0.5, check="process")
    store.record("99-retired-module", 1.0)

    view = ProgressView(store)

    table = view.table.value
    course = load_course_map()
    positions = [table.index(module.title) for module in course.modules]
    assert positions == sorted(positions)  # course order
    assert table.index("99-retired-module") > positions[-1]
    assert f"2 of {len(course.modules) + 1} completed" in table
    principles_row = table[table.index(course.module(PRINCIPLES_MODULE).title):]
    assert ">Completed</span></td><td>90%</td><td>90%</td><td>1</td>" in principles_row
    process_row = table[table.index(course.module("03-handling-a-complaint").title):]
    assert ">In progress</span></td><td>50%</td><td>50%</td><td>1</td>" in process_row
    assert ">Not started</span></td><td>–</td><td>–</td><td>0</td><td>–</td>" in table
    assert view.notice.value == ""

    store.record("03-handling-a-complaint", 0.85, check="process")
    view.refresh_button.click()
    assert f"3 of {len(course.modules) + 1} completed" in view.table.value


def test_progress_view_shows_the_damaged_file_notice(isolated: Path):
    isolated.mkdir(parents=True)
    (isolated / "quiz-tester.json").write_text("[]")

    view = ProgressView()

    assert "not a course progress file" in view.notice.value
    assert view.store.learner == "quiz-tester"
    assert "Not started" in view.table.value

    later = ProgressView()  # a new kernel: the file was moved aside earlier
    assert "An earlier progress file could not be read and was kept as" in later.notice.value


def test_progress_view_falls_back_to_recorded_modules(isolated: Path, monkeypatch, tmp_path):
    store = ProgressStore()
    store.record("03-handling-a-complaint", 1.0, check="process")

    monkeypatch.setattr(progress_view, "COURSE_MAP_FILE", tmp_path / "missing.yaml")
    view = ProgressView(store)
    assert "1 of 1 completed" in view.table.value
    assert view.notice.value == ""

    def broken_map():
        raise CourseMapError("modules.yaml: modules[2].minutes: expected a positive number")

    monkeypatch.setattr(progress_view, "COURSE_MAP_FILE", Path(__file__))  # any existing file
    monkeypatch.setattr(progress_view, "load_course_map", broken_map)
    view.refresh()
    assert "The course map could not be read (modules.yaml: modules[2].minutes" in (
        view.notice.value
    )
    assert "1 of 1 completed" in view.table.value


def test_progress_view_with_nothing_recorded(monkeypatch, tmp_path):
    monkeypatch.setattr(progress_view, "COURSE_MAP_FILE", tmp_path / "missing.yaml")
    assert ProgressView().table.value == "<p>No knowledge checks recorded yet.</p>"
