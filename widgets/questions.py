"""A knowledge check as a notebook widget: all questions of a bank on one page, one Submit.

A thin view over widgets.core.course.questions (layout, answer checking, scoring) and
widgets.core.course.progress (saving the score). It builds one standard control per question
(radio buttons, a checkbox per option, or one drop-down per position for ordering), reads their
values on Submit, and renders what the core reports: a verdict per question, feedback for every
option or position, the explanation and the clause references.

All questions sit on one page because a knowledge check is short and learners like to review
their answers before submitting; keyboard users move with Tab between questions and with the
arrow keys inside a radio group. Every control carries a label or description.

    from widgets.questions import Quiz
    Quiz("principles", module="01-standard-and-principles")
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from widgets.core.course.clauses import TITLE_NOTE, load_clauses
from widgets.core.course.progress import ProgressStore, current_learner
from widgets.core.course.questions import (
    AnswerError,
    AttemptResult,
    Question,
    QuestionResult,
    QuizAttempt,
    load_bank,
)
from widgets.look import ERROR, LABEL_STYLE, OK, esc

# ipywidgets draws radio and checkbox labels on one line and cuts long ones with "…";
# answer options are sentences, so let them wrap, with the button kept at the start of the
# first line (a radio input follows its text in the DOM and is floated, hence `order`).
_STYLE = """<style>
.iso10002-quiz .widget-radio-box label, .iso10002-quiz .jupyter-widget-radio-box label,
.iso10002-quiz .widget-checkbox .widget-label-basic,
.iso10002-quiz .jupyter-widget-checkbox .jupyter-widget-label-basic {
  display: flex; align-items: flex-start; height: auto; line-height: 1.4; white-space: normal;
  overflow: visible; margin: 3px 0;
}
.iso10002-quiz .widget-radio-box label input, .iso10002-quiz .widget-checkbox label input {
  order: -1; float: none; flex-shrink: 0; align-self: flex-start; margin: 0.2em 6px 0 1px;
}
.iso10002-quiz .widget-checkbox, .iso10002-quiz .jupyter-widget-checkbox { height: auto; }
</style>"""
_VERDICT = {
    "correct": ("✓ Correct", OK),
    "partly correct": ("◐ Partly correct", "#8a5a00"),
    "incorrect": ("✗ Not correct", ERROR),
}


def _marks(score: Fraction) -> str:
    return f"{score.numerator}/{score.denominator}" if score.denominator != 1 else str(score)


def _percent(score: Fraction | float) -> str:
    return f"{round(float(score) * 100)}%"


class Quiz(widgets.VBox):
    """A bank's questions with Submit and Try again; saves the score when ``module`` is given.

    ``learner`` defaults to the store's learner, else the current user; ``store`` defaults to
    the learner's :class:`ProgressStore` when a module is given. Everything a test needs is
    reachable: ``attempt`` (the core attempt), ``controls`` (question id -> the control, or
    the list of checkboxes / drop-downs), ``feedback`` (question id -> HTML),
    ``submit_button``, ``retry_button``, ``status`` and ``notice``.
    """

    def __init__(
        self,
        bank_id_or_path: str | Path,
        *,
        learner: str | None = None,
        module: str | None = None,
        store: ProgressStore | None = None,
    ) -> None:
        super().__init__()
        self.bank = load_bank(bank_id_or_path)
        self.module = module
        if store is None and module is not None:
            store = ProgressStore(learner)
        self.store = store
        self.learner = learner or (store.learner if store is not None else current_learner())
        self._clauses = load_clauses()
        self.add_class("iso10002-quiz")

        self.notice = widgets.HTML()
        self.status = widgets.HTML()
        self.submit_button = widgets.Button(
            description="Submit answers",
            button_style="primary",
            tooltip="Check all answers and show feedback",
        )
        self.retry_button = widgets.Button(
            description="Try again",
            disabled=True,
            tooltip="Start a new attempt with the options in a new order",
        )
        self.submit_button.on_click(lambda _: self.submit())
        self.retry_button.on_click(lambda _: self.retry())
        self.controls: dict[str, Any] = {}
        self.feedback: dict[str, widgets.HTML] = {}
        self._questions_box = widgets.VBox()
        self._header = widgets.HTML()
        self.children = (
            widgets.HTML(_STYLE),
            self._header,
            self.notice,
            self._questions_box,
            widgets.HBox([self.submit_button, self.retry_button]),
            self.status,
        )
        self._start(QuizAttempt(self.bank, self.learner, self._first_attempt_number()))

    # ------------------------------------------------------------------ building

    def _first_attempt_number(self) -> int:
        """Continue the learner's attempt count, so a restarted kernel gives a new layout."""
        if self.store is None or self.module is None:
            return 1
        progress = self.store.module(self.module)
        self._show_store_message()
        check = progress.checks.get(self.bank.id) if progress is not None else None
        return check.attempts + 1 if check is not None else 1

    def _start(self, attempt: QuizAttempt) -> None:
        self.attempt = attempt
        self.controls = {}
        self.feedback = {}
        boxes = [self._question_box(n, q) for n, q in enumerate(attempt.questions, start=1)]
        self._questions_box.children = tuple(boxes)
        self._header.value = (
            f"<h3>{esc(self.bank.title)}</h3>"
            + (f"<p>{esc(self.bank.description)}</p>" if self.bank.description else "")
            + f"<p>{len(attempt.questions)} questions · pass mark "
            f"{_percent(self.bank.pass_mark)} · attempt {attempt.number}. Answer every question, "
            "then press <em>Submit answers</em>.</p>"
        )
        self.status.value = ""
        self.submit_button.disabled = False
        self.retry_button.disabled = True

    def _question_box(self, number: int, question: Question) -> widgets.VBox:
        box, self.controls[question.id], self.feedback[question.id] = question_box(
            number, question, self.attempt)
        return box

    def _set_disabled(self, disabled: bool) -> None:
        for control in self.controls.values():
            for part in control if isinstance(control, list) else [control]:
                part.disabled = disabled

    def submit(self) -> AttemptResult | None:
        """Check the answers (the Submit button calls this). Returns the result, or None when
        some question is unanswered (the status line then says which)."""
        for question in self.attempt.questions:
            self.attempt.answer(question.id, read_answer(question, self.controls[question.id]))
        try:
            result = self.attempt.submit()
        except AnswerError as error:
            self.status.value = f'<p role="alert"><strong>{esc(error)}</strong></p>'
            return None
        self._set_disabled(True)
        for question_result in result.results:
            self.feedback[question_result.question.id].value = self._feedback_html(
                question_result
            )
        self.status.value = self._summary_html(result) + self._record(result)
        self.submit_button.disabled = True
        self.retry_button.disabled = False
        return result

    def retry(self) -> None:
        """Start the next attempt: cleared answers, options in a new order."""
        self._start(self.attempt.retry())

    # ------------------------------------------------------------------ rendering

    def _record(self, result: AttemptResult) -> str:
        if self.store is None or self.module is None:
            return ""
        try:
            progress = self.store.record(
                self.module, float(result.score), check=self.bank.id,
                pass_mark=self.bank.pass_mark,
            )
        except OSError as error:
            return (
                f'<p role="alert">Your score could not be saved ({esc(error)}). Your answers '
                "and feedback above are not affected.</p>"
            )
        finally:
            self._show_store_message()
        state = "completed" if progress.completed else "not completed yet"
        return (
            f"<p>Saved to your progress: module {esc(self.module)} is {state}; best score "
            f"{_percent(progress.checks[self.bank.id].best_score)} over "
            f"{progress.checks[self.bank.id].attempts} attempt(s).</p>"
        )

    def _show_store_message(self) -> None:
        if self.store is not None and self.store.message:
            self.notice.value = f'<p role="alert">⚠ {esc(self.store.message)}</p>'

    def _summary_html(self, result: AttemptResult) -> str:
        verdict = "Passed" if result.passed else "Not passed yet"
        return (
            f"<h4>Score: {_percent(result.score)} — {verdict}</h4>"
            f"<p>{result.fully_correct} of {len(result.results)} questions fully correct; "
            f"pass mark {_percent(self.bank.pass_mark)}. Partly right answers earn part of "
            "the marks. Read the feedback under each question, then use <em>Try again</em> "
            "if you like: the options will be in a new order.</p>"
            f"<p><small>{esc(TITLE_NOTE)}</small></p>"
        )

    def _feedback_html(self, result: QuestionResult) -> str:
        text, colour = _VERDICT[result.verdict]
        parts = [
            f'<div role="status"><p><strong style="color:{colour}">{text}</strong> '
            f"({_marks(result.score)} of 1 mark)</p><ul>"
        ]
        for outcome in result.options:
            parts.append(
                f"<li><strong>{esc(outcome.option.text)}</strong> — "
                f"<em>{esc(outcome.verdict)}</em>. {esc(outcome.option.feedback)}</li>"
            )
        for position in result.positions:
            where = (
                "in the right place"
                if position.correct
                else f"belongs in position {position.placed_belongs_at}"
            )
            mark = "✓" if position.correct else "✗"
            parts.append(
                f"<li>Position {position.position}: <strong>{esc(position.placed.text)}</strong>"
                f" — {mark} <em>{where}</em>. {esc(position.placed.feedback)}</li>"
            )
        references = "; ".join(
            esc(self._clauses[ref].marked_label) for ref in result.question.clauses
        )
        see = f"<p><small>See: {references}</small></p>" if references else ""
        parts.append(f"</ul><p>{esc(result.question.explanation)}</p>{see}</div>")
        return "".join(parts)


