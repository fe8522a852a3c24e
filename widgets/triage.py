"""The triage board: initial assessment (ISO 10002:2018 7.5) practised on a batch of complaints.

A thin view over widgets.core.practice.triage: it draws a seeded batch from the complaint log, shows
what was known at receipt, and gives every complaint three labelled dropdowns (category,
severity, priority). "Check my triage" hands the choices to the core and renders its verdicts,
explanations and score. Everything shown can be checked without a browser through
`board.batch` and `board.result`.

    from widgets.triage import TriageBoard
    TriageBoard(size=5, seed=1)
"""

from __future__ import annotations

import ipywidgets as widgets
import pandas as pd

from widgets.core.common.paths import datasets_dir
from widgets.core.complaints import load_complaints
from widgets.core.complaints.schema import CATEGORIES, SEVERITIES
from widgets.core.practice.triage import (
    FIELDS,
    PRIORITIES,
    PRIORITY_MEANING,
    PRIORITY_RULE,
    REPEAT_WINDOW_DAYS,
    TriageBatch,
    TriageResult,
    check_triage,
    draw_batch,
)
from widgets.look import ERROR, LABEL_STYLE, OK, esc

MAX_BATCH = 20
_CHOOSE = ("— choose —", None)
_OPTIONS = {
    "category": [_CHOOSE] + [(c.replace("_", " "), c) for c in CATEGORIES],
    "severity": [_CHOOSE] + [(s, s) for s in SEVERITIES],
    "priority": [_CHOOSE] + [(f"{p} {PRIORITY_MEANING[p].split(':')[0]}", p)
                             for p in PRIORITIES],
}
_GRID = "minmax(0, 3fr) repeat(3, minmax(12em, 1fr))"
RIGHT = f'<strong style="color:{OK}">✓ matches</strong>'
WRONG = f'<strong style="color:{ERROR}">✗ differs</strong>'


def _complaint_html(row: pd.Series) -> str:
    vulnerable = row.get("vulnerable")
    flags = []
    if not pd.isna(vulnerable) and bool(vulnerable):
        flags.append("on the vulnerable-customer register")
    previous = int(row.get("previous_complaints", 0))
    if previous:
        earlier = "1 earlier complaint" if previous == 1 else f"{previous} earlier complaints"
        flags.append(f"{earlier} in the {REPEAT_WINDOW_DAYS} days before")
    details = [row.get(c) for c in ("channel", "product", "customer_segment")]
    facts = " · ".join([f"{row['received_at']:%a %d %b %Y %H:%M}"] + [
        esc(str(value).replace("_", " ")) for value in details if not pd.isna(value)])
    extra = f"<br><em>{esc('; '.join(flags))}</em>" if flags else ""
    return (f"<strong>{esc(row['complaint_id'])}</strong> <small>{facts}</small>"
            f"<br>“{esc(row['description'])}”{extra}")


def result_html(result: TriageResult) -> str:
    """The verdicts as HTML: the score, then one block per complaint."""
    blocks = [f"<p><strong>{esc(result.summary())}</strong></p>"]
    for verdict in result.verdicts:
        items = "".join(
            f"<li>{field.field}: {RIGHT if field.correct else WRONG} — "
            f"{esc(field.explanation)}</li>" for field in verdict.fields)
        blocks.append(f"<h4>{esc(verdict.complaint_id)}</h4><ul>{items}</ul>")
    rule = "".join(f"<li>{esc(line)}</li>" for line in PRIORITY_RULE)
    blocks.append(f"<details><summary>The reference priority rule</summary><ul>{rule}</ul>"
                  "</details>")
    return "".join(blocks)


