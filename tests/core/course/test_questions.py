"""Question banks and clause list: every shipped file is valid, validation catches every kind
of mistake a trainer can make, and scoring follows the documented rules (hand-computed)."""

from __future__ import annotations

import copy
import hashlib
import re
import subprocess
import sys
from collections import Counter
from fractions import Fraction
from pathlib import Path

import pytest
import yaml
from support.repo import REPO

from widgets.core.course.clauses import CLAUSES_FILE, ClausesError, load_clauses, parse_clauses
from widgets.core.course.questions import (
    QUESTION_TYPES,
    AnswerError,
    BankError,
    Problem,
    QuizAttempt,
    attempt_seed,
    bank_ids,
    check_answer,
    load_bank,
    validate_all_banks,
    validate_bank,
)

# ----------------------------------------------------------------------------- the clause list


def test_clause_list_covers_iso10002_2018_structure():
    clauses = load_clauses()
    expected = (
        [str(n) for n in range(1, 9)]
        + [f"4.{n}" for n in range(1, 16)]
        + [f"5.{n}" for n in range(1, 5)]
        + [f"6.{n}" for n in range(1, 5)]
        + [f"7.{n}" for n in range(1, 10)]
        + [f"8.{n}" for n in range(1, 8)]
        + list("ABCDEFGHI")
    )
    home = sorted(c.id for c in clauses.values() if c.standard.key == "10002")
    assert home == sorted(expected)


def test_clause_list_has_the_audit_and_integration_references():
    clauses = load_clauses()
    for ref in ["19011:4", "19011:5", "19011:6.2", "19011:6.3", "19011:6.4", "19011:6.5",
                "19011:6.6", "19011:6.7", "19011:A.6", "9001:8.2.1", "9001:9.1.2",
                "9001:9.1.3", "9001:9.3.2", "9001:10.2", "9001:10.3", "10001", "10003", "10004"]:
        assert ref in clauses, ref


def test_clause_labels_and_confidence_follow_the_content_map():
    clauses = load_clauses()
    assert clauses["7.5"].label == "ISO 10002:2018 7.5 Initial assessment of complaint"
    assert clauses["4.5"].marked_label == "ISO 10002:2018 4.5 Accessibility [R]"
    assert clauses["B"].label == "ISO 10002:2018 Annex B Guidance for small businesses"
    assert clauses["19011:A.6"].label == "ISO 19011:2018 A.6 Sampling"
    assert clauses["9001:10.2"].label == "ISO 9001:2015 10.2 Nonconformity and corrective action"
    assert clauses["10003"].label.startswith("ISO 10003:2018 (Quality management")
    confidence = {ref: clauses[ref].confidence for ref in
                  ["1", "3", "4", "4.1", "4.2", "4.3", "4.15", "5", "5.3", "6", "6.2", "7",
                   "7.5", "8.6", "A", "B", "I", "19011:4"]}
    assert confidence == {"1": "C", "3": "C", "4": "C", "4.1": "C", "4.2": "C", "4.3": "R",
                          "4.15": "R", "5": "C", "5.3": "R", "6": "R", "6.2": "R", "7": "R",
                          "7.5": "R", "8.6": "R", "A": "R", "B": "C", "I": "R", "19011:4": "C"}


def _clause_doc() -> dict:
    return yaml.safe_load(CLAUSES_FILE.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["clauses"].append(dict(d["clauses"][0])), "clause '1' is listed twice"),
        (lambda d: d["clauses"].append({"id": "14001:4", "title": "x", "summary": "y",
                                        "confidence": "C"}), "unknown standard '14001'"),
        (lambda d: d["clauses"][0].update(confidence="maybe"),
         r"'clauses\[1\]\.confidence' must be one of C, R; found 'maybe'"),
        (lambda d: d["clauses"][0].update(id="7-5"), "clause number must look like"),
        (lambda d: d["clauses"][0].pop("title"), r"'clauses\[1\]\.title' is missing"),
        (lambda d: d["standards"].pop(0), "'standards' must list ISO 10002"),
    ],
)
def test_malformed_clause_list_is_refused_with_a_located_message(change, message):
    document = _clause_doc()
    change(document)
    with pytest.raises(ClausesError, match=message) as error:
        parse_clauses(document, "clauses.yaml")
    assert str(error.value).startswith("clauses.yaml: ")