# The controls of one question, shared by the module knowledge checks (Quiz) and the
# dashboard's self-test, so both look and behave alike.

def question_box(number: int, question: Question,
                 attempt: QuizAttempt) -> tuple[widgets.VBox, Any, widgets.HTML]:
    """A bordered box with the question, its labelled answer control(s) and an empty feedback
    area; returns (box, control, feedback). `control` is a widget, or a list of them for
    multiple-choice and ordering questions."""
    intro = f"<p><strong>Question {number}.</strong> "
    if question.vignette:
        intro += f"<em>Scenario.</em></p><blockquote>{esc(question.vignette)}</blockquote><p>"
    intro += f"{esc(question.prompt)}<br><small>{esc(question.instruction)}</small></p>"
    control = answer_control(number, question, attempt)
    feedback = widgets.HTML()
    parts = control if isinstance(control, list) else [control]
    box = widgets.VBox(
        [widgets.HTML(intro), *parts, feedback],
        layout=widgets.Layout(border="1px solid #cccccc", padding="4px 12px", margin="6px 0"),
    )
    return box, control, feedback


def answer_control(number: int, question: Question, attempt: QuizAttempt) -> Any:
    """Radio buttons for single/true-false/scenario, check boxes for multiple choice,
    one drop-down per position for ordering — standard, keyboard-operable controls."""
    if question.type == "multiple":
        return [
            widgets.Checkbox(
                value=False,
                description=option.text,
                indent=False,
                tooltip=f"Question {number}: tick if this option is correct",
                layout=widgets.Layout(width="auto"),
            )
            for option in question.options
        ]
    if question.type == "ordering":
        return ordering_dropdowns(number, question, attempt)
    return widgets.RadioButtons(
        options=[(option.text, option.id) for option in question.options],
        value=None,
        description=f"Question {number}",
        tooltip=f"Answer to question {number}",
        style=LABEL_STYLE,
        layout=widgets.Layout(width="auto"),
    )


