"""Grades by learning path: each learner's path next to their grades, and results per path.

Why: in a cohort where practitioners, auditors and analysts work side by side, a practitioner
who has "not submitted" the pandas exercises is not behind — those exercises are not on their
path. The trainer's tables (`iso10002 grades`, `iso10002 report`) therefore show each learner's
path, mark which of their rows count for it, and sum results per path. The path a learner
chose is in their progress file (read with read_progress_folder); a learner with no choice (or
a choice the course map no longer has) is measured against every exercise, as before paths.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from widgets.core.course.course_map import CourseMap
from widgets.core.grading.nbgrader_course import NOT_PASSED, NOT_SUBMITTED, PASSED, TO_GRADE

NO_PATH = "(no path chosen)"
PATH_COLUMNS = ("path", "learners", "exercises", "handed_in", "passed", "not_passed",
                "to_grade", "not_submitted", "completed")


def with_paths(grades: pd.DataFrame, chosen: Mapping[str, str],
               course_map: CourseMap) -> pd.DataFrame:
    """cohort_grades' rows with the learner's ``path`` (after student_id; empty when none)
    and ``on_path``: whether the row's exercise counts for that path (every exercise counts
    for a learner without a known path)."""
    known = {path.id: set(path.exercises) for path in course_map.paths}
    out = grades.copy()
    out.insert(1, "path", [chosen.get(learner, "") for learner in out["student_id"]])
    out["on_path"] = [assignment in known[path] if path in known else True
                      for path, assignment in zip(out["path"], out["assignment"], strict=True)]
    return out


def path_summary(graded: pd.DataFrame, course_map: CourseMap) -> pd.DataFrame:
    """One row per path in the course map's order (then learners without a path): its
    learners, the exercises that count for it, their rows by status, and ``completed``: the
    learners who passed every exercise of their path that is in the gradebook (an exercise
    not generated yet has no rows). ``graded`` comes from with_paths."""
    order = [path.id for path in course_map.paths]
    groups = sorted(set(graded["path"]), key=lambda p: (p not in order,
                                                        order.index(p) if p in order else 0, p))
    rows = []
    for path_id in groups:
        mine = graded[(graded["path"] == path_id) & graded["on_path"]]
        status = mine["status"]
        learners = graded.loc[graded["path"] == path_id, "student_id"].nunique()
        passed_all = mine.groupby("student_id")["status"].agg(lambda s: bool((s == PASSED).all()))
        rows.append({
            "path": path_id or NO_PATH, "learners": learners,
            "exercises": mine["assignment"].nunique(),
            "handed_in": int((status != NOT_SUBMITTED).sum()),
            "passed": int((status == PASSED).sum()),
            "not_passed": int((status == NOT_PASSED).sum()),
            "to_grade": int((status == TO_GRADE).sum()),
            "not_submitted": int((status == NOT_SUBMITTED).sum()),
            "completed": int(passed_all.sum()),
        })
    return pd.DataFrame(rows, columns=list(PATH_COLUMNS))