class TriageBoard(widgets.VBox):
    """Triage a batch of complaints and compare with the reference assessment."""

    def __init__(self, frame: pd.DataFrame | None = None, *, size: int = 5, seed: int = 1):
        self.frame = frame if frame is not None else load_complaints(
            datasets_dir() / "complaints.csv").frame
        self.batch: TriageBatch | None = None
        self.result: TriageResult | None = None
        self.dropdowns: dict[str, dict[str, widgets.Dropdown]] = {}
        rule = "".join(f"<li>{esc(line)}</li>" for line in PRIORITY_RULE)
        self.intro = widgets.HTML(
            "<p>Read each complaint as it arrived and assess it as clause 7.5 (Initial "
            "assessment of complaint, following ISO 10002:2018) asks: its category, its "
            "severity and the priority it gets. Then press <em>Check my triage</em>.</p>"
            f"<details><summary>How the reference priority is set</summary><ul>{rule}</ul>"
            "</details>")
        self.size_input = widgets.BoundedIntText(
            value=size, min=1, max=MAX_BATCH, description="Complaints in the batch",
            style=LABEL_STYLE, layout=widgets.Layout(width="16em"))
        self.seed_input = widgets.IntText(value=seed, description="Seed", style=LABEL_STYLE,
                                          layout=widgets.Layout(width="10em"))
        self.draw_button = widgets.Button(
            description="Draw a new batch", tooltip="Draw this many complaints with this seed",
            layout=widgets.Layout(width="auto"))
        self.message = widgets.HTML()
        self.grid = widgets.GridBox(layout=widgets.Layout(grid_template_columns=_GRID,
                                                          grid_gap="6px 12px", width="100%"))
        self.check_button = widgets.Button(
            description="Check my triage", button_style="primary",
            tooltip="Compare your category, severity and priority with the reference",
            layout=widgets.Layout(width="auto"))
        self.feedback = widgets.HTML()
        self.draw_button.on_click(self._on_draw)
        self.check_button.on_click(self._on_check)
        super().__init__([
            self.intro,
            widgets.HBox([self.size_input, self.seed_input, self.draw_button]),
            self.message,
            self.grid,
            self.check_button,
            self.feedback,
        ])
        self.draw(size, seed)

    def draw(self, size: int, seed: int) -> None:
        """Draw a batch and lay out one row of dropdowns per complaint."""
        try:
            batch = draw_batch(self.frame, size=size, seed=seed)
        except ValueError as error:
            self.message.value = f'<p style="color:{ERROR}">{esc(error)}</p>'
            return
        self.batch, self.result = batch, None
        self.message.value = (f"<p>{len(batch.ids)} complaints drawn with seed {seed} from "
                              f"{batch.population} that can be triaged.</p>")
        self.feedback.value = ""
        cells: list[widgets.Widget] = [
            widgets.HTML("<strong>Complaint (as received)</strong>"),
            *(widgets.HTML(f"<strong>{field.capitalize()}</strong>") for field in FIELDS)]
        self.dropdowns = {}
        for _, row in batch.records.iterrows():
            complaint_id = row["complaint_id"]
            cells.append(widgets.HTML(_complaint_html(row)))
            self.dropdowns[complaint_id] = {}
            for field in FIELDS:
                dropdown = widgets.Dropdown(
                    options=_OPTIONS[field], value=None, description=field.capitalize(),
                    tooltip=f"{field.capitalize()} of complaint {complaint_id}",
                    style=LABEL_STYLE, layout=widgets.Layout(width="auto"))
                self.dropdowns[complaint_id][field] = dropdown
                cells.append(dropdown)
        self.grid.children = cells

    def answers(self) -> dict[str, dict[str, str | None]]:
        """The dropdowns' current values, in the form core.check_triage takes."""
        return {cid: {field: dropdown.value for field, dropdown in fields.items()}
                for cid, fields in self.dropdowns.items()}

    def _on_draw(self, _button: widgets.Button) -> None:
        self.draw(self.size_input.value, self.seed_input.value)

    def _on_check(self, _button: widgets.Button) -> None:
        if self.batch is None:
            return
        self.result = check_triage(self.batch, self.answers())
        self.feedback.value = result_html(self.result)
