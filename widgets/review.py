"""Views of module 07: a review-pack browser, a corrective-action form, the closing reflection.

Thin ipywidgets views over widgets.core.practice.review (ISO 10002:2018 8.6 and 8.7; corrective
action
in the shape of ISO 9001 10.2):

    ReviewPackView(log, policy, audit=result)   # pick a quarter, read its computed review pack
    CorrectiveActionForm(log, policy)           # write a record, check it, measure if it worked
    Reflection()                                # a few questions, saved to your work folder

State a test needs is on the object: `view.pack`, `form.check`, `form.effect`,
`reflection.saved_to`.
"""

from __future__ import annotations

import datetime as dt

import ipywidgets as widgets
import pandas as pd

from widgets.core.complaints.policy import Policy
from widgets.core.complaints.schema import CHANNELS, TEAMS
from widgets.core.practice.audit_case import CaseResult
from widgets.core.practice.review import (
    MEASURES,
    CorrectiveAction,
    CorrectiveActionCheck,
    EffectivenessCheck,
    EffectivenessResult,
    ImprovementGuide,
    Period,
    ReviewContent,
    ReviewPack,
    build_review_pack,
    check_corrective_action,
    evaluate_effectiveness,
    load_improvement_guide,
    load_reflection,
    load_review_content,
    satisfaction_shown,
    save_reflection,
)
from widgets.look import CAUTION, ERROR, LABEL_STYLE, OK, esc, problems_html, wide

_TABLE_STYLE = ("<style>.iso10002-review td, .iso10002-review th {text-align: left; "
                "padding: 2px 8px; vertical-align: top}</style>")


def _table(frame: pd.DataFrame, index: bool = True) -> str:
    return frame.to_html(index=index, escape=True, border=0, classes="iso10002-review")


def pack_html(pack: ReviewPack) -> str:
    """A review pack as the members of the review would read it."""
    held = ("" if pack.meeting.held else
            f"<p style='color:{ERROR}'><strong>This review was not held:</strong> "
            f"{esc(pack.meeting.note)}</p>")
    attention = "".join(f"<li>{esc(item)}</li>" for item in pack.attention) or "<li>none</li>"
    audit = (f"<p>{esc(pack.audit.title)}, reported {pack.audit.report_date:%d %b %Y}.</p>"
             + _table(pack.audit.findings) if pack.audit is not None
             else "<p>No audit reported since the last review.</p>")
    roots = pack.root_causes.head(5).assign(
        share=pack.root_causes["share"].head(5).map("{:.1%}".format),
        cumulative_share=pack.root_causes["cumulative_share"].head(5).map("{:.1%}".format))
    return (f"{_TABLE_STYLE}<h4>Review of {esc(pack.period.label)} — meeting "
            f"{pack.meeting.meeting:%d %b %Y}</h4>{held}"
            f"<p>{pack.complaints:,} complaints received in the quarter; inputs since "
            f"{pack.since:%d %b %Y}.</p>"
            f"<p><strong>Needs a decision</strong></p><ul>{attention}</ul>"
            f"<p><strong>Trends in performance</strong></p>{_table(pack.kpi_table())}"
            f"<p><strong>Breaches of the policy</strong></p>"
            f"{_table(pack.breach_table().drop(columns='breach'))}"
            f"<p><strong>Top root causes</strong></p>{_table(roots)}"
            f"<p><strong>Satisfaction by outcome</strong></p>"
            f"{_table(satisfaction_shown(pack.satisfaction_by_outcome))}"
            f"<p><strong>Audit results</strong></p>{audit}"
            f"<p><strong>Changes</strong></p>{_table(pack.changes_table(), index=False)}"
            f"<p><strong>Actions from earlier reviews</strong></p>"
            f"{_table(pack.actions_table(), index=False)}")


