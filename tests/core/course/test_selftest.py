"""The "My knowledge" self-test core: sharing questions out over the banks, reproducible
draws, topics, and the report merged with stored progress."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from widgets.core.course import questions as questions_module
from widgets.core.course.course_map import CourseMap, Dashboard, Module, PassRules
from widgets.core.course.progress import ProgressStore
from widgets.core.course.questions import Bank, Item, Option, Question
from widgets.core.course.selftest import (
    BASICS,
    BASICS_TITLE,
    DEFAULT_SIZE,
    build_self_test,
    load_all_banks,
    report,
    share_out,
    topic_of,
    topic_of_clause,
    topic_title,
)


def single(question_id: str, *clauses: str) -> Question:
    return Question(question_id, "single", f"Prompt {question_id}?", clauses, "Because.",
                    options=(Option("right", "Right", True, "Yes."),
                             Option("wrong", "Wrong", False, "No."),
                             Option("other", "Other", False, "No.")))


def bank(bank_id: str, module: str, questions: list[Question]) -> Bank:
    return Bank(bank_id, bank_id.title(), module, 0.8, "", tuple(questions), Path(bank_id))


def module(module_id: str, *clauses: str) -> Module:
    return Module(module_id, f"modules/{module_id}.ipynb", f"Title {module_id}", 30, clauses,
                  ("a", "b", "c"), "summary")


PRINCIPLES = bank("b-principles", "01-principles", [
    single("p1", "4.5"), single("p2", "4.6", "7.4"), single("p3", "1", "4.7"),
    single("p4", "10001")])
PROCESS = bank("b-process", "02-process", [
    single("q1", "7.4"), single("q2", "19011:6.4", "7.5", "4.6"), single("q3", "3")])
COURSE = CourseMap(
    modules=(module("01-principles", "4.5", "4.6", "4.7"), module("02-process", "7.4", "7.5"),
             module("03-family", "1", "10003")),
    exercises=(), dashboard=Dashboard("course/self-assessment.ipynb", "make dashboard"),
    pass_rules=PassRules(0.6, "all passed"))


@pytest.mark.parametrize(("sizes", "total", "expected"), [
    ([16, 3, 14], 12, [5, 3, 4]),
    ([16, 14], 16, [8, 8]),
    ([5, 5, 5], 4, [2, 1, 1]),
    ([2, 2], 10, [2, 2]),
    ([1, 9, 9], 9, [1, 4, 4]),
    ([4, 3], 7, [4, 3]),
])
def test_share_out(sizes, total, expected):
    assert share_out(sizes, total) == expected
    assert sum(expected) == min(total, sum(sizes))


def test_topics():
    assert [topic_of_clause(c) for c in ("4.5", "7", "8.7", "1", "3", "B", "10003",
                                         "19011:6.4", "9001:10.2")] == \
        ["4", "7", "8", BASICS, BASICS, BASICS, BASICS, BASICS, BASICS]
    assert topic_of(single("x", "1", "19011:5", "8.5", "4.2")) == "8"
    assert topic_of(single("y", "10004")) == BASICS
    assert topic_title("7") == "7 Operation of the complaints-handling process"
    assert topic_title(BASICS) == BASICS_TITLE


def test_every_bank_contributes_and_the_draw_is_reproducible():
    test = build_self_test("ann", 1, size=5, banks=[PROCESS, PRINCIPLES])
    ids = [q.id for q in test.questions]
    assert len(ids) == 5
    # banks in id order, questions in their bank's order, shares 3 and 2
    assert [test.bank_of[i].id for i in ids] == ["b-principles"] * 3 + ["b-process"] * 2
    assert ids[:3] == sorted(ids[:3]) and ids[3:] == sorted(ids[3:])
    again = build_self_test("ann", 1, size=5, banks=[PRINCIPLES, PROCESS])
    assert [q.id for q in again.questions] == ids
    assert [[o.id for o in q.options] for q in again.questions] == \
        [[o.id for o in q.options] for q in test.questions]
    draws = {tuple(q.id for q in build_self_test("ann", n, size=5,
                                                 banks=[PRINCIPLES, PROCESS]).questions)
             for n in range(1, 6)}
    assert len(draws) > 1, "new attempts draw other questions"
    everything = build_self_test("ann", 1, size=7, banks=[PRINCIPLES, PROCESS])
    assert everything.topics == {"p1": "4", "p2": "4", "p3": "4", "p4": BASICS, "q1": "7",
                                 "q2": "7", "q3": BASICS}


def test_size_is_checked_and_capped():
    with pytest.raises(ValueError, match="at least one question"):
        build_self_test("ann", size=0, banks=[PRINCIPLES])
    with pytest.raises(ValueError, match="no question banks"):
        build_self_test("ann", banks=[])
    assert len(build_self_test("ann", size=50, banks=[PRINCIPLES, PROCESS]).questions) == 7


def test_the_course_banks_all_contribute():
    banks, problems = load_all_banks()
    assert problems == ()
    test = build_self_test("learner", 1, banks=banks)
    total = sum(len(b.questions) for b in banks)
    assert len(test.questions) == min(DEFAULT_SIZE, total)
    if len(banks) <= DEFAULT_SIZE:
        assert {b.id for b in test.bank_of.values()} == {b.id for b in banks}


def answer_all(test, right: set[str]) -> None:
    for question in test.questions:
        test.attempt.answer(question.id, "right" if question.id in right else "wrong")


def test_report_scores_topics_and_merges_progress(tmp_path):
    test = build_self_test("ann", 1, size=7, banks=[PRINCIPLES, PROCESS])
    answer_all(test, right={"p1", "p3", "p4", "q3"})
    result = test.attempt.submit()
    store = ProgressStore("ann", tmp_path)
    store.record("03-family", 0.5, check="b-family")
    store.record("01-principles", 1.0, check="b-principles")
    outcome = report(test, result, COURSE, store.load())
    assert outcome.score == Fraction(4, 7)
    assert [(t.topic, t.questions, t.score, t.strength) for t in outcome.topics] == [
        (BASICS, 2, Fraction(1), True),  # p4, q3
        ("4", 3, Fraction(2, 3), False),  # p1 right, p2 wrong, p3 right
        ("7", 2, Fraction(0), False),  # q1, q2 (its first 4–8 clause is 7.5)
    ]
    assert [t.topic for t in outcome.strengths] == [BASICS]
    first, second, third = outcome.modules
    assert (first.questions, first.score) == (4, Fraction(3, 4))
    assert first.reasons == ("75% on its 4 question(s) in this test",
                             "it teaches a topic to work on: 4 Guiding principles")
    assert first.check_status == "passed (best 100%)"
    assert second.reasons == ("33% on its 3 question(s) in this test",
                              "it teaches a topic to work on: 7 Operation of the "
                              "complaints-handling process")
    assert second.check_status == "not attempted"
    assert (third.questions, third.score) == (0, None)
    assert third.reasons == ("its knowledge check is not passed yet (best 50%)",)
    assert [a.module.id for a in outcome.to_revisit] == ["02-process", "01-principles",
                                                        "03-family"]


def test_a_perfect_test_leaves_only_unpassed_checks(tmp_path):
    test = build_self_test("bob", 1, size=7, banks=[PRINCIPLES, PROCESS])
    answer_all(test, right={q.id for q in test.questions})
    outcome = report(test, test.attempt.submit(), COURSE, {})
    assert outcome.score == 1 and outcome.weak_topics == ()
    assert outcome.to_revisit == ()
    assert [a.check_status for a in outcome.modules] == ["not attempted"] * 3


def test_other_question_types_are_scored_by_the_question_core():
    ordering = Question("o1", "ordering", "Order?", ("7",), "Because.",
                        items=(Item("a", "A", "1st"), Item("b", "B", "2nd"),
                               Item("c", "C", "3rd")))
    multiple = Question("m1", "multiple", "Which?", ("8.2",), "Because.",
                        options=(Option("x", "X", True, "."), Option("y", "Y", True, "."),
                                 Option("z", "Z", False, ".")))
    test = build_self_test("cy", 1, size=2, banks=[bank("b-mixed", "02-process",
                                                        [ordering, multiple])])
    test.attempt.answer("o1", ["a", "c", "b"])  # one of three in place
    test.attempt.answer("m1", ["x"])  # one of two correct options
    outcome = report(test, test.attempt.submit(), COURSE, {})
    assert {t.topic: t.score for t in outcome.topics} == {"7": Fraction(1, 3),
                                                          "8": Fraction(1, 2)}
    assert outcome.score == Fraction(5, 12)


TINY_BANK = """\
id: tiny
title: Tiny
module: 01-standard-and-principles
pass_mark: 0.8
questions:
  - id: tiny-free
    type: true_false
    prompt: Complaining costs the complainant nothing.
    clauses: ["4.8"]
    explanation: The charges principle.
    answer: true
    feedback: {true: "Right.", false: "Not so."}
"""


def test_a_broken_bank_is_left_out_with_a_message(tmp_path, monkeypatch):
    (tmp_path / "tiny.yaml").write_text(TINY_BANK, encoding="utf-8")
    (tmp_path / "broken.yaml").write_text("id: broken\ntitle: [unclosed\n", encoding="utf-8")
    monkeypatch.setattr(questions_module, "BANKS_DIR", tmp_path)
    banks, problems = load_all_banks()
    assert [b.id for b in banks] == ["tiny"]
    (problem,) = problems
    assert problem.startswith("The question bank 'broken' could not be loaded and is left out "
                              "of the self-test (1 problem(s), first: ")
    assert "is not valid YAML" in problem
    test = build_self_test("ann", banks=banks)
    assert [q.id for q in test.questions] == ["tiny-free"]
