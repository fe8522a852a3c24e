"""The course map: which modules and exercises exist, in what order, teaching which clauses.

The map is data (widgets/content/modules.yaml) so that a trainer renames or adds a module in one
place and the course home, the README table (checked by a test) and the syllabus follow. This
module loads that file into immutable objects and rejects a malformed file with a message that
names the file, the key and what to write instead, because a typo there would otherwise surface
as a broken link in front of learners.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from widgets.core.common.errors import ContentError
from widgets.core.common.paths import CONTENT_DIR
from widgets.core.common.reader import by_id, read_yaml
from widgets.core.course.clauses import CLAUSES_FILE, HOME_STANDARD, Clause, load_clauses

COURSE_MAP_FILE = CONTENT_DIR / "modules.yaml"

_MODULE_ID = re.compile(r"^\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*$")
_EXERCISE_ID = re.compile(r"^ex\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*$")
_PATH_ID = re.compile(r"^[a-z]+(?:-[a-z]+)*$")


class CourseMapError(ContentError):
    """modules.yaml is missing a key, holds a value of the wrong kind, or contradicts itself."""


@dataclass(frozen=True)
class Module:
    """One teaching notebook of the course."""

    id: str
    notebook: str
    title: str
    minutes: int
    clauses: tuple[str, ...]
    objectives: tuple[str, ...]
    summary: str

    def notebook_path(self, root: Path) -> Path:
        """Where the notebook is in a checkout whose top folder is ``root``."""
        return root / self.notebook


@dataclass(frozen=True)
class Exercise:
    """One nbgrader assignment; its source notebooks live in ``exercises/<id>/``."""

    id: str
    follows: str
    title: str
    clauses: tuple[str, ...]
    summary: str
    minutes: int | None = None  # estimated working time; required once a path lists it

    @property
    def folder(self) -> str:
        """The assignment's source folder, relative to the repository root."""
        return f"exercises/{self.id}"

    def is_available(self, root: Path) -> bool:
        """True once the assignment's source folder holds a notebook."""
        return any((root / self.folder).glob("*.ipynb"))


@dataclass(frozen=True)
class Dashboard:
    """The Voilà self-assessment app: its notebook and the command that serves it."""

    notebook: str
    command: str

    def notebook_path(self, root: Path) -> Path:
        """Where the dashboard notebook is in a checkout whose top folder is ``root``."""
        return root / self.notebook


@dataclass(frozen=True)
class PassRules:
    """What counts as passing: a module passes with its knowledge check's own pass mark (in
    the question bank); an exercise with `exercise_pass_mark` of its points; `course` says in
    words what completes the course (syllabus, certificates), `path` what completes a
    learning path."""

    exercise_pass_mark: float
    course: str
    path: str = ""  # empty when the map defines no paths


@dataclass(frozen=True)
class LearningPath:
    """A route through the course for one kind of learner: the modules to study (their
    knowledge checks come with them), the graded exercises, and the certificate it leads to.
    The rules are the course's (PassRules.path) applied to these modules and exercises."""

    id: str
    title: str
    audience: str
    modules: tuple[str, ...]
    exercises: tuple[str, ...]
    certificate: str


@dataclass(frozen=True)
class CourseMap:
    """Modules in teaching order, exercises in numbering order, and the dashboard."""

    modules: tuple[Module, ...]
    exercises: tuple[Exercise, ...]
    dashboard: Dashboard
    pass_rules: PassRules
    paths: tuple[LearningPath, ...] = ()

    @property
    def total_minutes(self) -> int:
        """Estimated time for all modules (exercises excluded: their time varies by cohort)."""
        return sum(module.minutes for module in self.modules)

    def module(self, module_id: str) -> Module:
        """The module called ``module_id``; KeyError lists the known ids."""
        return by_id(self.modules, module_id, "module", owner="the course map",
                     known="known modules:")

    def exercise(self, exercise_id: str) -> Exercise:
        """The exercise called ``exercise_id``; KeyError lists the known ids."""
        return by_id(self.exercises, exercise_id, "exercise", owner="the course map",
                     known="known exercises:")

    def path(self, path_id: str) -> LearningPath:
        """The learning path called ``path_id``; KeyError lists the known ids."""
        return by_id(self.paths, path_id, "learning path", owner="the course map",
                     known="known paths:")

    def path_minutes(self, path: LearningPath) -> int:
        """Estimated time for a path: its modules' minutes plus its exercises' minutes (the
        parser makes sure every exercise on a path states them)."""
        return (sum(self.module(module_id).minutes for module_id in path.modules)
                + sum(self.exercise(exercise_id).minutes or 0 for exercise_id in path.exercises))

    def exercises_after(self, module_id: str) -> tuple[Exercise, ...]:
        """The exercises that practise what module ``module_id`` teaches."""
        return tuple(exercise for exercise in self.exercises if exercise.follows == module_id)

    def clauses_taught(self) -> frozenset[str]:
        """Every clause id (widgets/content/clauses.yaml) at least one module teaches."""
        return frozenset(clause for module in self.modules for clause in module.clauses)


