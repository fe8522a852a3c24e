"""The audit sampler: draw a sample, mark records against criteria, write a nonconformity.

A thin view over widgets.core.practice.audit_sampler (ISO 10002:2018 8.5, Auditing of the
complaints-handling process; sampling and findings as in ISO 19011:2018): sample controls feed
core.draw_sample, the sampled records are shown as a table in an Output, one labelled dropdown per
record marks it against the chosen criterion, and the three-part nonconformity form is checked by
core.check_statement. State a test needs is on the object: `sampler.sample`, `sampler.marks`,
`sampler.marking`, `sampler.statement_check`.

    from widgets.audit_sampler import AuditSampler
    AuditSampler()
"""

from __future__ import annotations

import ipywidgets as widgets
import pandas as pd
from IPython.display import HTML

from widgets.core.common.paths import datasets_dir
from widgets.core.complaints import load_complaints
from widgets.core.complaints.policy import Policy, load_policy
from widgets.core.practice.audit_sampler import (
    MARK_LABELS,
    MARKS,
    METHODS,
    AuditCriterion,
    AuditSample,
    JudgementCriteria,
    MarkingResult,
    NonconformityStatement,
    StatementCheck,
    check_statement,
    compare_marks,
    draw_sample,
    load_audit_criteria,
)
from widgets.look import ERROR, LABEL_STYLE, OK, esc, problems_html, wide

RECORD_COLUMNS = ("complaint_id", "received_at", "channel", "category", "vulnerable",
                  "status", "outcome", "acknowledged_at", "first_response_at", "resolved_at",
                  "closed_at", "escalation_level", "description")
_MARK_OPTIONS = [("— not marked —", None)] + [(MARK_LABELS[m], m) for m in MARKS]


def _options(frame: pd.DataFrame, column: str) -> list[tuple[str, str | None]]:
    values = sorted(frame[column].dropna().unique()) if column in frame.columns else []
    return [("any", None)] + [(str(v).replace("_", " "), v) for v in values]


def records_html(sample: AuditSample) -> str:
    """The sampled records as a table, dates with weekdays so business days can be counted."""
    columns = [c for c in RECORD_COLUMNS if c in sample.records.columns]
    table = sample.records[columns].copy()
    for column in columns:
        if pd.api.types.is_datetime64_any_dtype(table[column]):
            table[column] = table[column].dt.strftime("%a %d %b %Y %H:%M")
        elif pd.api.types.is_bool_dtype(table[column]):
            table[column] = table[column].map({True: "yes", False: "no"}, na_action="ignore")
    table = table.astype(object).where(table.notna(), "—")
    table.columns = [c.replace("_", " ") for c in columns]
    # Dates stay on one line and the description gets room to be read; a wide sample scrolls
    # sideways inside its own box instead of running off the page.
    style = ("<style>.iso10002-audit-sample td, .iso10002-audit-sample th {text-align: left; "
             "vertical-align: top; white-space: nowrap; padding: 2px 8px}"
             " .iso10002-audit-sample td:last-child {white-space: normal; min-width: 28em}"
             "</style>")
    html = table.to_html(index=False, escape=True, border=0, classes="iso10002-audit-sample")
    return f'{style}<div style="overflow-x: auto; max-width: 100%">{html}</div>'


def marking_html(result: MarkingResult, criteria: dict[str, AuditCriterion]) -> str:
    """The comparison as a table: complaint, criterion, both marks, agreement, why."""
    rows = "".join(
        f"<tr><td>{esc(c.complaint_id)}</td><td>{esc(criteria[c.rule].title)}</td>"
        f"<td>{esc(MARK_LABELS[c.auditor])}</td><td>{esc(MARK_LABELS[c.reference])}</td>"
        f"<td><strong style=\"color:{OK if c.agrees else ERROR}\">"
        f"{'agrees' if c.agrees else 'differs'}</strong></td><td>{esc(c.explanation)}</td></tr>"
        for c in result.comparisons)
    table = ("<table><thead><tr><th>Complaint</th><th>Criterion</th><th>Your mark</th>"
             "<th>Reference</th><th></th><th>Why</th></tr></thead>"
             f"<tbody>{rows}</tbody></table>") if rows else ""
    return f"<p><strong>{esc(result.summary())}</strong></p>{table}"


def statement_html(check: StatementCheck) -> str:
    """Problems to fix (or that there are none), then advice."""
    return problems_html("No problems found in the three parts.",
                         [problem.message for problem in check.problems], list(check.notes))


