"""Modules 06 (auditing) and 07 (review, improvement, certification): the notebooks have the
standard shape, enough interactive elements, a closing check that assesses every clause the
module teaches, no number about the sample data typed into their prose, ISO 9001's "shall" and
the audit grades attributed correctly, and the data claims of their question banks hold.
(They are run top to bottom by tests/e2e/test_notebooks_run.py.)"""

from __future__ import annotations

import re

import nbformat
import pytest
from support.sample_data import REPO

from widgets.core.course.course_map import load_course_map
from widgets.core.course.questions import load_bank
from widgets.core.course.syllabus import load_banks, module_checks
from widgets.core.practice.audit_case import run_case
from widgets.module import next_steps_html

MODULES = {
    "06-auditing-complaints-handling": ("SamplingRiskExplorer(", "AuditSampler(",
                                        "FindingsRegister(", "knowledge_check("),
    "07-review-improvement-certification": ("ReviewPackView(", "CorrectiveActionForm(",
                                            "Reflection(", "knowledge_check("),
}
PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s?%")
THOUSANDS = re.compile(r"\b\d{1,3}(?:,\d{3})+\b")
COUNTED = re.compile(r"\b\d+\s+(?:complaints|records|letters|customers)\b", re.IGNORECASE)
SENTENCE = re.compile(r"(?<=[.;:!?])\s+|\n\s*\n|\n- ")


def notebook(module_id: str) -> nbformat.NotebookNode:
    return nbformat.read(REPO / "modules" / f"{module_id}.ipynb", as_version=4)


def prose(module_id: str) -> str:
    return "\n\n".join(c.source for c in notebook(module_id).cells if c.cell_type == "markdown")


def policy_percentages(policy) -> set[str]:
    """Targets of the policy, which the prose may quote (they are not data)."""
    shares = [t.min_share for t in policy.timeliness.values()]
    shares += [r.min if r.min is not None else r.max for name, r in policy.rates.items()
               if not name.endswith("_mean")]
    return {f"{share * 100:g}" for share in shares}


@pytest.mark.parametrize("module_id", MODULES)
def test_module_shape(module_id):
    cells = notebook(module_id).cells
    code = [c.source for c in cells if c.cell_type == "code"]
    assert cells[0].cell_type == "code"
    assert f'show_module_header("{module_id}")' in cells[0].source
    assert f'show_next_steps("{module_id}")' in cells[-1].source
    assert sum(f'knowledge_check("{module_id}")' in s for s in code) == 1
    assert cells[1].cell_type == "markdown" and cells[1].source.startswith("# ")
    assert "## Summary" in prose(module_id)
    assert all(len(s.splitlines()) <= 25 for s in code), "keep code cells short"
    assert all(c.get("outputs", []) == [] for c in cells if c.cell_type == "code")


@pytest.mark.parametrize("module_id", MODULES)
def test_at_least_three_interactive_elements(module_id):
    code = "\n".join(c.source for c in notebook(module_id).cells if c.cell_type == "code")
    present = [name for name in MODULES[module_id] if name in code]
    assert present == list(MODULES[module_id])
    assert len(present) >= 3


@pytest.mark.parametrize("module_id", MODULES)
def test_every_clause_taught_is_assessed(module_id):
    module = load_course_map().module(module_id)
    (bank,) = module_checks(load_course_map(), load_banks())[module_id]
    assert len(bank.questions) >= 8
    assessed = {c for q in bank.questions for c in q.clauses}
    assert set(module.clauses) <= assessed, set(module.clauses) - assessed


def test_required_coverage_is_taught():
    taught = {m.id: set(m.clauses) for m in load_course_map().modules}
    assert {"8.5", "19011:4", "19011:5", "19011:6.2", "19011:6.3", "19011:6.4", "19011:6.5",
            "19011:6.6", "19011:6.7", "19011:A.6"} <= taught["06-auditing-complaints-handling"]
    assert {"8.6", "8.7", "B", "9001:8.2.1", "9001:9.1.2", "9001:9.1.3", "9001:9.3.2",
            "9001:10.2", "9001:10.3"} <= taught["07-review-improvement-certification"]


