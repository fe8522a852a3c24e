"""Views for module 05 (clauses 8.3, 8.4): a monthly monitoring board (KPIs against targets and
a control chart) and a fairness comparison between groups of complainants. Thin views over
widgets.core.complaints.monitoring.

    from widgets.monitoring import MonitoringBoard, FairnessView
    MonitoringBoard()
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import pandas as pd

from widgets.analysis import sample_log, show_figure
from widgets.core.complaints.monitoring import (
    control_chart_figure,
    fairness_table,
    kpi_p_chart,
    kpi_series,
    kpi_trend_figure,
    monthly_kpis,
    months_meeting_target,
    target_level,
)
from widgets.core.complaints.policy import Policy, load_policy
from widgets.look import LABEL_STYLE, esc

TREND, CONTROL = "trend", "control"
FAIRNESS_GROUPS = (("Vulnerable customer", "vulnerable"), ("Customer segment", "customer_segment"),
                   ("Channel", "channel"))
STEPS = (("First response", "first_response"), ("Acknowledgement", "acknowledge"),
         ("Decision", "resolve"))


def _label(value: object) -> str:
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    return str(value).replace("_", " ")


class MonitoringBoard(widgets.VBox):
    """Pick a KPI; see it month by month against the policy target, or as a p-chart whose
    limits come from a baseline year."""

    def __init__(self, frame: pd.DataFrame | None = None, policy: Policy | None = None,
                 *, baseline: tuple[str, str] | None = None) -> None:
        self.frame = frame if frame is not None else sample_log()
        self.policy = policy if policy is not None else load_policy()
        self.monthly = monthly_kpis(self.frame, self.policy)
        months = self.monthly["month"].drop_duplicates().sort_values()
        # Control limits from the first twelve months unless told otherwise: a year of how the
        # process ran, against which later months are judged.
        self.baseline = baseline or (str(months.iloc[0]),
                                     str(months.iloc[min(11, len(months) - 1)]))
        measured = self.monthly.groupby("key", sort=False)["value"].apply(
            lambda values: values.notna().any())
        labels = self.monthly.drop_duplicates("key").set_index("key")["label"]
        self.kpi = widgets.Dropdown(
            options=[(labels[k], k) for k in measured.index if measured[k]],
            description="KPI", style=LABEL_STYLE)
        self.view = widgets.ToggleButtons(
            options=[("Against target", TREND), ("Control chart", CONTROL)], description="Show",
            style=LABEL_STYLE)
        self.summary = widgets.HTML()
        self.chart = widgets.Output()
        for control in (self.kpi, self.view):
            control.observe(lambda _c: self.redraw(), names="value")
        super().__init__([widgets.HBox([self.kpi, self.view]), self.summary, self.chart])
        self.redraw()

    def redraw(self) -> None:
        """Redraw the chosen KPI in the chosen view and restate what it shows."""
        key = self.kpi.value
        series = kpi_series(self.monthly, key)
        label = str(series["label"].iloc[0])
        target = target_level(self.policy, key)
        met, judged = months_meeting_target(series)
        verdict = (f"target {series['target'].iloc[0]} met in {met} of {judged} months"
                   if judged else "the policy sets no target for it")
        waiting = int(series["awaiting"].iloc[-1])
        if waiting:
            verdict += (f"; {waiting} complaints of the last month still await the event, so "
                        "that month looks better than it will be")
        if self.view.value == CONTROL:
            if (series["unit"] != "share").any():
                self.summary.value = (f"<p>{esc(label)} is not a share of complaints, so a "
                                      "p-chart does not fit it; choose a rate or a time KPI.</p>")
                self.chart.outputs = ()
                return
            chart = kpi_p_chart(self.monthly, key, baseline=self.baseline)
            flagged = chart[chart["signal"] != ""]
            signals = ", ".join(f"{m:%b %Y} ({s})" for m, s in flagged["signal"].items())
            self.summary.value = (
                f"<p>{esc(label)}: centre line {chart['centre'].iloc[0]:.1%} and 3-sigma "
                f"limits from {esc(self.baseline[0])} to {esc(self.baseline[1])}. "
                f"Signals: {esc(signals) or 'none'}. ({esc(verdict)}.)</p>")
            show_figure(self.chart, control_chart_figure(
                chart, target=target[0] if target else None))
        else:
            self.summary.value = f"<p>{esc(label)}: {esc(verdict)}.</p>"
            show_figure(self.chart, kpi_trend_figure(series, label, target))


class FairnessView(widgets.VBox):
    """Compare timeliness and first-contact resolution between groups of complainants."""

    def __init__(self, frame: pd.DataFrame | None = None, policy: Policy | None = None) -> None:
        self.frame = frame if frame is not None else sample_log()
        self.policy = policy if policy is not None else load_policy()
        self.by = widgets.Dropdown(options=FAIRNESS_GROUPS, description="Compare by",
                                   style=LABEL_STYLE)
        self.step = widgets.Dropdown(options=STEPS, description="Time to", style=LABEL_STYLE)
        self.result = widgets.HTML()
        self.table = pd.DataFrame()
        for control in (self.by, self.step):
            control.observe(lambda _c: self.redraw(), names="value")
        super().__init__([widgets.HBox([self.by, self.step]), self.result])
        self.redraw()

    def redraw(self) -> None:
        """Recompute the table for the chosen grouping and step."""
        self.table = fairness_table(self.frame, self.policy, by=self.by.value,
                                    step=self.step.value)
        target, promise = self.table.attrs["target_days"], self.table.attrs["promise_days"]
        headers = ["group", "complaints", "median business days", "mean business days",
                   f"within {target} business days (policy)"]
        if promise:
            headers.append(f"within {promise} business days (vulnerable promise)")
        headers.append("first-contact resolution")
        rows = []
        for value, row in self.table.iterrows():
            cells = [_label(value), f"{row['complaints']:,.0f}", f"{row['median']:.1f}",
                     f"{row['mean']:.2f}", f"{row['within_target']:.1%}"]
            if promise:
                cells.append(f"{row['within_promise']:.1%}")
            cells.append(f"{row['fcr']:.1%}")
            rows.append("".join(f"<td>{esc(c)}</td>" for c in cells))
        slowest = self.table["mean"].idxmax()
        fastest = self.table["mean"].idxmin()
        self.result.value = (
            "<table><tr>" + "".join(f"<th>{esc(h)}</th>" for h in headers) + "</tr>"
            + "".join(f"<tr>{r}</tr>" for r in rows) + "</table>"
            f"<p>Longest mean wait: {esc(self.by.label.lower())} = {esc(_label(slowest))} "
            f"({self.table.loc[slowest, 'mean']:.2f} business days), against "
            f"{self.table.loc[fastest, 'mean']:.2f} for {esc(_label(fastest))}.</p>")
