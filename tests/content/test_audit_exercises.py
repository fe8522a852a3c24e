"""The internal-auditor path's audit exercises say only what the data and the policy say.

Why: exercises 11 and 12 are graded against literal answer keys (a learner's kernel must not be
able to recompute or patch them), and their questions, model answers and mark schemes state
figures about the sample log and the policy. Each literal here is recomputed with the course's
own functions — the population filter, sample_size_for / miss_probability_count, the policy's
targets, the breach rules — so that regenerating the data or changing the policy cannot leave an
exercise teaching or grading something false.
"""

from __future__ import annotations

import ast
import math
import re

import nbformat
import pandas as pd
import pytest
from support.repo import REPO

from widgets.core.common.paths import datasets_dir
from widgets.core.complaints import business_days_to, find_policy_breaches, load_complaints
from widgets.core.complaints.policy import load_policy
from widgets.core.course.typed_answers import AnswerFormatError
from widgets.core.grading.exercise_submissions import grade_id, is_answer, is_test
from widgets.core.grading.nbgrader_course import HIDDEN_TESTS, MARK_SCHEME, SOLUTION, split_region
from widgets.core.practice import miss_probability_count, sample_size_for
from widgets.core.practice.audit_case import data_test, grade_finding, load_audit_programme
from widgets.core.practice.audit_sampler import draw_sample

EX11 = "ex11-audit-plan-and-checklist"
EX12 = "ex12-audit-evidence-and-report"
SEED = 247  # the random sample of exercise 12 (its setup cell)


def source(assignment: str) -> nbformat.NotebookNode:
    return nbformat.read(REPO / "exercises" / assignment / f"{assignment}.ipynb", as_version=4)


def cell_text(assignment: str, wanted: str) -> str:
    return next(cell.source for cell in source(assignment).cells if grade_id(cell) == wanted)


def region(text: str, markers: tuple[str, str]) -> str:
    return "\n".join(split_region(text, markers)[1])


def flat(text: str) -> str:
    return " ".join(text.split())


def hidden_key(assignment: str, test_cell: str) -> object:
    """The literal answer key `_key = ...` of a test cell's hidden tests."""
    tree = ast.parse(region(cell_text(assignment, test_cell), HIDDEN_TESTS))
    return next(ast.literal_eval(node.value) for node in tree.body
                if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "_key")


@pytest.fixture(scope="module")
def log() -> pd.DataFrame:
    return load_complaints(datasets_dir() / "complaints.csv").frame


@pytest.fixture(scope="module")
def vc_population(log: pd.DataFrame) -> pd.DataFrame:
    """The population of the thematic audit VC-2026: complaints from customers on the register
    received in 2025 — the same filter as the exercises' setup cells."""
    received = log["received_at"].between("2025-01-01", "2026-01-01", inclusive="left")
    return log[received & log["vulnerable"].fillna(False)]


def test_ex11_setup_selects_the_population_the_texts_describe(vc_population: pd.DataFrame):
    setup = cell_text(EX11, "ex11-setup")
    assert 'between("2025-01-01", "2026-01-01", inclusive="left")' in setup
    assert 'log["vulnerable"].fillna(False)' in setup
    size = len(vc_population)
    scheme = flat(region(cell_text(EX11, "ex11-q4-question"), MARK_SCHEME))
    answer = flat(region(cell_text(EX11, "ex11-q4"), SOLUTION))
    assert f"how many ({size})" in scheme and f"of the {size}" in scheme
    assert f"The {size} complaints" in answer and f"all {size} records" in answer


