"""Old import paths of the package, kept importable for one release.

Why: notebooks released to a cohort that is still running import the paths the course had
when they were released (``widgets.core.policy``, ``widgets.quiz``, …); breaking them
mid-course would break learners' work. Each old path below resolves to the module that
replaced it (the very same module object, so monkeypatching and ``isinstance`` behave) and
warns once with the new path. README's "Upgrading" section lists the same table (a test
keeps them in step). Remove this module in the release after next.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import warnings
from types import ModuleType

MOVED: dict[str, str] = {
    # core: flat modules -> domain subpackages
    "widgets.core.yamlfile": "widgets.core.common.reader",
    "widgets.core.paths": "widgets.core.common.paths",
    "widgets.core.storage": "widgets.core.common.storage",
    "widgets.core.figures": "widgets.core.common.figures",
    "widgets.core.clauses": "widgets.core.course.clauses",
    "widgets.core.questions": "widgets.core.course.questions",
    "widgets.core.syllabus": "widgets.core.course.syllabus",
    "widgets.core.progress": "widgets.core.course.progress",
    "widgets.core.learningpath": "widgets.core.course.study_plan",
    "widgets.core.selftest": "widgets.core.course.selftest",
    "widgets.core.policy": "widgets.core.complaints.policy",
    "widgets.core.generate": "widgets.core.complaints.generate",
    "widgets.core.deadlines": "widgets.core.complaints.deadlines",
    "widgets.core.regulators": "widgets.core.complaints.regulators",
    "widgets.core.analysis": "widgets.core.complaints.analysis",
    "widgets.core.monitoring": "widgets.core.complaints.monitoring",
    "widgets.core.rootcause": "widgets.core.complaints.rootcause",
    "widgets.core.kpiview": "widgets.core.complaints.log_kpis",
    "widgets.core.uploads": "widgets.core.complaints.uploads",
    "widgets.core.lifecycle": "widgets.core.practice.lifecycle",
    "widgets.core.triage": "widgets.core.practice.triage",
    "widgets.core.audit": "widgets.core.practice.audit_sampler",
    "widgets.core.auditcase": "widgets.core.practice.audit_case",
    "widgets.core.review": "widgets.core.practice.review",
    "widgets.core.certification": "widgets.core.practice.certification_path",
    "widgets.core.policycheck": "widgets.core.practice.policy_review",
    "widgets.core.assessment": "widgets.core.practice.assessment",
    "widgets.core.drills": "widgets.core.practice.drills",
    "widgets.core.parallel_grade": "widgets.core.grading.parallel_grade",
    "widgets.core.cohort": "widgets.core.grading.cohort",
    "widgets.core.cohort_report": "widgets.core.grading.cohort_report",
    "widgets.core.certificates": "widgets.core.grading.certificates",
    "widgets.core.exercise_checks": "widgets.core.grading.exercise_checks",
    "widgets.core.exercise_submissions": "widgets.core.grading.exercise_submissions",
    # views: named after the core module they render; the dashboard's tabs grouped
    "widgets.quiz": "widgets.questions",
    "widgets.drill": "widgets.drills",
    "widgets.learningpath": "widgets.study_plan",
    "widgets.audit": "widgets.audit_sampler",
    "widgets.auditcase": "widgets.audit_case",
    "widgets.certification": "widgets.certification_path",
    "widgets.policycheck": "widgets.policy_review",
    "widgets.course": "widgets.course_map",
    "widgets.dashboard_data": "widgets.dashboard.log_kpis",
    "widgets.dashboard_knowledge": "widgets.dashboard.selftest",
    "widgets.dashboard_organization": "widgets.dashboard.assessment",
    "widgets.dashboard_server": "widgets.dashboard.server",
}
"""Old dotted path -> new dotted path. ``widgets.core.course`` and ``widgets.core.grading``
are not listed: they are now the packages, whose facades export every public name the old
modules had."""


class _MovedLoader(importlib.abc.Loader):
    """Puts the new module in sys.modules under the old name; the import system then hands
    that module to the importer."""

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return None

    def exec_module(self, module: ModuleType) -> None:
        old = module.__name__
        new = MOVED[old]
        warnings.warn(
            f"{old} has moved to {new}; the old path works until the next release "
            "(README, 'Upgrading').",
            FutureWarning,
            stacklevel=2,
        )
        sys.modules[old] = importlib.import_module(new)


class _MovedFinder(importlib.abc.MetaPathFinder):
    """Finds only the old paths in MOVED; asked after the normal finders found nothing."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname in MOVED:
            return importlib.machinery.ModuleSpec(fullname, _MovedLoader())
        return None


def install() -> None:
    """Add the finder once (idempotent: reloading the package must not stack finders)."""
    if not any(isinstance(finder, _MovedFinder) for finder in sys.meta_path):
        sys.meta_path.append(_MovedFinder())
