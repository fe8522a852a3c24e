"""The course as a course: the course map (modules, exercises, pass rules), the clause list,
question banks and their scoring, the syllabus, learners' progress, the study plan and the
dashboard's self-test.

Facade: the names below are what notebooks, exercises and the CLI use; each is imported
from its module on first use (see :mod:`widgets.core.common.facade`).
"""

from widgets.core.common.facade import lazy_exports

_EXPORTS = {
    "HOME_STANDARD": "clauses",
    "load_clauses": "clauses",
    "COURSE_MAP_FILE": "course_map",
    "CourseMap": "course_map",
    "CourseMapError": "course_map",
    "Dashboard": "course_map",
    "Exercise": "course_map",
    "Module": "course_map",
    "PassRules": "course_map",
    "format_clauses": "course_map",
    "load_course_map": "course_map",
    "parse_course_map": "course_map",
    "ProgressStore": "progress",
    "load_bank": "questions",
    "SYLLABUS_FILE": "syllabus",
    "syllabus_markdown": "syllabus",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