def test_ex11_sampling_key_is_what_the_course_computes(vc_population: pd.DataFrame):
    population = len(vc_population)
    affected = math.ceil(0.05 * population)
    size = sample_size_for(population, affected, 0.95)
    confidence = round(100 * (1 - miss_probability_count(population, affected, 25)))
    hidden = region(cell_text(EX11, "ex11-q2-tests"), HIDDEN_TESTS)
    assert f'("sample_size", _size == {size})' in hidden
    assert f"abs(_confidence - {confidence}) < 0.6" in hidden
    solution = region(cell_text(EX11, "ex11-q2"), SOLUTION)
    assert solution.split("\n") == [f"sample_size = {size}", f"confidence_of_25 = {confidence}"]
    # The model plan and the mark scheme use the same size; the planted mistake does not.
    assert f"random sample of {size} of the" in flat(region(cell_text(EX11, "ex11-q4"), SOLUTION))
    assert f"random sample of {size} of the {population}" in flat(
        region(cell_text(EX11, "ex11-q4-question"), MARK_SCHEME))
    assert sample_size_for(population, math.ceil(0.10 * population), 0.95) != size


def test_ex11_requirements_table_states_the_policy_targets():
    policy = load_policy()
    text = flat(cell_text(EX11, "ex11-q3-question"))
    acknowledge = policy.timeliness["acknowledge"].within_business_days
    resolve = policy.timeliness["resolve"].within_business_days
    vulnerable = policy.vulnerable_first_response_business_days
    assert f"| 4.2 | acknowledged within {acknowledge} business days" in text
    assert f"| 4.5 | the decision, with reasons and remedy, within {resolve} business days" in text
    assert f"first substantive response within {vulnerable} business days" in text
    assert policy.safety_acknowledge_business_days == 0 and "the same day" in text
    assert policy.safety_min_escalation_level >= 1  # "passed to the Safety Team"
    criteria = flat(cell_text(EX11, "ex11-q1-question"))
    assert f"first substantive response within {vulnerable} business days" in criteria
    # Every section the checklist key uses is one the requirements table lists.
    key = re.findall(r'"CL-\d\d": "([\d.]+|none)"',
                     region(cell_text(EX11, "ex11-q3-tests"), HIDDEN_TESTS))
    listed = set(re.findall(r"^\| ([\d.]+) \|", cell_text(EX11, "ex11-q3-question"), re.M))
    assert len(key) == 10 and set(key) - {"none"} <= listed


# --- exercise 12 ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def vc_sample(vc_population: pd.DataFrame) -> pd.DataFrame:
    """Exercise 12's sample: exercise 11's size, drawn with the setup cell's seed, by date."""
    size = sample_size_for(len(vc_population), math.ceil(0.05 * len(vc_population)), 0.95)
    setup = cell_text(EX12, "ex12-setup")
    assert f'draw_sample(population, "random", size={size}, seed={SEED})' in setup
    assert "sample.head(12), sample.iloc[12:]" in setup
    records = draw_sample(vc_population, "random", size=size, seed=SEED).records
    return records.sort_values("received_at")


def test_ex12_record_key_is_what_the_breach_rules_find(vc_sample: pd.DataFrame):
    yours = vc_sample.head(12)
    breaches = find_policy_breaches(yours, load_policy())

    def breaking(*rules: str) -> set[str]:
        return set(breaches.loc[breaches["rule"].isin(rules), "complaint_id"])

    expected = {"late_acknowledgement": breaking("ACK_LATE", "SAFETY_ACK_LATE"),
                "late_first_response": breaking("VULNERABLE_RESPONSE_LATE"),
                "late_decision": breaking("RESOLVE_LATE"),
                "contact_details": breaking("PERSONAL_DATA_IN_DESCRIPTION")}
    assert hidden_key(EX12, "ex12-q1-tests") == expected
    assert all(expected.values()), "each list of the key names at least one record"
    # Nothing else in the twelve records breaks a rule the question leaves out.
    asked = {"ACK_LATE", "SAFETY_ACK_LATE", "VULNERABLE_RESPONSE_LATE", "RESOLVE_LATE",
             "PERSONAL_DATA_IN_DESCRIPTION"}
    assert set(breaches["rule"]) <= asked
    policy = load_policy()
    question = flat(cell_text(EX12, "ex12-q1-question"))
    for days, section in ((policy.timeliness["acknowledge"].within_business_days, "4.2"),
                          (policy.vulnerable_first_response_business_days, "4.6"),
                          (policy.timeliness["resolve"].within_business_days, "4.5")):
        assert re.search(rf"policy {section}: .*?within {days} business days", question)
    assert policy.safety_acknowledge_business_days == 0 and "4.3: the same day" in question
    solution = region(cell_text(EX12, "ex12-q1"), SOLUTION)
    assert {name: set(ids) for name, ids in _assigned_literals(solution).items()} == expected
    # The planted mistake (policy 4.4's 5 days for every customer) really is one.
    response = business_days_to(yours, "first_response_at", policy)
    by_five = set(yours.loc[(response > 5).to_numpy(), "complaint_id"])
    assert by_five < expected["late_first_response"]


