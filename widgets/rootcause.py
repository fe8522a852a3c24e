"""The root-cause explorer: Pareto of a filtered log, then a 5-whys or fishbone worksheet.

A thin view over widgets.core.complaints.rootcause (ISO 10002:2018 8.2, analysis and evaluation of
complaints): filter widgets feed core.filter_log, the chart is core.pareto_chart rendered to
PNG in an Output that redraws on every change, and the worksheets are core models saved and
loaded through core.save_worksheet / core.load_worksheet. State a test needs is on the
object: `explorer.filtered`, `explorer.table`, `explorer.five_whys.sheet()`.

    from widgets.rootcause import RootCauseExplorer
    RootCauseExplorer()
"""

from __future__ import annotations

import io
from pathlib import Path

import ipywidgets as widgets
import pandas as pd
from IPython.display import Image

from widgets.core.common.paths import datasets_dir
from widgets.core.complaints import load_complaints
from widgets.core.complaints.rootcause import (
    MAX_WHYS,
    Fishbone,
    FishboneCategory,
    FiveWhys,
    WhyStep,
    Worksheet,
    filter_log,
    load_fishbone_categories,
    load_worksheet,
    log_months,
    pareto_chart,
    pareto_table,
    save_worksheet,
    saved_worksheets,
)
from widgets.look import ERROR, LABEL_STYLE, OK, esc, message, wide


def _label(value: str) -> str:
    return value.replace("_", " ")


def _options(frame: pd.DataFrame, column: str) -> list[tuple[str, str]]:
    if column not in frame.columns:
        return []
    return [(_label(v), v) for v in sorted(frame[column].dropna().unique())]


class _WorksheetForm(widgets.VBox):
    """Title, Save, Load and messages shared by both worksheets; subclasses add the fields."""

    kind = ""

    def __init__(self, fields: list[widgets.Widget], folder: str | Path | None):
        self.folder = folder
        self.title = widgets.Text(description="Title", placeholder="e.g. Estimated bills Q1",
                                  style=LABEL_STYLE, layout=wide())
        self.check_button = widgets.Button(description="Check worksheet",
                                           layout=widgets.Layout(width="auto"))
        self.save_button = widgets.Button(description="Save", button_style="primary",
                                          tooltip="Save under the title (drafts too)")
        self.saved = widgets.Dropdown(description="Saved worksheets", style=LABEL_STYLE)
        self.load_button = widgets.Button(description="Load",
                                          tooltip="Load the worksheet chosen on the left")
        self.message = widgets.HTML()
        self.check_button.on_click(lambda _b: self.check())
        self.save_button.on_click(lambda _b: self.save())
        self.load_button.on_click(lambda _b: self.load())
        super().__init__([self.title, *fields,
                          widgets.HBox([self.check_button, self.save_button]),
                          widgets.HBox([self.saved, self.load_button]), self.message])
        self.refresh_saved()

    def sheet(self) -> Worksheet:
        """The worksheet as the fields hold it now."""
        raise NotImplementedError

    def fill(self, sheet: Worksheet) -> None:
        """Put a loaded worksheet into the fields."""
        raise NotImplementedError

    def _problems(self, sheet: Worksheet) -> list[str]:
        return sheet.problems()

    def _notes(self, sheet: Worksheet) -> list[str]:
        return []

    def refresh_saved(self) -> None:
        """Re-read the folder for the Load dropdown (files come and go between kernels)."""
        names = saved_worksheets(self.kind, self.folder)
        self.saved.options = names
        self.saved.value = names[0] if names else None
        self.load_button.disabled = not names

    def check(self) -> None:
        sheet = self.sheet()
        problems = self._problems(sheet)
        if problems:
            self.message.value = message("Not complete yet:", ERROR, problems)
        else:
            self.message.value = message("Complete.", OK, self._notes(sheet))

    def save(self) -> None:
        """Save even an incomplete draft, and say what is still to do."""
        sheet = self.sheet()
        try:
            path = save_worksheet(sheet, self.folder)
        except (ValueError, OSError) as error:
            self.message.value = message(f"Not saved: {error}", ERROR)
            return
        self.refresh_saved()
        self.saved.value = path.stem
        problems = self._problems(sheet)
        text = f"Saved to {path}." + (" Still to do:" if problems else "")
        self.message.value = message(text, OK, problems)

    def load(self) -> None:
        """Load the chosen worksheet; a missing or damaged file is reported, never raised."""
        if self.saved.value is None:
            return
        loaded = load_worksheet(self.kind, self.saved.value, self.folder)
        if loaded.sheet is None:
            self.message.value = message(loaded.message or "Could not load.", ERROR)
            self.refresh_saved()
            return
        self.fill(loaded.sheet)
        self.message.value = message(f"Loaded {loaded.result.path}.", OK)


