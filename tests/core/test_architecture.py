"""The package's architecture, checked: a pure core split into domains, layered one way.

1. widgets/core stays free of ipywidgets and IPython. The core holds every rule a test, the CLI,
nbgrader's autograder or the benchmark needs; if it imported a widget or display library, those
would need a notebook frontend (and the CLI would pay for importing it). Two checks: no file under
widgets/core names those packages in an import (static), and importing every core module really
leaves them out of sys.modules (a dependency that pulls them in would show up here).
2. The core is domain subpackages (common, course, complaints, practice, grading) and nothing
flat beside them, and no module imports upward into a package that contains it (e.g.
complaints/kpis.py importing widgets.core or widgets.core.policy): a domain depends on its
siblings' modules or facades, never on its parent, so the tree says what depends on what.
3. The old import paths of the last release (widgets._moved) still import, warn, and give the
very same module; nothing in the repository itself uses them; README lists the same table.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from support.repo import REPO

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
    assert CORE / "common" / "paths.py" in files
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
    assert "widgets.core.common.paths" in report["modules"]
    assert "widgets.core.course.course_map" in report["modules"]
    assert report["loaded"] == []


def test_runtime_check_sees_a_loaded_package():
    report = import_all_core(preamble="import IPython.display\n")
    assert "IPython" in report["loaded"]
    assert "IPython.display" in report["loaded"]


DOMAINS = ("common", "course", "complaints", "practice", "grading")


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_names(path: Path) -> list[tuple[int, str]]:
    """(line, module) of each import in the file: the module an ``import`` names or a ``from``
    imports from, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            found.append((node.lineno, base))
    return found


def upward_imports(path: Path) -> list[str]:
    """Imports from a core subpackage's module into one of the packages that contain it: the
    package itself (widgets, widgets.core, widgets.core.practice for a module of
    practice/audit_case/) or, above the domains, a module directly inside it
    (widgets.core.policy, widgets.quiz). Imports of its own subpackage's modules, of its
    domain's modules (practice/audit_case/ using practice/audit_sampler.py) and of sibling
    domains are fine."""
    name = module_name(path)
    own_package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    ancestors = [".".join(own_package.split(".")[:i]) for i in range(1, own_package.count(".") + 1)]
    offenders = []
    for line, target in imported_names(path):
        if not target.startswith("widgets"):
            continue
        for ancestor in ancestors:
            inside = target.startswith(ancestor + ".")
            below = target[len(ancestor) + 1 :].split(".")[0] if inside else None
            above_domains = ancestor.count(".") < 2  # widgets, widgets.core
            if target == ancestor or (
                above_domains
                and below is not None
                and not (REPO / ancestor.replace(".", "/") / below).is_dir()
            ):
                # `from widgets.core.complaints import schema` names a module of its own
                # package; only a target outside every domain subpackage is upward
                if target.startswith(own_package + ".") or target == own_package:
                    continue
                offenders.append(f"{path.relative_to(REPO)}:{line} imports {target}")
                break
    return offenders


def test_core_is_domain_subpackages_with_nothing_flat_beside_them():
    flat = sorted(p.name for p in CORE.glob("*.py") if p.name != "__init__.py")
    assert flat == [], f"put these into a domain subpackage of widgets/core: {flat}"
    found = sorted(p.name for p in CORE.iterdir() if (p / "__init__.py").is_file())
    assert found == sorted(DOMAINS)


def test_no_core_module_imports_upward():
    files = sorted(path for domain in DOMAINS for path in (CORE / domain).rglob("*.py"))
    offenders = [hit for path in files for hit in upward_imports(path)]
    assert offenders == [], "import a sibling domain, never the package above:\n" + "\n".join(
        offenders
    )


def facade_imports(path: Path) -> list[str]:
    """Names a module takes from its own package's facade (``from widgets.core.complaints import
    Kpi`` inside complaints/): the facade imports its modules, so this is a cycle waiting to
    happen. Its own package's submodules (``… import schema``) are fine."""
    name = module_name(path)
    if path.name == "__init__.py":
        return []
    package = name.rsplit(".", 1)[0]
    folder = path.parent
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module == package:
            for alias in node.names:
                if not ((folder / f"{alias.name}.py").is_file() or (folder / alias.name).is_dir()):
                    found.append(f"{path.relative_to(REPO)}:{node.lineno} {alias.name}")
    return found


def test_no_module_imports_names_from_its_own_packages_facade():
    files = sorted(CORE.rglob("*.py"))
    offenders = [hit for path in files for hit in facade_imports(path)]
    assert offenders == [], "import from the defining module, not the facade:\n" + "\n".join(
        offenders
    )


def test_facade_check_tells_names_from_submodules(tmp_path: Path):
    probe = CORE / "complaints" / "_facade_probe.py"
    probe.write_text("from widgets.core.complaints import schema, Kpi\n", encoding="utf-8")
    try:
        found = facade_imports(probe)
    finally:
        probe.unlink()
    assert [hit.rsplit(" ", 1)[1] for hit in found] == ["Kpi"]


