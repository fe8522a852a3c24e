"""The course home's learning paths: the three paths side by side, a drop-down to choose one,
and what to do next on the chosen path.

A thin view over widgets.core.course.learning_paths: the paths come from the course map
(widgets/content/modules.yaml), the choice is saved in the learner's progress file (so it is
the same in every notebook and after a restart) and can be changed at any time; results are
never lost by changing. The ``*_html`` functions return plain HTML so tests read them without
a notebook.

    from widgets.learning_paths import PathChooser
    PathChooser()
"""

from __future__ import annotations

import os
from html import escape
from pathlib import Path
from urllib.parse import quote

import ipywidgets as widgets

from widgets.core.common.paths import course_root
from widgets.core.course.course_map import CourseMap, load_course_map
from widgets.core.course.learning_paths import (
    PathProgress,
    choose_path,
    chosen_path,
    duration_text,
    pass_rule_lines,
    path_progress,
)
from widgets.core.course.progress import ProgressStore
from widgets.core.course.syllabus import load_banks, module_checks
from widgets.look import LABEL_STYLE, OK

_NO_CHOICE = "Choose a path…"


def paths_html(course_map: CourseMap, checks: dict) -> str:
    """The paths side by side: who each is for, its modules, exercises, time and rules."""
    rows = []
    for path in course_map.paths:
        rows.append(
            "<tr>"
            f"<td><strong>{escape(path.title)}</strong><br><small>{escape(path.audience)}"
            "</small></td>"
            f"<td>{escape(', '.join(module_id[:2] for module_id in path.modules))}</td>"
            f"<td>{escape(', '.join(path.exercises))}</td>"
            f"<td>{duration_text(course_map.path_minutes(path))}</td>"
            f"<td><small>{escape('; '.join(pass_rule_lines(course_map, path, checks)))}<br>"
            f"Certificate: {escape(path.certificate)}</small></td>"
            "</tr>")
    return ('<table class="iso10002-paths"><thead><tr><th>Path</th><th>Modules</th>'
            "<th>Graded exercises</th><th>Time</th><th>To pass</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def next_steps_html(course_map: CourseMap, progress: PathProgress, root: Path,
                    base: Path) -> str:
    """Where the learner stands on their path and the next module (linked) and exercise."""
    path = progress.path
    lines = [f"<h4>Your path: {escape(path.title)}</h4>",
             f"<p>{progress.modules_passed} of {len(progress.modules)} modules passed; about "
             f"{duration_text(progress.minutes_left)} of work left.</p><ul>"]
    module = progress.next_module
    if module is None:
        lines.append(f'<li style="color:{OK}">Every module of your path is passed.</li>')
    else:
        notebook = course_map.module(module.id).notebook_path(root)
        title = escape(module.title)
        if notebook.is_file():
            href = quote(Path(os.path.relpath(notebook, base)).as_posix())
            title = f'<a href="{href}">{title}</a>'
        verb = "Carry on with" if module.started else "Next module:"
        lines.append(f"<li>{verb} <strong>{escape(module.id[:2])}</strong> {title} "
                     f"({module.minutes} min) and pass its knowledge check.</li>")
    ready = progress.ready_exercises
    if ready:
        lines.append("<li>Graded exercises ready for you: " + ", ".join(
            f"<code>{escape(e.id)}</code> ({escape(e.title)}, about {e.minutes} min)"
            for e in ready) + "; open them from <em>Nbgrader → Assignment List</em> once your "
            "trainer releases them.</li>")
    waiting = [e for e in progress.exercises if not e.ready]
    if waiting:
        lines.append("<li>Graded exercises still to come, each once its module is passed: "
                     + ", ".join(f"<code>{escape(e.id)}</code> after module "
                                 f"{escape(e.follows[:2])}" for e in waiting) + ".</li>")
    lines.append(f"</ul><p><small>Certificate: {escape(path.certificate)}.</small></p>")
    return "".join(lines)


class PathChooser(widgets.VBox):
    """The paths, a drop-down to choose one (saved at once) and the next steps on it.
    ``picker``, ``steps`` and ``notice`` are widgets a test can drive and read; the Refresh
    button reads the progress file again (after a knowledge check in another notebook)."""

    def __init__(self, store: ProgressStore | None = None,
                 course_map: CourseMap | None = None, root: Path | None = None,
                 base: Path | None = None) -> None:
        super().__init__()
        self.store = store if store is not None else ProgressStore()
        self.course_map = course_map if course_map is not None else load_course_map()
        self.root = root if root is not None else course_root()
        self.base = base if base is not None else Path.cwd()
        self.checks = module_checks(self.course_map, load_banks())
        path, problem = chosen_path(self.store, self.course_map)
        self.notice = widgets.HTML()
        self.steps = widgets.HTML()
        self.picker = widgets.Dropdown(
            options=[(_NO_CHOICE, None)] + [(p.title, p.id) for p in self.course_map.paths],
            value=path.id if path else None, description="My path:", style=LABEL_STYLE)
        self.picker.observe(self._chosen, names="value")
        self.refresh_button = widgets.Button(description="Refresh",
                                             tooltip="Read your saved progress again")
        self.refresh_button.on_click(lambda _: self._show(None))
        self.children = (widgets.HTML(paths_html(self.course_map, self.checks)),
                         widgets.HBox([self.picker, self.refresh_button]), self.notice,
                         self.steps)
        self._show(problem)

    def _chosen(self, change: dict) -> None:
        choose_path(self.store, self.course_map, change["new"])
        self._show(None)

    def _show(self, problem: str | None) -> None:
        notices = self.store.notices() + ([problem] if problem else [])
        self.notice.value = "".join(f'<p role="alert">⚠ {escape(text)}</p>' for text in notices)
        path_id = self.picker.value
        if path_id is None:
            self.steps.value = ("<p>Choose the path for your role: the course home then shows "
                                "what to do next, and your progress view counts your path's "
                                "modules. You can change it at any time; results are kept.</p>")
            return
        progress = path_progress(self.course_map, self.course_map.path(path_id),
                                 self.store.load(), self.checks)
        self.steps.value = next_steps_html(self.course_map, progress, self.root, self.base)
