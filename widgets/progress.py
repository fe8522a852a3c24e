"""The learner's progress through the course as a table, with a Refresh button.

A thin view over widgets.core.course.progress: the modules come from the course map
(widgets/content/modules.yaml, read by widgets.core.course.course_map) so that modules not started
yet are listed too; results recorded for a module the map no longer lists are still shown. If the
map is missing or broken the table falls back to the modules found in the progress file, and
says why. Messages about a damaged progress file are shown above the table.

    from widgets.progress import ProgressView
    ProgressView()
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from widgets.core.course.course_map import COURSE_MAP_FILE, CourseMapError, load_course_map
from widgets.core.course.progress import (
    COMPLETED,
    IN_PROGRESS,
    ProgressRow,
    ProgressStore,
    progress_rows,
)
from widgets.look import CAUTION, OK

_STATUS_COLOUR = {COMPLETED: OK, IN_PROGRESS: CAUTION}


def _esc(text: object) -> str:
    return html.escape(str(text))


def _percent(value: float) -> str:
    return f"{round(value * 100)}%"


def _when(stamp: str) -> str:
    """'2025-03-14T09:26:53Z' -> '2025-03-14 09:26 UTC'."""
    return f"{stamp[:10]} {stamp[11:16]} UTC"


def _cells(row: ProgressRow) -> str:
    colour = _STATUS_COLOUR.get(row.status, "#555555")
    status = f'<span style="color:{colour}">{_esc(row.status.capitalize())}</span>'
    module = row.progress
    if module is None:
        figures = "<td>–</td><td>–</td><td>0</td><td>–</td>"
    else:
        figures = (
            f"<td>{_percent(module.best_score)}</td><td>{_percent(module.last_score)}</td>"
            f"<td>{module.attempts}</td><td>{_esc(_when(module.last_attempt_at))}</td>"
        )
    title = _esc(row.title)
    if row.title != row.module:
        title += f"<br><small>{_esc(row.module)}</small>"
    return f'<tr><th scope="row">{title}</th><td>{status}</td>{figures}</tr>'


class ProgressView(widgets.VBox):
    """Each module's status for one learner. ``table`` and ``notice`` are HTML widgets a test
    can read; ``refresh()`` (the Refresh button) reads the progress file again."""

    def __init__(self, store: ProgressStore | None = None) -> None:
        super().__init__()
        self.store = store if store is not None else ProgressStore()
        self.notice = widgets.HTML()
        self.table = widgets.HTML()
        self.refresh_button = widgets.Button(
            description="Refresh", tooltip="Read your saved progress again"
        )
        self.refresh_button.on_click(lambda _: self.refresh())
        self.children = (
            widgets.HTML(f"<h3>Your progress</h3><p>Learner: {_esc(self.store.learner)}</p>"),
            self.notice,
            self.table,
            self.refresh_button,
        )
        self.refresh()

    def _course_modules(self) -> tuple[list[tuple[str, str]] | None, str | None]:
        if not COURSE_MAP_FILE.is_file():
            return None, None
        try:
            course_map = load_course_map()
        except CourseMapError as error:
            return None, f"The course map could not be read ({error}); showing recorded modules."
        return [(module.id, module.title) for module in course_map.modules], None

    def refresh(self) -> None:
        progress = self.store.load()
        course_modules, map_problem = self._course_modules()
        notices = self.store.notices() + ([map_problem] if map_problem else [])
        self.notice.value = "".join(f'<p role="alert">⚠ {_esc(text)}</p>' for text in notices)
        rows = progress_rows(progress, course_modules)
        if not rows:
            self.table.value = "<p>No knowledge checks recorded yet.</p>"
            return
        body = "".join(_cells(row) for row in rows)
        done = sum(1 for row in rows if row.status == COMPLETED)
        self.table.value = (
            "<table><caption>Module status: "
            f"{done} of {len(rows)} completed</caption>"
            '<thead><tr><th scope="col">Module</th><th scope="col">Status</th>'
            '<th scope="col">Best score</th><th scope="col">Last score</th>'
            '<th scope="col">Attempts</th><th scope="col">Last attempt</th></tr></thead>'
            f"<tbody>{body}</tbody></table>"
        )