def test_upward_check_catches_each_form(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    domain = REPO / "widgets" / "core" / "complaints"
    probe = domain / "_upward_probe.py"
    probe.write_text(
        "from widgets.core import policy\n"  # the parent package
        "import widgets.core.paths\n"  # a flat module of the parent (old path)
        "from widgets.quiz import Quiz\n"  # a view: a module of the grandparent
        "from .. import storage\n"  # relative, one level up
        "from widgets.core.common import paths\n"  # a sibling domain: fine
        "from widgets.core.complaints import schema\n"  # its own package: fine
        "from . import kpis\n",  # its own package, relative: fine
        encoding="utf-8",
    )
    try:
        found = upward_imports(probe)
    finally:
        probe.unlink()
    assert [hit.split(" imports ")[1] for hit in found] == [
        "widgets.core",
        "widgets.core.paths",
        "widgets.quiz",
        "widgets.core",
    ]


def test_upward_check_in_a_package_inside_a_domain():
    package = REPO / "widgets" / "core" / "practice" / "audit_case"
    probe = package / "_upward_probe.py"
    probe.write_text(
        "from widgets.core import practice\n"  # the domain above the package
        "from widgets.core.practice import audit_sampler\n"  # through the domain package
        "from .. import triage\n"  # the same, relative
        "import widgets.core.paths\n"  # a flat module of widgets.core (old path)
        "from widgets.core.practice.audit_sampler import draw_sample\n"  # its domain: fine
        "from widgets.core.practice.audit_case.content import GRADES\n"  # own package: fine
        "from . import result\n"  # own package, relative: fine
        "from widgets.core.complaints import kpis\n",  # a sibling domain: fine
        encoding="utf-8",
    )
    try:
        found = upward_imports(probe)
    finally:
        probe.unlink()
    assert [hit.split(" imports ")[1] for hit in found] == [
        "widgets.core",
        "widgets.core.practice",
        "widgets.core.practice",
        "widgets.core.paths",
    ]


def test_old_paths_import_warn_and_are_the_same_module():
    from widgets._moved import MOVED

    script = (
        "import importlib, json, warnings\n"
        f"moved = {MOVED!r}\n"
        "out = {}\n"
        "for old, new in moved.items():\n"
        "    with warnings.catch_warnings(record=True) as caught:\n"
        "        warnings.simplefilter('always')\n"
        "        module = importlib.import_module(old)\n"
        "    out[old] = [module is importlib.import_module(new),\n"
        "                [str(w.message) for w in caught if w.category is FutureWarning]]\n"
        "print(json.dumps(out))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.splitlines()[-1])
    assert set(report) == set(MOVED)
    for old, (same, warned) in report.items():
        assert same, old
        assert any(MOVED[old] in message and "Upgrading" in message for message in warned), old


def test_old_import_paths_of_the_last_release_still_work_through_the_new_facades():
    """widgets.core.course and widgets.core.grading were modules; they are now packages whose
    facades export every public name the modules had."""
    from widgets.core import course, grading
    from widgets.core.course import course_map
    from widgets.core.grading import nbgrader_course

    for package, module in ((course, course_map), (grading, nbgrader_course)):
        public = set()
        for node in ast.parse(Path(module.__file__).read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef | ast.ClassDef):
                public.add(node.name)
            elif isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                public |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
        public = {name for name in public if not name.startswith("_")}
        assert public <= set(package.__all__), sorted(public - set(package.__all__))
        for name in public:
            assert getattr(package, name) is getattr(module, name)


def test_facades_name_only_what_their_modules_define():
    import importlib

    # the domains' facades and those of packages inside a domain (practice/audit_case/, …)
    packages = [module_name(p) for p in sorted(CORE.rglob("__init__.py")) if p.parent != CORE]
    assert {f"widgets.core.{domain}" for domain in DOMAINS} < set(packages)
    for dotted in packages:
        package = importlib.import_module(dotted)
        for name in package.__all__:
            assert getattr(package, name) is not None, f"{dotted}.{name}"


def test_nothing_in_the_repository_uses_an_old_path():
    from support.repo import checkout_files

    from widgets._moved import MOVED

    pattern = re.compile(r"\b(" + "|".join(re.escape(old) for old in MOVED) + r")\b(?![._a-z])")
    offenders = []
    for path in checkout_files("*.py", "*.ipynb", "Makefile", "*.toml", "*.cfg"):
        if path.name in ("_moved.py", "test_architecture.py") or not path.is_file():
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line):
                offenders.append(f"{path.relative_to(REPO)}:{number}: {line.strip()[:100]}")
    assert offenders == [], "use the new paths:\n" + "\n".join(offenders)


def test_readme_upgrading_lists_every_old_path():
    from widgets._moved import MOVED

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Upgrading", 1)[1].split("\n## ", 1)[0]
    rows = dict(re.findall(r"^\| `([\w.]+)` \| `([\w.]+)` \|$", section, re.M))
    assert rows == MOVED
