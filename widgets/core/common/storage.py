"""The one way the course saves state on disk: atomic JSON files with a lock beside them.

Why a module of its own: learners' progress, root-cause worksheets and self-assessments are
written from notebook kernels that can be interrupted, restarted or killed at any moment, and a
learner often has several notebooks (several kernels, several processes) open at once. A naive
``open(path, "w")`` leaves a truncated file when the kernel dies mid-write and loses updates
when two kernels write at the same time. Everything here exists to rule out both:

- :func:`atomic_write_json` writes a temporary file in the same folder, flushes and fsyncs it,
  renames it over the target with ``os.replace`` (atomic on POSIX) and fsyncs the folder, so a
  reader sees the old file or the new one, never half of one, even after a power cut.
- :func:`file_lock` serialises read-modify-write cycles between processes with ``fcntl.flock``
  on a ``<name>.lock`` file next to the data. The kernel releases a flock when its holder dies,
  so a killed notebook never leaves a stale lock behind. Lock files are never deleted: deleting
  them would let two processes lock two different files of the same name.
- :func:`read_json` never raises on a damaged file: it moves the file aside to
  ``<name>.corrupt-<UTC timestamp>`` (nothing is deleted) and returns a :class:`ReadResult`
  whose message says what happened and where the old file went, so a view can tell the learner
  instead of crashing the module.
- :func:`update_json` is the read-modify-write cycle built from the three.

POSIX only (``fcntl``): the course runs on Linux and macOS kernels, JupyterHub and Binder.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

LOCK_SUFFIX = ".lock"
CORRUPT_MARKER = ".corrupt-"
DEFAULT_LOCK_TIMEOUT = 10.0

# A validator looks at parsed JSON and returns None when it is the expected kind of document,
# or a sentence saying why not ("it is not a course progress file: ...").
Validator = Callable[[Any], str | None]


class LockTimeout(TimeoutError):
    """Another process held the lock longer than the timeout allows."""


@dataclass(frozen=True)
class ReadResult:
    """What :func:`read_json` found.

    ``status`` is "ok" (``data`` holds the document), "missing" (no file yet: not an error) or
    "corrupt" (unreadable, not JSON, or rejected by the validator; ``data`` is None). For a
    corrupt file ``problem`` says what was wrong, ``moved_to`` where the file went (None if it
    could not be moved) and ``message`` is a complete sentence fit to show a learner.
    """

    path: Path
    status: Literal["ok", "missing", "corrupt"]
    data: Any = None
    problem: str | None = None
    moved_to: Path | None = None
    message: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def lock_path_for(path: str | os.PathLike[str]) -> Path:
    """The lock file guarding ``path``: ``<name>.lock`` in the same folder."""
    path = Path(path)
    return path.with_name(path.name + LOCK_SUFFIX)


@contextlib.contextmanager
def file_lock(
    path: str | os.PathLike[str], *, timeout: float = DEFAULT_LOCK_TIMEOUT
) -> Iterator[Path]:
    """Hold an exclusive cross-process lock on ``path`` for the ``with`` block.

    Polls a non-blocking flock until ``timeout`` seconds have passed, then raises
    :class:`LockTimeout` naming the lock file: a notebook that reports "locked by another
    process" is better than a kernel that hangs forever. The lock is not re-entrant: do not
    take it again inside the block (a second flock on a new descriptor would wait for itself).
    """
    lock_path = lock_path_for(path)
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + timeout
        delay = 0.001
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockTimeout(
                        f"{lock_path} is still locked by another process after {timeout:g} s; "
                        "close other notebooks that save to the same file, or restart their "
                        "kernels, and try again"
                    ) from None
                time.sleep(delay)
                delay = min(delay * 2, 0.05)
        try:
            yield lock_path
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def atomic_write_json(path: str | os.PathLike[str], data: Any) -> Path:
    """Write ``data`` as JSON to ``path`` so that the file is always either old or new.

    The document is serialised before anything touches the disk (so a value JSON cannot hold,
    NaN included, fails without side effects), written to a hidden temporary file in the same
    folder (``os.replace`` is only atomic within one file system), flushed and fsynced, renamed
    over ``path``, and the folder is fsynced so the rename itself survives a crash. Files are
    created private to their owner (mode 0600): progress and worksheets are personal data.
    Returns the path written.
    """
    path = Path(path)
    try:
        text = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"cannot save {path}: the data is not JSON-serialisable ({exc})") from exc
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    _fsync_folder(folder)
    return path


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _utc_stamp() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def corrupt_copies(path: str | os.PathLike[str]) -> list[Path]:
    """Files that :func:`read_json` moved aside from ``path``, oldest first."""
    path = Path(path)
    if not path.parent.is_dir():
        return []
    return sorted(path.parent.glob(f"{path.name}{CORRUPT_MARKER}*"))


def _parse(raw: bytes, validate: Validator | None) -> tuple[Any, str | None]:
    if not raw.strip():
        return None, "it is empty"
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        return None, f"it is not UTF-8 text ({exc.reason} at byte {exc.start})"
    except json.JSONDecodeError as exc:
        return None, f"it is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
    if validate is not None:
        problem = validate(data)
        if problem is not None:
            return None, problem
    return data, None


def read_json(
    path: str | os.PathLike[str], *, validate: Validator | None = None
) -> ReadResult:
    """Read a JSON document, moving a damaged one aside instead of raising.

    A file that cannot be read, is empty, is not UTF-8 JSON, or that ``validate`` rejects is
    renamed to ``<name>.corrupt-<UTC timestamp>`` so the next write starts clean and the old
    bytes stay available for a trainer to inspect. The rename only happens if the file is still
    the one that was read (same inode): writers replace files atomically, so a file that changed
    meanwhile is read again rather than moved. Call it inside :func:`file_lock` when the result
    feeds a write; plain readers need no lock because writes are atomic.
    """
    path = Path(path)
    for _ in range(3):
        try:
            with open(path, "rb") as handle:
                identity = os.fstat(handle.fileno())
                raw = handle.read()
        except FileNotFoundError:
            return ReadResult(path, "missing")
        except OSError as exc:
            problem = f"it cannot be opened ({exc.strerror or exc})"
            try:
                identity = os.stat(path)
            except FileNotFoundError:
                continue
            except OSError:
                # Not even its folder can be looked into (a file where a folder should be,
                # no permission): there is nothing to move aside, only something to report.
                message = f"{path} could not be read: {problem}; check the folder."
                return ReadResult(path, "corrupt", problem=problem, message=message)
            data = None
        else:
            data, problem = _parse(raw, validate)
        if problem is None:
            return ReadResult(path, "ok", data=data)
        moved = _move_aside(path, identity)
        if moved == "changed":
            continue
        if isinstance(moved, Path):
            message = (
                f"{path} could not be read: {problem}. It was moved to {moved} (nothing was "
                "deleted) and a new file will be started."
            )
            return ReadResult(path, "corrupt", problem=problem, moved_to=moved, message=message)
        message = (
            f"{path} could not be read: {problem}. It could not be moved aside either "
            f"({moved}); check the folder's permissions."
        )
        return ReadResult(path, "corrupt", problem=problem, message=message)
    # Three reads in a row found a different file each time: another process keeps rewriting
    # it. Report that instead of looping; the caller can simply try again.
    problem = "it kept changing while being read (another process is writing it)"
    return ReadResult(path, "corrupt", problem=problem, message=f"{path}: {problem}; try again.")


def _move_aside(path: Path, identity: os.stat_result) -> Path | str:
    """Rename the damaged file. Returns the new path, "changed" if the file at ``path`` is no
    longer the one that was read, or the reason the rename failed."""
    stamp = _utc_stamp()
    target = path.with_name(f"{path.name}{CORRUPT_MARKER}{stamp}")
    counter = 1
    while target.exists():
        target = path.with_name(f"{path.name}{CORRUPT_MARKER}{stamp}-{counter}")
        counter += 1
    try:
        current = os.stat(path)
        if (current.st_dev, current.st_ino) != (identity.st_dev, identity.st_ino):
            return "changed"
        os.rename(path, target)
    except FileNotFoundError:
        return "changed"
    except OSError as exc:
        return exc.strerror or str(exc)
    return target


def update_json(
    path: str | os.PathLike[str],
    change: Callable[[Any], Any],
    *,
    validate: Validator | None = None,
    timeout: float = DEFAULT_LOCK_TIMEOUT,
) -> tuple[Any, ReadResult]:
    """Read-modify-write ``path`` under its lock: ``change`` receives the current document
    (None when the file is missing or was moved aside as corrupt) and returns the new one,
    which is written atomically. Returns the new document and the :class:`ReadResult` of the
    read, whose message the caller should pass on to the learner when it is not None."""
    with file_lock(path, timeout=timeout):
        before = read_json(path, validate=validate)
        after = change(before.data)
        atomic_write_json(path, after)
    return after, before
