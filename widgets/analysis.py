"""Views for module 04 (clause 8.2): a monthly-trend explorer, an issue classifier and a
"guess, then reveal" prediction. Thin views over widgets.core.complaints.analysis.

    from widgets.analysis import TrendExplorer, IssueExplorer, Prediction
    TrendExplorer(marker=("2025-03-03", "new billing system"))
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import ipywidgets as widgets
import pandas as pd
from IPython.display import Image
from matplotlib.figure import Figure

from widgets.core.common.paths import datasets_dir
from widgets.core.complaints import load_complaints
from widgets.core.complaints.analysis import (
    ISSUE_CLASSES,
    IssueRule,
    before_after,
    classify_issues,
    issue_summary,
    monthly_counts,
    trend_figure,
)
from widgets.look import ERROR, LABEL_STYLE, OK, esc

BREAKDOWNS = (("Category", "category"), ("Channel", "channel"), ("Product", "product"),
              ("Team", "assigned_team"), ("Severity", "severity"))
ALL = "__all__"


def _label(value: object) -> str:
    return str(value).replace("_", " ")


def sample_log() -> pd.DataFrame:
    """The course's sample complaint log, loaded with the one loader."""
    return load_complaints(datasets_dir() / "complaints.csv").frame


def show_figure(output: widgets.Output, figure: Figure) -> None:
    """Replace what `output` shows with the figure as a PNG (the same in Lab and Voilà)."""
    png = io.BytesIO()
    figure.savefig(png, format="png", dpi=96)
    output.outputs = ()
    output.append_display_data(Image(data=png.getvalue(), format="png"))


class TrendExplorer(widgets.VBox):
    """Complaints per month for one value of a column, with a dated change marked and the
    three months from the change compared with the same months a year earlier."""

    def __init__(self, frame: pd.DataFrame | None = None, *,
                 marker: tuple[str, str] | None = None, column: str = "category",
                 value: str | None = None) -> None:
        self.frame = frame if frame is not None else sample_log()
        self.marker = marker
        columns = [(label, c) for label, c in BREAKDOWNS if c in self.frame.columns]
        self.column = widgets.Dropdown(options=columns, value=column, description="Break down by",
                                       style=LABEL_STYLE)
        self.value = widgets.Dropdown(description="Show", style=LABEL_STYLE)
        self.summary = widgets.HTML()
        self.chart = widgets.Output()
        self.counts = pd.Series(dtype="int64")
        self._filling = False
        self.column.observe(lambda _c: self._fill_values(None), names="value")
        self.value.observe(lambda _c: None if self._filling else self.redraw(), names="value")
        super().__init__([widgets.HBox([self.column, self.value]), self.summary, self.chart])
        self._fill_values(value)

    def _fill_values(self, value: str | None) -> None:
        """Offer the chosen column's values ('all complaints' first) and redraw once."""
        values = sorted(self.frame[self.column.value].dropna().unique())
        self._filling = True
        try:
            self.value.options = [("all complaints", ALL)] + [(_label(v), v) for v in values]
            self.value.value = value if value in values else ALL
        finally:
            self._filling = False
        self.redraw()

    def redraw(self) -> None:
        """Recount, redraw and restate the before/after comparison."""
        chosen = self.value.value
        if chosen is None:
            return
        if chosen == ALL:
            self.counts = monthly_counts(self.frame)["complaints"]
            what, where = "All complaints", None
        else:
            self.counts = monthly_counts(self.frame, self.column.value)[chosen]
            what = f"{_label(self.column.value).capitalize()} '{_label(chosen)}'"
            where = self.frame[self.column.value] == chosen
        text = f"{what}: {int(self.counts.sum()):,} complaints in {len(self.counts)} months."
        if self.marker is not None:
            comparison = before_after(self.frame, self.marker[0], months=3, where=where)
            text += " " + comparison.sentence(
                f"In the three months from the {self.marker[1]}, against the same months a "
                "year earlier") + "."
        self.summary.value = f"<p>{esc(text)}</p>"
        show_figure(self.chart, trend_figure(self.counts, f"{what}, per month received",
                                             self.marker))


def _period_options(frame: pd.DataFrame) -> list[tuple[str, tuple[str, str] | None]]:
    months = frame["received_at"].dt.to_period("M")
    quarters = pd.period_range(months.min().asfreq("Q"), months.max().asfreq("Q"), freq="Q")
    options: list[tuple[str, tuple[str, str] | None]] = [("whole log", None)]
    for quarter in quarters:
        first, last = quarter.asfreq("M", "start"), quarter.asfreq("M", "end")
        options.append((f"{quarter.year} Q{quarter.quarter} ({first:%b}–{last:%b})",
                        (str(first), str(last))))
    return options