def format_clauses(clause_ids: Iterable[str], catalogue: Mapping[str, Clause] | None = None) -> str:
    """Clause ids for people: ISO 10002 clauses first, then other standards by name; runs of
    three or more consecutive sub-clauses collapse. ["4.1", "4.2", "4.3", "5.1", "19011:6.2",
    "10003"] -> "4.1–4.3, 5.1; ISO 19011:2018 6.2; ISO 10003:2018". No ids reads "none"."""
    catalogue = catalogue if catalogue is not None else load_clauses()
    numbers: dict[str, list[str]] = {HOME_STANDARD: []}
    names: dict[str, str] = {}
    whole: list[str] = []
    for clause_id in clause_ids:
        clause = catalogue[clause_id]
        if not clause.number:
            whole.append(clause.standard.name)
            continue
        numbers.setdefault(clause.standard.key, []).append(clause.number)
        names[clause.standard.key] = clause.standard.name
    parts = [
        _runs(found) if key == HOME_STANDARD else f"{names[key]} {_runs(found)}"
        for key, found in numbers.items()
        if found
    ]
    return "; ".join(parts + whole) or "none"


def _runs(numbers: list[str]) -> str:
    runs: list[list[str]] = []
    for number in numbers:
        if runs and _next_subclause(runs[-1][-1]) == number:
            runs[-1].append(number)
        else:
            runs.append([number])
    return ", ".join(f"{run[0]}–{run[-1]}" if len(run) >= 3 else ", ".join(run) for run in runs)


def _next_subclause(number: str) -> str | None:
    head, dot, sub = number.rpartition(".")
    return f"{head}.{int(sub) + 1}" if dot and sub.isdigit() else None


