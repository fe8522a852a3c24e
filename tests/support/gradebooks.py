"""A throw-away nbgrader course with its assignments generated, for tests that fill a gradebook
by hand (certificates, reports) instead of grading real submissions."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

from widgets.core.grading.nbgrader_course import course_api, make_course_root, nbgrader_environment


def generated_course(root: Path, assignments: Sequence[str] | None = None,
                     fill: Callable[[Path], None] | None = None) -> Path:
    """make_course_root(root, assignments), every assignment generated (so the gradebook knows
    its cells), then ``fill(root)`` to write the grades. ``None``: all of the course's."""
    from sqlalchemy.exc import SAWarning

    from widgets.core.grading.nbgrader_course import assignment_ids

    root = make_course_root(root, assignments) if assignments else make_course_root(root)
    with warnings.catch_warnings(), nbgrader_environment():
        warnings.simplefilter("ignore", SAWarning)  # SQLAlchemy 2 and nbgrader: harmless
        api = course_api(root)
        for assignment in assignments or assignment_ids(root):
            assert api.generate_assignment(assignment)["success"], assignment
        if fill is not None:
            fill(root)
    return root
