"""The analyst/manager path's written assignments (ex13, ex14): their keys and figures hold.

Why: the hidden tests of these notebooks compare answers with literal values (grading must not
call code the learner's kernel could patch), and the mark schemes and model answers quote
figures from the sample data. Typed by hand, such literals drift when the data, the policy or
the checklist change. These tests recompute every one of them with the course's core — the
review pack, the KPI definitions, the breach rules, the policy calendar and the policy
checklist — and fail, naming the figure, when a notebook no longer says what the data shows.
They also check that a malformed typed answer gets a message saying what to type, not a
traceback. Grading itself is proven in tests/e2e/test_exercises_proof.py.
"""

from __future__ import annotations

import ast
import datetime as dt
import re

import nbformat
import numpy as np
import pandas as pd
import pytest
from support.repo import REPO

from widgets.core.common.paths import datasets_dir
from widgets.core.complaints import load_complaints, load_policy
from widgets.core.complaints.breaches import RULES
from widgets.core.course import AnswerFormatError
from widgets.core.grading.exercise_submissions import answers_of, grade_id
from widgets.core.grading.nbgrader_course import HIDDEN_TESTS, MARK_SCHEME, split_region
from widgets.core.practice import build_review_pack, load_review_content
from widgets.core.practice.policy_review import load_checklist

EX13, EX14 = "ex13-complaints-policy", "ex14-management-review"
REVIEWED = "2025Q2"


def notebook(assignment: str) -> nbformat.NotebookNode:
    return nbformat.read(REPO / "exercises" / assignment / f"{assignment}.ipynb", as_version=4)


def cell(assignment: str, wanted: str) -> str:
    return next(c.source for c in notebook(assignment).cells if grade_id(c) == wanted)


def region(assignment: str, wanted: str, markers: tuple[str, str]) -> str:
    return "\n".join(split_region(cell(assignment, wanted), markers)[1])


def flat(text: str) -> str:
    return " ".join(text.split())


def literal(code: str, name: str) -> object:
    """The literal value a cell assigns to `name` (the last assignment wins)."""
    value = None
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Assign) and any(
                isinstance(target, ast.Name) and target.id == name for target in node.targets):
            value = ast.literal_eval(node.value)
    assert value is not None, f"no literal assignment to {name}"
    return value


def words(text: str) -> int:
    return len([word for word in text.split() if any(ch.isalnum() for ch in word)])


# --------------------------------------------------------------------------- ex13


def test_ex13_mark_scheme_names_every_checklist_item():
    scheme = region(EX13, "ex13-q4-question", MARK_SCHEME)
    named = set(re.findall(r"`([a-z-]+)`", scheme))
    assert {item.id for item in load_checklist().items} <= named


def test_ex13_hidden_keys_match_the_brief_and_the_solutions():
    setup = cell(EX13, "ex13-setup")
    measures = literal(setup, "MEASURES")
    hidden = "\n".join(split_region(cell(EX13, "ex13-q3-tests"), HIDDEN_TESTS)[1])
    results = literal(hidden, "_results")
    assert set(results) == set(measures)
    assert {key: value[0] for key, value in results.items()} == {
        key: value[2] for key, value in measures.items()}
    brief = flat(cell(EX13, "ex13-brief"))
    assert f"{measures['complaints_count'][2]} in 2025" in brief
    # Every measure but the perverse count has a better direction and a bound.
    assert [key for key, value in results.items() if value[1] is None] == ["complaints_count"]

    answers = answers_of(notebook(EX13))
    key = literal("\n".join(split_region(cell(EX13, "ex13-q1-tests"), HIDDEN_TESTS)[1]), "_key")
    vague = literal(answers["ex13-q1"], "vague_objectives")
    assert sorted(vague) == sorted(letter for letter, is_vague in key.items() if is_vague)
    perverse = literal(answers["ex13-q2"], "perverse_objective")
    assert perverse == literal(cell(EX13, "ex13-q2-tests"), "_key")
    assert not key[perverse]  # measurable, yet met by recording fewer complaints
    assert perverse in re.findall(r"^\| ([A-F]) \| Cut the number of complaints recorded",
                                  cell(EX13, "ex13-q1-question"), flags=re.M)


def test_ex13_model_policy_states_the_model_objectives():
    answers = answers_of(notebook(EX13))
    objectives = literal(answers["ex13-q3"], "objectives")
    policy_text = flat(answers["ex13-q4"])
    reasons = flat(answers["ex13-q5"])
    measures = literal(cell(EX13, "ex13-setup"), "MEASURES")
    for objective in objectives:
        unit = "%" if objective["unit"] == "%" else " out of 5"
        figure = f"{objective['target']:g}" if unit == "%" else f"{objective['target']:.1f}"
        assert f"{figure}{unit}" in policy_text, objective
        assert f"{figure}{unit}" in reasons, objective
        assert f"{measures[objective['measure']][2]:g}" in reasons, objective


