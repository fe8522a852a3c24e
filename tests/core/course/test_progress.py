"""widgets.core.course.progress: the learner progress store.

Every test points ISO10002_PROGRESS_DIR and HOME at tmp_path (the ``isolated`` fixture), so
nothing here can touch the real home folder.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
from pathlib import Path

import pytest
from support.processes import kill_after_first_write

from widgets.core.course import progress as progress_module
from widgets.core.course.progress import (
    COMPLETED,
    IN_PROGRESS,
    NOT_STARTED,
    SCHEMA,
    ProgressStore,
    current_learner,
    learner_filename,
    progress_dir,
    progress_rows,
)

# spawn, not fork: forking a test process that has threads running can deadlock the child
SPAWN = multiprocessing.get_context("spawn")


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch) -> Path:
    folder = tmp_path / "progress"
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ISO10002_PROGRESS_DIR", str(folder))
    monkeypatch.setenv("JUPYTERHUB_USER", "alice")
    return folder


class Clock:
    """Returns 09:00:00, 09:01:00, 09:02:00 … on 14 March 2025 (UTC), one per call."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> dt.datetime:
        moment = dt.datetime(2025, 3, 14, 9, 0, tzinfo=dt.UTC) + dt.timedelta(minutes=self.calls)
        self.calls += 1
        return moment


# ----------------------------------------------------------------------------- where and who


def test_progress_dir_honours_the_environment(isolated: Path):
    assert progress_dir() == isolated
    store = ProgressStore()
    assert store.path == isolated / "alice.json"


def test_progress_dir_default_is_under_home(tmp_path: Path, monkeypatch):
    monkeypatch.delenv("ISO10002_PROGRESS_DIR")
    assert progress_dir() == tmp_path / "home" / ".iso10002-course" / "progress"


def test_learner_is_the_hub_user_else_the_os_user(monkeypatch):
    assert current_learner() == "alice"
    monkeypatch.delenv("JUPYTERHUB_USER")
    monkeypatch.setattr(progress_module.getpass, "getuser", lambda: "osuser")
    assert current_learner() == "osuser"

    def no_name():
        raise OSError("no user name for this uid")

    monkeypatch.setattr(progress_module.getpass, "getuser", no_name)
    assert current_learner() == f"uid{os.getuid()}"


def test_learner_file_names_are_safe_and_distinct():
    assert learner_filename("alice") == "alice.json"
    assert learner_filename("bob.smith-2") == "bob.smith-2.json"
    email = learner_filename("a.b@example.com")
    assert email.startswith("a.b_example.com-") and email.endswith(".json")
    assert learner_filename("a.b@example.com") == email  # stable
    assert learner_filename("a b") != learner_filename("a/b")  # same readable part, own hash
    assert learner_filename("../etc").startswith("etc-")
    assert "/" not in learner_filename("../../x") and not learner_filename("..").startswith(".")
    with pytest.raises(ValueError, match="cannot be empty"):
        learner_filename("  ")


# ----------------------------------------------------------------------------- recording


def test_record_tracks_attempts_best_last_and_completion(isolated: Path):
    store = ProgressStore(clock=Clock())

    first = store.record("03-handling-a-complaint", 0.5, check="process")
    assert (first.attempts, first.best_score, first.last_score) == (1, 0.5, 0.5)
    assert not first.completed
    assert first.completed_at is None

    second = store.record("03-handling-a-complaint", 0.9, check="process")
    assert (second.attempts, second.best_score, second.last_score) == (2, 0.9, 0.9)
    assert second.completed and second.completed_at == "2025-03-14T09:01:00Z"

    third = store.record("03-handling-a-complaint", 0.6, check="process")
    assert (third.attempts, third.best_score, third.last_score) == (3, 0.9, 0.6)
    assert third.completed, "a pass is never taken away by a worse attempt"
    assert third.completed_at == "2025-03-14T09:01:00Z"
    assert third.first_attempt_at == "2025-03-14T09:00:00Z"
    assert third.last_attempt_at == "2025-03-14T09:02:00Z"
    assert third.checks_attempted == ("process",)

    saved = json.loads((isolated / "alice.json").read_text())
    assert saved == {
        "schema": SCHEMA,
        "schema_version": 1,
        "learner": "alice",
        "modules": {
            "03-handling-a-complaint": {
                "last_check": "process",
                "checks": {
                    "process": {
                        "attempts": 3,
                        "best_score": 0.9,
                        "last_score": 0.6,
                        "pass_mark": 0.8,
                        "completed": True,
                        "first_attempt_at": "2025-03-14T09:00:00Z",
                        "last_attempt_at": "2025-03-14T09:02:00Z",
                        "completed_at": "2025-03-14T09:01:00Z",
                    }
                },
            }
        },
    }
    # a new store (a new kernel) reads the same
    assert ProgressStore().module("03-handling-a-complaint") == third