# ----------------------------------------------------------------------------- shipped banks


def test_shipped_banks_are_valid_with_unique_ids_across_banks():
    assert {"principles", "process"} <= set(bank_ids())
    problems = validate_all_banks()
    assert problems == [], "\n".join(map(str, problems))


@pytest.mark.parametrize("bank_id", bank_ids())
def test_shipped_bank_has_eight_or_more_questions_of_all_five_types(bank_id):
    bank = load_bank(bank_id)
    types = Counter(q.type for q in bank.questions)
    assert len(bank.questions) >= 8  # a module's closing check has at least 8 (issues 4, 5)
    assert set(types) == set(QUESTION_TYPES)
    for question in bank.questions:
        if question.type in ("single", "scenario", "true_false"):
            assert len(question.correct_options) == 1, question.id
        if question.type == "multiple":
            assert 1 <= len(question.correct_options) < len(question.options), question.id
        if question.type == "scenario":
            assert "Harbourside" in question.vignette, question.id
        assert all(o.feedback for o in question.options) and all(i.feedback for i in question.items)
        assert set(question.clauses) <= set(load_clauses()), question.id


def test_bank_metadata_names_course_modules():
    from widgets.core.course.course_map import load_course_map

    module_ids = {module.id for module in load_course_map().modules}
    for bank_id in bank_ids():
        bank = load_bank(bank_id)
        assert bank.module in module_ids, f"{bank_id}: {bank.module!r} is not in modules.yaml"
        assert bank.pass_mark == 0.8 and bank.title


def test_process_bank_orders_clause_7_steps_2_to_9():
    ordering = load_bank("process").question("proc-steps-order")
    assert [item.id for item in ordering.items] == [
        "receipt", "tracking", "acknowledgement", "initial-assessment", "investigation",
        "response", "communicating-decision", "closing",
    ]
    assert [item.feedback[:3] for item in ordering.items] == [f"7.{n}" for n in range(2, 10)]


def test_principles_bank_answer_key_on_the_2018_changes():
    question = load_bank("principles").question("pr-new-principles-2018")
    assert {o.text for o in question.correct_options} == {"Commitment", "Competence", "Timeliness"}
    assert question.instruction == "Choose the 3 correct answers."


# ----------------------------------------------------------------------------- validation


def _valid_bank(bank_id: str = "demo") -> dict:
    return {
        "id": bank_id,
        "title": "Demo bank",
        "module": "01-standard-and-principles",
        "pass_mark": 0.8,
        "questions": [
            {"id": f"{bank_id}-single", "type": "single", "prompt": "Pick one.",
             "clauses": ["4.5"], "explanation": "Because.",
             "options": [
                 {"id": "a", "text": "Right", "correct": True, "feedback": "Yes."},
                 {"id": "b", "text": "Wrong", "correct": False, "feedback": "No."},
             ]},
            {"id": f"{bank_id}-multiple", "type": "multiple", "prompt": "Pick two.",
             "clauses": ["7.5"], "explanation": "Because.",
             "options": [
                 {"id": "a", "text": "A", "correct": True, "feedback": "Yes."},
                 {"id": "b", "text": "B", "correct": True, "feedback": "Yes."},
                 {"id": "c", "text": "C", "correct": False, "feedback": "No."},
                 {"id": "d", "text": "D", "correct": False, "feedback": "No."},
                 {"id": "e", "text": "E", "correct": False, "feedback": "No."},
             ]},
            {"id": f"{bank_id}-tf", "type": "true_false", "prompt": "It is free.",
             "clauses": ["4.8"], "explanation": "Because.", "answer": True,
             "feedback": {True: "Yes.", False: "No."}},
            {"id": f"{bank_id}-order", "type": "ordering", "prompt": "Order them.",
             "clauses": ["7"], "explanation": "Because.",
             "items": [
                 {"id": "w", "text": "First", "feedback": "1st."},
                 {"id": "x", "text": "Second", "feedback": "2nd."},
                 {"id": "y", "text": "Third", "feedback": "3rd."},
                 {"id": "z", "text": "Fourth", "feedback": "4th."},
             ]},
            {"id": f"{bank_id}-scenario", "type": "scenario", "prompt": "Which principle?",
             "vignette": "At Harbourside ...", "clauses": ["4.7", "D"],
             "explanation": "Because.",
             "options": [
                 {"id": "objectivity", "text": "Objectivity", "correct": True, "feedback": "Yes."},
                 {"id": "charges", "text": "Charges", "correct": False, "feedback": "No."},
             ]},
        ],
    }


