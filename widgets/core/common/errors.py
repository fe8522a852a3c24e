"""The one error type for content a trainer or learner got wrong.

Why: every YAML file under widgets/content/ and every data file a learner uploads can be
broken, and each reader names the file, the key, the value and the fix. Views and the CLI
show that message instead of a traceback; they can only do so reliably if they can catch one
type. Each module keeps its own subclass (CourseMapError, PolicyError, …) so a caller or a
test that wants one file's errors still can, and all of them derive from ContentError.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class ContentError(ValueError):
    """A content or data file is missing, not valid YAML/CSV, or holds a wrong value.

    `problems` lists every problem found when a reader collected several before raising
    (a trainer who edits a file then sees them all at once); for a single problem it holds
    just the message. A module may keep richer problems there (question banks keep located
    Problem records) as long as each reads as its message.
    """

    def __init__(self, message: str, problems: Sequence[Any] = ()) -> None:
        super().__init__(message)
        self.problems: list[Any] = list(problems) or [message]

    def _render_traceback_(self) -> list[str]:
        """What a notebook shows (IPython calls this when an exception defines it): the
        message, written for whoever edits the file, rather than a traceback."""
        return [str(self)]
