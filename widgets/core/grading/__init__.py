"""The trainer's side, one trust boundary: nbgrader's course layout and safe feedback, parallel
autograding, synthetic cohorts, the cohort report, certificates, and the property checks and
made-to-order submissions the proof tests use, and results by learning path.

Facade: the names below are what notebooks, exercises and the CLI use; each is imported
from its module on first use (see :mod:`widgets.core.common.facade`).
"""

from widgets.core.common.facade import lazy_exports

_EXPORTS = {
    "eligibility": "certificates",
    "read_progress_folder": "certificates",
    "write_certificates": "certificates",
    "Mix": "cohort",
    "plan_cohort": "cohort",
    "write_cohort": "cohort",
    "ItemsError": "cohort_report",
    "ReportError": "cohort_report",
    "build_report": "cohort_report",
    "write_report": "cohort_report",
    "is_test": "exercise_submissions",
    "solved": "exercise_submissions",
    "CONFIG_FILE": "nbgrader_course",
    "COURSE_DIRECTORIES": "nbgrader_course",
    "COURSE_ID": "nbgrader_course",
    "GRADEBOOK": "nbgrader_course",
    "GRADES_CSV": "nbgrader_course",
    "HIDDEN_NOTE": "nbgrader_course",
    "HIDDEN_TESTS": "nbgrader_course",
    "MARK_SCHEME": "nbgrader_course",
    "REPORT_COLUMNS": "nbgrader_course",
    "RegionError": "nbgrader_course",
    "NOT_PASSED": "nbgrader_course",
    "NOT_SUBMITTED": "nbgrader_course",
    "PASSED": "nbgrader_course",
    "RemoveHiddenFromFeedback": "nbgrader_course",
    "TO_GRADE": "nbgrader_course",
    "SOLUTION": "nbgrader_course",
    "assignment_ids": "nbgrader_course",
    "cohort_grades": "nbgrader_course",
    "course_api": "nbgrader_course",
    "gradebook_url": "nbgrader_course",
    "load_course_config": "nbgrader_course",
    "make_course_root": "nbgrader_course",
    "nbgrader_environment": "nbgrader_course",
    "private_jupyter_homes": "nbgrader_course",
    "report_summary": "nbgrader_course",
    "repository_root": "nbgrader_course",
    "split_region": "nbgrader_course",
    "spreadsheet_safe": "nbgrader_course",
    "write_grades_csv": "nbgrader_course",
    "NO_PATH": "path_results",
    "path_summary": "path_results",
    "with_paths": "path_results",
    "ALREADY_GRADED": "parallel_grade",
    "GradeError": "parallel_grade",
    "ProgressLine": "parallel_grade",
    "grade_assignment": "parallel_grade",
    "read_submission": "parallel_grade",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
