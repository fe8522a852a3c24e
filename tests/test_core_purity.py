"""widgets/core stays free of ipywidgets and IPython.

The core holds every rule a test, the CLI, nbgrader's autograder or the benchmark needs; if it
imported a widget or display library, those would need a notebook frontend (and the CLI would
pay for importing it). Two checks: no file under widgets/core names those packages in an
import (static), and importing every core module really leaves them out of sys.modules (a
dependency that pulls them in would show up here).
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORE = REPO / "widgets" / "core"
FORBIDDEN = ("ipywidgets", "IPython")


def forbidden_imports(path: Path, root: Path = REPO) -> list[str]:
    """'file:line name' for every import of a forbidden package, including
    importlib.import_module("...") and __import__("...") with a literal name."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and getattr(node.func, "attr", getattr(node.func, "id", None))
            in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names = [node.args[0].value]
        for name in names:
            if name.split(".")[0] in FORBIDDEN:
                found.append(f"{path.relative_to(root)}:{node.lineno} {name}")
    return found


def test_no_core_file_imports_ipywidgets_or_ipython():
    files = sorted(CORE.rglob("*.py"))
    assert CORE / "paths.py" in files
    offenders = [hit for path in files for hit in forbidden_imports(path)]
    assert offenders == [], "widgets/core must not import ipywidgets or IPython:\n" + "\n".join(
        offenders
    )


def test_static_check_catches_each_import_form(tmp_path: Path):
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import ipywidgets as w\n"
        "from IPython.display import display\n"
        "import importlib\n"
        "importlib.import_module('IPython.core')\n"
        "from . import widgets_helper\n"
        "import ipywidgetsish\n",
        encoding="utf-8",
    )
    assert forbidden_imports(bad, root=tmp_path) == [
        "bad.py:1 ipywidgets",
        "bad.py:2 IPython.display",
        "bad.py:4 IPython.core",
    ]


IMPORT_ALL_CORE = """
import importlib, json, pkgutil, sys
import widgets.core
names = sorted(m.name for m in pkgutil.walk_packages(widgets.core.__path__, "widgets.core."))
for name in names:
    importlib.import_module(name)
print(json.dumps({"modules": names, "loaded": sorted(
    n for n in sys.modules if n.split(".")[0] in ("ipywidgets", "IPython"))}))
"""


def import_all_core(preamble: str = "") -> dict:
    result = subprocess.run(
        [sys.executable, "-c", preamble + IMPORT_ALL_CORE],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_importing_all_of_core_loads_neither():
    report = import_all_core()
    assert "widgets.core.paths" in report["modules"]
    assert "widgets.core.course" in report["modules"]
    assert report["loaded"] == []


def test_runtime_check_sees_a_loaded_package():
    report = import_all_core(preamble="import IPython.display\n")
    assert "IPython" in report["loaded"]
    assert "IPython.display" in report["loaded"]
