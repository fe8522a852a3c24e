"""The deadline calculator: when is this complaint due, under the policy and under regulators?

A thin view over widgets.core.complaints.deadlines and widgets.core.complaints.regulators. The
learner picks when a complaint arrived, its channel and whether the customer is vulnerable or the
complaint is about safety; the view shows Harbourside's deadlines (acknowledgement 7.4, first
response 7.7, decision 7.8, following ISO 10002:2018) and, for comparison, when the same complaint
would be due under public regulators' timelines. Everything shown can be checked without a browser
through `calculator.plan` and `calculator.comparison`.

    from widgets.deadlines import DeadlineCalculator
    DeadlineCalculator()                       # the module's worked example: before Easter 2025
"""

from __future__ import annotations

import datetime as dt

import ipywidgets as widgets
import pandas as pd

from widgets.core.complaints.deadlines import (
    BASIS_TEXT,
    DeadlinePlan,
    missing_holiday_years,
    plan_deadlines,
)
from widgets.core.complaints.policy import Policy, load_policy
from widgets.core.complaints.regulators import comparison_table, load_regulators
from widgets.core.complaints.schema import CHANNELS
from widgets.look import CAUTION, ERROR, LABEL_STYLE, esc

EXAMPLE_RECEIVED = dt.datetime(2025, 4, 17, 9, 40)  # the billing-error scenario: before Easter
_TABLE = "border-collapse:collapse;margin:4px 0 10px 0"
_CELL = "border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top"


def _date(text: str) -> str:
    """A due date in bold, kept on one line."""
    return f'<strong style="white-space:nowrap">{esc(text)}</strong>'


def _table(header: list[str], rows: list[list[str]], caption: str) -> str:
    head = "".join(f'<th scope="col" style="{_CELL}">{esc(h)}</th>' for h in header)
    body = "".join("<tr>" + "".join(f'<td style="{_CELL}">{cell}</td>' for cell in row)
                   + "</tr>" for row in rows)
    return (f'<table style="{_TABLE}"><caption style="text-align:left"><strong>'
            f"{esc(caption)}</strong></caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>")


def policy_html(plan: DeadlinePlan) -> str:
    """Harbourside's deadlines for the complaint, with the rules that are not dates."""
    rows = [[esc(d.label), esc(d.target), _date(f"{d.due:%a %d %b %Y}"),
             esc(BASIS_TEXT[d.basis]), esc(f"{d.policy_section} / {', '.join(d.clauses)}")]
            for d in plan.deadlines]
    table = _table(["Step", "Target", "Due by the end of", "Applies because",
                    "Policy section / ISO 10002 clauses"], rows,
                   f"{plan.policy.organization}: deadlines for a complaint received "
                   f"{plan.received:%a %d %b %Y at %H:%M}")
    notes = "".join(f"<li>{esc(r)}</li>" for r in plan.requirements)
    return table + (f"<p>Also required:</p><ul>{notes}</ul>" if notes else "")


def regulators_html(comparison: pd.DataFrame) -> str:
    """The comparison table, one block of rows per regime, with each regime's caveat."""
    rows = []
    for regime, group in comparison.groupby("regime", sort=False):
        note = group["note"].iloc[0]
        title = f"<strong>{esc(regime)}</strong>" + (
            f"<br><small>{esc(note)}</small>" if note else "")
        for position, (_, row) in enumerate(group.iterrows()):
            rows.append([title if position == 0 else "", esc(row["milestone"]),
                         esc(row["rule"]), _date(row["due"]),
                         str(row["calendar days"]), str(row["business days"])])
    return _table(["Regime", "Milestone", "Rule", "Due", "Calendar days after receipt",
                   "Business days after receipt"], rows,
                  "The policy's deadlines next to public timelines for the same complaint "
                  "(for comparison: none of these codes binds Harbourside)")


