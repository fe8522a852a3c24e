"""What every module notebook shows at its top and its end, from the course's data.

A module's objectives, time and clauses live in widgets/content/modules.yaml and its knowledge
check in a question bank; notebooks call these three functions instead of repeating that
text, so the syllabus, the course home and the module can never disagree.

    show_module_header("03-handling-a-complaint")   # first cell
    knowledge_check("03-handling-a-complaint")      # the closing check, recorded as progress
    show_next_steps("03-handling-a-complaint")      # exercises that practise it, next module
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from IPython.display import HTML, display

from widgets.core.common.paths import course_root
from widgets.core.course.clauses import load_clauses
from widgets.core.course.course_map import CourseMap, load_course_map
from widgets.core.course.progress import ProgressStore
from widgets.core.course.syllabus import load_banks, module_checks
from widgets.questions import Quiz

CLAUSE_NOTE = ("Clause numbers and titles follow ISO 10002:2018, in our own words; check the "
               "wording against a licensed copy of the standard.")


def module_header_html(module_id: str, course_map: CourseMap | None = None) -> str:
    """Title, time, objectives and the clauses taught, for the module's first cell."""
    course_map = course_map if course_map is not None else load_course_map()
    module = course_map.module(module_id)
    catalogue = load_clauses()
    objectives = "".join(f"<li>{escape(o)}</li>" for o in module.objectives)
    clauses = "".join(f"<li>{escape(catalogue[c].label)}</li>" for c in module.clauses)
    clause_block = (f"<p><strong>Clauses covered</strong></p><ul>{clauses}</ul>"
                    f"<p><small>{escape(CLAUSE_NOTE)}</small></p>") if clauses else ""
    return (f"<div class='iso10002-module-header'>"
            f"<p><strong>Module {escape(module.id[:2])}</strong> · about {module.minutes} "
            f"minutes</p><p>{escape(module.summary)}</p>"
            f"<p><strong>After this module you can</strong></p><ul>{objectives}</ul>"
            f"{clause_block}</div>")


def show_module_header(module_id: str) -> None:
    """Display the module's header (first cell of every module notebook)."""
    display(HTML(module_header_html(module_id)))


def knowledge_check(module_id: str, *, store: ProgressStore | None = None) -> Quiz:
    """The module's closing knowledge check; its score is saved as the module's progress."""
    course_map = load_course_map()
    course_map.module(module_id)  # a KeyError naming the known modules if mistyped
    banks = module_checks(course_map, load_banks())[module_id]
    if len(banks) != 1:
        raise LookupError(f"module {module_id} should have exactly one knowledge-check bank "
                          f"in widgets/content/questions/, found {len(banks)}")
    return Quiz(banks[0].id, module=module_id, store=store)


def next_steps_html(module_id: str, course_map: CourseMap | None = None,
                    root: Path | None = None) -> str:
    """The exercises that practise this module and a link to the next module."""
    course_map = course_map if course_map is not None else load_course_map()
    root = root if root is not None else course_root()
    module = course_map.module(module_id)
    parts = []
    exercises = course_map.exercises_after(module_id)
    if exercises:
        items = "".join(f"<li><strong>{escape(e.id)}</strong> — {escape(e.title)}: "
                        f"{escape(e.summary)}</li>" for e in exercises)
        parts.append("<p><strong>Check your understanding</strong> in the graded "
                     f"exercise{'s' if len(exercises) > 1 else ''} your trainer releases "
                     f"(<em>Nbgrader → Assignment List</em>):</p><ul>{items}</ul>")
    ids = [m.id for m in course_map.modules]
    position = ids.index(module.id)
    if position + 1 < len(ids):
        following = course_map.modules[position + 1]
        link = following.notebook.removeprefix("modules/")
        available = following.notebook_path(root).is_file()
        title = (f"<a href='{escape(link)}'>{escape(following.title)}</a>" if available
                 else escape(following.title))
        parts.append(f"<p><strong>Next:</strong> module {escape(following.id[:2])}, {title} "
                     f"(about {following.minutes} minutes).</p>")
    else:
        parts.append("<p><strong>Next:</strong> you have reached the last module. Open the "
                     "self-assessment dashboard to see where you and your organization stand."
                     "</p>")
    return "".join(parts)


def show_next_steps(module_id: str) -> None:
    """Display the module's closing pointers (last cell of every module notebook)."""
    display(HTML(next_steps_html(module_id)))