def _write(folder: Path, document: dict, name: str | None = None) -> Path:
    path = folder / f"{name or document['id']}.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def _q(document: dict, suffix: str) -> dict:
    return next(q for q in document["questions"] if q["id"].endswith(suffix))


def test_the_valid_demo_bank_has_no_problems(tmp_path: Path):
    assert validate_bank(_write(tmp_path, _valid_bank())) == []


BAD_BANKS = [
    # (what is wrong, change, question id, field, message fragment)
    ("single with two correct", lambda d: _q(d, "single")["options"][1].update(correct=True),
     "demo-single", "options", "needs exactly 1 correct option (found 2)"),
    ("scenario with none correct",
     lambda d: _q(d, "scenario")["options"][0].update(correct=False),
     "demo-scenario", "options", "needs exactly 1 correct option (found 0)"),
    ("multiple all correct",
     lambda d: [o.update(correct=True) for o in _q(d, "multiple")["options"]],
     "demo-multiple", "options", "at least one correct and one wrong option (found 5 correct"),
    ("multiple none correct",
     lambda d: [o.update(correct=False) for o in _q(d, "multiple")["options"]],
     "demo-multiple", "options", "found 0 correct of 5"),
    ("single with one option", lambda d: _q(d, "single")["options"].pop(),
     "demo-single", "options", "at least 2 options"),
    ("clause not in the list", lambda d: _q(d, "single").update(clauses=["7.10"]),
     "demo-single", "clauses", "'7.10' is not in clauses.yaml"),
    ("clause as a number", lambda d: _q(d, "single").update(clauses=[7.5]),
     "demo-single", "clauses", "must be quoted text"),
    ("no clause", lambda d: _q(d, "single").update(clauses=[]),
     "demo-single", "clauses", "at least one clause"),
    ("same clause twice", lambda d: _q(d, "single").update(clauses=["4.5", "4.5"]),
     "demo-single", "clauses", "same clause twice"),
    ("option without feedback", lambda d: _q(d, "multiple")["options"][1].pop("feedback"),
     "demo-multiple", "options[2].feedback", "must be a non-empty text"),
    ("option with blank feedback", lambda d: _q(d, "single")["options"][0].update(feedback=" "),
     "demo-single", "options[1].feedback", "must be a non-empty text"),
    ("misspelt option field", lambda d: _q(d, "single")["options"][0].update(feeback="x"),
     "demo-single", "options[1].feeback", "unknown field"),
    ("correct as text", lambda d: _q(d, "single")["options"][0].update(correct="yes"),
     "demo-single", "options[1].correct", "must be true or false"),
    ("duplicate option id", lambda d: _q(d, "single")["options"][1].update(id="a"),
     "demo-single", "options[2].id", "'a' is used twice"),
    ("bad question id", lambda d: _q(d, "single").update(id="Demo Single"),
     "#1", "id", "lowercase letters"),
    ("duplicate question id", lambda d: _q(d, "tf").update(id="demo-single"),
     "demo-single", "id", "is already used in"),
    ("unknown type", lambda d: _q(d, "single").update(type="essay"),
     "demo-single", "type", "must be one of single, multiple, true_false, ordering, scenario"),
    ("field of another type", lambda d: _q(d, "single").update(items=[]),
     "demo-single", "items", "unknown field"),
    ("missing explanation", lambda d: _q(d, "single").pop("explanation"),
     "demo-single", "explanation", "must be a non-empty text"),
    ("missing prompt", lambda d: _q(d, "single").pop("prompt"),
     "demo-single", "prompt", "must be a non-empty text"),
    ("true_false answer not a bool", lambda d: _q(d, "tf").update(answer="maybe"),
     "demo-tf", "answer", "must be true or false"),
    ("true_false without feedback for false", lambda d: _q(d, "tf")["feedback"].pop(False),
     "demo-tf", "feedback", "exactly the keys true and false"),
    ("true_false with blank feedback", lambda d: _q(d, "tf")["feedback"].update({True: ""}),
     "demo-tf", "feedback.true", "must be a non-empty text"),
    ("ordering with two items", lambda d: _q(d, "order").update(items=_q(d, "order")["items"][:2]),
     "demo-order", "items", "at least 3 items"),
    ("ordering with a repeated id", lambda d: _q(d, "order")["items"][3].update(id="w"),
     "demo-order", "items[4].id", "'w' is used twice"),
    ("ordering with a repeated text", lambda d: _q(d, "order")["items"][3].update(text="First"),
     "demo-order", "items[4].text", "same text"),
    ("ordering item without feedback", lambda d: _q(d, "order")["items"][0].pop("feedback"),
     "demo-order", "items[1].feedback", "must be a non-empty text"),
    ("scenario without vignette", lambda d: _q(d, "scenario").pop("vignette"),
     "demo-scenario", "vignette", "must be a non-empty text"),
    ("bank id differs from file name", lambda d: d.update(id="other"),
     None, "id", "a bank's id must match its file name"),
    ("pass mark above 1", lambda d: d.update(pass_mark=1.5), None, "pass_mark", "at most 1"),
    ("pass mark zero", lambda d: d.update(pass_mark=0), None, "pass_mark", "above 0"),
    ("no module", lambda d: d.pop("module"), None, "module", "must be a non-empty text"),
    ("no questions", lambda d: d.update(questions=[]), None, "questions", "non-empty list"),
    ("misspelt bank field", lambda d: d.update(passmark=0.8), None, "passmark", "unknown field"),
]


