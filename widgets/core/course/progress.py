"""Each learner's progress through the course: one JSON file per learner, safe to write from
several notebooks at once and from a kernel that may be killed.

Why it is shaped like this:

- One file per learner (``<progress dir>/<learner>.json``) keeps learners apart on a shared
  JupyterHub volume and lets a trainer collect files. The folder is ``$ISO10002_PROGRESS_DIR``,
  else ``~/.iso10002-course/progress/``. The learner is ``$JUPYTERHUB_USER`` (set by the Hub for
  every single-user server), else the operating-system user.
- Results are kept per module and, inside a module, per *check* (a question bank or another
  graded exercise), because a module can hold more than one check. The module's figures are
  derived from its checks (see :class:`ModuleProgress`), never stored twice.
- Every write is a read-modify-write under the file's lock, written atomically
  (:mod:`widgets.core.common.storage`): eight notebooks recording at once lose no attempt, and a
  kernel killed mid-write leaves the previous file intact.
- A damaged file, or a JSON file that is not a progress file of this schema version, is moved
  aside with a message and the learner starts again from empty: losing a score is bad, but a
  module that crashes on import is worse, and the old file is kept for a trainer to look at.
- A pass is never taken away: once a check's best score reaches the pass mark it stays
  completed, even if a later attempt scores lower or a later call uses a higher pass mark.
- The learning path the learner chose (widgets/content/modules.yaml, `paths:`) is kept in the
  same file as ``"learning_path": {"id": ..., "chosen_at": ...}``. The key is optional, so
  files written before paths existed stay valid version-1 files and older copies of the
  course still read new files (they ignore the key); the time of the choice lets a trainer's
  tools keep the latest choice when a learner's files from two machines are merged.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import math
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from widgets.core.common.settings import LEARNER, PROGRESS_DIR
from widgets.core.common.storage import ReadResult, corrupt_copies, read_json, update_json

SCHEMA = "iso10002-course/progress"
SCHEMA_VERSION = 1
DEFAULT_PASS_MARK = 0.8
# Scores are exact fractions turned into floats; this absorbs the rounding of that conversion
# so that 4/5 is never judged below a pass mark of 0.8.
SCORE_TOLERANCE = 1e-9
_TIMESTAMP = "%Y-%m-%dT%H:%M:%SZ"
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_PATH_ID = re.compile(r"[a-z]+(?:-[a-z]+)*")


def current_learner() -> str:
    """``$JUPYTERHUB_USER``, else the operating-system user, else ``uid<number>`` (containers
    sometimes run as a user id with no name)."""
    hub_user = LEARNER.get()
    if hub_user:
        return hub_user
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid{os.getuid()}"


def progress_dir() -> Path:
    """``$ISO10002_PROGRESS_DIR`` if set, else ``~/.iso10002-course/progress``."""
    return Path(PROGRESS_DIR.get() or PROGRESS_DIR.default).expanduser()


def learner_filename(learner: str) -> str:
    """A file name for the learner that is safe on any file system.

    Names made of letters, digits, '.', '_' and '-' are used as they are ("alice.json"); any
    other name (an e-mail address, spaces, non-Latin letters) is reduced to safe characters and
    given a short hash of the full name, so two different learners never share a file.
    """
    if not learner or not learner.strip():
        raise ValueError("a learner name cannot be empty")
    if _SAFE_NAME.fullmatch(learner) and len(learner) <= 100:
        return f"{learner}.json"
    digest = hashlib.sha256(learner.encode("utf-8")).hexdigest()[:10]
    readable = re.sub(r"[^A-Za-z0-9._-]+", "_", learner).strip("._-")[:60]
    return f"{readable or 'learner'}-{digest}.json"


def _stamp(moment: dt.datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("the progress clock must return timezone-aware datetimes")
    return moment.astimezone(dt.UTC).strftime(_TIMESTAMP)


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class CheckProgress:
    """One check (a question bank or other graded exercise) inside a module."""

    check: str
    attempts: int
    best_score: float
    last_score: float
    pass_mark: float
    completed: bool
    first_attempt_at: str
    last_attempt_at: str
    completed_at: str | None


@dataclass(frozen=True)
class ModuleProgress:
    """A module's progress, derived from its checks.

    - ``attempts``: all attempts at all its checks.
    - ``best_score``: the mean of each check's best score (one check: that check's best).
    - ``last_score``: the score of the most recent attempt, whichever check it was.
    - ``completed``: every check attempted in the module has been passed.
    """

    module: str
    checks: Mapping[str, CheckProgress]
    last_check: str

    @property
    def checks_attempted(self) -> tuple[str, ...]:
        return tuple(sorted(self.checks))

    @property
    def attempts(self) -> int:
        return sum(c.attempts for c in self.checks.values())

    @property
    def best_score(self) -> float:
        return sum(c.best_score for c in self.checks.values()) / len(self.checks)

    @property
    def last_score(self) -> float:
        return self.checks[self.last_check].last_score

    @property
    def completed(self) -> bool:
        return all(c.completed for c in self.checks.values())

    @property
    def first_attempt_at(self) -> str:
        return min(c.first_attempt_at for c in self.checks.values())

    @property
    def last_attempt_at(self) -> str:
        return self.checks[self.last_check].last_attempt_at

    @property
    def completed_at(self) -> str | None:
        if not self.completed:
            return None
        return max(c.completed_at for c in self.checks.values() if c.completed_at)


_CHECK_FIELDS: dict[str, tuple[type, ...]] = {
    "attempts": (int,),
    "best_score": (int, float),
    "last_score": (int, float),
    "pass_mark": (int, float),
    "completed": (bool,),
    "first_attempt_at": (str,),
    "last_attempt_at": (str,),
    "completed_at": (str, type(None)),
}


def progress_file_problem(data: Any, learner: str) -> str | None:
    """None if ``data`` is a progress document of this schema for ``learner``, else why not."""
    foreign = "it is valid JSON but not a course progress file"
    if not isinstance(data, dict):
        return f"{foreign} (the top level is a {type(data).__name__}, not an object)"
    if data.get("schema") != SCHEMA:
        return f"{foreign} (its 'schema' is {data.get('schema')!r}, expected {SCHEMA!r})"
    version = data.get("schema_version")
    if version != SCHEMA_VERSION:
        return (
            f"it is a progress file of schema version {version!r}, and this version of the "
            f"course reads version {SCHEMA_VERSION}"
        )
    if data.get("learner") != learner:
        return f"it belongs to learner {data.get('learner')!r}, not {learner!r}"
    if "learning_path" in data:
        chosen = data["learning_path"]
        if (not isinstance(chosen, dict) or not isinstance(chosen.get("id"), str)
                or not _PATH_ID.fullmatch(chosen["id"])
                or not isinstance(chosen.get("chosen_at"), str)):
            return f"{foreign} ('learning_path' is not an object with an 'id' and 'chosen_at')"
    modules = data.get("modules")
    if not isinstance(modules, dict):
        return f"{foreign} ('modules' is not an object)"
    for module_id, record in modules.items():
        where = f"module {module_id!r}"
        if not isinstance(record, dict) or not isinstance(record.get("checks"), dict):
            return f"{foreign} ({where} has no 'checks' object)"
        last = record.get("last_check")
        if not isinstance(last, str) or last not in record["checks"]:
            return f"{foreign} ({where}: 'last_check' does not name one of its checks)"
        for check_id, check in record["checks"].items():
            if not isinstance(check, dict):
                return f"{foreign} ({where}, check {check_id!r} is not an object)"
            for field, kinds in _CHECK_FIELDS.items():
                value = check.get(field)
                if not isinstance(value, kinds) or (bool in kinds) != isinstance(value, bool):
                    return f"{foreign} ({where}, check {check_id!r}: bad or missing {field!r})"
            scores = (check["best_score"], check["last_score"], check["pass_mark"])
            if check["attempts"] < 1 or not all(0 <= s <= 1 for s in scores):
                return f"{foreign} ({where}, check {check_id!r}: a count or score is out of range)"
    return None


def _check_from(check_id: str, raw: Mapping[str, Any]) -> CheckProgress:
    return CheckProgress(check=check_id, **{field: raw[field] for field in _CHECK_FIELDS})


def modules_from_progress(data: Mapping[str, Any] | None) -> dict[str, ModuleProgress]:
    """Each module's progress from a progress document (checked by progress_file_problem);
    public so a trainer's tools can read collected files without moving damaged ones aside."""
    if data is None:
        return {}
    return {
        module_id: ModuleProgress(
            module=module_id,
            checks={cid: _check_from(cid, raw) for cid, raw in record["checks"].items()},
            last_check=record["last_check"],
        )
        for module_id, record in data["modules"].items()
    }


