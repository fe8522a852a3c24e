"""The learner's progress through the course as a table, with a Refresh button.

A thin view over widgets.core.course.progress: the modules come from the course map
(widgets/content/modules.yaml, read by widgets.core.course.course_map) so that modules not started
yet are listed too; results recorded for a module the map no longer lists are still shown. If the
map is missing or broken the table falls back to the modules found in the progress file, and
says why. Messages about a damaged progress file are shown above the table. When the learner
has chosen a learning path (on the course home), the caption counts that path's modules and
the modules it does not include are marked as such (widgets.core.course.learning_paths).

    from widgets.progress import ProgressView
    ProgressView()
"""

from __future__ import annotations

import ipywidgets as widgets

from widgets.core.course.course_map import (
    COURSE_MAP_FILE,
    CourseMap,
    CourseMapError,
    load_course_map,
)
from widgets.core.course.learning_paths import PathProgress, chosen_path, path_progress
from widgets.core.course.progress import (
    COMPLETED,
    IN_PROGRESS,
    ProgressRow,
    ProgressStore,
    progress_rows,
)
from widgets.core.course.syllabus import load_banks, module_checks
from widgets.look import CAUTION, OK, esc

_STATUS_COLOUR = {COMPLETED: OK, IN_PROGRESS: CAUTION}


def _percent(value: float) -> str:
    return f"{round(value * 100)}%"


def _when(stamp: str) -> str:
    """'2025-03-14T09:26:53Z' -> '2025-03-14 09:26 UTC'."""
    return f"{stamp[:10]} {stamp[11:16]} UTC"


def _cells(row: ProgressRow, off_path: bool = False) -> str:
    colour = _STATUS_COLOUR.get(row.status, "#555555")
    status = f'<span style="color:{colour}">{esc(row.status.capitalize())}</span>'
    module = row.progress
    if module is None:
        figures = "<td>–</td><td>–</td><td>0</td><td>–</td>"
    else:
        figures = (
            f"<td>{_percent(module.best_score)}</td><td>{_percent(module.last_score)}</td>"
            f"<td>{module.attempts}</td><td>{esc(_when(module.last_attempt_at))}</td>"
        )
    title = esc(row.title)
    if row.title != row.module:
        title += f"<br><small>{esc(row.module)}</small>"
    if off_path:
        title += "<br><small>not on your path</small>"
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
            widgets.HTML(f"<h3>Your progress</h3><p>Learner: {esc(self.store.learner)}</p>"),
            self.notice,
            self.table,
            self.refresh_button,
        )
        self.refresh()

    def _course_map(self) -> tuple[CourseMap | None, str | None]:
        if not COURSE_MAP_FILE.is_file():
            return None, None
        try:
            return load_course_map(), None
        except CourseMapError as error:
            return None, f"The course map could not be read ({error}); showing recorded modules."

    def _on_path(self, course_map: CourseMap | None, progress: dict
                 ) -> tuple[PathProgress | None, str | None]:
        """The learner's standing on their chosen path, or None (no map, no choice)."""
        if course_map is None or not course_map.paths:
            return None, None
        path, problem = chosen_path(self.store, course_map)
        if path is None:
            return None, problem
        checks = module_checks(course_map, load_banks())
        return path_progress(course_map, path, progress, checks), None

    def refresh(self) -> None:
        progress = self.store.load()
        course_map, map_problem = self._course_map()
        course_modules = ([(module.id, module.title) for module in course_map.modules]
                          if course_map else None)
        on_path, path_problem = self._on_path(course_map, progress)
        notices = self.store.notices() + [text for text in (map_problem, path_problem) if text]
        self.notice.value = "".join(f'<p role="alert">⚠ {esc(text)}</p>' for text in notices)
        rows = progress_rows(progress, course_modules)
        if not rows:
            self.table.value = "<p>No knowledge checks recorded yet.</p>"
            return
        path_modules = {module.id for module in on_path.modules} if on_path else None
        body = "".join(_cells(row, path_modules is not None and row.module not in path_modules)
                       for row in rows)
        done = sum(1 for row in rows if row.status == COMPLETED)
        caption = f"Module status: {done} of {len(rows)} completed"
        if on_path:
            caption = (f"On your path, {esc(on_path.path.title)}: {on_path.modules_passed} of "
                       f"{len(on_path.modules)} modules passed ({done} of {len(rows)} modules "
                       "of the course completed)")
        self.table.value = (
            f"<table><caption>{caption}</caption>"
            '<thead><tr><th scope="col">Module</th><th scope="col">Status</th>'
            '<th scope="col">Best score</th><th scope="col">Last score</th>'
            '<th scope="col">Attempts</th><th scope="col">Last attempt</th></tr></thead>'
            f"<tbody>{body}</tbody></table>"
        )