class _Reader:
    """Checks one YAML mapping entry by entry, naming the file and key path in every error."""

    def __init__(self, source: str, catalogue: Mapping[str, Clause]) -> None:
        self.source = source
        self.catalogue = catalogue

    def fail(self, where: str, problem: str) -> CourseMapError:
        return CourseMapError(f"{self.source}: {where}: {problem}")

    def mapping(self, value: object, where: str) -> dict:
        if not isinstance(value, dict):
            raise self.fail(where, f"expected a mapping of keys, found {type(value).__name__}")
        return value

    def items(self, data: dict, key: str, where: str) -> list:
        value = data.get(key)
        if not isinstance(value, list) or not value:
            raise self.fail(f"{where}{key}", "expected a non-empty list")
        return value

    def text(self, entry: dict, key: str, where: str) -> str:
        if key not in entry:
            raise self.fail(where, f"missing key '{key}'")
        value = entry[key]
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{where}.{key}", f"expected non-empty text, found {value!r}")
        return value.strip()

    def identifier(self, entry: dict, where: str, pattern: re.Pattern[str], example: str) -> str:
        value = self.text(entry, "id", where)
        if not pattern.match(value):
            raise self.fail(
                f"{where}.id", f"{value!r} is not a valid id; write it like {example!r}"
            )
        return value

    def ids(self, entry: dict, key: str, where: str, known: list[str], kind: str
            ) -> tuple[str, ...]:
        values = entry.get(key)
        if (not isinstance(values, list) or not values
                or not all(isinstance(value, str) for value in values)):
            raise self.fail(f"{where}.{key}", f"expected a non-empty list of {kind} ids, found "
                                              f"{values!r}")
        for index, value in enumerate(values):
            if value not in known:
                raise self.fail(f"{where}.{key}[{index}]",
                                f"{value!r} is not {'an' if kind[0] in 'aeiou' else 'a'} "
                                f"{kind} id of this file; use one of: "
                                f"{', '.join(known)}")
        self.no_repeats(values, f"{where}.{key}")
        return tuple(values)

    def minutes(self, entry: dict, where: str) -> int:
        if "minutes" not in entry:
            raise self.fail(where, "missing key 'minutes'")
        value = entry["minutes"]
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise self.fail(
                f"{where}.minutes", f"expected a positive whole number of minutes, found {value!r}"
            )
        return value

    def clauses(self, entry: dict, where: str) -> tuple[str, ...]:
        if "clauses" not in entry:
            raise self.fail(where, "missing key 'clauses' (use [] for none)")
        values = entry["clauses"]
        if not isinstance(values, list) or not all(isinstance(value, str) for value in values):
            raise self.fail(
                f"{where}.clauses", f"expected a list of quoted strings, found {values!r}"
            )
        for index, clause in enumerate(values):
            if clause not in self.catalogue:
                raise self.fail(
                    f"{where}.clauses[{index}]",
                    f"{clause!r} is not a clause id of {CLAUSES_FILE.name}; write a quoted id "
                    "listed there, such as '4.10', 'B', '19011:6.4' or '10003'",
                )
        self.no_repeats(values, f"{where}.clauses")
        return tuple(values)

    def texts(self, entry: dict, key: str, where: str, minimum: int) -> tuple[str, ...]:
        values = entry.get(key)
        if (not isinstance(values, list) or len(values) < minimum
                or not all(isinstance(v, str) and v.strip() for v in values)):
            raise self.fail(f"{where}.{key}",
                            f"expected a list of at least {minimum} non-empty texts, found "
                            f"{values!r}")
        return tuple(" ".join(v.split()) for v in values)

    def share(self, entry: dict, key: str, where: str) -> float:
        value = entry.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 1:
            raise self.fail(f"{where}.{key}", f"expected a share between 0 and 1, found {value!r}")
        return float(value)

    def no_repeats(self, values: Iterable[str], where: str) -> None:
        seen: set[str] = set()
        for value in values:
            if value in seen:
                raise self.fail(where, f"{value!r} appears twice")
            seen.add(value)


