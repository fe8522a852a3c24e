"""The repository's files as a clone has them: what git tracks plus new files it does not
ignore. Used by tests that must see exactly what CI's fresh clone sees (and a new notebook
before its first commit), never .venv or nbgrader's generated folders.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def checkout_files(*patterns: str) -> list[Path]:
    """Absolute paths of the checkout's files matching the git pathspecs (all when none)."""
    listing = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z", "--", *patterns],
        cwd=REPO,
        capture_output=True,
        check=False,
    )
    if listing.returncode != 0:
        raise RuntimeError(
            f"git cannot list the files of {REPO} ({listing.stderr.decode().strip()}); "
            "run the tests from a git clone of the course"
        )
    return [REPO / name for name in listing.stdout.decode().split("\0") if name]
