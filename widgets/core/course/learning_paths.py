"""Learning paths: where a learner stands on the path they chose, and what to do next.

Why a module of its own: the course home, the progress view, the syllabus and the trainer's
certificates all ask the same questions of a path (which knowledge checks it needs, how long
it takes, which rules it sets, what is left) and must answer them the same way. The paths
themselves are data in the one course map (widgets/content/modules.yaml, `paths:`); the
learner's choice is kept in their progress file (widgets.core.course.progress). Not to be
confused with widgets.core.common.paths, which says where the course's files are.

A module counts as passed on a path when every knowledge check of the module (the question
banks whose `module` names it) is passed, with the bank's own pass mark, as the syllabus says.
Exercise grades live in the trainer's gradebook, not in the learner's kernel, so the learner's
side can only say which exercises are *ready*: those whose module is passed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from widgets.core.course.course_map import CourseMap, LearningPath
from widgets.core.course.progress import ModuleProgress, ProgressStore
from widgets.core.course.questions import Bank


def duration_text(minutes: int) -> str:
    """205 -> '3 h 25 min', as the syllabus writes durations."""
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d} min"


@dataclass(frozen=True)
class PathModule:
    """A module of a path, for one learner."""

    id: str
    title: str
    minutes: int
    checks: tuple[str, ...]  # question bank ids
    passed: bool
    started: bool


@dataclass(frozen=True)
class PathExercise:
    """An exercise of a path; ``ready`` once the module it follows is passed."""

    id: str
    title: str
    follows: str
    minutes: int
    ready: bool


@dataclass(frozen=True)
class PathProgress:
    """One learner on one path: each module (course order) and exercise (in the order of the
    modules they follow), and the next steps."""

    path: LearningPath
    modules: tuple[PathModule, ...]
    exercises: tuple[PathExercise, ...]

    @property
    def modules_passed(self) -> int:
        return sum(module.passed for module in self.modules)

    @property
    def next_module(self) -> PathModule | None:
        """The first module of the path, in course order, not passed yet (None: all done)."""
        return next((module for module in self.modules if not module.passed), None)

    @property
    def ready_exercises(self) -> tuple[PathExercise, ...]:
        """The path's exercises whose module is passed: the learner can do them now."""
        return tuple(exercise for exercise in self.exercises if exercise.ready)

    @property
    def minutes_left(self) -> int:
        """Estimated minutes of the modules not passed yet and of the exercises not ready
        yet (ready ones may already be handed in: only the trainer's gradebook knows)."""
        return (sum(module.minutes for module in self.modules if not module.passed)
                + sum(exercise.minutes for exercise in self.exercises if not exercise.ready))


def module_passed(module_id: str, checks: Sequence[Bank],
                  progress: Mapping[str, ModuleProgress]) -> bool:
    """Every knowledge check of the module passed; a module without a bank counts as passed
    once any check recorded in it is (ModuleProgress.completed)."""
    record = progress.get(module_id)
    if record is None:
        return False
    if not checks:
        return record.completed
    return all(bank.id in record.checks and record.checks[bank.id].completed for bank in checks)


def path_progress(course_map: CourseMap, path: LearningPath,
                  progress: Mapping[str, ModuleProgress],
                  checks: Mapping[str, Sequence[Bank]]) -> PathProgress:
    """Where the learner whose results are ``progress`` stands on ``path``; ``checks`` are the
    modules' knowledge checks (widgets.core.course.syllabus.module_checks)."""
    modules = tuple(
        PathModule(id=module.id, title=module.title, minutes=module.minutes,
                   checks=tuple(bank.id for bank in checks.get(module.id, ())),
                   passed=module_passed(module.id, checks.get(module.id, ()), progress),
                   started=module.id in progress)
        for module in (course_map.module(module_id) for module_id in path.modules))
    passed = {module.id for module in modules if module.passed}
    listed = sorted((course_map.exercise(exercise_id) for exercise_id in path.exercises),
                    key=lambda exercise: path.modules.index(exercise.follows))
    exercises = tuple(
        PathExercise(id=exercise.id, title=exercise.title, follows=exercise.follows,
                     minutes=exercise.minutes or 0, ready=exercise.follows in passed)
        for exercise in listed)
    return PathProgress(path, modules, exercises)


def path_checks(path: LearningPath, checks: Mapping[str, Sequence[Bank]]) -> tuple[Bank, ...]:
    """The knowledge checks a path requires: those of its modules, in course order."""
    return tuple(bank for module_id in path.modules for bank in checks.get(module_id, ()))


def pass_rule_lines(course_map: CourseMap, path: LearningPath,
                    checks: Mapping[str, Sequence[Bank]]) -> tuple[str, str]:
    """The path's pass rules in words, one line for the checks and one for the exercises:
    the course's rules (pass_rules in the map) applied to this path's modules and exercises."""
    banks = path_checks(path, checks)
    marks = sorted({bank.pass_mark for bank in banks})
    mark = " or ".join(f"{value:.0%}" for value in marks)
    return (f"the knowledge checks of its {len(path.modules)} modules passed "
            f"({len(banks)} check{'' if len(banks) == 1 else 's'}, pass mark {mark})",
            (f"its {len(path.exercises)} exercises each" if len(path.exercises) > 1
             else "its exercise") + f" passed with at least "
            f"{course_map.pass_rules.exercise_pass_mark:.0%} of the points")


def choose_path(store: ProgressStore, course_map: CourseMap, path_id: str | None
                ) -> LearningPath | None:
    """Record the learner's choice in their progress file; ValueError names the paths there
    are when ``path_id`` is not one of them. None forgets the choice."""
    if path_id is None:
        store.choose_path(None)
        return None
    try:
        path = course_map.path(path_id)
    except KeyError as error:
        raise ValueError(error.args[0]) from None
    store.choose_path(path.id)
    return path


def chosen_path(store: ProgressStore, course_map: CourseMap
                ) -> tuple[LearningPath | None, str | None]:
    """(the learner's path, a sentence to show them or None). A choice that names a path the
    map no longer has (renamed or retired) gives no path and says so, never an error."""
    choice = store.chosen_path()
    if choice is None:
        return None, None
    try:
        return course_map.path(choice.id), None
    except KeyError:
        known = ", ".join(path.title for path in course_map.paths)
        return None, (f"The learning path you chose earlier ({choice.id!r}) is no longer part "
                      f"of the course; choose one of: {known}.")


def paths_table_markdown(course_map: CourseMap) -> str:
    """The README's table of paths (a test checks the README holds exactly this): who each
    path is for, its modules, its graded exercises and its estimated time."""
    lines = ["| Path | Who it is for | Modules | Graded exercises | Time |",
             "|---|---|---|---|---|"]
    lines += [f"| `{path.id}` {path.title} | {path.audience} | "
              f"{', '.join(module_id[:2] for module_id in path.modules)} | "
              f"{', '.join(f'`{exercise}`' for exercise in path.exercises)} | "
              f"{duration_text(course_map.path_minutes(path))} |" for path in course_map.paths]
    return "\n".join(lines) + "\n"
