"""The course as a course: the course map (modules, exercises, pass rules, learning paths),
the clause list, question banks and their scoring, the syllabus, learners' progress, the
study plan, the dashboard's self-test and the tolerant reading of answers typed into graded
exercises.

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
    "LearningPath": "course_map",
    "Module": "course_map",
    "PassRules": "course_map",
    "format_clauses": "course_map",
    "load_course_map": "course_map",
    "parse_course_map": "course_map",
    "PathProgress": "learning_paths",
    "choose_path": "learning_paths",
    "chosen_path": "learning_paths",
    "duration_text": "learning_paths",
    "pass_rule_lines": "learning_paths",
    "paths_table_markdown": "learning_paths",
    "path_checks": "learning_paths",
    "path_progress": "learning_paths",
    "ProgressStore": "progress",
    "load_bank": "questions",
    "SYLLABUS_FILE": "syllabus",
    "syllabus_markdown": "syllabus",
    "AnswerFormatError": "typed_answers",
    "choice": "typed_answers",
    "choices": "typed_answers",
    "date_answer": "typed_answers",
    "keyed": "typed_answers",
    "number": "typed_answers",
    "priority": "typed_answers",
    "yes_no": "typed_answers",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
