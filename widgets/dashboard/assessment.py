"""The dashboard's "Our organization" section: the ISO 10002 gap analysis.

A thin view over widgets.core.practice.assessment: every statement of the checklist gets a rating
(0–4, or "–" for not rated yet) and an optional evidence note; each change updates the core
Assessment, then the scores per clause group, the chart and the action plan. Assessments are
saved and loaded by name in the user's work folder (a name is reduced to letters and digits,
so it cannot point anywhere else) or opened from an uploaded .json file; the report (HTML),
the answers (CSV, formulas neutralized) and the assessment (JSON) are offered as downloads.

A clause group's statements are built when its section is first opened, so the page opens
fast; the Assessment holds every answer, built or not.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from widgets.core.common.figures import figure_png
from widgets.core.complaints.uploads import upload_problem
from widgets.core.course.clauses import TITLE_NOTE, load_clauses
from widgets.core.practice.assessment import (
    MAX_LEVEL,
    Assessment,
    Checklist,
    Group,
    Item,
    Loaded,
    answers_csv,
    assessment_from_bytes,
    assessments_dir,
    export_name,
    load_assessment,
    load_checklist,
    report_html,
    save_assessment,
    saved_assessments,
    scores_chart,
)
from widgets.look import ERROR, LABEL_STYLE, OK, esc, message

NOT_RATED = -1  # the "–" button; the core stores None


def _mean(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


class ItemRow(widgets.VBox):
    """One statement: its text and clauses, the rating buttons and the evidence note."""

    def __init__(self, item: Item, checklist: Checklist, clause_text: str,
                 on_rate: Callable[[Item, int | None], None],
                 on_note: Callable[[Item, str], None]) -> None:
        self.item = item
        self.rating = widgets.ToggleButtons(
            options=[("–", NOT_RATED)] + [(str(level.level), level.level)
                                          for level in checklist.scale],
            value=NOT_RATED,
            tooltips=["not rated yet"] + [level.label for level in checklist.scale],
            description="Rating", style={**LABEL_STYLE, "button_width": "2.6em"})
        self.evidence = widgets.Text(
            placeholder="Evidence (optional): document, record, interview…",
            description="Evidence", style=LABEL_STYLE, continuous_update=False,
            layout=widgets.Layout(flex="1 1 auto", min_width="16em"))
        self.rating.observe(
            lambda change: on_rate(item, None if change["new"] == NOT_RATED else change["new"]),
            names="value")
        self.evidence.observe(lambda change: on_note(item, change["new"]), names="value")
        super().__init__([
            widgets.HTML(f"<p class='iso10002-statement'>{esc(item.statement)}<br><small>"
                         f"{esc(clause_text)} · weight {item.weight}</small></p>"),
            widgets.HBox([self.rating, self.evidence],
                         layout=widgets.Layout(flex_flow="row wrap", align_items="center")),
        ], layout=widgets.Layout(border_bottom="1px solid #dddddd", padding="2px 4px 6px"))
        self.add_class("iso10002-item")


class OrganizationSection(widgets.VBox):
    """The gap analysis. ``build()`` makes the widgets (the dashboard calls it when the tab is
    first shown); ``open_group(clause)`` builds and opens one clause group. Test hooks:
    ``assessment``, ``rows`` (statement id -> ItemRow), ``summary``, ``chart``, ``plan``,
    ``message``, ``downloads``."""

    title = "Our organization"

    def __init__(self, folder: str | Path | None = None,
                 checklist: Checklist | None = None) -> None:
        super().__init__()
        self.add_class("iso10002-organization")
        self.folder = folder
        self.checklist = checklist if checklist is not None else load_checklist()
        self.assessment = Assessment(self.checklist)
        self.rows: dict[str, ItemRow] = {}
        self.built = False
        self._syncing = False
        self._catalogue = load_clauses()
        self.children = (widgets.HTML("<p>Loading the checklist…</p>"),)

    # ------------------------------------------------------------------ building

    def build(self) -> None:
        """Create the section's widgets (once)."""
        if self.built:
            return
        self.built = True
        checklist = self.checklist
        self.name = widgets.Text(description="Assessment name", style=LABEL_STYLE,
                                 placeholder="e.g. Customer services 2025",
                                 layout=widgets.Layout(width="26em"))
        self.organization = widgets.Text(description="Organization", style=LABEL_STYLE,
                                         placeholder="optional",
                                         layout=widgets.Layout(width="22em"))
        self.target = widgets.Dropdown(
            options=[(level.label, level.level) for level in checklist.scale[1:]],
            value=self.assessment.target_level, description="Target level", style=LABEL_STYLE)
        self.name.observe(lambda change: self._set("name", change["new"]), names="value")
        self.organization.observe(lambda change: self._set("organization", change["new"]),
                                  names="value")
        self.target.observe(self._on_target, names="value")
        self.summary = widgets.HTML()
        self.chart = widgets.Image(format="png", layout=widgets.Layout(max_width="780px",
                                                                       width="100%"))
        self.plan = widgets.HTML()
        self.groups = widgets.Accordion(children=[widgets.VBox() for _ in checklist.groups],
                                        titles=[group.label for group in checklist.groups])
        self.groups.observe(self._on_group, names="selected_index")
        self._group_built = [False] * len(checklist.groups)
        self.children = (
            widgets.HTML(self._intro_html()),
            widgets.HBox([self.name, self.organization, self.target],
                         layout=widgets.Layout(flex_flow="row wrap")),
            self._file_controls(),
            widgets.HTML("<h4>Rate each statement</h4><p>Open a clause group and rate how "
                         "far each statement is true for your organization today.</p>"),
            self.groups,
            widgets.HTML("<h4>Scores</h4>"),
            self.summary, self.chart,
            widgets.HTML("<h4>Action plan</h4>"),
            self.plan,
            self._export_controls(),
        )
        self.refresh()

    def _intro_html(self) -> str:
        scale = "".join(f"<tr><th scope='row'>{esc(level.label)}</th><td>"
                        f"{esc(level.meaning)}</td></tr>" for level in self.checklist.scale)
        return (
            "<p>Rate your organization against the guidance of ISO 10002, clause group by "
            f"clause group ({len(self.checklist.items)} statements in the course's own words). "
            "The scores, the chart and the action plan follow every rating; save the "
            "assessment to continue later and export a report for your team.</p>"
            "<details><summary>The maturity scale (0–4)</summary><table class='iso10002-table'>"
            f"<tbody>{scale}</tbody></table></details>")

    def _file_controls(self) -> widgets.Widget:
        self.save_button = widgets.Button(description="Save", button_style="primary",
                                          tooltip="Save under the assessment name")
        self.saved = widgets.Dropdown(description="Saved assessments", style=LABEL_STYLE)
        self.load_button = widgets.Button(description="Load",
                                          tooltip="Load the assessment chosen on the left")
        self.upload = widgets.FileUpload(accept=".json,application/json", multiple=False,
                                         description="Open a .json file",
                                         layout=widgets.Layout(width="auto"))
        self.message = widgets.HTML()
        self.save_button.on_click(lambda _: self.save())
        self.load_button.on_click(lambda _: self.load())
        self.upload.observe(self._on_upload, names="value")
        self.refresh_saved()
        return widgets.VBox([
            widgets.HBox([self.save_button, self.saved, self.load_button, self.upload],
                         layout=widgets.Layout(flex_flow="row wrap", align_items="center")),
            self.message])

    def _export_controls(self) -> widgets.Widget:
        self.export_button = widgets.Button(
            description="Export report and answers",
            layout=widgets.Layout(width="auto", align_self="flex-start"),
            tooltip="Prepare the report (HTML), the answers (CSV) and the assessment (JSON)")
        self.export_button.on_click(lambda _: self.export())
        self.downloads = widgets.HTML()
        return widgets.VBox([widgets.HTML("<h4>Export</h4>"), self.export_button,
                             self.downloads])

    def _build_group(self, index: int) -> None:
        if self._group_built[index]:
            return
        self._group_built[index] = True
        group: Group = self.checklist.groups[index]
        rows = []
        for item in group.items:
            clause_text = "; ".join(self._catalogue[c].label for c in item.clauses)
            row = ItemRow(item, self.checklist, clause_text, self._on_rate, self._on_note)
            self.rows[item.id] = row
            rows.append(row)
        self._syncing = True
        try:
            for row in rows:
                self._show_answer(row)
        finally:
            self._syncing = False
        self.groups.children[index].children = tuple(rows)

    def open_group(self, clause: str) -> None:
        """Build and open the statements of clause group ``clause`` ('4' … '8')."""
        self.build()
        index = [group.clause for group in self.checklist.groups].index(clause)
        self.groups.selected_index = index
        self._build_group(index)

    # ------------------------------------------------------------------ events

    def _on_group(self, change: dict[str, Any]) -> None:
        if change["new"] is not None:
            self._build_group(change["new"])

    def _on_rate(self, item: Item, level: int | None) -> None:
        self.assessment.rate(item.id, level)
        if not self._syncing:
            self.refresh()

    def _on_note(self, item: Item, evidence: str) -> None:
        self.assessment.note(item.id, evidence)
        if not self._syncing:
            self.downloads.value = ""

    def _on_target(self, change: dict[str, Any]) -> None:
        self.assessment.set_target(change["new"])
        if not self._syncing:
            self.refresh()

    def _set(self, attribute: str, value: str) -> None:
        setattr(self.assessment, attribute, value)
        if not self._syncing:
            self.downloads.value = ""

    def _on_upload(self, change: dict[str, Any]) -> None:
        files = change["new"]
        if not files:
            return
        upload = files[0]
        problem = upload_problem(upload["name"], upload["size"])
        if problem is not None:
            self.message.value = message(problem, ERROR)
        else:
            self.open_bytes(bytes(upload["content"]), upload["name"])
        self.upload.value = ()

    # ------------------------------------------------------------------ showing

    def refresh(self) -> None:
        """Scores, chart, plan and group titles from the assessment; old downloads go."""
        overall = self.assessment.overall()
        scores = self.assessment.group_scores()
        rows = "".join(
            f"<tr><th scope='row'>{esc(s.group.label)}</th><td>{s.rated} of {s.total}</td>"
            f"<td>{_mean(s.mean_level)}</td></tr>" for s in scores)
        headline = ("No statement rated yet." if overall.mean_level is None else
                    f"Overall maturity {overall.mean_level:.1f} of {MAX_LEVEL} "
                    f"({overall.rated} of {overall.total} statements rated).")
        self.summary.value = (
            f"<p class='iso10002-overall'><strong>{headline}</strong> A group's score is the "
            "mean rating of its rated statements; the overall score is the mean of the group "
            "scores. Unrated statements are left out.</p><table class='iso10002-table'>"
            "<thead><tr><th scope='col'>Clause group</th><th scope='col'>Rated</th>"
            f"<th scope='col'>Mean level</th></tr></thead><tbody>{rows}</tbody></table>")
        self.chart.value = figure_png(scores_chart(self.assessment))
        self.groups.titles = tuple(f"{s.group.label} — {s.rated}/{s.total} rated, mean "
                                   f"{_mean(s.mean_level)}" for s in scores)
        self.plan.value = self._plan_html()
        self.downloads.value = ""

    def _plan_html(self) -> str:
        plan = self.assessment.action_plan(clauses=self._catalogue)
        if not plan:
            if self.assessment.overall().rated == 0:
                return "<p>Rate statements to see the gaps to close first.</p>"
            return (f"<p>No rated statement is below the target level "
                    f"{self.assessment.target_level}.</p>")
        rows = "".join(
            f"<tr><td>{a.rank}</td><td>{esc(a.gap.item.statement)}<br><small>"
            f"{esc('; '.join(a.clause_labels))}</small></td>"
            f"<td>{a.gap.level} → {a.gap.target}</td><td>{a.gap.priority}</td>"
            f"<td>{esc(a.gap.item.action)}</td></tr>" for a in plan)
        return ("<p>The biggest gaps first: priority = (target − rating) × weight, where the "
                "weight (1–3) says how much the rest of the process depends on the statement."
                "</p><table class='iso10002-table iso10002-plan'><thead><tr>"
                "<th scope='col'>#</th><th scope='col'>Statement and clauses</th>"
                "<th scope='col'>Now → target</th><th scope='col'>Priority</th>"
                f"<th scope='col'>First action</th></tr></thead><tbody>{rows}</tbody></table>"
                f"<p><small>{esc(TITLE_NOTE)}</small></p>")

    def _show_answer(self, row: ItemRow) -> None:
        answer = self.assessment.answers[row.item.id]
        row.rating.value = NOT_RATED if answer.level is None else answer.level
        row.evidence.value = answer.evidence

    def _show_assessment(self, assessment: Assessment) -> None:
        """Put a loaded assessment in place and show it everywhere."""
        self.assessment = assessment
        self._syncing = True
        try:
            self.name.value = assessment.name
            self.organization.value = assessment.organization
            self.target.value = assessment.target_level
            for row in self.rows.values():
                self._show_answer(row)
        finally:
            self._syncing = False
        self.refresh()

    # ------------------------------------------------------------------ files

    def refresh_saved(self) -> None:
        """Re-read the folder for the Load list."""
        names = saved_assessments(self.folder)
        self.saved.options = names
        self.saved.value = names[0] if names else None
        self.load_button.disabled = not names

    def save(self) -> Path | None:
        """Save under the assessment name (atomic write); the path, or None with a message."""
        try:
            path = save_assessment(self.assessment, self.folder)
        except (ValueError, OSError) as error:
            self.message.value = message(f"Not saved: {error}", ERROR)
            return None
        self.refresh_saved()
        self.saved.value = path.stem
        self.message.value = message(
            f"Saved {self.assessment.overall().rated} rated statement(s) to {path}.", OK)
        return path

    def load(self, name: str | None = None) -> Assessment | None:
        """Load a saved assessment (default: the one chosen in the list)."""
        name = name if name is not None else self.saved.value
        if name is None:
            self.message.value = message(
                f"No saved assessment yet in {assessments_dir(self.folder)}.", ERROR)
            return None
        return self._apply(load_assessment(name, self.checklist, self.folder),
                           f"Loaded {name}.")

    def open_bytes(self, data: bytes, filename: str) -> Assessment | None:
        """Open an uploaded assessment file."""
        return self._apply(assessment_from_bytes(data, filename, self.checklist),
                           f"Opened {filename}.")

    def _apply(self, loaded: Loaded, success: str) -> Assessment | None:
        self.refresh_saved()
        if loaded.assessment is None:
            self.message.value = message(loaded.message or "Could not load.", ERROR)
            return None
        self._show_assessment(loaded.assessment)
        overall = loaded.assessment.overall()
        self.message.value = message(
            f"{success} {overall.rated} of {overall.total} statements are rated.", OK,
            loaded.notes)
        return loaded.assessment

    def export(self, now: dt.datetime | None = None) -> dict[str, bytes]:
        """Prepare the downloads; returns {file name: bytes} (what the links hold)."""
        files = {
            export_name(self.assessment, "report.html"):
                report_html(self.assessment, generated_at=now).encode("utf-8"),
            export_name(self.assessment, "answers.csv"): answers_csv(self.assessment)
                .encode("utf-8"),
            export_name(self.assessment, "assessment.json"): json.dumps(
                self.assessment.to_json(now), indent=2, ensure_ascii=False).encode("utf-8"),
        }
        kinds = {".html": ("text/html", "Report"), ".csv": ("text/csv", "Answers (CSV)"),
                 ".json": ("application/json", "Assessment file (JSON, to open again later)")}
        links = []
        for name, data in files.items():
            mime, label = kinds[Path(name).suffix]
            encoded = base64.b64encode(data).decode("ascii")
            links.append(f'<li><a download="{esc(name)}" href="data:{mime};charset=utf-8;'
                         f'base64,{encoded}">{esc(label)}: {esc(name)}</a></li>')
        self.downloads.value = ("<p>Ready to download (your browser saves the files):</p>"
                                f"<ul class='iso10002-downloads'>{''.join(links)}</ul>")
        return files
