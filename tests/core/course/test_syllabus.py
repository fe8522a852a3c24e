"""The syllabus is generated from the course data and the committed copy is up to date."""

from __future__ import annotations

from support.sample_data import REPO

from widgets.core.course.course_map import load_course_map
from widgets.core.course.syllabus import (
    SYLLABUS_FILE,
    clause_coverage,
    load_banks,
    module_checks,
    syllabus_markdown,
)
from widgets.module import module_header_html, next_steps_html


def test_committed_syllabus_matches_the_course_data():
    committed = (REPO / SYLLABUS_FILE).read_text(encoding="utf-8")
    assert committed == syllabus_markdown(), (
        f"{SYLLABUS_FILE} is out of date: run `.venv/bin/iso10002 syllabus` and commit it")


def test_syllabus_states_times_pass_rules_and_checks():
    text = syllabus_markdown()
    course_map = load_course_map()
    assert f"{len(course_map.modules)} modules, about 7 h 15 min of study" in text
    assert "at least 60% of its points" in text
    for module in course_map.modules:
        assert f"### {module.id} — {module.title} ({module.minutes} min)" in text
        for objective in module.objectives:
            assert f"- {objective}" in text
    assert "Knowledge check *Handling a complaint, step by step* (`process`): " in text


def test_every_bank_belongs_to_a_module_with_one_check():
    checks = module_checks(load_course_map(), load_banks())
    for module_id, banks in checks.items():
        assert len(banks) <= 1, f"{module_id} has more than one knowledge-check bank"


def test_coverage_counts_questions_per_clause():
    course_map = load_course_map()
    banks = load_banks()
    rows = {row.clause.id: row for row in clause_coverage(course_map, banks)}
    expected = sum("7.4" in q.clauses for b in banks for q in b.questions)
    assert rows["7.4"].questions == expected > 0
    assert rows["7.4"].taught_in == ("03-handling-a-complaint",)


def test_module_header_and_next_steps():
    header = module_header_html("03-handling-a-complaint")
    assert "about 75 minutes" in header
    assert "Prioritize complaints with the initial-assessment criteria of 7.5" in header
    assert "7.5 Initial assessment" in header
    steps = next_steps_html("03-handling-a-complaint", root=REPO)
    assert "ex02-receipt-and-triage" in steps and "ex07-response-letter" in steps
    assert "Handling a complaint" not in steps  # the next module is 04, not this one
    assert "Analysing complaints" in steps
    last = next_steps_html("07-review-improvement-certification", root=REPO)
    assert "self-assessment dashboard" in last


def test_knowledge_check_records_under_the_module(tmp_path, monkeypatch):
    monkeypatch.setenv("ISO10002_PROGRESS_DIR", str(tmp_path))
    from widgets.module import knowledge_check

    quiz = knowledge_check("03-handling-a-complaint")
    assert quiz.module == "03-handling-a-complaint"
    assert quiz.bank.id == "process"