class ReviewPackView(widgets.VBox):
    """Choose a quarter; see the pack its review had (or would have had) on the table."""

    def __init__(self, frame: pd.DataFrame, policy: Policy, *, audit: CaseResult | None = None,
                 content: ReviewContent | None = None, quarter: str | None = None):
        self.frame, self.policy, self.audit = frame, policy, audit
        self.content = content if content is not None else load_review_content()
        options = [(f"{r.quarter} — meeting {r.meeting:%d %b %Y}"
                    + ("" if r.held else " (not held)"), r.quarter)
                   for r in self.content.reviews]
        self.quarter = widgets.Dropdown(options=options,
                                        value=quarter or self.content.reviews[-1].quarter,
                                        description="Review of", style=LABEL_STYLE,
                                        layout=widgets.Layout(width="auto"))
        self.output = widgets.HTML()
        self.pack: ReviewPack | None = None
        self.quarter.observe(lambda _change: self.show(), names="value")
        super().__init__([self.quarter, self.output])
        self.show()

    def show(self) -> None:
        self.pack = build_review_pack(self.frame, self.policy, self.quarter.value,
                                      content=self.content, audit=self.audit)
        self.output.value = pack_html(self.pack)


def _slices() -> list[tuple[str, dict]]:
    return ([("all complaints", {})]
            + [(f"channel: {c.replace('_', ' ')}", {"channel": c}) for c in CHANNELS]
            + [(f"team: {t.replace('_', ' ')}", {"assigned_team": t}) for t in TEAMS]
            + [("vulnerable customers", {"vulnerable": True})])


def check_html(check: CorrectiveActionCheck) -> str:
    return problems_html("Every part of the record is there.", list(check.problems),
                         list(check.notes))


def effect_html(effect: EffectivenessResult) -> str:
    colour = {True: OK, False: ERROR, None: CAUTION}[effect.effective]
    return f"<p style='color:{colour}'>{esc(effect.message)}</p>"


class CorrectiveActionForm(widgets.VBox):
    """Write a corrective action record (ISO 9001 10.2), check it, and measure on the log
    whether an action of that kind worked."""

    def __init__(self, frame: pd.DataFrame, policy: Policy, *,
                 content: ReviewContent | None = None):
        self.frame, self.policy = frame, policy
        self.content = content if content is not None else load_review_content()
        self.check: CorrectiveActionCheck | None = None
        self.effect: EffectivenessResult | None = None

        def area(label: str, hint: str) -> widgets.Textarea:
            return widgets.Textarea(description=label, placeholder=hint, style=LABEL_STYLE,
                                    layout=wide())

        self.nonconformity = area("Nonconformity", "What went wrong, with its evidence")
        self.reaction = area("Reaction", "How you controlled and corrected it, and dealt with "
                                         "the consequences")
        self.root_cause = area("Root cause", "Why it happened — ask why until you reach a "
                                             "cause you can remove")
        self.similar = area("Elsewhere?", "Does it exist, or could it occur, elsewhere?")
        self.action = area("Action", "What will remove the cause")
        self.owner = widgets.Text(description="Owner", style=LABEL_STYLE)
        self.due = widgets.DatePicker(description="Due", style=LABEL_STYLE)
        self.measure = widgets.Dropdown(
            options=[(k.replace("_", " "), k) for k, v in MEASURES.items() if v],
            description="Measure", style=LABEL_STYLE)
        self.slice = widgets.Dropdown(options=_slices(), description="Complaints",
                                      style=LABEL_STYLE)
        self.target = widgets.FloatText(description="Target", style=LABEL_STYLE,
                                        layout=widgets.Layout(width="14em"))
        self.baseline_from = widgets.DatePicker(description="Before: from", style=LABEL_STYLE)
        self.baseline_to = widgets.DatePicker(description="to", style=LABEL_STYLE)
        self.after_from = widgets.DatePicker(description="After: from", style=LABEL_STYLE)
        self.after_to = widgets.DatePicker(description="to", style=LABEL_STYLE)
        self.check_date = widgets.DatePicker(description="Check on", style=LABEL_STYLE)
        self.example_button = widgets.Button(description="Load the worked example",
                                             layout=widgets.Layout(width="auto"))
        self.check_button = widgets.Button(description="Check the record",
                                           button_style="primary")
        self.measure_button = widgets.Button(description="Measure effectiveness",
                                             button_style="primary",
                                             layout=widgets.Layout(width="auto"))
        self.feedback = widgets.HTML()
        self.example_button.on_click(lambda _b: self.load_example())
        self.check_button.on_click(lambda _b: self.run_check())
        self.measure_button.on_click(lambda _b: self.run_measure())
        super().__init__([
            self.example_button, self.nonconformity, self.reaction, self.root_cause,
            self.similar, self.action, widgets.HBox([self.owner, self.due]),
            widgets.HTML("<p><strong>Effectiveness check</strong> — the KPI, on which "
                         "complaints, before and after, and the result that counts as "
                         "'worked' (a share as 0.95 for 95%).</p>"),
            widgets.HBox([self.measure, self.slice, self.target]),
            widgets.HBox([self.baseline_from, self.baseline_to]),
            widgets.HBox([self.after_from, self.after_to]), self.check_date,
            widgets.HBox([self.check_button, self.measure_button]), self.feedback,
        ])

    def load_example(self) -> None:
        """Fill the form with the worked example of the review content."""
        record = self.content.corrective_action
        for name in ("nonconformity", "reaction", "root_cause", "similar", "action", "owner"):
            getattr(self, name).value = getattr(record, name)
        self.due.value = record.due
        check = record.effectiveness
        self.measure.value = check.measure
        self.slice.value = next(v for _, v in _slices() if v == check.filter)
        self.target.value = check.target
        self.baseline_from.value, self.baseline_to.value = check.baseline.start, check.baseline.end
        self.after_from.value, self.after_to.value = check.after.start, check.after.end
        self.check_date.value = check.check_date

    def _period(self, start: dt.date | None, end: dt.date | None) -> Period | None:
        return Period(start, end) if start is not None and end is not None else None

    def record(self) -> CorrectiveAction:
        """The form as a core record (an incomplete effectiveness check stays incomplete)."""
        baseline = self._period(self.baseline_from.value, self.baseline_to.value)
        after = self._period(self.after_from.value, self.after_to.value)
        effectiveness = None
        if baseline is not None and after is not None:
            effectiveness = EffectivenessCheck(self.measure.value, dict(self.slice.value),
                                               baseline, after, self.target.value,
                                               self.check_date.value)
        return CorrectiveAction("draft", self.nonconformity.value, self.reaction.value,
                                self.root_cause.value, self.similar.value, self.action.value,
                                self.owner.value, self.due.value, effectiveness)

    def run_check(self) -> None:
        self.check = check_corrective_action(self.record())
        self.feedback.value = check_html(self.check)

    def run_measure(self) -> None:
        record = self.record()
        if record.effectiveness is None:
            self.feedback.value = (f"<p style='color:{ERROR}'>Give both periods — before and "
                                   "after the action — to measure it.</p>")
            return
        periods = (record.effectiveness.baseline, record.effectiveness.after)
        if any(p.start > p.end for p in periods) or periods[1].start <= periods[0].end:
            self.feedback.value = (f"<p style='color:{ERROR}'>Each period must start before it "
                                   "ends, and the 'after' period must start after the 'before' "
                                   "period.</p>")
            return
        self.effect = evaluate_effectiveness(record.effectiveness, self.frame, self.policy)
        self.feedback.value = effect_html(self.effect)