class DeadlineCalculator(widgets.VBox):
    """Pick a complaint's receipt and flags; read its deadlines and the regulators' ones."""

    def __init__(self, received: dt.datetime = EXAMPLE_RECEIVED, *, channel: str = "email",
                 vulnerable: bool = False, safety: bool = False, compare: bool = True,
                 policy: Policy | None = None):
        self.policy = policy if policy is not None else load_policy()
        self.regulators = load_regulators()
        self.plan: DeadlinePlan | None = None
        self.comparison: pd.DataFrame | None = None
        self.date_input = widgets.DatePicker(value=received.date(), description="Received on",
                                             style=LABEL_STYLE)
        self.time_input = widgets.TimePicker(value=received.time().replace(second=0),
                                             description="at", step=60, style=LABEL_STYLE)
        self.channel_input = widgets.Dropdown(
            options=[(c.replace("_", " "), c) for c in CHANNELS], value=channel,
            description="Channel", style=LABEL_STYLE, layout=widgets.Layout(width="14em"))
        self.vulnerable_input = widgets.Checkbox(
            value=vulnerable, description="Customer on the vulnerable-customer register",
            style=LABEL_STYLE, indent=False, layout=widgets.Layout(width="auto"))
        self.safety_input = widgets.Checkbox(
            value=safety, description="Possible risk to health or safety",
            style=LABEL_STYLE, indent=False, layout=widgets.Layout(width="auto"))
        self.compare_input = widgets.Checkbox(
            value=compare, description="Compare with regulators' timelines",
            style=LABEL_STYLE, indent=False, layout=widgets.Layout(width="auto"))
        self.message = widgets.HTML()
        self.policy_view = widgets.HTML()
        self.regulators_view = widgets.HTML()
        for control in (self.date_input, self.time_input, self.channel_input,
                        self.vulnerable_input, self.safety_input, self.compare_input):
            control.observe(self._on_change, names="value")
        super().__init__([
            widgets.HTML("<p>When was the complaint received, how, and from whom? The dates "
                         "follow the policy's business days (weekends and England and Wales "
                         "public holidays excluded).</p>"),
            widgets.HBox([self.date_input, self.time_input, self.channel_input]),
            widgets.HBox([self.vulnerable_input, self.safety_input, self.compare_input]),
            self.message, self.policy_view, self.regulators_view,
        ])
        self.update()

    def received(self) -> dt.datetime | None:
        """The chosen date and time, or None while the date is empty."""
        if self.date_input.value is None:
            return None
        return dt.datetime.combine(self.date_input.value, self.time_input.value or dt.time())

    def update(self) -> None:
        """Recompute from the controls and redraw."""
        received = self.received()
        if received is None:
            self.plan = self.comparison = None
            self.message.value = (f'<p style="color:{ERROR}">Choose the date the complaint '
                                  "was received.</p>")
            self.policy_view.value = self.regulators_view.value = ""
            return
        self.plan = plan_deadlines(received, self.policy, channel=self.channel_input.value,
                                   vulnerable=self.vulnerable_input.value,
                                   safety=self.safety_input.value)
        self.policy_view.value = policy_html(self.plan)
        last = max(d.due for d in self.plan.deadlines)
        if self.compare_input.value:
            self.comparison = comparison_table(self.plan, self.regulators)
            self.regulators_view.value = regulators_html(self.comparison)
            last = max(last, received.date() + dt.timedelta(days=int(
                self.comparison["calendar days"].max())))
        else:
            self.comparison = None
            self.regulators_view.value = ""
        gaps = missing_holiday_years(self.policy, received.date(), last)
        self.message.value = "" if not gaps else (
            f'<p style="color:{CAUTION}"><strong>Caution:</strong> the policy lists no public '
            f"holidays for {', '.join(map(str, gaps))}, so business days there count weekends "
            "only and a date may be too early. Add that year's holidays to "
            "datasets/policy.yaml.</p>")

    def _on_change(self, _change: dict) -> None:
        self.update()
