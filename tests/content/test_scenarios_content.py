"""Every complaint-lifecycle scenario under widgets/content/scenarios/ is valid and teaches
what it should: the best path keeps every promise of the policy with a high score, the
feedback agrees with the 'best' marks and with the clause lists, and the set of scenarios
covers the different kinds of complaint the course needs.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from widgets.core.complaints.policy import load_policy
from widgets.core.practice.lifecycle import (
    SCENARIO_DIR,
    STEP_CLAUSES,
    load_all_scenarios,
    play,
    scenario_ids,
    validate_scenario_file,
)

IDS = scenario_ids()
REQUIRED = {"billing-error", "gas-safety", "vulnerable-customer", "complaint-about-handling"}
# Clause ids as the feedback cites them: "(7.4, 4.6)", "clause 3", "ISO 10003".
CLAUSE_IN_TEXT = re.compile(r"\b([4-8]\.\d{1,2})\b|\bclause (\d)\b|\bISO (10003)\b")


@pytest.fixture(scope="module")
def scenarios():
    return load_all_scenarios()


@pytest.fixture(scope="module")
def course_policy():
    return load_policy()


def test_the_required_scenarios_exist():
    assert set(IDS) >= REQUIRED


@pytest.mark.parametrize("scenario_id", IDS)
def test_scenario_file_is_valid(scenario_id: str):
    assert validate_scenario_file(SCENARIO_DIR / f"{scenario_id}.yaml") == []


@pytest.mark.parametrize("scenario_id", IDS)
def test_best_path_keeps_every_promise(scenarios, course_policy, scenario_id: str):
    scenario = scenarios[scenario_id]
    summary = play(scenario, scenario.best_path(), course_policy).summary()
    assert [s.rule.key for s in summary.missed] == []
    assert summary.external_referral is False
    assert summary.final_satisfaction >= 80
    assert summary.score >= 90


@pytest.mark.parametrize("scenario_id", IDS)
def test_feedback_agrees_with_best_marks_and_clause_lists(scenarios, scenario_id: str):
    """Best actions' feedback opens with 'Right.'; every clause the feedback cites is in the
    action's clause list, and every listed clause is the step's own or cited in the text."""
    for step in scenarios[scenario_id].steps:
        for action in step.actions:
            where = f"{scenario_id} {step.clause} {action.id}"
            assert action.feedback.startswith("Right.") == action.best, where
            cited = {"".join(groups) for groups in CLAUSE_IN_TEXT.findall(action.feedback)}
            assert cited <= set(action.clauses), where
            assert set(action.clauses) - cited <= {step.clause}, where


@pytest.mark.parametrize("scenario_id", IDS)
def test_content_is_playable_and_not_guessable(scenarios, course_policy, scenario_id: str):
    scenario = scenarios[scenario_id]
    # The case starts on a business day of the policy's calendar.
    assert np.is_busday(np.datetime64(scenario.received), weekmask=course_policy.weekmask,
                        holidays=list(course_policy.holidays))
    # The best action is not always in the same position.
    positions = {[a.best for a in step.actions].index(True) for step in scenario.steps}
    assert len(positions) >= 2
    # Every wrong action costs something: satisfaction, time or an external referral.
    for step in scenario.steps:
        best = step.best_action
        for action in step.actions:
            if not action.best:
                assert (action.satisfaction < best.satisfaction
                        or action.business_days > best.business_days
                        or action.external_referral), f"{scenario_id} {action.id}"
    # Labels are distinct, so a learner can tell the choices apart.
    for step in scenario.steps:
        labels = [a.label for a in step.actions]
        assert len(set(labels)) == len(labels)
    text = " ".join([scenario.case] + [s.situation for s in scenario.steps]
                    + [a.feedback for s in scenario.steps for a in s.actions])
    assert "TODO" not in text and "lorem" not in text.lower()


def test_scenarios_are_of_different_kinds(scenarios):
    required = [scenarios[i] for i in sorted(REQUIRED)]
    assert len({s.category for s in required}) == len(required)
    assert scenarios["gas-safety"].safety and not scenarios["gas-safety"].vulnerable
    assert scenarios["vulnerable-customer"].vulnerable
    assert not scenarios["vulnerable-customer"].safety
    assert scenarios["complaint-about-handling"].category == "complaints_handling"
    assert scenarios["billing-error"].category == "billing"


def test_the_safety_scenario_best_path_escalates_by_the_initial_assessment(
        scenarios, course_policy):
    scenario = scenarios["gas-safety"]
    sim = play(scenario, scenario.best_path()[:STEP_CLAUSES.index("7.5") + 1], course_policy)
    assert sim.escalation_level >= course_policy.safety_min_escalation_level
    escalation = next(s for s in sim.statuses() if s.rule.key == "safety_escalation")
    assert escalation.state == "met"


def test_every_scenario_teaches_the_common_wrong_turns(scenarios):
    """Across the set, the plausible wrong actions the course wants learners to meet: closing
    before the complainant accepts (7.9), charging for the complaint (4.8), making the
    complainant re-do work or re-send data (4.5), and misusing personal data (4.10)."""
    wrong_clauses: dict[str, set[str]] = {}
    for scenario_id, scenario in scenarios.items():
        wrong_clauses[scenario_id] = {c for s in scenario.steps for a in s.actions
                                      if not a.best for c in a.clauses}
    cited = set().union(*wrong_clauses.values())
    assert {"7.9", "4.8", "4.5", "4.10"} <= cited
    for scenario_id, clauses in wrong_clauses.items():
        assert "7.9" in clauses, scenario_id  # each case has a premature or forced close
