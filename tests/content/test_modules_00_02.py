"""Modules 00 (welcome), 01 (standard and principles) and 02 (framework and planning): the
notebooks' structure, their knowledge checks, and the coverage of clauses 4.1-4.15, 5.1-5.4
and 6.1-6.4. (That each notebook runs cleanly within 60 s is tests/e2e/test_notebooks_run.py.)"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import nbformat
import pytest
from support.repo import REPO

from widgets.core.course.course_map import load_course_map
from widgets.core.course.progress import ProgressStore
from widgets.core.course.questions import QUESTION_TYPES
from widgets.core.course.syllabus import clause_coverage, load_banks, module_checks
from widgets.module import knowledge_check, module_header_html

MODULES = ("00-welcome", "01-standard-and-principles", "02-framework-and-planning")
BANKS = {"00-welcome": "welcome", "01-standard-and-principles": "principles",
         "02-framework-and-planning": "framework"}
# Calls that put an interactive widget on the page (practice or knowledge check).
INTERACTIVE = re.compile(r"\b(DrillCard|PolicyChecker|CertificationRoadmap|StudyPlanner|"
                         r"ProgressView|knowledge_check|Quiz|LifecycleSimulator|TriageBoard)\(")


def notebook(module_id: str) -> nbformat.NotebookNode:
    return nbformat.read(REPO / "modules" / f"{module_id}.ipynb", as_version=4)


def code(module_id: str) -> list[str]:
    return [cell.source for cell in notebook(module_id).cells if cell.cell_type == "code"]


def markdown(module_id: str) -> str:
    """The notebook's Markdown with line breaks folded into spaces (wrapping is not content)."""
    text = " ".join(c.source for c in notebook(module_id).cells if c.cell_type == "markdown")
    return " ".join(text.split())


@pytest.mark.parametrize("module_id", MODULES)
def test_module_opens_with_its_header_and_ends_with_check_and_next_steps(module_id):
    cells = notebook(module_id).cells
    sources = code(module_id)
    assert cells[0].cell_type == "markdown" and cells[0].source.startswith("# ")
    assert cells[0].source == f"# {load_course_map().module(module_id).title}"
    assert sources[0].endswith(f'show_module_header("{module_id}")')
    assert cells[-1].cell_type == "code"
    assert cells[-1].source.endswith(f'show_next_steps("{module_id}")')
    checks = [s for s in sources if "knowledge_check(" in s]
    assert len(checks) == 1 and checks[0].endswith(f'knowledge_check("{module_id}")')
    assert sources.index(checks[0]) == len(sources) - 2  # the check, then the next steps
    assert "## Summary" in markdown(module_id)


@pytest.mark.parametrize("module_id", MODULES)
def test_module_has_three_or_more_interactive_elements_and_short_cells(module_id):
    found = [m.group(1) for s in code(module_id) for m in INTERACTIVE.finditer(s)]
    assert len(found) >= 3, found
    for cell in notebook(module_id).cells:
        assert len(cell.source.splitlines()) <= 40, cell.source[:60]


@pytest.mark.parametrize("module_id", MODULES)
def test_module_reads_data_only_through_widgets_and_is_committed_clean(module_id):
    for source in code(module_id):
        assert not re.search(r"read_csv|open\(|datasets/|\.csv|\.md\"", source), source
        assert all(line.startswith(("from widgets", "import widgets")) or "import" not in line
                   for line in source.splitlines()), source
    for cell in notebook(module_id).cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    assert "licensed copy" in markdown(module_id)


def test_expected_interactive_elements_per_module():
    assert {m.group(1) for s in code("00-welcome") for m in INTERACTIVE.finditer(s)} == {
        "StudyPlanner", "ProgressView", "knowledge_check"}
    assert re.findall(r'DrillCard\("([a-z-]+)"\)', "\n".join(code("01-standard-and-principles"))) \
        == ["complaint-cases", "principle-cases", "principle-editions"]
    module_02 = "\n".join(code("02-framework-and-planning"))
    assert re.findall(r'DrillCard\("([a-z-]+)"\)', module_02) == ["responsibility-cases",
                                                                 "conduct-code-cases"]
    # ISO 10001 is taught here, as module 01's family table promises (issue 12, error 5)
    text_02 = markdown("02-framework-and-planning")
    assert "ISO 10001:2018" in text_02 and "code of conduct" in text_02
    assert "module 02" in markdown("01-standard-and-principles")
    assert "PolicyChecker()" in module_02 and "CertificationRoadmap()" in module_02
    assert "policy_objectives()" in module_02
    assert "show_course_map()" in "\n".join(code("00-welcome"))


def test_welcome_explains_how_the_course_works():
    text = markdown("00-welcome")
    for phrase in ("Knowledge check", "Exercises", "Self-assessment dashboard", "Shift+Enter",
                   "Tab", "Assignment List", "best attempt counts", "fictional"):
        assert phrase in text, phrase


