"""Shared fixtures for the complaint core: the course's sample log and policy, loaded once.

conftest.py imports the fixtures; tests that need a path (REPO) import this module directly.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support.repo import REPO

from widgets.core.complaints import LoadResult, load_complaints
from widgets.core.complaints.policy import Policy, load_policy

SHARED_DATA = REPO.parent / "shared" / "data"
CFPB_SAMPLE = SHARED_DATA / "cfpb-export-2013-sample.csv"


@pytest.fixture(scope="session")
def policy() -> Policy:
    return load_policy()


@pytest.fixture(scope="session")
def sample_result() -> LoadResult:
    return load_complaints(REPO / "datasets" / "complaints.csv")


@pytest.fixture(scope="session")
def cfpb_sample() -> Path:
    if not CFPB_SAMPLE.is_file():
        pytest.skip(f"{CFPB_SAMPLE} is absent (only the project's workspace has ../shared/data)")
    return CFPB_SAMPLE
