"""The ISO 10002 self-assessment dashboard: what course/self-assessment.ipynb shows, and what
`make dashboard` serves with Voilà (widgets.dashboard.server).

Three tabs, each a view in its own module over the pure core:

- My knowledge (dashboard_knowledge): a self-test drawn from every module's question bank,
  scores per topic, strengths, modules to revisit next to the stored knowledge checks;
- Our organization (dashboard_organization): the gap analysis against clauses 4–8 with scores,
  chart, action plan, save/load and exports;
- Our complaint data (dashboard_data): the sample log or an upload, column mapping,
  validation, KPI tiles against editable targets, charts.

A tab's widgets are built the first time it is shown, so the page is interactive as soon as
the first tab is: a visitor who only wants the gap analysis never waits for the KPI charts.

    from widgets.dashboard import Dashboard
    Dashboard()
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ipywidgets as widgets

from widgets.core.complaints.policy import Policy
from widgets.core.course.progress import ProgressStore
from widgets.dashboard.assessment import OrganizationSection
from widgets.dashboard.log_kpis import ComplaintDataSection
from widgets.dashboard.selftest import KnowledgeSection

# One stylesheet for the whole page: readable tables, KPI tiles, wrapping answer labels.
_STYLE = """<style>
.iso10002-dashboard { max-width: 1100px; }
.iso10002-dashboard .widget-html-content, .iso10002-dashboard .jupyter-widget-html-content {
  line-height: 1.45; }
.iso10002-dashboard .widget-html-content p, .iso10002-dashboard .jupyter-widget-html-content p {
  margin: 0.4em 0; }
.iso10002-table { border-collapse: collapse; margin: 0.5em 0 1em; }
.iso10002-table caption { text-align: left; font-weight: bold; padding: 4px 0; }
.iso10002-table th, .iso10002-table td { border: 1px solid #cccccc; padding: 3px 8px;
  text-align: left; vertical-align: top; }
.iso10002-table thead th { background: #eef2f7; }
.iso10002-plan td:nth-child(3), .iso10002-plan td:nth-child(4) { white-space: nowrap; }
.iso10002-tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr));
  gap: 8px; margin: 6px 0 12px; }
.iso10002-tile { border: 1px solid #cccccc; border-radius: 4px; padding: 8px 10px;
  background: #fafafa; }
.iso10002-tile-label { font-weight: bold; }
.iso10002-tile-value { font-size: 1.5em; margin: 2px 0; }
.iso10002-not-available .iso10002-tile-value { font-size: 1.1em; color: #555555; }
.iso10002-tile-target, .iso10002-tile-note { font-size: 0.9em; color: #444444; }
.iso10002-statement { margin: 4px 0; line-height: 1.4; }
.iso10002-knowledge .widget-radio-box label, .iso10002-knowledge .jupyter-widget-radio-box label,
.iso10002-knowledge .widget-checkbox .widget-label-basic,
.iso10002-knowledge .jupyter-widget-checkbox .jupyter-widget-label-basic {
  display: flex; align-items: flex-start; height: auto; line-height: 1.4; white-space: normal;
  overflow: visible; margin: 3px 0; }
.iso10002-knowledge .widget-radio-box label input,
.iso10002-knowledge .widget-checkbox label input {
  order: -1; float: none; flex-shrink: 0; margin: 0.2em 6px 0 1px; }
.iso10002-knowledge .widget-checkbox, .iso10002-knowledge .jupyter-widget-checkbox {
  height: auto; }
</style>"""


class Dashboard(widgets.VBox):
    """The three sections as tabs. ``show(index)`` selects a tab (building it if needed);
    ``knowledge``, ``organization`` and ``data`` are the sections."""

    def __init__(
        self,
        *,
        store: ProgressStore | None = None,
        folder: str | Path | None = None,
        policy: Policy | None = None,
        sample: str | Path | None = None,
    ) -> None:
        super().__init__()
        self.add_class("iso10002-dashboard")
        self.knowledge = KnowledgeSection(store)
        self.organization = OrganizationSection(folder)
        self.data = ComplaintDataSection(policy, sample)
        self.sections = (self.knowledge, self.organization, self.data)
        self._built_on_demand = {1: self.organization, 2: self.data}
        self.tabs = widgets.Tab(children=self.sections,
                                titles=[section.title for section in self.sections])
        self.tabs.observe(self._on_tab, names="selected_index")
        self.children = (widgets.HTML(_STYLE), self.tabs)

    def _on_tab(self, change: dict[str, Any]) -> None:
        if change["new"] is not None:
            self._build(change["new"])

    def _build(self, index: int) -> None:
        section = self._built_on_demand.get(index)
        if section is not None:
            section.build()

    def show(self, index: int) -> None:
        """Select tab ``index`` (0 My knowledge, 1 Our organization, 2 Our complaint data)."""
        self.tabs.selected_index = index
        self._build(index)
