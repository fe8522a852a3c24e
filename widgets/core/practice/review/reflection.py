"""The learner's closing reflection of module 07, saved and read back.

Why a module of its own: it is the learner's own writing, stored in the learner's work folder
with an atomic write (a killed kernel never leaves half a file); a damaged file is moved
aside with a message, never a crash.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from widgets.core.common.paths import work_dir
from widgets.core.common.storage import atomic_write_json, read_json

REFLECTION_FILE = "closing-reflection.json"
REFLECTION_FORMAT = 1


@dataclass(frozen=True)
class LoadedReflection:
    answers: dict[str, str]
    message: str | None


def reflection_path(folder: str | Path | None = None) -> Path:
    """Where the closing reflection is saved: the learner's work folder
    ($ISO10002_WORK_DIR, default ~/.iso10002-course/work)."""
    return (Path(folder) if folder is not None else work_dir()) / REFLECTION_FILE


def save_reflection(answers: Mapping[str, str], prompts: Sequence[tuple[str, str]],
                    folder: str | Path | None = None) -> Path:
    """Save the answers atomically (a killed kernel never leaves half a file)."""
    known = [prompt_id for prompt_id, _ in prompts]
    unknown = sorted(set(answers) - set(known))
    if unknown:
        raise ValueError(f"no reflection prompt {', '.join(unknown)}; prompts: "
                         f"{', '.join(known)}")
    document = {"format": REFLECTION_FORMAT,
                "saved_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "answers": {k: str(answers.get(k, "")).strip() for k in known}}
    return atomic_write_json(reflection_path(folder), document)


def _reflection_problem(data: object) -> str | None:
    if not isinstance(data, dict) or data.get("format") != REFLECTION_FORMAT:
        return f"it is not a reflection file of format {REFLECTION_FORMAT}"
    answers = data.get("answers")
    if not isinstance(answers, dict) or not all(isinstance(v, str) for v in answers.values()):
        return "its 'answers' is not a mapping of texts"
    return None


def load_reflection(folder: str | Path | None = None) -> LoadedReflection:
    """The saved answers, or none with a message when the file was damaged (moved aside)."""
    result = read_json(reflection_path(folder), validate=_reflection_problem)
    if result.ok:
        return LoadedReflection(dict(result.data["answers"]), None)
    return LoadedReflection({}, result.message)
