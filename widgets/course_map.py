"""The course home's tables: modules, exercises and the dashboard, read from the course map.

A thin view over widgets.core.course.course_map: the map is data, and availability is looked up on
disk each time the course home runs, so the page never announces a notebook that is not there yet
(modules, exercises and the dashboard arrive in later releases) and never needs editing when
one arrives. The ``*_html`` functions return plain HTML so tests can check them without a
notebook; the ``show_*`` functions display it.
"""

from __future__ import annotations

import os
from html import escape
from pathlib import Path
from urllib.parse import quote

from IPython.display import HTML, display

from widgets.core.common.paths import course_root
from widgets.core.course.course_map import CourseMap, format_clauses, load_course_map

_AVAILABLE = "available"
_COMING = "coming in a later release"


def _link(target: Path, base: Path, text: str) -> str:
    """A link relative to ``base`` (the running notebook's folder), which is how JupyterLab
    resolves links in outputs and opens the target in a new tab of the same session."""
    href = quote(Path(os.path.relpath(target, base)).as_posix())
    return f'<a href="{href}">{escape(text)}</a>'


def _resolve(course_map: CourseMap | None, root: Path | None) -> tuple[CourseMap, Path]:
    """Defaults: the packaged course map and the checkout the package runs from."""
    return (
        course_map if course_map is not None else load_course_map(),
        root if root is not None else course_root(),
    )


def course_map_html(
    course_map: CourseMap | None = None, root: Path | None = None, base: Path | None = None
) -> str:
    """The module table: order, title (linked when the notebook exists), time, clauses."""
    course_map, root = _resolve(course_map, root)
    base = base if base is not None else Path.cwd()
    rows = []
    for module in course_map.modules:
        path = module.notebook_path(root)
        available = path.is_file()
        title = _link(path, base, module.title) if available else escape(module.title)
        rows.append(
            "<tr>"
            f"<td>{escape(module.id[:2])}</td>"
            f"<td>{title}<br><small>{escape(module.summary)}</small></td>"
            f"<td>{module.minutes} min</td>"
            f"<td>{escape(format_clauses(module.clauses))}</td>"
            f"<td>{_AVAILABLE if available else _COMING}</td>"
            "</tr>"
        )
    hours, minutes = divmod(course_map.total_minutes, 60)
    return (
        '<table class="iso10002-course-map">'
        "<thead><tr><th>#</th><th>Module</th><th>Time</th>"
        "<th>Clauses</th><th>Status</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody>"
        f"<tfoot><tr><td></td><td>All modules</td><td>{hours} h {minutes:02d} min</td>"
        "<td></td><td></td></tr></tfoot>"
        "</table>"
    )


def exercises_html(course_map: CourseMap | None = None, root: Path | None = None) -> str:
    """The exercise table. No links: learners receive exercises from their trainer (nbgrader's
    Assignments tab), and the sources in exercises/ contain the solutions."""
    course_map, root = _resolve(course_map, root)
    titles = {module.id: module.title for module in course_map.modules}
    rows = [
        "<tr>"
        f"<td>{escape(exercise.id)}</td>"
        f"<td>{escape(exercise.title)}<br><small>{escape(exercise.summary)}</small></td>"
        f"<td>{escape(exercise.follows[:2])} {escape(titles[exercise.follows])}</td>"
        f"<td>{escape(format_clauses(exercise.clauses))}</td>"
        f"<td>{_AVAILABLE if exercise.is_available(root) else _COMING}</td>"
        "</tr>"
        for exercise in course_map.exercises
    ]
    return (
        '<table class="iso10002-exercises">'
        "<thead><tr><th>Assignment</th><th>Exercise</th><th>After module</th>"
        "<th>Clauses</th><th>Status</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def dashboard_html(
    course_map: CourseMap | None = None, root: Path | None = None, base: Path | None = None
) -> str:
    """Where the self-assessment dashboard is, or that it has not been released yet."""
    course_map, root = _resolve(course_map, root)
    base = base if base is not None else Path.cwd()
    dashboard = course_map.dashboard
    path = dashboard.notebook_path(root)
    command = f"<code>{escape(dashboard.command)}</code>"
    if not path.is_file():
        return (
            "<p>The self-assessment dashboard is not part of your copy of the course yet: it "
            f"arrives with the dashboard release ({escape(dashboard.notebook)}), and then "
            f"{command} serves it.</p>"
        )
    return (
        f"<p>Run {command} in a terminal at the top of the course folder: Voilà serves the "
        "dashboard in your browser, without any code. You can also open "
        f"{_link(path, base, dashboard.notebook)} here.</p>"
    )


def show_course_map() -> None:
    """Display the module table in the running notebook."""
    display(HTML(course_map_html()))


def show_exercises() -> None:
    """Display the exercise table in the running notebook."""
    display(HTML(exercises_html()))


def show_dashboard() -> None:
    """Display where the self-assessment dashboard is, or that it is still to come."""
    display(HTML(dashboard_html()))