def test_module_01_teaches_every_principle_the_editions_and_the_family():
    text = markdown("01-standard-and-principles")
    principles = ["Commitment", "Capability", "Transparency", "Accessibility", "Responsiveness",
                  "Objectivity", "Charges", "Information integrity", "Confidentiality",
                  "Customer-focused approach", "Accountability", "Improvement", "Competence",
                  "Timeliness"]
    for number, name in enumerate(principles, start=2):
        assert f"| 4.{number} | {name} |" in text, name
    # clause 4 is a general point (4.1) and fourteen principles, never "fifteen principles"
    assert "(**4.1**, not itself a principle)" in text and "**fourteen**" in text
    assert "fifteen" not in text.lower()
    for edition in ("**2004**", "**2014**", "**2018**"):
        assert edition in text
    for old in ("visibility", "continual improvement"):
        assert old in text
    for standard in ("ISO 10001:2018", "ISO 10003:2018", "ISO 10004:2018", "ISO 9001:2015",
                     "ISO 19011:2018"):
        assert standard in text
    assert "employment disputes" in text and "ISO 10003" in text
    assert "*should*" in text and "no \"shall\"" in text


def test_module_02_teaches_clauses_5_and_6_and_the_certification_path():
    text = markdown("02-framework-and-planning")
    for clause in ("5.1", "5.2", "5.3", "5.4", "6.1", "6.2", "6.3", "6.4"):
        assert f"**{clause} " in text, clause
    for phrase in ("Complaints-handling management representative", "gap analysis",
                   "stage 1", "stage 2", "three years", "surveillance audits",
                   "recertification", "ISO certifies nobody", "certification bodies"):
        assert phrase in text, phrase


# ----------------------------------------------------------------------------- knowledge checks


@pytest.fixture(scope="module")
def banks():
    return {bank.id: bank for bank in load_banks()}


@pytest.mark.parametrize("module_id", MODULES)
def test_one_bank_per_module_with_eight_or_more_referenced_questions(module_id, banks):
    checks = module_checks(load_course_map(), banks.values())[module_id]
    assert [bank.id for bank in checks] == [BANKS[module_id]]
    bank = checks[0]
    assert len(bank.questions) >= 8 and bank.pass_mark == 0.8
    assert all(question.clauses or question.navigation for question in bank.questions)


@pytest.mark.parametrize("bank_id", ["welcome", "framework"])
def test_new_banks_use_all_five_question_types(bank_id, banks):
    bank = banks[bank_id]
    assert len(bank.questions) >= 10
    assert set(Counter(q.type for q in bank.questions)) == set(QUESTION_TYPES)
    for question in bank.questions:
        if question.type == "scenario":
            assert "Harbourside" in question.vignette, question.id


def test_clauses_4_to_6_are_taught_in_these_modules_and_assessed(banks):
    course = load_course_map()
    rows = {row.clause.id: row for row in clause_coverage(course, banks.values())}
    expected = {**{f"4.{n}": "01-standard-and-principles" for n in range(1, 16)},
                **{f"5.{n}": "02-framework-and-planning" for n in range(1, 5)},
                **{f"6.{n}": "02-framework-and-planning" for n in range(1, 5)}}
    for clause_id, module_id in expected.items():
        assert module_id in rows[clause_id].taught_in, clause_id
        assert rows[clause_id].questions >= 1, f"no question assesses {clause_id}"
    # Module 01's own check assesses every principle, not only the course as a whole.
    principles = {c for q in banks["principles"].questions for c in q.clauses}
    assert {f"4.{n}" for n in range(1, 16)} <= principles
    framework = {c for q in banks["framework"].questions for c in q.clauses}
    assert {"5.1", "5.2", "5.3", "5.4", "6.1", "6.2", "6.3", "6.4"} <= framework


def test_framework_ordering_agrees_with_the_certification_path(banks):
    from widgets.core.practice.certification_path import load_certification_path

    steps = [step.id for step in load_certification_path().steps]
    ordering = banks["framework"].question("fw-certification-order")
    positions = {"gap-analysis": "gap-analysis", "documentation": "documentation",
                 "implementation-review": "internal-review", "stage-1": "stage-1-audit",
                 "stage-2": "stage-2-audit", "surveillance": "surveillance"}
    indexes = [steps.index(positions[item.id]) for item in ordering.items]
    assert indexes == sorted(indexes)


@pytest.mark.parametrize("module_id", MODULES)
def test_header_and_passing_the_check_records_progress(module_id, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("ISO10002_PROGRESS_DIR", str(tmp_path))
    module = load_course_map().module(module_id)
    header = module_header_html(module_id)
    assert f"about {module.minutes} minutes" in header
    assert all(objective.replace("'", "&#x27;") in header for objective in module.objectives)
    store = ProgressStore("module-tester")
    quiz = knowledge_check(module_id, store=store)
    assert quiz.bank.id == BANKS[module_id]
    for question in quiz.attempt.questions:
        control = quiz.controls[question.id]
        if question.type == "multiple":
            for option, box in zip(question.options, control, strict=True):
                box.value = option.correct
        elif question.type == "ordering":
            for position, item in enumerate(question.items):
                control[position].value = item.id
        else:
            control.value = question.correct_options[0].id
    result = quiz.submit()
    assert result.score == 1 and result.passed
    assert store.module(module_id).completed
