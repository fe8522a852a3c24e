"""The dashboard's "Our complaint data" section: the sample log or an uploaded CSV, its column
mapping, the validation summary, KPI tiles against editable targets, and four charts.

A thin view over widgets.core.complaints.log_kpis (reading, mapping, targets, tiles, charts), which
goes through the course's one loader and one KPI definition. Nothing a user supplies becomes a
path: the sample is a fixed file and an upload is only bytes in memory.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pandas as pd
from matplotlib.figure import Figure

from widgets.core.common.figures import figure_png
from widgets.core.common.paths import datasets_dir
from widgets.core.complaints import Kpi, ValidationReport, compute_kpis
from widgets.core.complaints.loader import MAX_PROBLEMS_SHOWN
from widgets.core.complaints.log_kpis import (
    MAPPING_TARGETS,
    MET,
    MISSED,
    NOT_AVAILABLE,
    Upload,
    apply_targets,
    category_pareto_chart,
    channel_chart,
    monthly_volume_chart,
    read_upload,
    resolve_time_chart,
    target_fields,
    tiles,
)
from widgets.core.complaints.policy import Policy, load_policy
from widgets.look import CAUTION, ERROR, LABEL_STYLE, NEUTRAL, OK, esc

SAMPLE_FILE = "complaints.csv"
_STATUS = {MET: ("✓", OK), MISSED: ("✗", ERROR)}
AUTOMATIC = ""


class ComplaintDataSection(widgets.VBox):
    """Source → mapping → validation → KPIs → charts. ``build()`` makes the widgets and loads
    the sample (the dashboard calls it when the tab is first shown). Test hooks:
    ``use_sample()``, ``open_bytes(data, name)``, ``apply_mapping()``, ``mapping``
    (header -> Dropdown), ``targets`` (key -> text box), ``kpis``, ``status``,
    ``validation``, ``tiles``, ``charts`` (name -> Image or HTML)."""

    title = "Our complaint data"

    def __init__(self, policy: Policy | None = None, sample: str | Path | None = None) -> None:
        super().__init__()
        self.add_class("iso10002-data")
        self.base_policy = policy if policy is not None else load_policy()
        self.policy = self.base_policy
        self.sample = Path(sample) if sample is not None else datasets_dir() / SAMPLE_FILE
        self.current: Upload | None = None
        self.data: bytes = b""
        self.kpis: dict[str, Kpi] = {}
        self.built = False
        self._resetting = False
        self.children = (widgets.HTML("<p>Loading…</p>"),)

    def build(self) -> None:
        """Create the widgets (once) and show the sample log."""
        if self.built:
            return
        self.built = True
        self.sample_button = widgets.Button(description="Use the sample log",
                                            layout=widgets.Layout(width="auto"))
        self.sample_button.on_click(lambda _: self.use_sample())
        self.upload = widgets.FileUpload(accept=".csv,text/csv", multiple=False,
                                         description="Upload your CSV",
                                         layout=widgets.Layout(width="auto"))
        self.upload.observe(self._on_upload, names="value")
        self.status = widgets.HTML()
        self.validation = widgets.HTML()
        self.mapping_box = widgets.VBox()
        self.mapping: dict[str, widgets.Dropdown] = {}
        self.apply_mapping_button = widgets.Button(
            description="Load again with this mapping",
            layout=widgets.Layout(width="auto", align_self="flex-start"))
        self.apply_mapping_button.on_click(lambda _: self.apply_mapping())
        self.targets: dict[str, widgets.BoundedFloatText] = {}
        target_rows = []
        for field in target_fields(self.base_policy):
            box = widgets.BoundedFloatText(value=field.value, min=field.minimum,
                                           max=field.maximum, description=field.label,
                                           style=LABEL_STYLE, continuous_update=False,
                                           layout=widgets.Layout(width="24em"))
            box.observe(lambda _change: self.apply_targets(), names="value")
            self.targets[field.key] = box
            target_rows.append(widgets.HBox([box, widgets.HTML(f"&nbsp;{esc(field.unit)}")]))
        self.reset_targets_button = widgets.Button(
            description="Back to the policy's targets",
            layout=widgets.Layout(width="auto", align_self="flex-start"))
        self.reset_targets_button.on_click(lambda _: self.reset_targets())
        self.target_message = widgets.HTML()
        self.settings = widgets.Accordion(
            children=[widgets.VBox([widgets.HTML(
                          "<p>Each column of the file and the course column it fills. "
                          "<em>automatic</em> keeps what was detected; choose a column to "
                          "correct it, then load again.</p>"), self.mapping_box,
                          self.apply_mapping_button]),
                      widgets.VBox([widgets.HTML(
                          "<p>The tiles compare each KPI with these targets (from "
                          f"{esc(Path(self.base_policy.source).name)}); change them to try "
                          "your own. The policy file is not changed.</p>"),
                          *target_rows, self.reset_targets_button, self.target_message])],
            titles=("Column mapping", "Targets"))
        self.tiles = widgets.HTML()
        self.charts: dict[str, widgets.Widget] = {}
        self.chart_grid = widgets.GridBox(layout=widgets.Layout(
            grid_template_columns="repeat(auto-fit, minmax(420px, 1fr))", grid_gap="8px"))
        self.children = (
            widgets.HTML("<p>Compute the complaint KPIs of a log against your policy's "
                         "targets: the course's sample log, or your own export as CSV (the "
                         "course layout or a CFPB Consumer Complaint Database export). KPIs "
                         "the file cannot support are shown as not available, with the "
                         "reason.</p>"),
            widgets.HBox([self.sample_button, self.upload],
                         layout=widgets.Layout(flex_flow="row wrap", align_items="center")),
            self.status, self.validation, self.settings,
            widgets.HTML("<h4>KPIs against the targets</h4>"), self.tiles,
            widgets.HTML("<h4>Charts</h4>"), self.chart_grid,
        )
        self.use_sample()

    # ------------------------------------------------------------------ sources

    def use_sample(self) -> None:
        """Analyse the course's sample log."""
        self._load(self.sample.read_bytes(), f"the sample log (datasets/{self.sample.name})")

    def open_bytes(self, data: bytes, name: str) -> None:
        """Analyse an uploaded file's bytes."""
        self._load(data, name)

    def _on_upload(self, change: dict[str, Any]) -> None:
        files = change["new"]
        if not files:
            return
        upload = files[0]
        self.open_bytes(bytes(upload["content"]), upload["name"])
        self.upload.value = ()

    def apply_mapping(self) -> None:
        """Load the current file again with the columns chosen in the mapping."""
        if self.current is None:
            return
        chosen = {header: box.value for header, box in self.mapping.items()
                  if box.value != AUTOMATIC}
        self._load(self.data, self.current.name, chosen)

    def _load(self, data: bytes, name: str, column_map: dict[str, str] | None = None) -> None:
        upload = read_upload(data, name, column_map)
        self.current, self.data = upload, data
        self._show_mapping(upload, column_map or {})
        if upload.result is None:
            hint = (" Choose the columns under <em>Column mapping</em> and load again."
                    if upload.headers else "")
            self.status.value = (f'<p role="alert" style="color:{ERROR}">⚠ '
                                 f"{esc(upload.error)}{hint}</p>")
            self.validation.value = ""
            self.settings.selected_index = 0 if upload.headers else None
            self.kpis = {}
            self.tiles.value = ""
            self.chart_grid.children = ()
            for chart in self.charts.values():
                chart.close()
            self.charts = {}
            return
        report = upload.result.report
        self.status.value = (f"<p role='status'><strong>Showing: {esc(name)}</strong> "
                             f"({report.layout} layout).</p>")
        self.validation.value = _validation_html(report)
        self._compute(upload.result.frame)

    def _show_mapping(self, upload: Upload, column_map: dict[str, str]) -> None:
        for box in self.mapping.values():
            box.close()
        self.mapping = {}
        rows = []
        detected = upload.suggestion.columns
        if upload.result is not None:
            detected = {h: upload.result.report.column_mapping.get(h) for h in upload.headers}
        for header in upload.headers:
            found = detected.get(header)
            automatic = f"automatic ({found})" if found else "automatic (not used)"
            box = widgets.Dropdown(options=[(automatic, AUTOMATIC)]
                                   + [(t, t) for t in MAPPING_TARGETS],
                                   value=column_map.get(header, AUTOMATIC),
                                   description=header, tooltip=header,
                                   style={"description_width": "16em"},
                                   layout=widgets.Layout(width="36em"))
            self.mapping[header] = box
            rows.append(box)
        self.mapping_box.children = tuple(rows)
        self.apply_mapping_button.disabled = not rows

    # ------------------------------------------------------------------ KPIs

    def apply_targets(self) -> None:
        """Recompute the KPIs against the targets in the boxes."""
        if self._resetting:
            return
        try:
            self.policy = apply_targets(self.base_policy,
                                        {key: box.value for key, box in self.targets.items()})
        except ValueError as error:
            self.target_message.value = f'<p role="alert" style="color:{ERROR}">{esc(error)}</p>'
            return
        self.target_message.value = ""
        if self.current is not None and self.current.result is not None:
            self._compute(self.current.result.frame, charts=("resolve",))

    def reset_targets(self) -> None:
        """Put the policy's own targets back (one recomputation, not one per box)."""
        self._resetting = True
        try:
            for field in target_fields(self.base_policy):
                self.targets[field.key].value = field.value
        finally:
            self._resetting = False
        self.apply_targets()

    def _compute(self, frame: pd.DataFrame,
                 charts: tuple[str, ...] = ("volume", "pareto", "resolve", "channel")) -> None:
        self.kpis = compute_kpis(frame, self.policy)
        self.tiles.value = _tiles_html(self.kpis)
        makers = {
            "volume": lambda: monthly_volume_chart(frame),
            "pareto": lambda: category_pareto_chart(frame),
            "resolve": lambda: resolve_time_chart(frame, self.policy),
            "channel": lambda: channel_chart(frame),
        }
        reasons = {
            "pareto": "No Pareto of categories: the data has no category column.",
            "resolve": "No time-to-resolve distribution: "
                       + (self.kpis["time_to_resolve"].reason or "no resolution dates") + ".",
            "channel": "No chart by channel: the data has no channel values.",
        }
        for name in charts:
            figure: Figure | None = makers[name]()
            old = self.charts.get(name)
            if figure is None:
                new: widgets.Widget = widgets.HTML(
                    f'<p class="iso10002-chart-note" style="color:{CAUTION}">{esc(reasons[name])}'
                    "</p>")
            elif isinstance(old, widgets.Image):
                old.value = figure_png(figure)  # redraw in place
                new = old
            else:
                new = widgets.Image(value=figure_png(figure), format="png",
                                    layout=widgets.Layout(width="100%"))
            if old is not None and old is not new:
                old.close()
            self.charts[name] = new
        self.chart_grid.children = tuple(self.charts[name] for name in makers)


