"""Every clause the course promises is taught by a module and assessed by a question.

Issues 4 and 5: clauses 4.1–4.15, 5.1–5.4, 6.1–6.4, 7.1–7.9 and 8.1–8.7 of ISO 10002:2018 and
the ISO 19011 audit steps must each be tagged as taught in a module (widgets/content/
modules.yaml) and cited by at least one knowledge-check question.
"""

from __future__ import annotations

import pytest

from widgets.core.course.course_map import load_course_map
from widgets.core.course.syllabus import clause_coverage, load_banks

SUBCLAUSES = {4: 15, 5: 4, 6: 4, 7: 9, 8: 7}
REQUIRED = [f"{clause}.{sub}" for clause, count in SUBCLAUSES.items()
            for sub in range(1, count + 1)]
AUDIT_STEPS = ["19011:4", "19011:5", "19011:6.2", "19011:6.3", "19011:6.4", "19011:6.5",
               "19011:6.6", "19011:6.7", "19011:A.6"]


@pytest.fixture(scope="module")
def coverage():
    return {row.clause.id: row for row in clause_coverage(load_course_map(), load_banks())}


@pytest.mark.parametrize("clause_id", REQUIRED + AUDIT_STEPS)
def test_clause_is_taught_and_assessed(coverage, clause_id):
    row = coverage[clause_id]
    assert row.taught_in, f"{clause_id} is taught by no module in modules.yaml"
    assert row.questions >= 1, f"{clause_id} is assessed by no knowledge-check question"


def test_every_module_has_one_check_of_at_least_eight_questions():
    banks = {bank.module: bank for bank in load_banks()}
    for module in load_course_map().modules:
        assert module.id in banks, f"{module.id} has no knowledge-check bank"
        assert len(banks[module.id].questions) >= 8, module.id


def test_every_clause_a_question_cites_is_taught_somewhere(coverage):
    untaught = sorted(clause_id for clause_id, row in coverage.items()
                      if row.questions and not row.taught_in)
    assert untaught == [], f"questions assess clauses no module teaches: {untaught}"


def test_navigation_questions_count_for_no_clause_and_module_00_teaches_none():
    """Questions about finding one's way around the course (where the dashboard is, what counts
    as completing a module) are not evidence that a clause is assessed: they are marked
    ``navigation`` and cite nothing, and the welcome module teaches no clause (issue 12)."""
    banks = {bank.id: bank for bank in load_banks()}
    welcome = banks["welcome"]
    navigation = [q for q in welcome.questions if q.navigation]
    assert len(navigation) >= len(welcome.questions) / 2
    assert all(q.clauses == () for q in navigation)
    assert all(q.clauses for bank in banks.values() for q in bank.questions if not q.navigation)
    assert next(m for m in load_course_map().modules if m.id == "00-welcome").clauses == ()
    counted = {row.clause.id: row.questions for row in clause_coverage(load_course_map(),
                                                                        banks.values())}
    cited = {}
    for bank in banks.values():
        for question in bank.questions:
            for clause_id in question.clauses:
                cited[clause_id] = cited.get(clause_id, 0) + 1
    assert {c: n for c, n in counted.items() if n} == cited
