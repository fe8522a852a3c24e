"""Fixtures of the view tests. Widgets save progress and worksheets as a learner clicks; every
view test writes them under its own tmp_path, never into the developer's home."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def course_state_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ISO10002_PROGRESS_DIR", str(tmp_path / "progress"))
    monkeypatch.setenv("ISO10002_WORK_DIR", str(tmp_path / "work"))
