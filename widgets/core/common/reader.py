"""Reading the course's YAML files (policy, course map, scenarios, criteria, …) one way.

Every content file can fail in the same two ways — it is missing, or a trainer's edit broke
the syntax — and each should say so naming the file, in the error type of the module that
reads it, so a view can catch that one type. This keeps those two messages identical
everywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import yaml


def read_yaml(path: Path, error: Callable[[str], Exception], what: str = "file") -> object:
    """Parse `path`; raise `error(message)` when it is missing or is not valid YAML."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise error(f"{what} {path} not found") from exc
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise error(f"{path}: not valid YAML ({exc}); fix the syntax at the line shown") from exc