def test_ex13_model_answers_keep_the_word_limits():
    answers = answers_of(notebook(EX13))
    assert words(answers["ex13-q4"]) <= 700
    assert "at most 700 words" in cell(EX13, "ex13-q4-question")


def _run_q3(objectives: list[dict]) -> None:
    """The setup cell and the visible part of question 3's tests, as the learner runs them."""
    visible = split_region(cell(EX13, "ex13-q3-tests"), HIDDEN_TESTS)[0]
    namespace: dict = {"print": lambda *args, **kwargs: None}
    exec(cell(EX13, "ex13-setup"), namespace)
    namespace["objectives"] = objectives
    exec(visible, namespace)


@pytest.mark.parametrize(("change", "message"), [
    ({"target": "ninety"}, "Question 3, objective 1, target: 'ninety' is not a number"),
    ({"unit": "percent"},
     "Question 3, objective 1, unit of ack_2wd: 'percent' is not one of \"%\""),
    ({"period": "weekly"}, "Question 3, objective 1, period: 'weekly' is not one of"),
    ({"measure": "speed"}, "Question 3, objective 1, measure: 'speed' is not one of"),
])
def test_ex13_malformed_objectives_get_a_message_saying_what_to_type(change, message):
    objectives = literal(answers_of(notebook(EX13))["ex13-q3"], "objectives")
    _run_q3(objectives)  # the model answer passes
    with pytest.raises(AnswerFormatError) as error:
        _run_q3([{**objectives[0], **change}, *objectives[1:]])
    assert str(error.value).startswith(message)
    assert error.value._render_traceback_() == [str(error.value)]


def test_ex13_tolerates_how_people_type():
    objectives = literal(answers_of(notebook(EX13))["ex13-q3"], "objectives")
    typed = [{**objectives[0], "measure": " ACK_2WD ", "target": "90%", "period": "Month"},
             *objectives[1:]]
    _run_q3(typed)


# --------------------------------------------------------------------------- ex14


@pytest.fixture(scope="module")
def pack():
    log = load_complaints(datasets_dir() / "complaints.csv").frame
    return build_review_pack(log, load_policy(), REVIEWED)


def _hidden(wanted: str, name: str) -> object:
    return literal("\n".join(split_region(cell(EX14, wanted), HIDDEN_TESTS)[1]), name)


def test_ex14_reviews_the_quarter_its_situation_describes(pack):
    assert f"build_review_pack(log, policy, \"{REVIEWED}\")" in cell(EX14, "ex14-setup")
    situation = flat(cell(EX14, "ex14-situation"))
    assert f"{pack.meeting.meeting:%A} {pack.meeting.meeting.day} {pack.meeting.meeting:%B %Y}" \
        in situation
    assert f"last review on {pack.since.day} {pack.since:%B}" in situation
    (earlier, status), = pack.actions
    assert status == "done" and f"{earlier.id}) was opened on {earlier.done.day} " \
        f"{earlier.done:%B}" in situation
    (change,) = pack.changes
    assert f"released on {change.date.day} {change.date:%B}" in situation
    assert pack.audit is None and "No audit" in cell(EX14, "ex14-pack-rest")


def test_ex14_hidden_keys_are_what_the_pack_shows(pack):
    with_target = [kpi for kpi in pack.kpis.values() if kpi.target]
    assert _hidden("ex14-q1-tests", "_labels") == [kpi.label for kpi in with_target]
    missed = {kpi.label for kpi in with_target if kpi.met is False}
    assert _hidden("ex14-q1-tests", "_key") == missed
    answers = answers_of(notebook(EX14))
    assert set(literal(answers["ex14-q1"], "missed_targets")) == missed

    old = {pack.kpis[key].label for key, kpi in pack.kpis_year_before.items()
           if kpi.met is False and pack.kpis[key].met is False}
    assert set(literal(answers["ex14-q2"], "missed_a_year_ago_too")) == old
    assert _hidden("ex14-q2-tests", "_old_key") == old
    policy = load_policy()
    shortfall = round(
        (policy.timeliness["resolve"].min_share - pack.kpis["time_to_resolve"].value) * 100, 1)
    assert literal(answers["ex14-q2"], "resolve_shortfall") == shortfall
    assert _hidden("ex14-q2-tests", "_shortfall_key") == shortfall

    changes = pack.breach_table()["change"]
    assert _hidden("ex14-q3-tests", "_rules") == list(RULES)
    assert (changes == changes.max()).sum() == 1
    assert literal(answers["ex14-q3"], "breach_rising_most") == changes.idxmax()
    assert _hidden("ex14-q3-tests", "_rule_key") == changes.idxmax()

    by_outcome = pack.satisfaction_by_outcome
    happiest = by_outcome["mean score"].idxmax()
    assert by_outcome["response rate"].idxmax() == happiest  # the happiest answer most
    assert by_outcome.loc[happiest, "mean score"] > pack.kpis["satisfaction_mean"].value
    assert literal(answers["ex14-q3"], "satisfaction_mean_reading") == "overstates"
    assert _hidden("ex14-q3-tests", "_reading_key") == "overstates"
    question = flat(cell(EX14, "ex14-q3-question"))
    assert f"is {pack.kpis['satisfaction_mean'].value:.2f} of 5" in question