class AuditSampler(widgets.VBox):
    """Sample the log, mark records against the audit criteria, write a nonconformity."""

    def __init__(self, frame: pd.DataFrame | None = None, *, policy: Policy | None = None,
                 criteria: tuple[AuditCriterion, ...] | None = None, size: int = 10,
                 seed: int = 1):
        self.frame = frame if frame is not None else load_complaints(
            datasets_dir() / "complaints.csv").frame
        if self.frame.empty:
            raise ValueError("the log is empty: there is nothing to audit")
        self.policy = policy if policy is not None else load_policy()
        self.criteria = criteria if criteria is not None else load_audit_criteria()
        self.by_rule = {c.rule: c for c in self.criteria}
        self.sample: AuditSample | None = None
        self.marks: dict[tuple[str, str], str | None] = {}
        self.marking: MarkingResult | None = None
        self.statement_check: StatementCheck | None = None
        self.mark_dropdowns: dict[str, widgets.Dropdown] = {}
        self._loading_marks = False

        self.method = widgets.ToggleButtons(
            options=[("Random", "random"), ("Judgement", "judgement")], value=METHODS[0],
            description="Method", style=LABEL_STYLE)
        self.size = widgets.BoundedIntText(value=min(size, len(self.frame)), min=1,
                                           max=len(self.frame), description="Sample size",
                                           style=LABEL_STYLE, layout=widgets.Layout(width="14em"))
        self.seed = widgets.IntText(value=seed, description="Seed", style=LABEL_STYLE,
                                    layout=widgets.Layout(width="10em"))
        self.take_all = widgets.Checkbox(value=False, indent=False,
                                         description="Take every record that meets the criteria")
        self.channel = widgets.Dropdown(options=_options(self.frame, "channel"),
                                        description="Channel", style=LABEL_STYLE)
        self.category = widgets.Dropdown(options=_options(self.frame, "category"),
                                         description="Category", style=LABEL_STYLE)
        self.vulnerable = widgets.Dropdown(
            options=[("any", None), ("vulnerable", True), ("not vulnerable", False)],
            description="Customer", style=LABEL_STYLE)
        self.closed_from = widgets.DatePicker(description="Closed from", style=LABEL_STYLE)
        self.closed_to = widgets.DatePicker(description="Closed to", style=LABEL_STYLE)
        self.criteria_box = widgets.VBox([
            widgets.HTML("<p>Judgement: select records on what you want to test.</p>"),
            widgets.HBox([self.channel, self.category, self.vulnerable]),
            widgets.HBox([self.closed_from, self.closed_to]),
            self.take_all,
        ], layout=widgets.Layout(display="none"))
        self.draw_button = widgets.Button(description="Draw sample", button_style="primary")
        self.sample_info = widgets.HTML()
        self.records = widgets.Output()

        self.criterion = widgets.Dropdown(
            options=[(f"{c.title} (policy {c.policy_section}; ISO 10002 {c.clause})", c.rule)
                     for c in self.criteria],
            description="Criterion", style=LABEL_STYLE, layout=wide())
        self.requirement = widgets.HTML()
        self.mark_box = widgets.VBox()
        self.compare_button = widgets.Button(description="Compare with the reference",
                                             layout=widgets.Layout(width="auto"))
        self.marking_feedback = widgets.HTML()

        self.nc_criterion = widgets.Textarea(
            description="Criterion", style=LABEL_STYLE, layout=wide(),
            placeholder="The requirement and where it is written, e.g. policy 4.2")
        self.nc_evidence = widgets.Textarea(
            description="Evidence", style=LABEL_STYLE, layout=wide(),
            placeholder="What you saw, with complaint IDs and dates")
        self.nc_statement = widgets.Textarea(
            description="Statement", style=LABEL_STYLE, layout=wide(),
            placeholder="Which requirement was not met")
        self.check_button = widgets.Button(description="Check statement",
                                           button_style="primary")
        self.statement_feedback = widgets.HTML()

        self.method.observe(self._on_method, names="value")
        self.draw_button.on_click(lambda _b: self.draw())
        self.criterion.observe(lambda _change: self._show_criterion(), names="value")
        self.compare_button.on_click(lambda _b: self.compare())
        self.check_button.on_click(lambda _b: self.check())
        criteria_list = "".join(
            f"<li><strong>{esc(c.title)}</strong> (policy {esc(c.policy_section)}; "
            f"ISO 10002 {esc(c.clause)}): {esc(c.requirement_text(self.policy))}</li>"
            for c in self.criteria)
        super().__init__([
            widgets.HTML("<h4>1. Sample</h4><p>Auditing the complaints-handling process "
                         "(clause 8.5, following ISO 10002:2018): record the population, the "
                         "method and the sampling risk (ISO 19011 A.6).</p>"),
            self.method,
            widgets.HBox([self.size, self.seed]),
            self.criteria_box,
            self.draw_button,
            self.sample_info,
            self.records,
            widgets.HTML("<h4>2. Mark the records</h4>"),
            self.criterion,
            self.requirement,
            self.mark_box,
            self.compare_button,
            self.marking_feedback,
            widgets.HTML("<h4>3. Write the nonconformity</h4><details><summary>Audit criteria"
                         f"</summary><ul>{criteria_list}</ul></details>"),
            self.nc_criterion,
            self.nc_evidence,
            self.nc_statement,
            self.check_button,
            self.statement_feedback,
        ])
        self._show_criterion()
        self.draw()

    # sampling ----------------------------------------------------------------------------
    def _on_method(self, change: dict) -> None:
        self.criteria_box.layout.display = "" if change["new"] == "judgement" else "none"

    def judgement_criteria(self) -> JudgementCriteria:
        """The judgement controls as core criteria ('any' is None)."""
        return JudgementCriteria(channel=self.channel.value, vulnerable=self.vulnerable.value,
                                 category=self.category.value,
                                 closed_from=self.closed_from.value,
                                 closed_to=self.closed_to.value)

    def draw(self) -> None:
        """Draw a sample from the controls; a bad choice is explained, never raised."""
        judgement = self.method.value == "judgement"
        try:
            sample = draw_sample(
                self.frame, self.method.value,
                size=None if judgement and self.take_all.value else self.size.value,
                seed=self.seed.value,
                criteria=self.judgement_criteria() if judgement else None)
        except ValueError as error:
            kept = " The previous sample is kept." if self.sample is not None else ""
            self.sample_info.value = f'<p style="color:{ERROR}">{esc(error)}.{kept}</p>'
            return
        self.sample, self.marks, self.marking = sample, {}, None
        self.statement_check = None
        self.sample_info.value = f"<p>{esc(sample.describe())}</p>"
        self.records.outputs = ()
        self.records.append_display_data(HTML(records_html(sample)))
        self.mark_dropdowns = {}
        for complaint_id in sample.ids:
            dropdown = widgets.Dropdown(options=_MARK_OPTIONS, value=None,
                                        description=complaint_id, style=LABEL_STYLE,
                                        tooltip=f"Your mark for {complaint_id}")
            dropdown.observe(lambda change, cid=complaint_id: self._on_mark(cid, change),
                             names="value")
            self.mark_dropdowns[complaint_id] = dropdown
        self.mark_box.children = list(self.mark_dropdowns.values())
        self.marking_feedback.value = ""
        self.statement_feedback.value = ""

    # marking -----------------------------------------------------------------------------
    def _show_criterion(self) -> None:
        criterion = self.by_rule[self.criterion.value]
        self.requirement.value = (f"<p><strong>Requirement:</strong> "
                                  f"{esc(criterion.requirement_text(self.policy))}</p>")
        self._loading_marks = True
        try:
            for complaint_id, dropdown in self.mark_dropdowns.items():
                dropdown.value = self.marks.get((complaint_id, criterion.rule))
        finally:
            self._loading_marks = False

    def _on_mark(self, complaint_id: str, change: dict) -> None:
        if not self._loading_marks:
            self.marks[(complaint_id, self.criterion.value)] = change["new"]

    def compare(self) -> None:
        """Compare the marks made so far (any criteria) with the reference."""
        if self.sample is None:
            return
        self.marking = compare_marks(self.sample, self.marks, self.policy, self.criteria)
        self.marking_feedback.value = marking_html(self.marking, self.by_rule)

    # statement ---------------------------------------------------------------------------
    def check(self) -> None:
        """Check the three-part statement against the current sample."""
        if self.sample is None:
            return
        statement = NonconformityStatement(self.nc_criterion.value, self.nc_evidence.value,
                                           self.nc_statement.value)
        self.statement_check = check_statement(statement, self.sample, self.policy,
                                               self.criteria)
        self.statement_feedback.value = statement_html(self.statement_check)