def ordering_dropdowns(number: int, question: Question,
                       attempt: QuizAttempt) -> list[widgets.Dropdown]:
    """One drop-down per position, starting from the attempt's shuffled order. Choosing an
    item that another position holds swaps the two, so every item is always used once."""
    start = attempt.start_order(question.id)
    texts = {item.id: item.text for item in question.items}
    options = [(texts[item_id], item_id) for item_id in start]
    dropdowns = [
        widgets.Dropdown(
            options=options,
            value=item_id,
            description=f"Position {position}",
            tooltip=f"Question {number}: the item that comes in position {position}",
            style=LABEL_STYLE,
            layout=widgets.Layout(width="auto"),
        )
        for position, item_id in enumerate(start, start=1)
    ]

    def swap(change: dict[str, Any]) -> None:
        for other in dropdowns:
            if other is not change["owner"] and other.value == change["new"]:
                other.value = change["old"]

    for dropdown in dropdowns:
        dropdown.observe(swap, names="value")
    return dropdowns


def read_answer(question: Question, control: Any) -> Any:
    """The learner's answer as the question core expects it."""
    if question.type == "multiple":
        return [o.id for o, box in zip(question.options, control, strict=True) if box.value]
    if question.type == "ordering":
        return [dropdown.value for dropdown in control]
    return control.value
