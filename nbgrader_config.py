"""nbgrader settings of the course: sources in exercises/, everything nbgrader makes in course/.

nbgrader reads this file when a command runs in this folder, and the Formgrader reads it when
JupyterLab starts here (`make start`). Paths are relative to this file, not to the working
directory, so a copy of the file in another folder (a test's temporary course root, a second
cohort's clone) describes that folder. course/trainer-guide.md shows every step.
"""

import os
import sys

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import GetGrades

from widgets.core.grading import (
    COURSE_DIRECTORIES,
    COURSE_ID,
    GRADEBOOK,
    GRADES_CSV,
    RemoveHiddenFromFeedback,
)

c = get_config()  # noqa: F821  (nbgrader's config loader provides get_config)
ROOT = os.path.dirname(os.path.abspath(__file__))

# nbgrader runs the `alembic` command to create a gradebook. Let it find the one installed next
# to this Python when the environment is not activated (`.venv/bin/nbgrader`, or the Formgrader
# in the JupyterLab of `make start`): without it, the first command on a fresh clone fails.
_BIN = os.path.dirname(sys.executable)
if _BIN not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = os.pathsep.join([_BIN, os.environ.get("PATH", "")])

c.CourseDirectory.root = ROOT
c.CourseDirectory.course_id = COURSE_ID
c.CourseDirectory.source_directory = COURSE_DIRECTORIES["source"]  # exercises
c.CourseDirectory.release_directory = COURSE_DIRECTORIES["release"]  # course/release
c.CourseDirectory.submitted_directory = COURSE_DIRECTORIES["submitted"]  # course/submitted
c.CourseDirectory.autograded_directory = COURSE_DIRECTORIES["autograded"]  # course/autograded
c.CourseDirectory.feedback_directory = COURSE_DIRECTORIES["feedback"]  # course/feedback
c.CourseDirectory.solution_directory = COURSE_DIRECTORIES["solution"]  # course/solution
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(ROOT, GRADEBOOK)  # course/gradebook.db
c.CsvExportPlugin.to = os.path.join(ROOT, GRADES_CSV)  # `nbgrader export` writes course/grades.csv

# A cell may run 30 s; then the kernel is interrupted, the cell scores 0 and grading moves on
# (a learner's endless loop must not hang a cohort's autograding). Every cell of the
# exercises runs in well under a second.
c.Execute.timeout = 30
c.Execute.interrupt_on_timeout = True

# A deleted test cell is put back and run, so deleting a test cannot change a score.
c.OverwriteCells.add_missing_cells = True

# The trainers' mark schemes sit in the locked question cell above each free-text answer,
# between "### BEGIN MARK SCHEME" and "### END MARK SCHEME": removed from what learners get,
# restored from the gradebook when grading so the Formgrader shows them next to the answer.
# nbgrader only expects them in "task" cells; the answer here is a graded answer cell.
c.ClearMarkScheme.enforce_metadata = False

# Feedback without hidden tests or mark schemes: by default nbgrader renders the graded
# notebook, hidden tests included.
c.GenerateFeedback.preprocessors = [GetGrades, RemoveHiddenFromFeedback, CSSHTMLHeaderPreprocessor]