class FiveWhysForm(_WorksheetForm):
    """Problem, up to five why/because pairs, root cause and action."""

    kind = FiveWhys.kind

    def __init__(self, folder: str | Path | None = None):
        self.problem = widgets.Textarea(description="Problem", style=LABEL_STYLE, layout=wide(),
                                        placeholder="What happened, how often, where")
        self.whys = [widgets.Text(description=f"Why {n}?", style=LABEL_STYLE,
                                  layout=widgets.Layout(width="45%"))
                     for n in range(1, MAX_WHYS + 1)]
        self.becauses = [widgets.Text(description="Because", style=LABEL_STYLE,
                                      layout=widgets.Layout(width="50%"))
                         for _ in range(MAX_WHYS)]
        self.root_cause = widgets.Textarea(description="Root cause", style=LABEL_STYLE,
                                           layout=wide())
        self.action = widgets.Textarea(description="Action (owner, date)", style=LABEL_STYLE,
                                       layout=wide())
        rows = [widgets.HBox([why, because])
                for why, because in zip(self.whys, self.becauses, strict=True)]
        super().__init__([self.problem, *rows, self.root_cause, self.action], folder)

    def sheet(self) -> FiveWhys:
        steps = [WhyStep(why.value, because.value)
                 for why, because in zip(self.whys, self.becauses, strict=True)
                 if why.value.strip() or because.value.strip()]
        return FiveWhys(title=self.title.value, problem=self.problem.value, whys=steps,
                        root_cause=self.root_cause.value, action=self.action.value)

    def fill(self, sheet: FiveWhys) -> None:
        self.title.value, self.problem.value = sheet.title, sheet.problem
        for number, (why, because) in enumerate(zip(self.whys, self.becauses, strict=True)):
            step = sheet.whys[number] if number < len(sheet.whys) else WhyStep()
            why.value, because.value = step.why, step.because
        self.root_cause.value, self.action.value = sheet.root_cause, sheet.action

    def _notes(self, sheet: FiveWhys) -> list[str]:
        return sheet.notes()


class FishboneForm(_WorksheetForm):
    """Problem at the head, one text box per bone (one cause per line)."""

    kind = Fishbone.kind

    def __init__(self, folder: str | Path | None = None,
                 categories: tuple[FishboneCategory, ...] | None = None):
        self.categories = categories if categories is not None else load_fishbone_categories()
        self.problem = widgets.Textarea(description="Problem", style=LABEL_STYLE, layout=wide())
        self.bones: dict[str, widgets.Textarea] = {}
        fields: list[widgets.Widget] = [self.problem]
        for category in self.categories:
            prompts = "".join(f"<li>{esc(p)}</li>" for p in category.prompts)
            self.bones[category.key] = widgets.Textarea(
                description=category.label, placeholder="one cause per line",
                style=LABEL_STYLE, layout=wide())
            fields += [self.bones[category.key],
                       widgets.HTML(f"<details><summary>Questions for {esc(category.label)}"
                                    f"</summary><ul>{prompts}</ul></details>")]
        super().__init__(fields, folder)

    def sheet(self) -> Fishbone:
        causes = {key: [line.strip() for line in box.value.splitlines() if line.strip()]
                  for key, box in self.bones.items()}
        return Fishbone(title=self.title.value, problem=self.problem.value, causes=causes)

    def fill(self, sheet: Fishbone) -> None:
        self.title.value, self.problem.value = sheet.title, sheet.problem
        for key, box in self.bones.items():
            box.value = "\n".join(sheet.causes.get(key, []))

    def _problems(self, sheet: Fishbone) -> list[str]:
        return sheet.problems(self.categories)