class IssueExplorer(widgets.VBox):
    """Classify every issue (subcategory × root cause) of a period as single, recurring or
    systemic with the course's rule, and move the rule's thresholds to see what changes."""

    def __init__(self, frame: pd.DataFrame | None = None, *, top: int = 5) -> None:
        self.frame = frame if frame is not None else sample_log()
        self.top = top
        defaults = IssueRule()
        self.period = widgets.Dropdown(options=_period_options(self.frame),
                                       description="Period", style=LABEL_STYLE)
        self.min_customers = widgets.IntSlider(
            value=defaults.min_customers, min=2, max=40, description="Systemic: customers ≥",
            continuous_update=False, style=LABEL_STYLE)
        self.min_month_share = widgets.FloatSlider(
            value=defaults.min_month_share, min=0.1, max=1.0, step=0.1, readout_format=".0%",
            description="… in months ≥", continuous_update=False, style=LABEL_STYLE)
        self.result = widgets.HTML()
        self.issues = pd.DataFrame()
        for control in (self.period, self.min_customers, self.min_month_share):
            control.observe(lambda _c: self.redraw(), names="value")
        super().__init__([self.period, widgets.HBox([self.min_customers, self.min_month_share]),
                          self.result])
        self.redraw()

    def redraw(self) -> None:
        """Reclassify and show the counts per class and the largest issues of each."""
        rule = IssueRule(self.min_customers.value, round(self.min_month_share.value, 2))
        start, end = self.period.value or (None, None)
        self.issues = classify_issues(self.frame, rule=rule, start=start, end=end)
        summary = issue_summary(self.issues)
        rows = "".join(
            f"<tr><td>{esc(r.Index)}</td><td>{r.issues}</td><td>{r.complaints}</td>"
            f"<td>{r.share_of_complaints:.0%}</td></tr>" for r in summary.itertuples())
        parts = [f"<p><strong>Rule:</strong> {esc(rule.describe())}. "
                 f"{self.issues.attrs['missing']} complaints without a subcategory or root cause "
                 "(not yet investigated, or withdrawn) are left out.</p>",
                 "<table><tr><th>class</th><th>issues</th><th>complaints</th>"
                 f"<th>share</th></tr>{rows}</table>"]
        for issue_class in ISSUE_CLASSES:
            chosen = self.issues[self.issues["issue_class"] == issue_class].head(self.top)
            if chosen.empty:
                continue
            items = "".join(
                f"<li>{esc(_label(sub))} — caused by {esc(_label(cause))}: "
                f"{row.complaints} complaints, {row.customers} customers, "
                f"{row.months_active} month(s)</li>" for (sub, cause), row in chosen.iterrows())
            parts.append(f"<p><strong>Largest {issue_class} issues</strong></p><ul>{items}</ul>")
        self.result.value = "".join(parts)


class Prediction(widgets.VBox):
    """Guess, then reveal: commit to an answer before the data shows it.

    `answer` is the option value the data gives (compute it, never type it); `reveal` is the
    explanation shown after the guess, ideally a sentence printed from computed numbers.
    """

    def __init__(self, question: str, options: Sequence[tuple[str, object]], answer: object,
                 reveal: str) -> None:
        values = [value for _, value in options]
        if answer not in values:
            raise ValueError(f"the answer {answer!r} is not among the options {values}")
        self.answer, self.reveal_text = answer, reveal
        self.choice = widgets.RadioButtons(options=list(options), value=None,
                                           description="Your guess", style=LABEL_STYLE,
                                           layout=widgets.Layout(width="auto"))
        self.reveal_button = widgets.Button(description="Reveal", disabled=True,
                                            button_style="primary",
                                            tooltip="Choose a guess first, then reveal")
        self.feedback = widgets.HTML()
        self.choice.observe(self._chosen, names="value")
        self.reveal_button.on_click(lambda _b: self.reveal())
        super().__init__([widgets.HTML(f"<p><strong>{esc(question)}</strong></p>"),
                          self.choice, self.reveal_button, self.feedback])

    def _chosen(self, _change: dict) -> None:
        self.reveal_button.disabled = self.choice.value is None

    def reveal(self) -> None:
        """Say whether the guess was right and show the explanation."""
        if self.choice.value is None:
            return
        right = self.choice.value == self.answer
        verdict = ("✓ Your guess was right." if right else
                   f"✗ Not this time: the answer is {esc(self._label_of(self.answer))}.")
        self.feedback.value = (f"<p style='color:{OK if right else ERROR}'>{verdict}</p>"
                               f"<p>{esc(self.reveal_text)}</p>")

    def _label_of(self, value: object) -> str:
        return next(label for label, v in self.choice.options if v == value)