@dataclass(frozen=True)
class PathChoice:
    """The learning path a learner chose, and when (UTC, as the progress file stamps it)."""

    id: str
    chosen_at: str


def path_from_progress(data: Mapping[str, Any] | None) -> PathChoice | None:
    """The learner's chosen path in a progress document (checked by progress_file_problem),
    None when they have not chosen one; public for the trainer's tools, as above."""
    if data is None or "learning_path" not in data:
        return None
    return PathChoice(data["learning_path"]["id"], data["learning_path"]["chosen_at"])


def _validate_score(name: str, value: float, *, allow_zero: bool) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{name} must be a number between 0 and 1, got {value!r}")
    if allow_zero and not 0 <= value <= 1:
        raise ValueError(f"{name} must be between 0 and 1, got {value!r}")
    if not allow_zero and not 0 < value <= 1:
        raise ValueError(f"{name} must be above 0 and at most 1, got {value!r}")
    return float(value)


class ProgressStore:
    """A learner's progress file: read it, record attempts, report problems.

    ``message`` holds the sentence to show the learner when this store found the file damaged
    (it was moved aside and the store started empty); it stays set for the store's lifetime so
    any view built on the store can show it. :meth:`earlier_copies` lists damaged files moved
    aside in earlier sessions, so a fresh kernel can still explain a reset.
    """

    def __init__(
        self,
        learner: str | None = None,
        directory: str | os.PathLike[str] | None = None,
        *,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self.learner = learner if learner is not None else current_learner()
        self.directory = Path(directory).expanduser() if directory is not None else progress_dir()
        self.path = self.directory / learner_filename(self.learner)
        self.message: str | None = None
        self._clock = clock or _utc_now

    def __repr__(self) -> str:
        return f"ProgressStore(learner={self.learner!r}, path={str(self.path)!r})"

    def _validate(self, data: Any) -> str | None:
        return progress_file_problem(data, self.learner)

    def _note(self, result: ReadResult) -> None:
        if result.status != "corrupt":
            return
        if result.moved_to is not None:
            self.message = (
                f"Your saved progress ({self.path}) could not be read: {result.problem}. "
                f"It was moved to {result.moved_to} so nothing is lost, and your progress "
                "starts again from empty; new results are saved normally. A trainer can "
                "look at the old file."
            )
        else:
            self.message = f"{result.message} Your progress is shown as empty for now."

    def load(self) -> dict[str, ModuleProgress]:
        """Every module this learner has attempted, by module id (empty if none yet)."""
        result = read_json(self.path, validate=self._validate)
        self._note(result)
        return modules_from_progress(result.data)

    def module(self, module: str) -> ModuleProgress | None:
        """One module's progress, or None if the learner has not attempted it."""
        return self.load().get(module)

    def _empty(self) -> dict[str, Any]:
        return {"schema": SCHEMA, "schema_version": SCHEMA_VERSION, "learner": self.learner,
                "modules": {}}

    def chosen_path(self) -> PathChoice | None:
        """The learning path this learner chose, or None if they have not chosen one yet."""
        result = read_json(self.path, validate=self._validate)
        self._note(result)
        return path_from_progress(result.data)

    def choose_path(self, path_id: str | None) -> PathChoice | None:
        """Record ``path_id`` as the learner's path (None forgets the choice); results stay as
        they are, so changing path never loses a passed check. Whether the id names a path of
        the course map is the caller's check (widgets.core.course.learning_paths)."""
        if path_id is not None and (not isinstance(path_id, str)
                                    or not _PATH_ID.fullmatch(path_id)):
            raise ValueError(f"a path id is lower-case words joined by '-', such as "
                             f"'internal-auditor'; got {path_id!r}")
        now = _stamp(self._clock())

        def change(data: dict[str, Any] | None) -> dict[str, Any]:
            data = data if data is not None else self._empty()
            if path_id is None:
                data.pop("learning_path", None)
            else:
                data["learning_path"] = {"id": path_id, "chosen_at": now}
            return data

        data, before = update_json(self.path, change, validate=self._validate)
        self._note(before)
        return path_from_progress(data)

    def record(
        self,
        module: str,
        score: float,
        *,
        check: str | None = None,
        pass_mark: float = DEFAULT_PASS_MARK,
    ) -> ModuleProgress:
        """Record one attempt at ``check`` (default: the module id) in ``module``.

        ``score`` is the fraction of marks earned (0–1); the check is completed once its best
        score reaches ``pass_mark``. Returns the module's progress after the update.
        """
        for name, value in (("module", module), ("check", check)):
            if (name == "module" or value is not None) and (
                not isinstance(value, str) or not value.strip()
            ):
                raise ValueError(f"{name} must be a non-empty string, got {value!r}")
        score = _validate_score("score", score, allow_zero=True)
        pass_mark = _validate_score("pass_mark", pass_mark, allow_zero=False)
        check_id = check or module
        now = _stamp(self._clock())

        def change(data: dict[str, Any] | None) -> dict[str, Any]:
            if data is None:
                data = self._empty()
            record = data["modules"].setdefault(module, {"checks": {}, "last_check": check_id})
            previous = record["checks"].get(check_id)
            passed = score >= pass_mark - SCORE_TOLERANCE
            if previous is None:
                entry = {
                    "attempts": 1,
                    "best_score": score,
                    "last_score": score,
                    "pass_mark": pass_mark,
                    "completed": passed,
                    "first_attempt_at": now,
                    "last_attempt_at": now,
                    "completed_at": now if passed else None,
                }
            else:
                newly_passed = passed and not previous["completed"]
                entry = {
                    **previous,
                    "attempts": previous["attempts"] + 1,
                    "best_score": max(previous["best_score"], score),
                    "last_score": score,
                    "pass_mark": pass_mark,
                    "completed": previous["completed"] or passed,
                    "last_attempt_at": now,
                    "completed_at": now if newly_passed else previous["completed_at"],
                }
            record["checks"][check_id] = entry
            record["last_check"] = check_id
            return data

        data, before = update_json(self.path, change, validate=self._validate)
        self._note(before)
        return modules_from_progress(data)[module]

    def earlier_copies(self) -> list[Path]:
        """Damaged progress files of this learner that were moved aside, oldest first."""
        return corrupt_copies(self.path)

    def notices(self) -> list[str]:
        """Sentences a progress view should show: this session's problem, if any, else one
        line per damaged file kept from an earlier session."""
        if self.message:
            return [self.message]
        return [
            f"An earlier progress file could not be read and was kept as {copy}. Your progress "
            "was restarted from empty at that point; delete the file once a trainer has "
            "looked at it."
            for copy in self.earlier_copies()
        ]


NOT_STARTED = "not started"
IN_PROGRESS = "in progress"
COMPLETED = "completed"


@dataclass(frozen=True)
class ProgressRow:
    """One line of a progress overview: a module, its title and where the learner stands."""

    module: str
    title: str
    status: str  # NOT_STARTED, IN_PROGRESS or COMPLETED
    progress: ModuleProgress | None


def progress_rows(
    progress: Mapping[str, ModuleProgress],
    course_modules: Sequence[tuple[str, str]] | None = None,
) -> list[ProgressRow]:
    """Rows for every course module ``(id, title)`` in course order, then any module found
    only in the progress file (renamed or retired since; titled by its id) so that no recorded
    result is hidden. Without a course list, the recorded modules in id order."""
    rows = []
    listed = set()
    for module_id, title in course_modules or ():
        listed.add(module_id)
        rows.append(_row(module_id, title, progress.get(module_id)))
    for module_id in sorted(set(progress) - listed):
        rows.append(_row(module_id, module_id, progress[module_id]))
    return rows


def _row(module_id: str, title: str, module: ModuleProgress | None) -> ProgressRow:
    if module is None:
        return ProgressRow(module_id, title, NOT_STARTED, None)
    return ProgressRow(module_id, title, COMPLETED if module.completed else IN_PROGRESS, module)