class Reflection(widgets.VBox):
    """The closing reflection: one text box per prompt, saved to the learner's work folder."""

    def __init__(self, *, guide: ImprovementGuide | None = None, folder=None):
        self.guide = guide if guide is not None else load_improvement_guide()
        self.folder = folder
        self.saved_to = None
        loaded = load_reflection(folder)
        self.boxes = {
            prompt_id: widgets.Textarea(value=loaded.answers.get(prompt_id, ""),
                                        layout=widgets.Layout(width="95%", height="5em"))
            for prompt_id, _ in self.guide.reflection}
        self.save_button = widgets.Button(description="Save my reflection",
                                          button_style="primary",
                                          layout=widgets.Layout(width="auto"))
        self.status = widgets.HTML(
            f"<p style='color:{CAUTION}'>{esc(loaded.message)}</p>" if loaded.message else "")
        self.save_button.on_click(lambda _b: self.save())
        rows = []
        for prompt_id, prompt in self.guide.reflection:
            rows += [widgets.HTML(f"<p><strong>{esc(prompt)}</strong></p>"),
                     self.boxes[prompt_id]]
        super().__init__([*rows, self.save_button, self.status])

    def save(self) -> None:
        try:
            self.saved_to = save_reflection({k: b.value for k, b in self.boxes.items()},
                                            self.guide.reflection, self.folder)
        except (OSError, ValueError) as error:
            self.status.value = f"<p style='color:{ERROR}'>Not saved: {esc(error)}</p>"
            return
        self.status.value = (f"<p style='color:{OK}'>Saved to {esc(self.saved_to)} — only you "
                             "can read it.</p>")
