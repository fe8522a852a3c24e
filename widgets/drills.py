"""A sorting drill as a notebook widget: one case at a time, choose, check, read, move on.

A thin view over widgets.core.practice.drills. It shows the current case, a labelled chooser (radio
buttons for a few categories, a drop-down for many, such as the principles of clause 4), a Check
button, the feedback the core gives (correct, defensible or not, with the reason and clause
references) and a Next button; after the last case it shows the score and the cases to look
at again, and Start again brings the cases in a new order. Drills are practice: nothing is
recorded as progress (the module's knowledge check does that).

    from widgets.drills import DrillCard
    DrillCard("principle-cases")
"""

from __future__ import annotations

from pathlib import Path

import ipywidgets as widgets

from widgets.core.course.clauses import TITLE_NOTE, load_clauses
from widgets.core.practice.drills import CaseOutcome, DrillRun, load_drill
from widgets.look import CAUTION, ERROR, LABEL_STYLE, OK, esc, wide

RADIO_LIMIT = 5  # more categories than this are offered in a drop-down
_VERDICT = {
    "correct": ("✓ Correct", OK),
    "defensible": ("◐ Defensible, but not the best answer", CAUTION),
    "incorrect": ("✗ Not the best answer", ERROR),
}


class DrillCard(widgets.VBox):
    """One drill, case by case. ``seed`` shuffles the order reproducibly (None: file order).

    For tests: ``run`` (the core run), ``chooser``, ``check_button``, ``next_button``,
    ``restart_button``, ``case_html``, ``feedback`` and ``status``.
    """

    def __init__(self, drill_id_or_path: str | Path, *, seed: int | None = 1) -> None:
        super().__init__()
        self.drill = load_drill(drill_id_or_path)
        self._clauses = load_clauses()
        options = [("— choose —", None)] + [(c.label, c.id) for c in self.drill.categories]
        if len(self.drill.categories) > RADIO_LIMIT:
            self.chooser = widgets.Dropdown(options=options, value=None, description="Answer",
                                            style=LABEL_STYLE, layout=wide())
        else:
            self.chooser = widgets.RadioButtons(options=options[1:], value=None,
                                                description="Answer", style=LABEL_STYLE,
                                                layout=widgets.Layout(width="auto"))
        self.chooser.tooltip = "Your answer for this case"
        self.check_button = widgets.Button(description="Check", button_style="primary",
                                           tooltip="Check your answer for this case")
        self.next_button = widgets.Button(description="Next case", tooltip="Go to the next case")
        self.restart_button = widgets.Button(description="Start again",
                                             tooltip="All cases again, in a new order")
        self.check_button.on_click(lambda _: self.check())
        self.next_button.on_click(lambda _: self.advance())
        self.restart_button.on_click(lambda _: self.restart())
        self.case_html = widgets.HTML()
        self.feedback = widgets.HTML()
        self.status = widgets.HTML()
        self.children = (
            widgets.HTML(f"<h3>{esc(self.drill.title)}</h3><p>{esc(self.drill.instructions)}"
                         "</p>"),
            self.status,
            self.case_html,
            self.chooser,
            widgets.HBox([self.check_button, self.next_button, self.restart_button]),
            self.feedback,
        )
        self._start(DrillRun(self.drill, seed))

    def _start(self, run: DrillRun) -> None:
        self.run = run
        self._show_case()

    def _show_case(self) -> None:
        run = self.run
        self.feedback.value = ""
        self.chooser.value = None
        if run.finished:
            self.case_html.value = ""
            self.chooser.layout.display = "none"
            self.check_button.disabled = self.next_button.disabled = True
            self.status.value = self._summary()
            return
        self.chooser.layout.display = None
        self.chooser.disabled = False
        self.check_button.disabled = False
        self.next_button.disabled = True
        self.status.value = (f"<p>Case {run.position} of {run.total} · {run.correct} correct "
                             "so far</p>")
        self.case_html.value = (f'<blockquote style="margin:4px 0">{esc(run.current.text)}'
                                "</blockquote>")

    def check(self) -> CaseOutcome | None:
        """Check the chosen answer (the Check button). None, with a prompt, if none chosen."""
        if self.chooser.value is None:
            self.feedback.value = '<p role="alert">Choose an answer first.</p>'
            return None
        outcome = self.run.check(self.chooser.value)
        text, colour = _VERDICT[outcome.verdict]
        references = "; ".join(esc(self._clauses[c].marked_label) for c in outcome.case.clauses)
        self.feedback.value = (
            f'<div role="status"><p><strong style="color:{colour}">{text}</strong></p>'
            f"<p>{esc(outcome.comment)}</p><p><small>See: {references}</small></p></div>"
        )
        self.chooser.disabled = True
        self.check_button.disabled = True
        self.next_button.disabled = False
        self.next_button.description = "Next case" if self.run.position < self.run.total \
            else "See my score"
        self.status.value = (f"<p>Case {self.run.position} of {self.run.total} · "
                             f"{self.run.correct} correct so far</p>")
        return outcome

    def advance(self) -> None:
        """Go to the next case, or to the summary after the last (the Next button)."""
        self.run.advance()
        self._show_case()

    def restart(self) -> None:
        """All cases again in a new order (the Start again button)."""
        self._start(self.run.restart())

    def _summary(self) -> str:
        run = self.run
        missed = "".join(
            f"<li>{esc(o.case.text[:90])}{'…' if len(o.case.text) > 90 else ''} — best "
            f"answer: <strong>{esc(o.best.label)}</strong></li>" for o in run.missed
        )
        again = (f"<p>Worth another look:</p><ul>{missed}</ul>" if missed
                 else "<p>Every case right. Well done.</p>")
        return (f"<h4>{run.correct} of {run.total} cases right "
                f"({round(float(run.score) * 100)}%)</h4>{again}"
                "<p>Press <em>Start again</em> to practise once more with the cases in a new "
                f"order.</p><p><small>{esc(TITLE_NOTE)}</small></p>")
