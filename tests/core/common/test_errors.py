"""One error type for bad content, and the one reader that raises it.

A view or the CLI shows a content error's message instead of a traceback only if it can catch
one type, so: (a) every content-error class of the core derives from ContentError (found by
walking the modules, so a new one cannot be forgotten); (b) every loader of a content file,
fed a broken copy of it, raises a ContentError naming the file, never a KeyError or TypeError
from deep inside; (c) the reader's collecting mode reports every problem of a file at once.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from support.repo import REPO

import widgets.core
from widgets.core.common.errors import ContentError
from widgets.core.common.reader import ContentReader, by_id
from widgets.core.complaints.policy import load_policy
from widgets.core.complaints.regulators import load_regulators
from widgets.core.complaints.rootcause import load_fishbone_categories
from widgets.core.course.clauses import load_clauses
from widgets.core.course.course_map import load_course_map
from widgets.core.course.questions import load_bank
from widgets.core.grading.cohort_report import load_items
from widgets.core.practice.assessment import load_checklist as load_self_assessment
from widgets.core.practice.audit_case import load_audit_case, load_audit_programme
from widgets.core.practice.audit_sampler import load_audit_criteria
from widgets.core.practice.certification_path import load_certification_path
from widgets.core.practice.drills import load_drill
from widgets.core.practice.lifecycle import load_scenario
from widgets.core.practice.policy_review import load_checklist as load_policy_checklist
from widgets.core.practice.review import load_improvement_guide, load_review_content

CONTENT = REPO / "widgets" / "content"

# ValueError subclasses of the core that are about something other than a file's content:
# what a learner typed or did, or the state of a grading run. Each says why it is not one.
NOT_CONTENT = {
    "AnswerError": "a learner's answer of the wrong shape, or an attempt used out of turn",
    "AnswerFormatError": "a typed answer the learner can retype",
    "GradeError": "a grading run that cannot start (no gradebook, nothing handed in)",
    "RegionError": "a solution marker left open in an exercise notebook's cell",
    "ReportError": "a gradebook with no submission yet, not a broken file",
}

# Each content file, the loader the course reads it with, and a key it cannot do without.
LOADERS: dict[str, tuple[Callable[[Path], object], str]] = {
    "audit-case.yaml": (load_audit_case, "objectives"),
    "audit-criteria.yaml": (load_audit_criteria, "criteria"),
    "audit-programme.yaml": (load_audit_programme, "audits"),
    "certification-path.yaml": (load_certification_path, "steps"),
    "clauses.yaml": (load_clauses, "clauses"),
    "complaint-cases.yaml": (load_drill, "cases"),
    "conduct-code-cases.yaml": (load_drill, "categories"),
    "exercise-items.yaml": (load_items, "assignments"),
    "fishbone.yaml": (load_fishbone_categories, "categories"),
    "management-review.yaml": (load_review_content, "reviews"),
    "modules.yaml": (load_course_map, "modules"),
    "policy-checklist.yaml": (load_policy_checklist, "items"),
    "principle-cases.yaml": (load_drill, "categories"),
    "principle-editions.yaml": (load_drill, "cases"),
    "regulators.yaml": (load_regulators, "regulators"),
    "responsibility-cases.yaml": (load_drill, "categories"),
    "review-improvement.yaml": (load_improvement_guide, "iso9001"),
    "self-assessment.yaml": (load_self_assessment, "groups"),
    "questions/process.yaml": (load_bank, "questions"),
    "scenarios/gas-safety.yaml": (load_scenario, "steps"),
}
POLICY = (REPO / "datasets" / "policy.yaml", load_policy, "timeliness")


def _core_modules() -> list[str]:
    return [info.name for info in pkgutil.walk_packages(widgets.core.__path__, "widgets.core.")
            if not info.ispkg]


def test_every_content_error_of_the_core_is_a_content_error():
    found: dict[str, type] = {}
    for name in _core_modules():
        module = importlib.import_module(name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == name and issubclass(cls, ValueError):
                found[cls.__name__] = cls
    assert {"CourseMapError", "PolicyError", "ComplaintDataError", "BankError",
            "AuditCaseError", "ReviewContentError"} <= set(found)
    strays = sorted(name for name, cls in found.items()
                    if not issubclass(cls, ContentError) and name not in NOT_CONTENT
                    and cls is not ContentError)
    assert strays == [], f"derive these from ContentError (or list why not): {strays}"
    assert not any(issubclass(found[name], ContentError) for name in NOT_CONTENT if name in found)


def test_a_complaint_data_error_keeps_its_notebook_message():
    from widgets.core.complaints.loader import ComplaintDataError

    error = ComplaintDataError("log.csv: no header row")
    assert isinstance(error, ContentError)
    assert error._render_traceback_() == ["Cannot load the complaint log: log.csv: no header row"]
    assert ContentError("x.yaml: broken")._render_traceback_() == ["x.yaml: broken"]


def test_every_content_file_has_a_loader_here():
    files = {str(path.relative_to(CONTENT)) for path in CONTENT.rglob("*.yaml")}
    bundled = {name.split("/")[0] + "/" for name in LOADERS if "/" in name}
    covered = {f for f in files if f in LOADERS or any(f.startswith(b) for b in bundled)}
    assert covered == files, f"add a loader for {sorted(files - covered)}"


def _cases() -> list[tuple[str, Path, Callable[[Path], object], str]]:
    cases = [(name, CONTENT / name, loader, key) for name, (loader, key) in LOADERS.items()]
    return [*cases, ("policy.yaml", *POLICY)]


@pytest.mark.parametrize(("name", "source", "loader", "key"), _cases(),
                         ids=[case[0] for case in _cases()])
def test_a_broken_content_file_raises_a_content_error_naming_it(name, source, loader, key,
                                                               tmp_path: Path):
    copy = tmp_path / Path(name).name
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    assert key in data
    copy.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    loader(copy)  # the unchanged copy loads: what fails below fails for the change made

    def broken(text: str) -> str:
        copy.write_text(text, encoding="utf-8")
        with pytest.raises(ContentError) as raised:
            loader(copy)
        return str(raised.value)

    missing = tmp_path / "gone" / Path(name).name
    with pytest.raises(ContentError, match=r"not found|cannot be read") as raised:
        loader(missing)
    assert str(missing) in str(raised.value)
    assert str(copy) in broken("key: [unclosed\n")
    copy.write_bytes(b"\xff\xfe not UTF-8")
    with pytest.raises(ContentError, match="not UTF-8 text") as raised:
        loader(copy)
    assert str(copy) in str(raised.value)
    assert str(copy) in broken(yaml.safe_dump([1, 2]))
    without = {k: v for k, v in data.items() if k != key}
    assert str(copy) in broken(yaml.safe_dump(without, allow_unicode=True, sort_keys=False))
    mistyped = {**data, key: 12345}
    message = broken(yaml.safe_dump(mistyped, allow_unicode=True, sort_keys=False))
    assert str(copy) in message and key in message


def test_collecting_reports_every_problem_at_once(tmp_path: Path):
    source = tmp_path / "steps.yaml"

    class StepsError(ContentError):
        pass

    r = ContentReader(source, StepsError, collect=True)
    document = {"steps": [{"id": "a", "title": ""}, {"id": "b", "title": "B"},
                          {"id": 7, "title": "C"}, {"id": "b", "title": "D"}]}
    titles = []
    for where, entry in r.entries(document, "steps", ""):
        with r.entry():
            titles.append((r.text(entry, "id", where), r.text(entry, "title", where)))
    r.unique([step_id for step_id, _ in titles], "steps")
    with pytest.raises(StepsError) as raised:
        r.done()
    assert raised.value.problems == [
        f"{source}: 'steps[1].title' must be non-empty text; found ''",
        f"{source}: 'steps[3].id' must be non-empty text; found 7",
        f"{source}: 'steps' uses the id(s) b more than once",
    ]
    assert str(raised.value).startswith(f"{source}: 3 problems\n- {source}: 'steps[1].title'")
    r.done()  # raised once: the problems were handed over, nothing is left to raise


def test_without_collecting_the_first_problem_raises_at_once(tmp_path: Path):
    r = ContentReader(tmp_path / "x.yaml")
    with pytest.raises(ContentError, match=r"'minutes' must be a whole number from 1 to 90; "
                                           r"found 0") as raised:
        r.number({"minutes": 0}, "minutes", "", low=1, high=90, integer=True)
    assert raised.value.problems == [str(raised.value)]
    with pytest.raises(ContentError, match=r"'\(top level\)' needs the keys id, title; found id, "
                                           r"extra"):
        r.keys({"id": "a", "extra": 1}, "", ("id", "title"))
    assert r.optional_text({"note": None}, "note", "", "none") == "none"


def test_by_id_finds_an_item_or_names_the_ids_there_are():
    class Step:
        def __init__(self, step_id: str) -> None:
            self.id = step_id

    steps = [Step("plan"), Step("do")]
    assert by_id(steps, "do", "step") is steps[1]
    with pytest.raises(KeyError, match=r"the plan has no step 'check'; known ids: plan, do"):
        by_id(steps, "check", "step", owner="the plan")
    with pytest.raises(ContentError, match=r"no step 'act'; steps: none"):
        by_id([], "act", "step", known="steps:", error=ContentError)