@pytest.mark.parametrize("module_id", MODULES)
def test_no_sample_data_number_is_typed_into_the_prose(module_id, policy):
    """Figures about the log are computed in code cells; the prose may quote policy targets,
    clause numbers, dates and the fictional case's own facts, never counts or rates."""
    text = prose(module_id)
    allowed = policy_percentages(policy)
    typed = [m.group(0) for m in PERCENT.finditer(text) if m.group(1) not in allowed]
    assert typed == []
    assert THOUSANDS.findall(text) == []
    assert COUNTED.findall(text) == []


@pytest.mark.parametrize("module_id", MODULES)
def test_shall_is_only_ever_iso_9001s(module_id):
    for sentence in SENTENCE.split(prose(module_id)):
        if re.search(r"\bshall\b", sentence, re.IGNORECASE):
            assert "9001" in sentence, sentence


def test_grading_is_attributed_as_iso_19011_and_iso_iec_17021_1_say():
    """ISO 19011:2018 6.4.8 lets an audit programme grade nonconformities and defines no grades;
    the major/minor definitions come from ISO/IEC 17021-1 (course/sources.md, entries
    iso-19011-grading and iso-iec-17021-1-grades). The module, the programme file, the question
    bank and ex06's mark scheme say so, and none says ISO 19011 does not grade."""
    grading = re.compile(r"\b(major|minor|OFI|opportunit(y|ies) for improvement)\b", re.I)
    qualified = re.compile(r"6\.4\.8|17021|\b(not|no|nor|none)\b|n't\b", re.I)
    text = prose("06-auditing-complaints-handling")
    assert "6.4.8" in text and "6.4.3" in text and "ISO/IEC 17021-1" in text
    for sentence in SENTENCE.split(text):
        if "19011" in sentence and grading.search(sentence):
            assert qualified.search(sentence), sentence
    wrong = re.compile(r"19011[^.]{0,40}\b(does not|doesn't|never) grade|"
                       r"not ISO 19011|defines no grades:", re.I)
    files = [REPO / "widgets" / "content" / "audit-programme.yaml",
             REPO / "widgets" / "content" / "questions" / "auditing.yaml",
             REPO / "exercises" / "ex06-audit-case" / "ex06-audit-case.ipynb"]
    for path in files:
        found = wrong.search(" ".join(path.read_text(encoding="utf-8").split()))
        assert found is None, f"{path.name}: {found and found.group(0)}"
    assert wrong.search(" ".join(text.split())) is None
    question = load_bank("auditing").question("aud-grading")  # "ISO 19011 requires grades"
    assert [o.id for o in question.correct_options] == ["false"]
    assert "6.4.8" in question.options[1].feedback + question.explanation


def test_last_module_sends_the_learner_to_the_dashboard():
    assert "self-assessment dashboard" in next_steps_html("07-review-improvement-certification",
                                                          root=REPO)
    assert "self-assessment dashboard" in prose("07-review-improvement-certification")


def test_data_claims_of_the_auditing_bank_hold(sample_result, policy):
    """aud-nc-statement cites two records of sample S3 as vulnerable customers answered after
    6 and 8 business days; aud-sampling-risk speaks of a handful of records among thousands.
    (What the case's interviews claim about the data is checked in test_auditcase.py.)"""
    result = run_case(sample_result.frame, policy)
    found = result.examined_set("S3").nonconformities().set_index("complaint_id")
    vulnerable = found[found["rule"] == "VULNERABLE_RESPONSE_LATE"]["detail"]
    assert vulnerable["CMP-2024-001813"].startswith("first response after 6 business days")
    assert vulnerable["CMP-2025-000029"].startswith("first response after 8 business days")
    text = load_bank("auditing").question("aud-nc-statement").options[0].text
    assert "CMP-2024-001813 and CMP-2025-000029" in text and "6 and 8 business days" in text
    # aud-sampling-risk: "only a handful of records among thousands break a criterion"
    assert len(result.population) >= 1000 and result.tests.loc["ACK_MISSING", "breaching"] < 30