def test_pass_mark_is_inclusive_and_configurable_per_call():
    store = ProgressStore()
    assert store.record("m1", 4 / 5).completed  # 0.8 meets the default 0.8
    assert not store.record("m2", 0.79).completed
    assert store.record("m3", 0.7, pass_mark=0.7).completed
    assert not store.record("m4", 0.95, pass_mark=1.0).completed
    assert store.module("m3").checks["m3"].pass_mark == 0.7


def test_check_defaults_to_the_module_id():
    store = ProgressStore()
    assert store.record("05-measuring", 1.0).checks_attempted == ("05-measuring",)


def test_module_with_two_checks_is_derived_from_both():
    store = ProgressStore(clock=Clock())
    store.record("01", 1.0, check="quiz")
    module = store.record("01", 0.4, check="exercise")

    assert module.checks_attempted == ("exercise", "quiz")
    assert module.attempts == 2
    assert module.best_score == pytest.approx(0.7)  # mean of 1.0 and 0.4
    assert module.last_score == 0.4  # the exercise was the latest attempt
    assert not module.completed  # the exercise is not passed yet

    module = store.record("01", 0.85, check="exercise")
    assert module.completed and module.completed_at == "2025-03-14T09:02:00Z"
    assert module.best_score == pytest.approx(0.925)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"score": 1.2}, "score must be between 0 and 1"),
        ({"score": -0.1}, "score must be between 0 and 1"),
        ({"score": float("nan")}, "score must be a number"),
        ({"score": True}, "score must be a number"),
        ({"score": 0.5, "pass_mark": 0}, "pass_mark must be above 0 and at most 1"),
        ({"score": 0.5, "check": ""}, "check must be a non-empty string"),
        ({"score": 0.5, "module": None}, "module must be a non-empty string"),
    ],
)
def test_bad_arguments_are_refused_before_anything_is_written(isolated: Path, kwargs, message):
    with pytest.raises(ValueError, match=message):
        ProgressStore().record(**{"module": "01", **kwargs})
    assert not (isolated / "alice.json").exists()


def test_naive_clock_is_refused():
    store = ProgressStore(clock=lambda: dt.datetime(2025, 1, 1))
    with pytest.raises(ValueError, match="timezone-aware"):
        store.record("01", 0.5)


# ----------------------------------------------------------------------------- damaged files


def test_corrupt_file_is_moved_aside_and_the_store_starts_empty(isolated: Path):
    isolated.mkdir(parents=True)
    path = isolated / "alice.json"
    path.write_text('{"schema": "iso10002-course/progress", "modules": {"01": ')

    store = ProgressStore()
    assert store.load() == {}

    copies = store.earlier_copies()
    assert len(copies) == 1 and copies[0].read_text().endswith('{"01": ')
    assert not path.exists()
    assert "could not be read: it is not valid JSON" in store.message
    assert str(copies[0]) in store.message and "starts again from empty" in store.message

    # the module keeps working: recording writes a fresh, valid file
    module = store.record("01", 1.0)
    assert module.attempts == 1
    assert json.loads(path.read_text())["modules"]["01"]["checks"]["01"]["attempts"] == 1
    assert store.notices() == [store.message]


def test_a_later_session_still_explains_the_reset(isolated: Path):
    isolated.mkdir(parents=True)
    (isolated / "alice.json").write_text("not json at all")
    ProgressStore().load()

    fresh = ProgressStore()  # a new kernel: the damaged file is already aside
    assert fresh.load() == {} and fresh.message is None
    [notice] = fresh.notices()
    assert "An earlier progress file could not be read and was kept as" in notice
    assert str(fresh.earlier_copies()[0]) in notice