@pytest.mark.parametrize(
    ("change", "question", "field", "fragment"),
    [case[1:] for case in BAD_BANKS],
    ids=[case[0] for case in BAD_BANKS],
)
def test_validation_catches_each_kind_of_error(tmp_path: Path, change, question, field, fragment):
    document = copy.deepcopy(_valid_bank())
    change(document)
    path = _write(tmp_path, document, name="demo")

    problems = validate_bank(path)

    matching = [p for p in problems if p.question == question and p.field == field
                and fragment in p.message]
    assert matching, f"expected {question}/{field}: {fragment!r}, got:\n" + "\n".join(
        map(str, problems))
    assert all(p.file == str(path) for p in problems)
    with pytest.raises(BankError) as error:
        load_bank(path)
    assert str(matching[0]) in str(error.value)


def test_duplicate_ids_across_banks_are_reported_with_both_files(tmp_path: Path):
    _write(tmp_path, _valid_bank("alpha"))
    beta = _valid_bank("beta")
    _q(beta, "tf")["id"] = "alpha-single"
    beta_path = _write(tmp_path, beta)

    problems = validate_all_banks(tmp_path)

    assert [str(p) for p in problems] == [
        f"{beta_path}: question alpha-single, field 'id': is already used in "
        f"{tmp_path / 'alpha.yaml'}; question ids must be unique across all banks"
    ]