def parse_course_map(
    data: object, source: str = "course map", catalogue: Mapping[str, Clause] | None = None
) -> CourseMap:
    """Build a CourseMap from already-parsed YAML; ``source`` names the file in errors and
    clause ids are checked against ``catalogue`` (default: the course's clauses.yaml)."""
    reader = _Reader(source, catalogue if catalogue is not None else load_clauses())
    top = reader.mapping(data, "top level")

    modules = []
    for index, raw in enumerate(reader.items(top, "modules", "")):
        where = f"modules[{index}]"
        entry = reader.mapping(raw, where)
        module_id = reader.identifier(entry, where, _MODULE_ID, "03-handling-a-complaint")
        notebook = reader.text(entry, "notebook", where)
        if notebook != f"modules/{module_id}.ipynb":
            raise reader.fail(
                f"{where}.notebook",
                f"{notebook!r} should be 'modules/{module_id}.ipynb' (the notebook is named "
                "after the module id)",
            )
        modules.append(
            Module(
                id=module_id,
                notebook=notebook,
                title=reader.text(entry, "title", where),
                minutes=reader.minutes(entry, where),
                clauses=reader.clauses(entry, where),
                objectives=reader.texts(entry, "objectives", where, minimum=3),
                summary=reader.text(entry, "summary", where),
            )
        )
    reader.no_repeats((module.id for module in modules), "modules ids")

    module_ids = [module.id for module in modules]
    exercises = []
    for index, raw in enumerate(reader.items(top, "exercises", "")):
        where = f"exercises[{index}]"
        entry = reader.mapping(raw, where)
        exercise_id = reader.identifier(entry, where, _EXERCISE_ID, "ex02-receipt-and-triage")
        follows = reader.text(entry, "follows", where)
        if follows not in module_ids:
            raise reader.fail(
                f"{where}.follows",
                f"{follows!r} is not a module id; use one of: {', '.join(module_ids)}",
            )
        exercises.append(
            Exercise(
                id=exercise_id,
                follows=follows,
                title=reader.text(entry, "title", where),
                clauses=reader.clauses(entry, where),
                summary=reader.text(entry, "summary", where),
                minutes=reader.minutes(entry, where) if "minutes" in entry else None,
            )
        )
    reader.no_repeats((exercise.id for exercise in exercises), "exercises ids")
    paths = _parse_paths(reader, top, module_ids, exercises)

    if "dashboard" not in top:
        raise reader.fail("top level", "missing key 'dashboard'")
    dashboard_entry = reader.mapping(top["dashboard"], "dashboard")
    dashboard = Dashboard(
        notebook=reader.text(dashboard_entry, "notebook", "dashboard"),
        command=reader.text(dashboard_entry, "command", "dashboard"),
    )
    rules_entry = reader.mapping(top.get("pass_rules"), "pass_rules")
    pass_rules = PassRules(
        exercise_pass_mark=reader.share(rules_entry, "exercise_pass_mark", "pass_rules"),
        course=reader.text(rules_entry, "course", "pass_rules"),
        **({"path": reader.text(rules_entry, "path", "pass_rules")} if paths else {}),
    )
    return CourseMap(modules=tuple(modules), exercises=tuple(exercises), dashboard=dashboard,
                     pass_rules=pass_rules, paths=paths)


def _parse_paths(reader: _Reader, top: dict, module_ids: list[str],
                 exercises: list[Exercise]) -> tuple[LearningPath, ...]:
    """The optional `paths:` list. Every id a path names must exist in this file, a path's
    modules keep the course order (a path skips modules, it never reorders them) and each of
    its exercises states its minutes, so that the path's hours can be computed."""
    if "paths" not in top:
        return ()
    exercise_ids = [exercise.id for exercise in exercises]
    paths = []
    for index, raw in enumerate(reader.items(top, "paths", "")):
        where = f"paths[{index}]"
        entry = reader.mapping(raw, where)
        path_id = reader.identifier(entry, where, _PATH_ID, "internal-auditor")
        where = f"paths[{index}] ({path_id})"
        modules = reader.ids(entry, "modules", where, module_ids, "module")
        if list(modules) != sorted(modules, key=module_ids.index):
            raise reader.fail(f"{where}.modules", "list the modules in course order: "
                                                  + ", ".join(sorted(modules,
                                                                     key=module_ids.index)))
        listed = reader.ids(entry, "exercises", where, exercise_ids, "exercise")
        for position, exercise_id in enumerate(listed):
            exercise = exercises[exercise_ids.index(exercise_id)]
            if exercise.follows not in modules:
                raise reader.fail(
                    f"{where}.exercises[{position}]",
                    f"{exercise_id!r} follows module {exercise.follows!r}, which is not on "
                    "this path; add the module to the path's modules or drop the exercise")
            if exercise.minutes is None:
                raise reader.fail(
                    f"exercises[{exercise_ids.index(exercise_id)}] ({exercise_id})",
                    f"missing key 'minutes': path {path_id!r} lists this exercise, and a "
                    "path's hours count its exercises' estimated minutes")
        paths.append(LearningPath(
            id=path_id, title=reader.text(entry, "title", where),
            audience=reader.text(entry, "audience", where), modules=modules,
            exercises=listed, certificate=reader.text(entry, "certificate", where)))
    reader.no_repeats((path.id for path in paths), "paths ids")
    return tuple(paths)


def load_course_map(path: str | Path | None = None) -> CourseMap:
    """Read and validate the course map (default: the packaged widgets/content/modules.yaml)."""
    path = Path(path) if path is not None else COURSE_MAP_FILE
    return parse_course_map(read_yaml(path, CourseMapError, "course map"), source=str(path))