def test_ex14_mark_scheme_and_model_answer_figures_hold(pack):
    breaches, before = pack.breaches, pack.breaches_previous
    causes = pack.root_causes
    kpis, year_before = pack.kpis, pack.kpis_year_before
    fcr = [year_before, pack.kpis_previous, kpis]
    by_outcome = pack.satisfaction_by_outcome
    figures = [
        f"from {before['RESOLVE_LATE']} to {breaches['RESOLVE_LATE']}",
        f"time to resolve is {kpis['time_to_resolve'].formatted()} against 85%",
        f"{causes.loc['billing_system_defect', 'share']:.1%} of the quarter's root causes "
        f"({causes.loc['billing_system_defect', 'count']} complaints)",
        f"rose from {before['VULNERABLE_RESPONSE_LATE']} to "
        f"{breaches['VULNERABLE_RESPONSE_LATE']}",
        f"rose from {pack.categories.iloc[:, 1]['complaints_handling']} to "
        f"{pack.categories.iloc[:, 2]['complaints_handling']}",
        "(" + ", ".join(k["first_contact_resolution"].formatted() for k in fcr) + ")",
        f"answered most ({by_outcome.loc['upheld', 'response rate']:.1%}) and scored "
        f"{by_outcome.loc['upheld', 'mean score']:.2f}",
        f"not upheld scored {by_outcome.loc['not upheld', 'mean score']:.2f}",
        f"£{kpis['redress_paid'].value:,.2f} against £{year_before['redress_paid'].value:,.2f}",
        f"mean of {kpis['satisfaction_mean'].value:.2f}",
    ]
    answer = flat(answers_of(notebook(EX14))["ex14-q4"])
    missing = [figure for figure in figures if figure not in answer]
    assert not missing
    scheme = flat(region(EX14, "ex14-q4-question", MARK_SCHEME))
    for figure in (f"{before['RESOLVE_LATE']} → {breaches['RESOLVE_LATE']}",
                   f"{kpis['time_to_resolve'].formatted()} against 85%",
                   f"{before['VULNERABLE_RESPONSE_LATE']} → "
                   f"{breaches['VULNERABLE_RESPONSE_LATE']}",
                   "(" + ", ".join(k["first_contact_resolution"].formatted() for k in fcr)
                   + " against 60%)"):
        assert figure in scheme, figure
    # Every time target missed now was met a year before: the scheme's "conclusion" point.
    timeliness = ("time_to_acknowledge", "time_to_first_response", "time_to_resolve")
    assert all(kpis[k].met is False and year_before[k].met is True for k in timeliness)
    assert words(answers_of(notebook(EX14))["ex14-q4"]) <= 500


def test_ex14_dates_follow_the_calendar_and_the_review_content():
    policy = load_policy()
    content = load_review_content()
    meeting = content.review(REVIEWED).meeting
    answer = flat(answers_of(notebook(EX14))["ex14-q4"])
    due = re.findall(r"\| (\w+day) (\d{1,2} \w+ \d{4}) \|", answer)
    assert len(due) >= 4
    holidays = np.array(policy.holidays, dtype="datetime64[D]")
    for weekday, text in due:
        day = dt.datetime.strptime(text, "%d %B %Y").date()
        assert f"{day:%A}" == weekday, text
        assert day > meeting and np.is_busday(day, holidays=holidays), text
    following = content.reviews[[r.quarter for r in content.reviews].index(REVIEWED) + 1]
    text = f"{following.meeting.day} {following.meeting:%B %Y}"
    assert f"next review on {text}" in answer
    assert f"next review ({text})" in flat(region(EX14, "ex14-q4-question", MARK_SCHEME))
    # The scheme warns about the one bank holiday between the meeting and the last due date.
    last = max(dt.datetime.strptime(text, "%d %B %Y").date() for _, text in due)
    between = [d for d in policy.holidays if meeting < d <= last]
    assert between == [dt.date(2025, 8, 25)]
    assert "not 25 August 2025, a bank holiday" in flat(region(EX14, "ex14-q4-question",
                                                               MARK_SCHEME))
    assert pd.Timestamp(meeting).day_name() == "Tuesday"