def _assigned_literals(code: str) -> dict[str, object]:
    return {node.targets[0].id: ast.literal_eval(node.value) for node in ast.parse(code).body
            if isinstance(node, ast.Assign)}


def _claim_verdicts(population: pd.DataFrame) -> dict[str, bool]:
    """Whether the records contradict each interview claim, by the course's own rules."""
    policy = load_policy()
    breaches = find_policy_breaches(population, policy)
    count = breaches["rule"].value_counts()
    since_july = population[population["received_at"] >= "2025-07-01"]
    responded = business_days_to(since_july, "first_response_at", policy).notna().sum()
    late_since_july = find_policy_breaches(since_july, policy)["rule"].eq(
        "VULNERABLE_RESPONSE_LATE").sum()
    letters = population.loc[population["channel"] == "letter", "complaint_id"]
    chats = population[population["channel"] == "chat"]
    assert len(chats) and (population["category"] == "safety").any()
    assert (population["status"] == "closed").any()
    return {
        # "first response within three business days at least nine times in ten" since July
        "C1": late_since_july / responded > 0.10,
        # "every safety complaint acknowledged the same day and reviewed by the Safety Team"
        "C2": count.get("SAFETY_ACK_LATE", 0) + count.get("SAFETY_NOT_ESCALATED", 0) > 0,
        # "never closed before a response, unless withdrawn"
        "C3": count.get("CLOSED_WITHOUT_RESPONSE", 0) > 0,
        # "letters acknowledged within two business days"
        "C4": breaches[(breaches["rule"] == "ACK_LATE")
                       & breaches["complaint_id"].isin(letters)].shape[0] > 0,
        # "live-chat complaints acknowledged in the chat, the same day"
        "C5": not (business_days_to(chats, "acknowledged_at", policy) == 0).all(),
        # "every closed complaint has its outcome recorded"
        "C6": count.get("CLOSED_WITHOUT_OUTCOME", 0) > 0,
    }


def test_ex12_interview_claims_are_tested_against_the_records(vc_population: pd.DataFrame):
    verdicts = _claim_verdicts(vc_population)
    assert hidden_key(EX12, "ex12-q2-tests") == {c for c, contradicted in verdicts.items()
                                                  if contradicted}
    assert 0 < sum(verdicts.values()) < len(verdicts), "some claims confirmed, some not"
    notes = cell_text(EX12, "ex12-interviews")
    quoted = {claim: text for claim, text in re.findall(r'^\| (C\d) \| .+? \| "(.+)" \|$',
                                                        notes, re.M)}
    assert set(quoted) == set(verdicts)
    assert "July 2025" in quoted["C1"] and "nine times in ten" in quoted["C1"]
    assert "safety" in quoted["C2"] and "letters" in quoted["C4"].lower()
    assert "live chat" in quoted["C5"] and "outcome" in quoted["C6"]
    policy = load_policy()
    assert "three business days" in quoted["C1"] and (
        policy.vulnerable_first_response_business_days == 3)
    assert "two business days" in quoted["C4"] and (
        policy.timeliness["acknowledge"].within_business_days == 2)


FINDING_RULES = {"F1": "VULNERABLE_RESPONSE_LATE", "F2": "RESOLVE_LATE", "F3": "ACK_LATE",
                 "F4": "PERSONAL_DATA_IN_DESCRIPTION", "F5": "CLOSED_WITHOUT_RESPONSE",
                 "F6": "ACK_MISSING"}


