"""widgets.core.common.storage: atomic JSON writes, corrupt files moved aside, the cross-process
lock.

The kill test is the one that matters most: a notebook kernel can be killed at any instant,
and the saved file must then hold the previous or the next state, never half of one.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import signal
import stat
import time
from pathlib import Path

import pytest
from support.processes import kill_after_first_write

from widgets.core.common import storage
from widgets.core.common.storage import (
    LockTimeout,
    atomic_write_json,
    corrupt_copies,
    file_lock,
    lock_path_for,
    read_json,
    update_json,
)

# spawn, not fork: forking a test process that has threads running can deadlock the child
SPAWN = multiprocessing.get_context("spawn")
CORRUPT_NAME = re.compile(r"state\.json\.corrupt-\d{8}T\d{6}Z")


def test_atomic_write_round_trip_private_and_leaves_no_temp_file(tmp_path: Path):
    target = tmp_path / "deep" / "folder" / "state.json"
    data = {"b": [1, 2.5, None], "a": "café", "nested": {"ok": True}}

    assert atomic_write_json(target, data) == target

    assert json.loads(target.read_text(encoding="utf-8")) == data
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(p.name for p in target.parent.iterdir()) == ["state.json"]
    # sorted keys and a final newline: diffs of saved state stay readable
    assert target.read_text(encoding="utf-8").startswith('{\n  "a": "café",')
    assert target.read_text(encoding="utf-8").endswith("}\n")


def test_atomic_write_of_unserialisable_data_fails_before_touching_the_file(tmp_path: Path):
    target = tmp_path / "state.json"
    atomic_write_json(target, {"version": 1})

    with pytest.raises(ValueError, match=r"cannot save .*state\.json.*not JSON-serialisable"):
        atomic_write_json(target, {"score": float("nan")})
    with pytest.raises(ValueError, match="not JSON-serialisable"):
        atomic_write_json(target, {"when": object()})

    assert json.loads(target.read_text()) == {"version": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]


def test_failed_rename_keeps_old_file_and_removes_temp_file(tmp_path: Path, monkeypatch):
    target = tmp_path / "state.json"
    atomic_write_json(target, {"version": 1})

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(storage.os, "replace", broken_replace)
    with pytest.raises(OSError, match="No space left"):
        atomic_write_json(target, {"version": 2})

    assert json.loads(target.read_text()) == {"version": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]


def test_read_missing_file_is_not_an_error(tmp_path: Path):
    result = read_json(tmp_path / "state.json")
    assert (result.status, result.data, result.message, result.ok) == ("missing", None, None, False)


def test_read_valid_file(tmp_path: Path):
    atomic_write_json(tmp_path / "state.json", {"n": 3})
    result = read_json(tmp_path / "state.json")
    assert (result.status, result.data, result.ok, result.message) == ("ok", {"n": 3}, True, None)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b'{"n": 3, "pad": "xxxx', "it is not valid JSON (Unterminated string"),
        (b"", "it is empty"),
        (b"  \n", "it is empty"),
        (b'{"n": "\xff\xfe"}', "it is not UTF-8 text (invalid start byte at byte 7)"),
    ],
)
def test_corrupt_file_is_moved_aside_with_a_message(tmp_path: Path, content: bytes, problem: str):
    target = tmp_path / "state.json"
    target.write_bytes(content)

    result = read_json(target)

    assert result.status == "corrupt"
    assert result.data is None
    assert result.problem.startswith(problem)
    assert not target.exists()
    assert result.moved_to is not None and CORRUPT_NAME.fullmatch(result.moved_to.name)
    assert result.moved_to.read_bytes() == content  # nothing lost
    assert str(target) in result.message and str(result.moved_to) in result.message
    assert "nothing was deleted" in result.message
    assert corrupt_copies(target) == [result.moved_to]
    # the next read starts clean
    assert read_json(target).status == "missing"


def test_validator_rejection_is_treated_like_corruption(tmp_path: Path):
    target = tmp_path / "state.json"
    atomic_write_json(target, [1, 2, 3])

    def must_be_object(data):
        return None if isinstance(data, dict) else "it is not a course state file (a list)"

    result = read_json(target, validate=must_be_object)

    assert result.status == "corrupt"
    assert result.problem == "it is not a course state file (a list)"
    assert json.loads(result.moved_to.read_text()) == [1, 2, 3]
    assert "it is not a course state file (a list)" in result.message


def test_two_corrupt_files_in_the_same_second_get_distinct_names(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(storage, "_utc_stamp", lambda: "20250314T092653Z")
    target = tmp_path / "state.json"
    moved = []
    for content in (b"{broken one", b"{broken two"):
        target.write_bytes(content)
        moved.append(read_json(target).moved_to)

    assert [p.name for p in moved] == [
        "state.json.corrupt-20250314T092653Z",
        "state.json.corrupt-20250314T092653Z-1",
    ]
    assert [p.read_bytes() for p in moved] == [b"{broken one", b"{broken two"]


def test_file_replaced_by_a_writer_while_being_judged_is_reread_not_moved(
    tmp_path: Path, monkeypatch
):
    """A reader without the lock can see a bad file just as a writer replaces it: the new file
    must not be moved aside (it is valid) and the reader must return it."""
    target = tmp_path / "state.json"
    target.write_text("{broken")
    calls = []

    def validate(data):
        calls.append(data)
        return None

    original_parse = storage._parse

    def parse_then_writer_replaces(raw, validate_):
        result = original_parse(raw, validate_)
        if raw == b"{broken":
            atomic_write_json(target, {"fresh": True})  # a writer wins the race
        return result

    monkeypatch.setattr(storage, "_parse", parse_then_writer_replaces)
    result = read_json(target, validate=validate)

    assert (result.status, result.data) == ("ok", {"fresh": True})
    assert corrupt_copies(target) == []
    assert calls == [{"fresh": True}]


def test_unreadable_folder_is_reported_not_raised(tmp_path: Path):
    not_a_folder = tmp_path / "plain-file"
    not_a_folder.write_text("I am a file")

    result = read_json(not_a_folder / "state.json")

    assert result.status == "corrupt"
    assert result.moved_to is None
    assert "could not be read: it cannot be opened (Not a directory)" in result.message


def _hold_lock(path: str, ready, release) -> None:
    with file_lock(path):
        ready.set()
        release.wait(20)


def test_lock_excludes_other_processes_and_times_out_with_a_clear_message(tmp_path: Path):
    target = tmp_path / "state.json"
    ready, release = SPAWN.Event(), SPAWN.Event()
    holder = SPAWN.Process(target=_hold_lock, args=(str(target), ready, release))
    holder.start()
    try:
        assert ready.wait(20)
        started = time.monotonic()
        with (
            pytest.raises(LockTimeout, match=r"state\.json\.lock is still locked"),
            file_lock(target, timeout=0.3),
        ):
            pass
        assert time.monotonic() - started >= 0.3
    finally:
        release.set()
        holder.join(20)
    with file_lock(target, timeout=5) as lock_file:
        assert lock_file == lock_path_for(target) == tmp_path / "state.json.lock"


def _hold_lock_forever(path: str, ready) -> None:
    with file_lock(path):
        ready.set()
        time.sleep(60)


def test_lock_of_a_killed_process_is_released(tmp_path: Path):
    target = tmp_path / "state.json"
    ready = SPAWN.Event()
    holder = SPAWN.Process(target=_hold_lock_forever, args=(str(target), ready))
    holder.start()
    assert ready.wait(20)
    os.kill(holder.pid, signal.SIGKILL)
    holder.join(20)

    with file_lock(target, timeout=5):
        pass  # no stale lock: flock dies with its holder


def test_update_json_reads_changes_and_writes(tmp_path: Path):
    target = tmp_path / "state.json"

    def add_one(data):
        data = data or {"count": 0}
        return {"count": data["count"] + 1}

    first, before = update_json(target, add_one)
    second, _ = update_json(target, add_one)

    assert before.status == "missing"
    assert (first, second) == ({"count": 1}, {"count": 2})
    assert json.loads(target.read_text()) == {"count": 2}


def test_update_json_starts_over_from_a_corrupt_file_and_reports_it(tmp_path: Path):
    target = tmp_path / "state.json"
    target.write_text('{"count": 4')

    after, before = update_json(target, lambda data: {"count": 1 if data is None else 99})

    assert after == {"count": 1}
    assert before.status == "corrupt" and before.moved_to.read_text() == '{"count": 4'
    assert json.loads(target.read_text()) == {"count": 1}


PAD = 400_000  # large enough that a single write takes a noticeable time


def _write_forever(path: str) -> None:
    n = 0
    while True:
        n += 1
        atomic_write_json(path, {"n": n, "pad": "x" * PAD, "tail": n})


@pytest.mark.parametrize("delay", [0.05, 0.13, 0.29, 0.41])
def test_sigkill_during_a_write_loop_leaves_a_complete_file(tmp_path: Path, delay: float):
    target = tmp_path / "state.json"
    kill_after_first_write(SPAWN.Process(target=_write_forever, args=(str(target),)), target,
                           delay)

    result = read_json(target)
    assert result.status == "ok", result.message
    data = result.data
    assert data["n"] >= 1 and data["tail"] == data["n"]
    assert data["pad"] == "x" * PAD