def _validation_html(report: ValidationReport) -> str:
    counts = (f"{report.rows_read:,} rows read, <strong>{report.rows_accepted:,} accepted"
              f"</strong>, {report.rows_rejected:,} rejected")
    parts = [f"<p>{counts} ({esc(report.encoding)}, delimiter "
             f"{esc(repr(report.delimiter))}).</p>"]
    parts += [f"<p>Note: {esc(note)}</p>" for note in report.notes]
    if report.ignored_columns:
        parts.append(f"<p>Columns not used: {esc(', '.join(report.ignored_columns))}.</p>")
    counted = report.problem_counts()
    if len(counted):
        rows = "".join(f"<tr><td>{esc(kind)}</td><td>{count:,}</td></tr>"
                       for kind, count in counted.items())
        first = "".join(f"<li>{esc(problem.severity)}: {esc(problem)}</li>"
                        for problem in report.problems[:MAX_PROBLEMS_SHOWN])
        parts.append("<table class='iso10002-table'><caption>Why rows were rejected or "
                     "flagged</caption><thead><tr><th scope='col'>Column: problem</th>"
                     f"<th scope='col'>Rows</th></tr></thead><tbody>{rows}</tbody></table>"
                     f"<details><summary>First problems, by row</summary><ul>{first}</ul>"
                     "</details>")
    if report.rows_rejected:
        parts.append("<p>Rejected rows are left out of every KPI: correct them in the file "
                     "and upload it again.</p>")
    return "<div class='iso10002-validation'>" + "".join(parts) + "</div>"


def _tiles_html(kpis: dict[str, Kpi]) -> str:
    cells = []
    for tile in tiles(kpis):
        mark, colour = _STATUS.get(tile.status, ("", NEUTRAL))
        target = f"<div class='iso10002-tile-target'>Target {esc(tile.target)}</div>" \
            if tile.target else ""
        clause = f" · clause {esc(tile.clause)}" if tile.clause else ""
        status = "" if tile.status == NOT_AVAILABLE else (
            f"<div class='iso10002-tile-status' style='color:{colour}'>{mark} "
            f"{esc(tile.status)}</div>")
        cells.append(
            f"<div class='iso10002-tile iso10002-{tile.status.replace(' ', '-')}' "
            f"data-kpi='{esc(tile.key)}'><div class='iso10002-tile-label'>{esc(tile.label)}"
            f"</div><div class='iso10002-tile-value'>{esc(tile.value)}</div>{target}{status}"
            f"<div class='iso10002-tile-note'>{esc(tile.note)}{clause}</div></div>")
    return "<div class='iso10002-tiles'>" + "".join(cells) + "</div>"
