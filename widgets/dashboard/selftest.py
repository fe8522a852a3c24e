"""The dashboard's "My knowledge" section: a self-test drawn from every module's question bank,
then scores per topic, strengths and the modules to revisit, merged with the learner's stored
progress. A thin view over widgets.core.course.selftest (drawing, topics, advice) and
widgets.core.course.questions (shuffling, checking); nothing is recorded as progress.

The questions are built when the learner presses Start (not when the page loads), so the page
opens fast and the stored progress is read when the result is shown, not earlier.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from widgets.core.course.clauses import TITLE_NOTE, load_clauses
from widgets.core.course.course_map import CourseMapError, load_course_map
from widgets.core.course.progress import ProgressStore
from widgets.core.course.questions import AnswerError, Question, QuestionResult, QuizAttempt
from widgets.core.course.selftest import (
    DEFAULT_SIZE,
    STRENGTH_MARK,
    SelfTest,
    SelfTestReport,
    build_self_test,
    load_all_banks,
    report,
)
from widgets.look import CAUTION, ERROR, OK, esc
from widgets.questions import question_box, read_answer

_VERDICT = {"correct": ("✓ Correct", OK), "partly correct": ("◐ Partly correct", CAUTION),
            "incorrect": ("✗ Not correct", ERROR)}


def _percent(value: Any) -> str:
    return f"{round(float(value) * 100)}%"


class KnowledgeSection(widgets.VBox):
    """Start → answer → Submit → report. Test hooks: ``start()``, ``controls`` (question id
    -> control or list of controls), ``submit()``, ``result``, ``report``, ``message``."""

    title = "My knowledge"

    def __init__(self, store: ProgressStore | None = None, *, size: int = DEFAULT_SIZE) -> None:
        super().__init__()
        self.add_class("iso10002-knowledge")
        self.store = store if store is not None else ProgressStore()
        self.size = size
        self.attempt_number = 0
        self.test: SelfTest | None = None
        self.result = None
        self.report: SelfTestReport | None = None
        self.controls: dict[str, Any] = {}
        self.feedback: dict[str, widgets.HTML] = {}
        self.message = widgets.HTML()
        self.start_button = widgets.Button(
            description="Start the self-test", button_style="primary",
            layout=widgets.Layout(width="auto", align_self="flex-start"),
            tooltip=f"{size} questions drawn from every module's knowledge check")
        self.start_button.on_click(lambda _: self.start())
        self.submit_button = widgets.Button(
            description="Submit answers", button_style="primary",
            layout=widgets.Layout(width="auto", align_self="flex-start"))
        self.submit_button.on_click(lambda _: self.submit())
        self.questions_box = widgets.VBox()
        self.results = widgets.HTML()
        self.children = (
            widgets.HTML(
                "<p>Test what you know about complaints handling with questions drawn from "
                "every module's knowledge check. The result shows your strong topics and the "
                "modules worth revisiting, next to the knowledge checks you have passed. "
                "Nothing here is recorded as module progress.</p>"),
            self.start_button, self.message, self.questions_box, self.results)

    # ------------------------------------------------------------------ drawing

    def start(self) -> None:
        """Draw the next set of questions (the first set, or a new one after a result)."""
        banks, problems = load_all_banks()
        if not banks:
            self.message.value = _alert("No question bank could be loaded. " + " ".join(problems))
            return
        self.attempt_number += 1
        self.test = build_self_test(self.store.learner, self.attempt_number, size=self.size,
                                    banks=banks)
        for box in self.questions_box.children:
            if box is not self.submit_button:
                _close(box)
        self.result = self.report = None
        self.controls, self.feedback = {}, {}
        boxes = [self._question_box(n, q, self.test.attempt)
                 for n, q in enumerate(self.test.questions, start=1)]
        self.questions_box.children = (*boxes, self.submit_button)
        self.submit_button.disabled = False
        self.results.value = ""
        self.start_button.description = "Start again with new questions"
        note = (f"<p>{len(boxes)} questions from {len(banks)} question banks. Answer them all, "
                "then press <em>Submit answers</em>.</p>")
        self.message.value = note + "".join(_alert(problem) for problem in problems)

    def _question_box(self, number: int, question: Question,
                      attempt: QuizAttempt) -> widgets.VBox:
        box, self.controls[question.id], self.feedback[question.id] = question_box(
            number, question, attempt)
        return box

    # ------------------------------------------------------------------ scoring

    def submit(self) -> SelfTestReport | None:
        """Score the answers and show the report; None (with a message) when some question is
        unanswered."""
        if self.test is None:
            return None
        attempt = self.test.attempt
        for question in attempt.questions:
            attempt.answer(question.id, read_answer(question, self.controls[question.id]))
        try:
            self.result = attempt.submit()
        except AnswerError as error:
            self.results.value = _alert(str(error))
            return None
        for part in self.controls.values():
            for control in part if isinstance(part, list) else [part]:
                control.disabled = True
        self.submit_button.disabled = True
        catalogue = load_clauses()
        for outcome in self.result.results:
            self.feedback[outcome.question.id].value = _feedback(outcome, catalogue)
        try:
            course_map = load_course_map()
        except CourseMapError as error:
            self.results.value = _alert(f"Your score is {_percent(self.result.score)}, but the "
                                        f"course map could not be read ({error}).")
            return None
        progress = self.store.load()
        self.report = report(self.test, self.result, course_map, progress, catalogue)
        notices = "".join(_alert(text) for text in self.store.notices())
        self.results.value = notices + _report_html(self.report)
        return self.report


def _close(widget: widgets.Widget) -> None:
    """Close a widget and everything inside it, so a discarded question set does not stay
    alive in the kernel and the page."""
    for child in getattr(widget, "children", ()):
        _close(child)
    widget.close()


def _alert(text: str) -> str:
    return f'<p role="alert" style="color:{ERROR}">⚠ {esc(text)}</p>'


def _feedback(outcome: QuestionResult, catalogue: dict) -> str:
    text, colour = _VERDICT[outcome.verdict]
    right = ""
    if outcome.question.type == "ordering":
        right = "Correct order: " + " → ".join(esc(i.text) for i in outcome.question.items)
    elif outcome.score < 1:
        right = "Correct: " + "; ".join(esc(o.text) for o in outcome.question.correct_options)
    references = "; ".join(esc(catalogue[ref].label) for ref in outcome.question.clauses)
    return (f'<div role="status"><p><strong style="color:{colour}">{text}</strong>'
            f"{'<br>' + right if right else ''}</p><p>{esc(outcome.question.explanation)}"
            f"<br><small>See: {references}</small></p></div>")


def _report_html(result: SelfTestReport) -> str:
    topic_rows = "".join(
        f"<tr><th scope='row'>{esc(t.title)}</th><td>{t.questions}</td>"
        f"<td>{_percent(t.score)}</td><td>{'✓ strength' if t.strength else 'to work on'}</td></tr>"
        for t in result.topics)
    module_rows = "".join(
        f"<tr><th scope='row'>{esc(a.module.title)}<br><small>{esc(a.module.id)}</small></th>"
        f"<td>{_percent(a.score) + f' ({a.questions})' if a.score is not None else '–'}</td>"
        f"<td>{esc(a.check_status)}</td>"
        f"<td>{'revisit' if a.revisit else 'on track'}</td></tr>"
        for a in result.modules)
    strengths = ", ".join(esc(t.title) for t in result.strengths) or "none yet"
    revisit = "".join(f"<li><strong>{esc(a.module.title)}</strong>: {esc('; '.join(a.reasons))}"
                      "</li>" for a in result.to_revisit)
    revisit_block = (f"<p><strong>Modules to revisit, most urgent first:</strong></p>"
                     f"<ol>{revisit}</ol>" if revisit else
                     "<p><strong>No module needs revisiting.</strong></p>")
    return (
        f"<h3>Your score: {_percent(result.score)}</h3>"
        f"<p><strong>Strengths</strong> (topics at {_percent(STRENGTH_MARK)} or more): "
        f"{strengths}.</p>{revisit_block}"
        "<table class='iso10002-table'><caption>Score by topic</caption><thead><tr>"
        "<th scope='col'>Topic</th><th scope='col'>Questions</th><th scope='col'>Score</th>"
        f"<th scope='col'></th></tr></thead><tbody>{topic_rows}</tbody></table>"
        "<table class='iso10002-table'><caption>Modules: this self-test and your knowledge "
        "checks</caption><thead><tr><th scope='col'>Module</th><th scope='col'>Self-test "
        "(questions)</th><th scope='col'>Knowledge check</th><th scope='col'>Advice</th></tr>"
        f"</thead><tbody>{module_rows}</tbody></table><p><small>{esc(TITLE_NOTE)}</small></p>")