def test_yaml_errors_and_duplicate_keys_are_reported_as_problems(tmp_path: Path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: broken\nquestions: [\n", encoding="utf-8")
    [problem] = validate_bank(broken)
    assert (problem.field, problem.question) == ("(file)", None)
    assert problem.message.startswith("is not valid YAML")

    doubled = tmp_path / "doubled.yaml"
    doubled.write_text(
        "id: doubled\ntitle: T\nmodule: m\npass_mark: 0.8\npass_mark: 0.9\nquestions: []\n",
        encoding="utf-8",
    )
    [problem] = validate_bank(doubled)
    assert "the key 'pass_mark' appears twice" in problem.message
    assert "line 5" in problem.message


def test_unknown_bank_id_lists_the_available_banks():
    with pytest.raises(FileNotFoundError, match=f"available banks: {', '.join(bank_ids())}$"):
        load_bank("no-such-bank")


def test_problem_reads_as_one_line():
    problem = Problem("x.yaml", "q-1", "options", "needs exactly 1 correct option (found 2)")
    assert str(problem) == (
        "x.yaml: question q-1, field 'options': needs exactly 1 correct option (found 2)"
    )
    bank_level = Problem("x.yaml", None, "pass_mark", "bad")
    assert str(bank_level) == "x.yaml: bank, field 'pass_mark': bad"


# ----------------------------------------------------------------------------- scoring


@pytest.fixture
def demo(tmp_path: Path):
    return load_bank(_write(tmp_path, _valid_bank()))


def test_single_true_false_and_scenario_score_all_or_nothing(demo):
    single, tf, scenario = (demo.question(f"demo-{n}") for n in ("single", "tf", "scenario"))
    assert check_answer(single, "a").score == 1
    assert check_answer(single, "b").score == 0
    assert check_answer(tf, True).score == 1 and check_answer(tf, "true").score == 1
    assert check_answer(tf, False).score == 0
    assert check_answer(scenario, "charges").verdict == "incorrect"
    assert [o.text for o in tf.options] == ["True", "False"]


@pytest.mark.parametrize(
    ("ticked", "score"),
    [
        ({"a", "b"}, Fraction(1)),
        ({"a"}, Fraction(1, 2)),
        ({"a", "c"}, Fraction(0)),  # one right, one wrong: (1 - 1) / 2
        ({"a", "b", "c"}, Fraction(1, 2)),  # (2 - 1) / 2
        ({"a", "b", "c", "d", "e"}, Fraction(0)),  # ticking everything: (2 - 3) / 2 -> 0
        ({"c", "d"}, Fraction(0)),
    ],
)
def test_multiple_partial_credit(demo, ticked, score):
    result = check_answer(demo.question("demo-multiple"), ticked)
    assert result.score == score
    assert {o.option.id for o in result.options if o.selected} == ticked


def test_multiple_feedback_says_what_each_option_was(demo):
    result = check_answer(demo.question("demo-multiple"), ["a", "c"])
    verdicts = {o.option.id: o.verdict for o in result.options}
    assert verdicts == {
        "a": "your choice: correct",
        "b": "correct answer you did not choose",
        "c": "your choice: not correct",
        "d": "not chosen",
        "e": "not chosen",
    }


@pytest.mark.parametrize(
    ("order", "score", "belongs"),
    [
        (["w", "x", "y", "z"], Fraction(1), [1, 2, 3, 4]),
        (["x", "w", "y", "z"], Fraction(1, 2), [2, 1, 3, 4]),  # one swap: 2 of 4 in place
        (["z", "y", "x", "w"], Fraction(0), [4, 3, 2, 1]),
        (["z", "w", "x", "y"], Fraction(0), [4, 1, 2, 3]),  # shifted by one: none in place
        (["w", "y", "x", "z"], Fraction(1, 2), [1, 3, 2, 4]),
    ],
)
def test_ordering_scores_items_in_their_correct_position(demo, order, score, belongs):
    result = check_answer(demo.question("demo-order"), order)
    assert result.score == score
    assert [p.placed_belongs_at for p in result.positions] == belongs
    assert [p.placed.id for p in result.positions] == order


@pytest.mark.parametrize(
    ("suffix", "answer", "message"),
    [
        ("single", "z", "answer one of the option ids"),
        ("tf", "yes", "answer True or False"),
        ("multiple", "ab", "answer a list of ids"),
        ("multiple", ["a", "q"], "unknown option ids ['q']"),
        ("order", ["w", "x", "y"], "each of ['w', 'x', 'y', 'z'] exactly once"),
        ("order", ["w", "w", "y", "z"], "exactly once"),
    ],
)
def test_malformed_answers_are_refused(demo, suffix, answer, message):
    with pytest.raises(AnswerError, match=re.escape(message)):
        check_answer(demo.question(f"demo-{suffix}"), answer)


# ----------------------------------------------------------------------------- attempts


def _answer_all(attempt: QuizAttempt, *, multiple=("a", "b"), order=("w", "x", "y", "z")):
    attempt.answer("demo-single", "a")
    attempt.answer("demo-multiple", multiple)
    attempt.answer("demo-tf", True)
    attempt.answer("demo-order", order)
    attempt.answer("demo-scenario", "objectivity")


def test_attempt_scores_the_mean_and_applies_the_pass_mark_exactly(demo):
    attempt = QuizAttempt(demo, "alice")
    _answer_all(attempt)
    result = attempt.submit()
    assert (result.score, result.passed, result.fully_correct) == (Fraction(1), True, 5)

    second = attempt.retry()
    _answer_all(second, multiple=("a",), order=("x", "w", "y", "z"))
    second.answer("demo-tf", False)
    result = second.submit()
    # 1 + 1/2 + 0 + 1/2 + 1 = 3 of 5
    assert (result.score, result.passed, result.fully_correct) == (Fraction(3, 5), False, 2)

    third = second.retry()
    _answer_all(third)
    third.answer("demo-tf", False)
    result = third.submit()
    assert result.score == Fraction(4, 5) and result.passed  # exactly the 0.8 pass mark


def test_answers_may_be_any_iterable_including_a_generator(demo):
    attempt = QuizAttempt(demo, "alice")
    _answer_all(attempt)
    attempt.answer("demo-multiple", (option for option in ["b", "a"]))
    attempt.answer("demo-order", iter(["w", "x", "z", "y"]))
    assert attempt.answers["demo-multiple"] == frozenset({"a", "b"})
    # 1 + 1 + 1 + 2/4 + 1 = 9/2 of 5
    assert attempt.submit().score == Fraction(9, 10)


def test_attempt_requires_every_answer_and_one_submission(demo):
    attempt = QuizAttempt(demo, "alice")
    attempt.answer("demo-single", "a")
    attempt.answer("demo-multiple", [])  # an empty selection is no answer
    with pytest.raises(AnswerError, match="questions 2, 3, 4, 5 are not answered yet"):
        attempt.submit()
    _answer_all(attempt)
    attempt.answer("demo-tf", None)
    with pytest.raises(AnswerError, match="question 3 is not answered yet"):
        attempt.submit()
    attempt.answer("demo-tf", True)
    attempt.submit()
    with pytest.raises(AnswerError, match="already submitted"):
        attempt.submit()
    with pytest.raises(AnswerError, match="already submitted"):
        attempt.answer("demo-single", "b")


def test_layout_is_reproducible_per_learner_and_changes_with_each_attempt():
    bank = load_bank("principles")

    def layout(attempt: QuizAttempt) -> list:
        return [[o.id for o in q.options] for q in attempt.questions] + [
            list(attempt.start_order(q.id)) for q in attempt.questions if q.type == "ordering"
        ]

    first = QuizAttempt(bank, "alice")
    assert layout(first) == layout(QuizAttempt(bank, "alice", 1))
    assert layout(first) != layout(first.retry())
    assert layout(first) != layout(QuizAttempt(bank, "bob"))
    assert first.retry().number == 2
    assert first.retry().seed == attempt_seed("alice", "principles", 2)
    # question order stays as written; true/false options are never shuffled
    assert [q.id for q in first.questions] == [q.id for q in bank.questions]
    assert all([o.id for o in q.options] == ["true", "false"]
               for q in first.questions if q.type == "true_false")


def test_layout_does_not_depend_on_python_hash_randomisation():
    script = (
        "from widgets.core.course.questions import QuizAttempt, load_bank\n"
        "a = QuizAttempt(load_bank('process'), 'alice', 3)\n"
        "print([[o.id for o in q.options] for q in a.questions], a.start_order('proc-steps-order'))"
    )
    outputs = {
        subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                       cwd=REPO, env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"}).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1


def test_ordering_never_starts_in_the_correct_order(demo):
    correct = ("w", "x", "y", "z")
    for number in range(1, 200):
        assert QuizAttempt(demo, "alice", number).start_order("demo-order") != correct


def test_seed_is_sha256_of_learner_bank_and_attempt():
    # sha256("alice\x1fprinciples\x1f1"), first 8 bytes, big-endian
    digest = hashlib.sha256(b"alice\x1fprinciples\x1f1").digest()
    assert attempt_seed("alice", "principles", 1) == int.from_bytes(digest[:8], "big")
    assert attempt_seed("alice", "principles", 1) != attempt_seed("alice", "principles", 2)