def test_ex12_grades_follow_the_programme_rule(vc_population: pd.DataFrame):
    policy = load_policy()
    grading = load_audit_programme().grading
    tests = data_test(vc_population, policy)
    expected = {finding: grade_finding(rule, int(tests.loc[rule, "breaching"]),
                                       int(tests.loc[rule, "applicable"]), policy, grading)[0]
                for finding, rule in FINDING_RULES.items()}
    assert hidden_key(EX12, "ex12-q3-tests") == expected
    # Every rule with a breach in the population has its finding, and no other.
    assert set(FINDING_RULES.values()) == set(tests.index[tests["breaching"] > 0])
    # The rule as the question states it is the programme's and the policy's.
    text = flat(cell_text(EX12, "ex12-q3-question"))
    acknowledge, resolve = policy.timeliness["acknowledge"], policy.timeliness["resolve"]
    assert f"4.2: {acknowledge.min_share:.0%} acknowledged on time" in text
    assert f"4.5: {resolve.min_share:.0%} decided on time" in text
    assert (f"(more than {1 - acknowledge.min_share:.0%}, more than "
            f"{1 - resolve.min_share:.0%})") in text
    assert f"major** when more than {grading.systemic_share:.0%} of the records" in text
    assert set(grading.major_rules) == {"SAFETY_ACK_LATE", "SAFETY_NOT_ESCALATED"}


def test_ex12_model_answers_and_schemes_state_the_data(vc_population: pd.DataFrame,
                                                       vc_sample: pd.DataFrame):
    policy = load_policy()
    rule = "VULNERABLE_RESPONSE_LATE"
    everyone = data_test(vc_population, policy).loc[rule]
    sample = data_test(vc_sample, policy).loc[rule]
    yours = data_test(vc_sample.head(12), policy).loc[rule]
    bens = data_test(vc_sample.iloc[12:], policy).loc[rule]
    population, size = len(vc_population), len(vc_sample)
    statement = flat(region(cell_text(EX12, "ex12-q4"), SOLUTION))
    assert f"{sample.breaching} of the {sample.applicable} with a first response" in statement
    assert f"{everyone.breaching} of the {everyone.applicable} complaints" in statement
    assert f"({everyone.share:.1%})" in statement
    assert f"Random sample of {size} of the {population}" in statement
    scheme = flat(region(cell_text(EX12, "ex12-q4-question"), MARK_SCHEME))
    assert (f"{sample.breaching} of the {sample.applicable} sampled complaints that had a first "
            f"response ({yours.breaching} of the learner's {yours.applicable} plus "
            f"{bens.breaching} of Ben's {bens.applicable})") in scheme
    assert f"{everyone.breaching} of {everyone.applicable} complaints with a first response" in (
        scheme)
    breaches = find_policy_breaches(vc_sample, policy)
    days = dict(zip(breaches.loc[breaches["rule"] == rule, "complaint_id"],
                    breaches.loc[breaches["rule"] == rule, "detail"], strict=True))
    for complaint, shown in re.findall(r"(CMP-2025-\d{6}) \((\d+)", statement):
        assert f"after {shown} business days" in days[complaint]
    # Late in every quarter, as the statement and the conclusion say.
    quarters = vc_population["received_at"].dt.quarter
    late = find_policy_breaches(vc_population, policy).query("rule == @rule")["complaint_id"]
    late_quarters = set(quarters[vc_population["complaint_id"].isin(late)])
    assert late_quarters == {1, 2, 3, 4}
    conclusion = flat(region(cell_text(EX12, "ex12-q6"), SOLUTION))
    assert f"late in {everyone.breaching} of {everyone.applicable} complaints" in conclusion
    assert f"random sample of {size} of {population} complaints" in conclusion


# --- typed answers: read tolerantly, and a clear message for a malformed one -----------------


def run_setup(assignment: str) -> dict:
    """The namespace a learner's kernel has after the locked code cells (no answers, no tests)."""
    namespace: dict = {}
    for cell in source(assignment).cells:
        if cell.cell_type == "code" and not is_answer(cell) and not is_test(cell):
            exec(cell.source, namespace)
    return namespace