@pytest.mark.parametrize(
    ("document", "says"),
    [
        ({"hello": "world"}, "not a course progress file (its 'schema' is None"),
        ([1, 2, 3], "not a course progress file (the top level is a list"),
        (
            {"schema": SCHEMA, "schema_version": 2, "learner": "alice", "modules": {}},
            "schema version 2, and this version of the course reads version 1",
        ),
        (
            {"schema": SCHEMA, "schema_version": 1, "learner": "bob", "modules": {}},
            "it belongs to learner 'bob', not 'alice'",
        ),
        (
            {"schema": SCHEMA, "schema_version": 1, "learner": "alice",
             "modules": {"01": {"checks": {"q": {"attempts": "two"}}, "last_check": "q"}}},
            "check 'q': bad or missing 'attempts'",
        ),
        (
            {"schema": SCHEMA, "schema_version": 1, "learner": "alice",
             "modules": {"01": {"checks": {}, "last_check": "q"}}},
            "'last_check' does not name one of its checks",
        ),
        (
            {"schema": SCHEMA, "schema_version": 1, "learner": "alice",
             "modules": {"01": {"checks": {"q": {}}, "last_check": ["q"]}}},
            "'last_check' does not name one of its checks",
        ),
    ],
)
def test_foreign_json_is_treated_like_corruption(isolated: Path, document, says):
    isolated.mkdir(parents=True)
    (isolated / "alice.json").write_text(json.dumps(document))

    store = ProgressStore()
    assert store.load() == {}
    assert says in store.message
    assert json.loads(store.earlier_copies()[0].read_text()) == document


def test_out_of_range_values_in_the_file_are_rejected(isolated: Path):
    store = ProgressStore()
    store.record("01", 0.5)
    data = json.loads(store.path.read_text())
    data["modules"]["01"]["checks"]["01"]["best_score"] = 7
    store.path.write_text(json.dumps(data))

    assert store.load() == {}
    assert "a count or score is out of range" in store.message


def test_unwritable_folder_raises_oserror_for_the_view_to_report(tmp_path: Path):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the progress folder should be")
    store = ProgressStore(directory=blocker)
    assert store.load() == {}
    assert "Not a directory" in store.message
    with pytest.raises(OSError):
        store.record("01", 0.5)


# ----------------------------------------------------------------------------- concurrency


def _record_many(folder: str, worker: int, count: int) -> None:
    store = ProgressStore("alice", folder)
    for n in range(count):
        store.record("03-handling-a-complaint", (n % 5) / 4, check="process")
        store.record(f"worker-{worker}", 0.5)


def test_eight_concurrent_writers_lose_no_attempt(isolated: Path):
    workers = [
        SPAWN.Process(target=_record_many, args=(str(isolated), worker, 25)) for worker in range(8)
    ]
    for process in workers:
        process.start()
    for process in workers:
        process.join(120)
    assert [p.exitcode for p in workers] == [0] * 8

    store = ProgressStore()
    modules = store.load()
    assert store.message is None
    assert modules["03-handling-a-complaint"].attempts == 8 * 25
    assert modules["03-handling-a-complaint"].best_score == 1.0  # n % 5 == 4 scores 4/4
    assert [modules[f"worker-{w}"].attempts for w in range(8)] == [25] * 8
    assert store.earlier_copies() == []


def _record_forever(folder: str) -> None:
    store = ProgressStore("alice", folder)
    n = 0
    while True:
        n += 1
        store.record(f"module-{n % 40:02d}", (n % 10) / 10, check=f"check-{n % 3}")


@pytest.mark.parametrize("delay", [0.07, 0.23, 0.5])
def test_sigkill_while_recording_leaves_a_valid_progress_file(isolated: Path, delay: float):
    kill_after_first_write(SPAWN.Process(target=_record_forever, args=(str(isolated),)),
                           isolated / "alice.json", delay)

    store = ProgressStore()
    modules = store.load()
    assert store.message is None, store.message
    assert store.earlier_copies() == []
    assert sum(m.attempts for m in modules.values()) >= 1
    # a later session can keep recording straight away: no stale lock
    before = sum(m.attempts for m in modules.values())
    ProgressStore().record("module-00", 1.0, check="check-0")
    assert sum(m.attempts for m in ProgressStore().load().values()) == before + 1


# ----------------------------------------------------------------------------- overview rows


def test_progress_rows_follow_the_course_then_list_unknown_modules():
    store = ProgressStore()
    store.record("01-principles", 0.9, check="principles")
    store.record("03-process", 0.5, check="process")
    store.record("99-retired", 1.0)
    course = [("00-welcome", "Welcome"), ("01-principles", "Principles"), ("03-process", "Process")]

    rows = progress_rows(store.load(), course)

    assert [(r.module, r.title, r.status) for r in rows] == [
        ("00-welcome", "Welcome", NOT_STARTED),
        ("01-principles", "Principles", COMPLETED),
        ("03-process", "Process", IN_PROGRESS),
        ("99-retired", "99-retired", COMPLETED),
    ]
    assert rows[0].progress is None and rows[2].progress.last_score == 0.5
    assert [r.module for r in progress_rows(store.load())] == [
        "01-principles", "03-process", "99-retired",
    ]