class RootCauseExplorer(widgets.VBox):
    """Filter the log, read the Pareto chart, work a cause down on a worksheet."""

    def __init__(self, frame: pd.DataFrame | None = None, *,
                 folder: str | Path | None = None):
        self.frame = frame if frame is not None else load_complaints(
            datasets_dir() / "complaints.csv").frame
        months = log_months(self.frame)
        if not months:
            raise ValueError("the log has no complaint with a received date to analyse")
        self.filtered = self.frame
        self.table = pd.DataFrame()
        self.months = widgets.SelectionRangeSlider(
            options=[(f"{m:%b %Y}", m) for m in months], index=(0, len(months) - 1),
            description="Months received", continuous_update=False, style=LABEL_STYLE,
            layout=widgets.Layout(width="95%"))
        self.channels = widgets.SelectMultiple(
            options=_options(self.frame, "channel"), description="Channels (none = all)",
            rows=6, style=LABEL_STYLE)
        self.products = widgets.SelectMultiple(
            options=_options(self.frame, "product"), description="Products (none = all)",
            rows=6, style=LABEL_STYLE)
        self.column = widgets.ToggleButtons(
            options=[("Root cause", "root_cause"), ("Category", "category")],
            description="Pareto by", style=LABEL_STYLE)
        self.summary = widgets.HTML()
        self.chart = widgets.Output()
        self.five_whys = FiveWhysForm(folder)
        self.fishbone = FishboneForm(folder)
        self.worksheets = widgets.Tab(children=[self.five_whys, self.fishbone],
                                      titles=("5 whys", "Fishbone"))
        for control in (self.months, self.channels, self.products, self.column):
            control.observe(lambda _change: self.redraw(), names="value")
        super().__init__([
            widgets.HTML("<p>Narrow the log to a period, channels and products, then read which "
                         "few causes make up most complaints (clause 8.2, Analysis and "
                         "evaluation of complaints, following ISO 10002:2018). Work one of them "
                         "down to a root cause on a worksheet below.</p>"),
            self.months,
            widgets.HBox([self.channels, self.products]),
            self.column,
            self.summary,
            self.chart,
            widgets.HTML("<h4>Worksheets</h4>"),
            self.worksheets,
        ])
        self.redraw()

    def redraw(self) -> None:
        """Filter, recompute the Pareto table and replace the chart."""
        first, last = self.months.value
        self.filtered = filter_log(self.frame, first.start_time.date(), last.end_time.date(),
                                   self.channels.value, self.products.value)
        column = self.column.value
        self.table = pareto_table(self.filtered, column)
        vital = self.table[self.table["vital_few"]]
        period = f"in {first:%b %Y}" if first == last else f"from {first:%b %Y} to {last:%b %Y}"
        if vital.empty:
            reading = "no complaint in the selection has a value to count"
        else:
            names = ", ".join(f"{_label(str(v))} ({row['share']:.0%})"
                              for v, row in vital.iterrows())
            reading = (f"{len(vital)} of {len(self.table)} {_label(column)} values make up "
                       f"{vital['share'].sum():.0%}: {names}")
        count = len(self.filtered)
        self.summary.value = (f"<p>{esc(count)} complaint{'' if count == 1 else 's'} received "
                              f"{esc(period)}; {esc(reading)}.</p>")
        figure = pareto_chart(self.table)
        png = io.BytesIO()
        figure.savefig(png, format="png", dpi=96)
        self.chart.outputs = ()
        self.chart.append_display_data(Image(data=png.getvalue(), format="png"))
