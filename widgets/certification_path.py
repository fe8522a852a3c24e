"""The certification path as a notebook widget: order the steps, then plan the cycle.

A thin view over widgets.core.practice.certification_path. Part one is an ordering exercise: one
drop-down per position, starting shuffled; choosing a step that another position holds swaps the
two, so every step is always used once. "Check the order" scores it like a knowledge-check
ordering question and reveals the path with what happens at each step. Part two turns a
certification date into the typical calendar of the three-year cycle. Practice only: nothing
is recorded as progress.

    from widgets.certification_path import CertificationRoadmap
    CertificationRoadmap()
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import ipywidgets as widgets

from widgets.core.course.clauses import TITLE_NOTE, load_clauses
from widgets.core.course.questions import QuestionResult
from widgets.core.practice.certification_path import (
    certificate_cycle,
    check_order,
    load_certification_path,
    start_order,
)
from widgets.look import ERROR, LABEL_STYLE, OK, esc


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _verdict(correct: bool, belongs_at: int) -> str:
    """A table cell saying, in words and colour, whether a step is in its place."""
    if correct:
        return f"<td style='color:{OK}'>✓ right place</td>"
    return f"<td style='color:{ERROR}'>✗ belongs at {belongs_at}</td>"


class CertificationRoadmap(widgets.VBox):
    """Order the steps to a certificate; see the cycle's dates for a decision date.

    For tests: ``path`` (the core data), ``dropdowns`` (one per position), ``check_button``,
    ``feedback``, ``result`` (the last QuestionResult), ``decision_date`` and ``calendar``.
    """

    def __init__(self, seed: int = 1, decision: dt.date = dt.date(2025, 3, 14)) -> None:
        super().__init__()
        self.path = load_certification_path()
        self._clauses = load_clauses()
        self._seed = seed
        self.result: QuestionResult | None = None
        titles = {step.id: step.title for step in self.path.steps}
        options = [(titles[step_id], step_id) for step_id in start_order(self.path, seed)]
        self.dropdowns = [
            widgets.Dropdown(options=options, value=step_id, description=f"Step {position}",
                             tooltip=f"The step that comes in position {position}",
                             style=LABEL_STYLE, layout=widgets.Layout(width="auto"))
            for position, (_, step_id) in enumerate(options, start=1)
        ]
        for dropdown in self.dropdowns:
            dropdown.observe(self._swap, names="value")
        self.check_button = widgets.Button(description="Check the order", button_style="primary",
                                           tooltip="Score your order and show the path")
        self.retry_button = widgets.Button(description="Shuffle again",
                                           tooltip="Start again from a new shuffled order")
        self.check_button.on_click(lambda _: self.check())
        self.retry_button.on_click(lambda _: self.shuffle())
        self.feedback = widgets.HTML()
        self.decision_date = widgets.DatePicker(value=decision,
                                                description="Certification decision on",
                                                style=LABEL_STYLE)
        self.decision_date.observe(lambda _: self._show_calendar(), names="value")
        self.calendar = widgets.HTML()
        self.children = (
            widgets.HTML(f"<h3>{esc(self.path.title)}</h3><p>{esc(self.path.note)}</p>"
                         "<p><strong>Part 1.</strong> Put the steps in the order they happen: "
                         "change a drop-down and the two steps swap places.</p>"),
            *self.dropdowns,
            widgets.HBox([self.check_button, self.retry_button]),
            self.feedback,
            widgets.HTML("<p><strong>Part 2.</strong> Choose the date the certification "
                         "body decided to certify, and see the typical calendar of the "
                         "cycle.</p>"),
            self.decision_date,
            self.calendar,
        )
        self._show_calendar()

    def _swap(self, change: dict[str, Any]) -> None:
        for other in self.dropdowns:
            if other is not change["owner"] and other.value == change["new"]:
                other.value = change["old"]

    def order(self) -> list[str]:
        """The step ids in the order the drop-downs show them."""
        return [dropdown.value for dropdown in self.dropdowns]

    def set_order(self, order: list[str]) -> None:
        """Show ``order`` in the drop-downs (what the learner does by choosing)."""
        for dropdown, step_id in zip(self.dropdowns, order, strict=True):
            dropdown.unobserve(self._swap, names="value")
            dropdown.value = step_id
            dropdown.observe(self._swap, names="value")

    def shuffle(self) -> None:
        """A new shuffled starting order (the Shuffle again button)."""
        self._seed += 1
        self.set_order(list(start_order(self.path, self._seed)))
        self.feedback.value = ""
        self.result = None

    def check(self) -> QuestionResult:
        """Score the order shown (the Check button) and reveal the path."""
        result = check_order(self.path, self.order())
        self.result = result
        right = sum(position.correct for position in result.positions)
        rows = "".join(
            f"<tr><td>{position.position}</td><td>{esc(position.placed.text)}</td>"
            f"{_verdict(position.correct, position.placed_belongs_at)}</tr>"
            for position in result.positions
        )
        path_rows = "".join(
            f"<tr><td>{n}</td><td><strong>{esc(step.title)}</strong><br>"
            f"<small>{esc(step.what)}</small></td><td>{esc(step.stage)}</td>"
            f"<td>{esc(step.who)}</td>"
            f"<td><small>{'; '.join(esc(self._clauses[c].label) for c in step.clauses)}"
            "</small></td></tr>"
            for n, step in enumerate(self.path.steps, start=1)
        )
        self.feedback.value = (
            f"<h4>{right} of {len(result.positions)} steps in the right place</h4>"
            f"<table><thead><tr><th>#</th><th>Your order</th><th></th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
            "<p><strong>The path, step by step</strong> (in practice training, documentation "
            "and the audit team's preparation overlap):</p>"
            "<table><thead><tr><th>#</th><th>Step</th><th>Stage</th><th>Who</th>"
            f"<th>Works with</th></tr></thead><tbody>{path_rows}</tbody></table>"
            f"<p><small>{esc(TITLE_NOTE)}</small></p>"
        )
        return result

    def _show_calendar(self) -> None:
        decision = self.decision_date.value
        if decision is None:
            self.calendar.value = "<p>Choose a date to see the cycle.</p>"
            return
        rows = "".join(
            f"<tr><td>{esc(_day(event.due))}</td><td><strong>{esc(event.title)}</strong></td>"
            f"<td>{esc(event.detail)}</td></tr>"
            for event in certificate_cycle(self.path, decision)
        )
        self.calendar.value = (
            "<table><thead><tr><th>By</th><th>Event</th><th>What it means</th></tr></thead>"
            f"<tbody>{rows}</tbody></table><p><small>Typical dates: each certification "
            "body's scheme sets its own audit windows.</small></p>"
        )
