"""Where the course's files are, for code that may run from anywhere.

Notebooks run with their own folder as working directory (modules/, exercises/<name>/, a
Voilà kernel's folder), and the package may be installed editable or not. Content files ship
inside the package; the sample data lives in the repository's datasets/. This module finds
that folder once, the same way everywhere, and says what to do when it cannot.
"""

from __future__ import annotations

from pathlib import Path

from widgets.core.common.settings import COURSE_ROOT, WORK_DIR

PACKAGE_DIR = Path(__file__).resolve().parents[2]
CONTENT_DIR = PACKAGE_DIR / "content"


def _looks_like_course_root(folder: Path) -> bool:
    return (folder / "datasets" / "policy.yaml").is_file()


def course_root() -> Path:
    """The repository folder holding datasets/: $ISO10002_COURSE_ROOT, else the checkout the
    package was installed from (editable install), else the nearest parent of the working
    directory that has one."""
    configured = COURSE_ROOT.get()
    if configured:
        root = Path(configured).expanduser().resolve()
        if not _looks_like_course_root(root):
            raise FileNotFoundError(
                f"{COURSE_ROOT.name}={configured} has no datasets/policy.yaml; "
                "point it at the course repository's top folder"
            )
        return root
    candidates = [PACKAGE_DIR.parent, *Path.cwd().resolve().parents]
    candidates.insert(1, Path.cwd().resolve())
    for folder in candidates:
        if _looks_like_course_root(folder):
            return folder
    raise FileNotFoundError(
        "cannot find the course's datasets/ folder: run from inside the course repository "
        f"or set {COURSE_ROOT.name} to its top folder"
    )


def datasets_dir() -> Path:
    """The sample-data folder (datasets/ of the course repository)."""
    return course_root() / "datasets"


def work_dir() -> Path:
    """Where a learner's saved work goes (worksheets, reflections, self-assessments):
    ``$ISO10002_WORK_DIR`` if set, else ``~/.iso10002-course/work``."""
    return Path(WORK_DIR.get() or WORK_DIR.default).expanduser()
