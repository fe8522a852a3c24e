"""A study plan: the course's modules spread over sessions of the length a learner can spare.

Why: "7 hours" is easy to put off; "eight one-hour sessions, two a week, done in four weeks"
is a plan. The plan follows the course map's order and estimated minutes (one source of
truth, widgets/content/modules.yaml), splits a module across sessions when it does not fit
the time left (long modules such as the audit module rarely fit a short session), and leaves
out modules the learner has already completed, so the plan shrinks as progress grows.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass

from widgets.core.course.course_map import CourseMap

MIN_SESSION_MINUTES = 10


@dataclass(frozen=True)
class SessionPart:
    """Some minutes of one module in one session; ``finishes`` when the module ends here."""

    module_id: str
    title: str
    minutes: int
    finishes: bool


@dataclass(frozen=True)
class Session:
    number: int  # 1-based
    week: int  # 1-based
    parts: tuple[SessionPart, ...]

    @property
    def minutes(self) -> int:
        return sum(part.minutes for part in self.parts)


@dataclass(frozen=True)
class StudyPlan:
    sessions: tuple[Session, ...]
    skipped: tuple[str, ...]  # module ids left out as completed

    @property
    def minutes(self) -> int:
        return sum(session.minutes for session in self.sessions)

    @property
    def weeks(self) -> int:
        return self.sessions[-1].week if self.sessions else 0


def plan_sessions(course_map: CourseMap, minutes_per_session: int, sessions_per_week: int = 2,
                  completed: Collection[str] = ()) -> StudyPlan:
    """Pack the modules not in ``completed``, in course order, into sessions of at most
    ``minutes_per_session`` minutes; ``sessions_per_week`` numbers the weeks."""
    if minutes_per_session < MIN_SESSION_MINUTES:
        raise ValueError(f"a session needs at least {MIN_SESSION_MINUTES} minutes "
                         f"(got {minutes_per_session})")
    if sessions_per_week < 1:
        raise ValueError(f"plan at least one session a week (got {sessions_per_week})")
    sessions: list[Session] = []
    parts: list[SessionPart] = []
    free = minutes_per_session

    def close_session() -> None:
        nonlocal parts, free
        number = len(sessions) + 1
        sessions.append(Session(number, math.ceil(number / sessions_per_week), tuple(parts)))
        parts, free = [], minutes_per_session

    skipped = []
    for module in course_map.modules:
        if module.id in completed:
            skipped.append(module.id)
            continue
        left = module.minutes
        while left:
            chunk = min(left, free)
            left -= chunk
            free -= chunk
            parts.append(SessionPart(module.id, module.title, chunk, finishes=left == 0))
            if free == 0:
                close_session()
    if parts:
        close_session()
    return StudyPlan(tuple(sessions), tuple(skipped))