def grade(namespace: dict, assignment: str, test_cell: str, answer: str) -> float:
    """Run an answer and its whole test cell as the autograder does: the score the cell
    reports (nbgrader's partial credit), or the error it raises."""
    exec(answer, namespace)
    lines = [line for line in cell_text(assignment, test_cell).split("\n")
             if not line.startswith("### ")]  # nbgrader's markers
    exec("\n".join(lines[:-1]), namespace)
    return eval(lines[-1], namespace)  # the hidden tests' last line: the score


TOLERATED = [  # answers typed loosely that still earn every point
    (EX11, "ex11-q1-tests", 'criteria = "a, B d  g"', 2),
    (EX11, "ex11-q2-tests", 'sample_size = "53"\nconfidence_of_25 = "74%"', 2),
    (EX11, "ex11-q3-tests", "checklist = {'cl-01': '4.6', 'CL-02': '4.6', 'CL-03': '4.6', "
     "'CL-04': 3, 'CL-05': '4.2', 'CL-06': '4.5', 'CL-07': 7, 'CL-08': 'None', "
     "'CL-09': ' 4.3 ', 'CL-10': 'NONE'}", 3),
    (EX12, "ex12-q1-tests", 'late_acknowledgement = "cmp-2025-000492"\n'
     'late_first_response = ["CMP-2025-000005", "cmp 2025 000211", "CMP-2025-000409", '
     '"CMP-2025-000492"]\nlate_decision = ("CMP-2025-000400", "CMP-2025-000409")\n'
     'contact_details = {"CMP-2025-000477"}', 4),
    (EX12, "ex12-q2-tests", 'contradicted = "c1 c3 c4"', 2),
    (EX12, "ex12-q3-tests", 'grades = {"f1": "Major", "F2": "MAJOR", "F3": "major ", '
     '"F4": "minor", "F5": "Minor", "F6": "minor"}', 2),
]

MALFORMED = [  # answers the tests cannot read, and what the message must say
    (EX11, "ex11-q1-tests", 'criteria = ["A", "X"]', "Question 1, criteria: 'X' is not one of"),
    (EX11, "ex11-q2-tests", 'sample_size = "fifty"\nconfidence_of_25 = 74',
     "Question 2, sample_size: 'fifty' is not a number of records"),
    (EX11, "ex11-q3-tests", 'checklist = {"CL-01": 4.6}',
     "Question 3, checklist, CL-01: 4.6 is not one of"),
    (EX11, "ex11-q3-tests", 'checklist = {"CL-01": "4.6"}',
     "Question 3, checklist: no answer yet for 'CL-02'"),
    (EX12, "ex12-q1-tests", 'late_acknowledgement = []\nlate_first_response = '
     '["CMP-2025-999999"]\nlate_decision = []\ncontact_details = []',
     "Question 1, late_first_response: 'CMP-2025-999999' is not one of \"CMP-2025-000005\""),
    (EX12, "ex12-q2-tests", 'contradicted = "C1, C7"',
     "Question 2, contradicted: 'C7' is not one of"),
    (EX12, "ex12-q3-tests", 'grades = {"F1": "big"}', "Question 3, grades, F1: 'big' is not"),
]


@pytest.fixture(scope="module")
def kernels() -> dict[str, dict]:
    return {assignment: run_setup(assignment) for assignment in (EX11, EX12)}


@pytest.mark.parametrize(("assignment", "test_cell", "answer", "points"), TOLERATED)
def test_loosely_typed_answers_earn_full_marks(kernels: dict, assignment: str, test_cell: str,
                                               answer: str, points: float):
    assert grade(dict(kernels[assignment]), assignment, test_cell, answer) == points


@pytest.mark.parametrize(("assignment", "test_cell", "answer", "message"), MALFORMED)
def test_malformed_answers_get_a_message_saying_what_to_type(
        kernels: dict, assignment: str, test_cell: str, answer: str, message: str):
    with pytest.raises(AnswerFormatError) as raised:
        grade(dict(kernels[assignment]), assignment, test_cell, answer)
    assert str(raised.value).startswith(message)
    assert raised.value._render_traceback_() == [str(raised.value)]  # no traceback shown
