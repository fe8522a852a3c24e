"""The complaint-lifecycle core: scenario validation and the simulation's clock, deadlines,
satisfaction, escalation, summary and score.

Every date and business-day count below is worked out by hand from the calendar and the
holidays in datasets/policy.yaml, and written next to the assertion, so a reader can check
the simulator against the calendar rather than against itself.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

from widgets.core.complaints.policy import load_policy
from widgets.core.practice.lifecycle import (
    SCENARIO_DIR,
    LifecycleSimulation,
    ScenarioError,
    load_scenario,
    parse_scenario,
    play,
    policy_rules,
    scenario_ids,
    validate_scenario_file,
)

D = dt.date


@pytest.fixture(scope="module")
def policy():
    return load_policy()


@pytest.fixture(scope="module")
def billing():
    return load_scenario("billing-error")


@pytest.fixture(scope="module")
def gas():
    return load_scenario("gas-safety")


@pytest.fixture(scope="module")
def vulnerable():
    return load_scenario("vulnerable-customer")


def states(simulation: LifecycleSimulation) -> dict[str, str]:
    return {status.rule.key: status.state for status in simulation.statuses()}


def status_of(simulation: LifecycleSimulation, key: str):
    return next(s for s in simulation.statuses() if s.rule.key == key)


# --------------------------------------------------------------------------- validation

RAW_BILLING = yaml.safe_load((SCENARIO_DIR / "billing-error.yaml").read_text(encoding="utf-8"))


def _action(data: dict, step: int, action_id: str) -> dict:
    return next(a for a in data["steps"][step]["actions"] if a["id"] == action_id)


def _drop_tracking(d):
    del d["steps"][1]


def _swap_steps(d):
    d["steps"][1], d["steps"][2] = d["steps"][2], d["steps"][1]


def _two_actions(d):
    d["steps"][2]["actions"] = [a for a in d["steps"][2]["actions"]
                                if a["id"] in ("ack-same-day", "ack-by-post")]


def _five_actions(d):
    extra = copy.deepcopy(_action(d, 2, "ack-by-post"))
    extra["id"] = "ack-by-fax"
    d["steps"][2]["actions"].append(extra)


def _no_best(d):
    _action(d, 3, "assess-refund-now")["best"] = False


def _two_best(d):
    _action(d, 3, "wait-for-proof")["best"] = True


def _set(step: int, action_id: str, key: str, value):
    def mutate(d):
        _action(d, step, action_id)[key] = value
    return mutate


def _set_top(key: str, value):
    def mutate(d):
        d[key] = value
    return mutate


def _typo_key(d):
    action = _action(d, 0, "log-full")
    action["satisfation"] = action.pop("satisfaction")


def _duplicate_id(d):
    _action(d, 1, "flag-inbox")["id"] = "personal-spreadsheet"


def _never_resolve(d):
    _action(d, 6, "decision-with-routes")["milestones"] = ["first_response"]


def _step_not_mapping(d):
    d["steps"][4] = "investigate"


LOG_FULL = "step 1 (7.2 Receipt of complaint), action 2 'log-full'"

ERROR_CASES = [
    (_drop_tracking, "steps: missing 7.3 Tracking of complaint; a scenario walks all 8 steps"),
    (_swap_steps, "steps: the steps are out of order (7.2, 7.4, 7.3, 7.5, 7.6, 7.7, 7.8, 7.9)"),
    (_two_actions, "step 3 (7.4 Acknowledgement of complaint): has 2 actions; give 3 to 4"),
    (_five_actions, "step 3 (7.4 Acknowledgement of complaint): has 5 actions; give 3 to 4"),
    (_no_best, "step 4 (7.5 Initial assessment of complaint): exactly one action must have "
               "'best: true', found none"),
    (_two_best, "step 4 (7.5 Initial assessment of complaint): exactly one action must have "
                "'best: true', found wait-for-proof, assess-refund-now"),
    (_set(0, "log-full", "clauses", ["7.x"]),
     f"{LOG_FULL}: clause '7.x' is not in the course's clause list (clauses.yaml); use an id "
     "listed there, such as \"7.4\", \"4.10\" or \"10003\""),
    (_set(0, "log-full", "clauses", ["7.2", 4.10]),
     f"{LOG_FULL}: clause 4.1 was read as a number (YAML drops trailing zeros"),
    (_set(0, "log-full", "clauses", ["9.3"]),
     f"{LOG_FULL}: clause '9.3' is not in the course's clause list (clauses.yaml)"),
    (_set(0, "log-full", "clauses", ["7.10"]),
     f"{LOG_FULL}: clause '7.10' is not in the course's clause list (clauses.yaml)"),
    (_set(0, "log-full", "clauses", []), f"{LOG_FULL}: 'clauses' must be a non-empty list"),
    (_set(0, "log-full", "business_days", 31),
     f"{LOG_FULL}: 'business_days' must be a whole number from 0 to 30, found 31"),
    (_set(0, "log-full", "business_days", -1),
     f"{LOG_FULL}: 'business_days' must be a whole number from 0 to 30, found -1"),
    (_set(0, "log-full", "business_days", "two"),
     f"{LOG_FULL}: 'business_days' must be a whole number from 0 to 30, found 'two'"),
    (_set(0, "log-full", "business_days", 1.5),
     f"{LOG_FULL}: 'business_days' must be a whole number from 0 to 30, found 1.5"),
    (_set(0, "log-full", "satisfaction", 60),
     f"{LOG_FULL}: 'satisfaction' must be a whole number from -50 to 50, found 60"),
    (_set(0, "log-full", "escalate_to", 3),
     f"{LOG_FULL}: 'escalate_to' must be a whole number from 1 to 2, found 3"),
    (_set(0, "log-full", "external_referral", "yes please"),
     f"{LOG_FULL}: 'external_referral' must be true or false, found 'yes please'"),
    (_set(0, "log-full", "milestones", ["decide"]),
     f"{LOG_FULL}: 'milestones' must be a list drawn from acknowledge, first_response, resolve"),
    (_set(0, "log-full", "feedback", "  "), f"{LOG_FULL}: 'feedback' must be non-empty text"),
    (_set(0, "log-full", "label", "x" * 200),
     f"{LOG_FULL}: 'label' is 200 characters; keep it to 160"),
    (_set(0, "log-full", "id", "Log Full"),
     "step 1 (7.2 Receipt of complaint), action 2 'Log Full': 'id' must be "
     "lowercase-with-hyphens"),
    (_typo_key, f"{LOG_FULL}: unknown key 'satisfation'; allowed keys are: id, label, best"),
    (_typo_key, f"{LOG_FULL}: missing key 'satisfaction'"),
    (_duplicate_id, "step 2 (7.3 Tracking of complaint): action ids personal-spreadsheet are "
                    "used more than once"),
    (_never_resolve, "steps: no best action completes 'resolve' (decision communicated)"),
    (_step_not_mapping, "step 5: expected a mapping with clause, situation, actions"),
    (_set_top("start_satisfaction", 120),
     "scenario: 'start_satisfaction' must be a whole number from 0 to 100, found 120"),
    (_set_top("received", "2025-02-30"),
     "scenario: 'received' must be a date written YYYY-MM-DD, found '2025-02-30'"),
    (_set_top("category", "bills"), "scenario: 'category' is 'bills'; use one of: billing,"),
    (_set_top("channel", "pigeon"), "scenario: 'channel' is 'pigeon'; use one of: phone,"),
    (_set_top("safety", "no"), "scenario: 'safety' must be true or false, found 'no'"),
    (_set_top("id", "billing"),
     "scenario: 'id' is 'billing' but the file is named billing-error.yaml; make them the same"),
]


@pytest.mark.parametrize(("mutate", "expected"), ERROR_CASES,
                         ids=[f"{i:02d}-{e[:40]}" for i, (_, e) in enumerate(ERROR_CASES)])
def test_validation_names_file_step_and_action(tmp_path: Path, mutate, expected: str):
    data = copy.deepcopy(RAW_BILLING)
    mutate(data)
    path = tmp_path / "billing-error.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")

    problems = validate_scenario_file(path)

    assert any(problem == f"{path}: {expected}" or problem.startswith(f"{path}: {expected}")
               for problem in problems), problems
    assert all(problem.startswith(f"{path}: ") for problem in problems)
    with pytest.raises(ScenarioError) as raised:
        load_scenario(path)
    assert raised.value.problems == problems


def test_the_unmodified_copy_is_valid(tmp_path: Path):
    """The error cases above fail because of their one change, not because of the round trip."""
    path = tmp_path / "billing-error.yaml"
    path.write_text(yaml.safe_dump(RAW_BILLING, sort_keys=False, allow_unicode=True),
                    encoding="utf-8")
    assert validate_scenario_file(path) == []


def test_all_problems_are_reported_in_one_pass(tmp_path: Path):
    data = copy.deepcopy(RAW_BILLING)
    _set(0, "log-full", "business_days", 31)(data)
    _set(5, "uphold-full", "clauses", ["4.10", "12"])(data)
    _set_top("start_satisfaction", -5)(data)
    path = tmp_path / "billing-error.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    problems = validate_scenario_file(path)
    assert len(problems) == 3
    assert "action 2 'log-full'" in problems[1] or "action 2 'log-full'" in problems[0]
    assert any("step 6 (7.7 Response to complaint), action 4 'uphold-full': clause '12' is "
               "not in the course's clause list" in p for p in problems)


def test_unquoted_clause_in_yaml_text_is_caught(tmp_path: Path):
    """Written by hand, `clauses: [7.2, 4.10]` is read as the floats 7.2 and 4.1."""
    text = (SCENARIO_DIR / "billing-error.yaml").read_text(encoding="utf-8")
    text = text.replace('clauses: ["7.2", "4.9"]', "clauses: [7.2, 4.10]", 1)
    path = tmp_path / "billing-error.yaml"
    path.write_text(text, encoding="utf-8")
    problems = validate_scenario_file(path)
    assert [p.split(": ", 1)[1] for p in problems] == [
        "step 1 (7.2 Receipt of complaint), action 2 'log-full': clause 7.2 was read as a "
        "number (YAML drops trailing zeros: 4.10 becomes 4.1); write it in quotes, e.g. \"4.10\"",
        "step 1 (7.2 Receipt of complaint), action 2 'log-full': clause 4.1 was read as a "
        "number (YAML drops trailing zeros: 4.10 becomes 4.1); write it in quotes, e.g. \"4.10\"",
    ]


def test_invalid_yaml_and_wrong_top_level(tmp_path: Path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: broken\nsteps: [\n", encoding="utf-8")
    [problem] = validate_scenario_file(broken)
    assert problem.startswith(f"{broken}: not valid YAML (")
    listing = tmp_path / "listing.yaml"
    listing.write_text("- just\n- a list\n", encoding="utf-8")
    assert validate_scenario_file(listing) == [
        f"{listing}: expected a mapping (id, title, steps, ...) at the top level"]


def test_unknown_scenario_id_lists_the_available_ones(tmp_path: Path):
    with pytest.raises(ScenarioError) as raised:
        load_scenario("fraud", tmp_path)
    assert raised.value.problems == [f"no scenario 'fraud' in {tmp_path}; available: none"]
    (tmp_path / "billing-error.yaml").write_text(
        (SCENARIO_DIR / "billing-error.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    assert scenario_ids(tmp_path) == ["billing-error"]
    with pytest.raises(ScenarioError, match=r"; available: billing-error$"):
        load_scenario("fraud", tmp_path)
    assert load_scenario("billing-error", tmp_path).source == str(tmp_path / "billing-error.yaml")


def test_parse_scenario_from_data_normalizes_text():
    scenario = parse_scenario(copy.deepcopy(RAW_BILLING), "memory", expected_id="billing-error")
    assert scenario.received == D(2025, 4, 17)
    assert scenario.steps[0].clause == "7.2"
    assert scenario.steps[0].title == "Receipt of complaint"
    assert "\n" not in scenario.case and "  " not in scenario.case
    assert scenario.best_path() == (
        "log-full", "track-case-visible", "ack-same-day", "assess-refund-now", "trace-dd-run",
        "uphold-full", "decision-with-routes", "close-on-acceptance")


# --------------------------------------------------------------------------- rules


def test_rules_come_from_the_policy(policy, billing, gas, vulnerable):
    # Thursday 17 April 2025; Good Friday 18 and Easter Monday 21 April are holidays.
    # Business days after receipt: Tue 22 = 1, Wed 23 = 2, ..., Mon 28 = 5; May: Tue 29 Apr = 6,
    # Wed 30 = 7, Thu 1 May = 8, Fri 2 = 9, (Mon 5 May holiday) Tue 6 = 10, ... Tue 20 = 20.
    rules = {r.key: r for r in policy_rules(billing, policy)}
    assert [(r.within_business_days, r.deadline) for r in rules.values()] == [
        (2, D(2025, 4, 23)), (5, D(2025, 4, 28)), (20, D(2025, 5, 20))]
    assert rules["acknowledge"].description == "Acknowledge within 2 business days"
    assert rules["resolve"].clauses == ("7.8",)
    # Safety: acknowledge on the day of receipt (Fri 23 May 2025) and escalate to level 1.
    gas_rules = {r.key: r for r in policy_rules(gas, policy)}
    assert gas_rules["acknowledge"].within_business_days == 0
    assert gas_rules["acknowledge"].deadline == D(2025, 5, 23)
    assert gas_rules["acknowledge"].description == (
        "Acknowledge a safety complaint on the day of receipt")
    assert gas_rules["safety_escalation"].min_escalation_level == 1
    # Vulnerable, received Tue 23 Dec 2025: Wed 24 = 1, (25, 26 holidays) Mon 29 = 2, Tue 30 = 3.
    first = {r.key: r for r in policy_rules(vulnerable, policy)}["first_response"]
    assert (first.within_business_days, first.deadline) == (3, D(2025, 12, 30))
    assert first.clauses == ("7.7", "4.5", "7.5")  # as the breach rule VULNERABLE_RESPONSE_LATE
    assert "safety_escalation" not in {r.key for r in policy_rules(vulnerable, policy)}


# --------------------------------------------------------------------------- simulation


def test_best_path_billing_clock_and_deadlines(policy, billing):
    sim = LifecycleSimulation(billing, policy)
    assert (sim.step_number, sim.current_step.clause, sim.clock) == (1, "7.2", D(2025, 4, 17))
    for action_id in ("log-full", "track-case-visible", "ack-same-day"):
        sim.choose(action_id)
    # Acknowledged on the day of receipt: met at once, the other rules still pending.
    assert states(sim) == {"acknowledge": "met", "first_response": "pending",
                           "resolve": "pending"}
    outcome = sim.choose("assess-refund-now")
    assert [(s.rule.key, s.state, s.elapsed_business_days) for s in outcome.newly_decided] == [
        ("first_response", "met", 0)]
    # 7.6 takes 3 business days from Thu 17 April: Tue 22, Wed 23, Thu 24.
    outcome = sim.choose("trace-dd-run")
    assert (outcome.started_on, outcome.finished_on, outcome.elapsed_business_days) == (
        D(2025, 4, 17), D(2025, 4, 24), 3)
    # 7.7 takes 2: Fri 25 (4), Mon 28 (5). 7.8 takes 1: Tue 29 April (6).
    sim.choose("uphold-full")
    assert (sim.clock, sim.elapsed_business_days) == (D(2025, 4, 28), 5)
    outcome = sim.choose("decision-with-routes")
    assert (outcome.finished_on, outcome.elapsed_business_days) == (D(2025, 4, 29), 6)
    # The decision is also a substantive response, but the first one was given at 7.5.
    assert outcome.completed == ("resolve",)
    resolve = status_of(sim, "resolve")
    assert (resolve.state, resolve.done_on, resolve.elapsed_business_days) == (
        "met", D(2025, 4, 29), 6)
    assert resolve.explanation == (
        "Decision communicated on 2025-04-29, 6 business days after receipt "
        "(target: within 20 business days, by 2025-05-20).")
    # 7.9 takes 2: Wed 30 April (7), Thu 1 May (8).
    sim.choose("close-on-acceptance")
    assert sim.finished and sim.current_step is None
    assert (sim.clock, sim.elapsed_business_days) == (D(2025, 5, 1), 8)
    # 30 + 5 + 5 + 5 + 20 + 0 + 15 + 5 + 5
    assert sim.satisfaction == 90
    summary = sim.summary()
    assert [s.state for s in summary.statuses] == ["met", "met", "met"]
    assert summary.score_parts == {"choices": 40.0, "deadlines": 30.0, "satisfaction": 27.0}
    assert summary.score == 97 == summary.best_path_score
    assert summary.best_choices == 8
    assert summary.escalation_outcome == (
        "Highest internal level: front line (level 0). Not referred outside the organization.")
    assert summary.clauses_touched == (
        "4.4", "4.6", "4.7", "4.9", "4.12", "4.13", "4.15", "7.2", "7.3", "7.4", "7.5", "7.6",
        "7.7", "7.8", "7.9", "8.1", "8.2", "8.4", "10003")


POOR_BILLING = ("ask-resend", "flag-inbox", "ack-after-billing-look", "wait-for-proof",
                "ask-bank-letter", "uphold-refund-only", "next-bill-shows-it",
                "close-over-objection")


def test_poor_billing_path_misses_every_deadline_as_soon_as_known(policy, billing):
    sim = LifecycleSimulation(billing, policy)
    # 7.2: 1 business day after Thu 17 April, skipping Good Friday and Easter Monday: Tue 22.
    outcome = sim.choose("ask-resend")
    assert (outcome.finished_on, outcome.elapsed_business_days) == (D(2025, 4, 22), 1)
    sim.choose("flag-inbox")
    # 7.4: 3 more business days: Wed 23 (2), Thu 24 (3), Fri 25 (4): acknowledged late.
    outcome = sim.choose("ack-after-billing-look")
    [ack] = outcome.newly_decided
    assert (ack.rule.key, ack.state, ack.done_on, ack.elapsed_business_days,
            ack.decided_after_step) == ("acknowledge", "missed", D(2025, 4, 25), 4, 3)
    # 7.5 takes no time: still Fri 25 April (4), first-response deadline Mon 28 not yet passed.
    outcome = sim.choose("wait-for-proof")
    assert outcome.newly_decided == ()
    # Satisfaction 30 - 10 - 5 - 10 = 5, then -10 stops at the floor of 0.
    assert (outcome.satisfaction_before, outcome.satisfaction_after) == (5, 0)
    # 7.6 takes 8: Mon 28 (5), Tue 29 (6), Wed 30 (7), Thu 1 May (8), Fri 2 (9), Mon 5 May is
    # a holiday, Tue 6 (10), Wed 7 (11), Thu 8 May (12). The clock passed Mon 28 April with no
    # first response: missed now, without waiting for the end.
    outcome = sim.choose("ask-bank-letter")
    assert (outcome.finished_on, outcome.elapsed_business_days) == (D(2025, 5, 8), 12)
    [first] = outcome.newly_decided
    assert (first.rule.key, first.state, first.done_on, first.decided_after_step) == (
        "first_response", "missed", None, 5)
    assert first.explanation == (
        "Not done by the deadline 2025-04-28 (target: within 5 business days); it is now "
        "2025-05-08, 12 business days after receipt.")
    # 7.7: Fri 9 May (13). 7.8 takes 10: Mon 12 (14) ... Tue 20 (20), Wed 21 (21), Thu 22 (22),
    # Fri 23 May (23): the decision arrives 3 business days after the 20-day deadline.
    sim.choose("uphold-refund-only")
    outcome = sim.choose("next-bill-shows-it")
    [resolve] = outcome.newly_decided
    assert (resolve.rule.key, resolve.state, resolve.done_on, resolve.elapsed_business_days) == (
        "resolve", "missed", D(2025, 5, 23), 23)
    sim.choose("close-over-objection")
    summary = sim.summary()
    assert [(s.rule.key, s.elapsed_business_days) for s in summary.missed] == [
        ("acknowledge", 4), ("first_response", None), ("resolve", 23)]
    assert summary.met == ()
    assert summary.external_referral is True
    assert summary.escalation_outcome.endswith(
        "The complainant took it outside the organization (ombudsman / alternative dispute "
        "resolution, ISO 10003).")
    assert summary.final_satisfaction == 0
    assert summary.score == 0 and summary.best_path_score == 97
    assert [p.matched for p in summary.path] == [False] * 8
    assert summary.path[0].best.id == "log-full"


def test_missing_acknowledgement_is_reported_when_the_clock_passes_the_deadline(policy, billing):
    sim = LifecycleSimulation(billing, policy)
    for action_id in ("log-full", "track-case-visible", "auto-reply-enough",
                      "assess-refund-now"):
        sim.choose(action_id)
    assert status_of(sim, "acknowledge").state == "pending"  # still Thu 17 April
    # 7.6 takes 3 business days: Thu 24 April (3) is past the deadline Wed 23 April (2).
    outcome = sim.choose("trace-dd-run")
    assert [(s.rule.key, s.state) for s in outcome.newly_decided] == [("acknowledge", "missed")]
    assert outcome.newly_decided[0].explanation == (
        "Not done by the deadline 2025-04-23 (target: within 2 business days); it is now "
        "2025-04-24, 3 business days after receipt.")


def test_partly_good_path_score_is_hand_computed(policy, billing):
    # Best everywhere except 7.4 (posted letter: 2 business days, met) and 7.9 (closed at once).
    path = ("log-full", "track-case-visible", "ack-by-post", "assess-refund-now",
            "trace-dd-run", "uphold-full", "decision-with-routes", "close-at-once")
    summary = play(billing, path, policy).summary()
    ack = summary.statuses[0]
    # Posted on Thu 17 April, 2 business days later: Tue 22 (1), Wed 23 (2) = the deadline.
    assert (ack.state, ack.done_on, ack.elapsed_business_days) == ("met", D(2025, 4, 23), 2)
    # 30 + 5 + 5 - 5 + 20 + 0 + 15 + 5 - 10 = 65; 6 of 8 best; 3 of 3 rules met.
    assert summary.final_satisfaction == 65
    assert summary.score_parts == {"choices": 30.0, "deadlines": 30.0, "satisfaction": 19.5}
    assert summary.score == 80  # 79.5: halves round up


def test_safety_scenario_without_escalation_reports_the_missed_rule(policy, gas):
    sim = LifecycleSimulation(gas, policy)
    sim.choose("advice-then-log")
    sim.choose("front-line-queue")
    outcome = sim.choose("ack-today")
    assert [(s.rule.key, s.state) for s in outcome.newly_decided] == [("acknowledge", "met")]
    assert status_of(sim, "safety_escalation").state == "pending"
    outcome = sim.choose("medium-made-safe")
    [missed] = outcome.newly_decided
    assert (missed.rule.key, missed.state, missed.decided_after_step) == (
        "safety_escalation", "missed", 4)
    assert missed.explanation == (
        "The initial assessment (7.5) ended with the complaint at level 0; the policy requires "
        "level 1 or higher for a safety complaint.")
    assert missed.rule.clauses == ("7.5", "4.6")
    assert sim.escalation_level == 0


def test_safety_escalation_at_the_initial_assessment_is_in_time(policy, gas):
    sim = LifecycleSimulation(gas, policy)
    for action_id in ("advice-then-log", "front-line-queue", "ack-today"):
        sim.choose(action_id)
    outcome = sim.choose("critical-immediate")
    # Fri 23 May + 1 business day: Mon 26 May is a bank holiday, so Tue 27 May.
    assert outcome.finished_on == D(2025, 5, 27)
    assert [(s.rule.key, s.state, s.elapsed_business_days) for s in outcome.newly_decided] == [
        ("first_response", "met", 1), ("safety_escalation", "met", 1)]
    assert sim.escalation_level == 1


def test_safety_acknowledgement_next_business_day_is_late(policy, gas):
    sim = play(gas, ("advice-then-log", "assign-safety-team", "ack-letter-tuesday"), policy)
    ack = status_of(sim, "acknowledge")
    # Next business day after Fri 23 May 2025 is Tue 27 May (bank holiday Monday): 1 > 0.
    assert (ack.state, ack.done_on, ack.elapsed_business_days) == ("missed", D(2025, 5, 27), 1)
    assert status_of(sim, "safety_escalation").state == "met"  # escalated at 7.3


def test_vulnerable_first_response_target_is_tighter(policy, vulnerable):
    path = ("log-needs-consent", "priority-queue-phone", "ack-call-large-print",
            "normal-priority", "trace-payment", "uphold-all-affected", "phone-then-large-print",
            "check-then-close")
    sim = play(vulnerable, path, policy)
    first = status_of(sim, "first_response")
    # Tue 23 Dec 2025: 7.6 takes 2 (Wed 24 = 1, Mon 29 = 2), 7.7 takes 1 (Tue 30 = 3), the
    # decision (the first substantive response) takes 1: Wed 31 December = 4 > 3.
    assert (first.state, first.done_on, first.elapsed_business_days) == (
        "missed", D(2025, 12, 31), 4)
    # Under the standard 5-day target the same path would have been in time.
    relaxed = dataclasses.replace(policy, vulnerable_first_response_business_days=5)
    assert status_of(play(vulnerable, path, relaxed), "first_response").state == "met"
    # 7.9 takes 5: Fri 2 Jan 2026 (5; 1 January is a holiday), Mon 5, Tue 6, Wed 7, Thu 8 (9).
    assert (sim.clock, sim.elapsed_business_days) == (D(2026, 1, 8), 9)


def test_deadlines_follow_an_edited_policy(policy, billing, gas):
    stricter = policy.with_time_target("acknowledge", within_business_days=1)
    sim = play(billing, ("log-full", "track-case-visible", "ack-by-post"), stricter)
    ack = status_of(sim, "acknowledge")
    # Same letter, Wed 23 April = 2 business days, now over a 1-day target (due Tue 22).
    assert (ack.state, ack.rule.deadline, ack.elapsed_business_days) == (
        "missed", D(2025, 4, 22), 2)
    assert ack.rule.description == "Acknowledge within 1 business day"
    # A policy that demands executive review (level 2) for safety fails the best path's level 1.
    demanding = dataclasses.replace(policy, safety_min_escalation_level=2)
    summary = play(gas, gas.best_path(), demanding).summary()
    assert [s.rule.key for s in summary.missed] == ["safety_escalation"]


def test_holidays_come_from_the_policy(policy, billing):
    no_holidays = dataclasses.replace(policy, holidays=())
    outcome = LifecycleSimulation(billing, no_holidays).choose("ask-resend")
    assert outcome.finished_on == D(2025, 4, 18)  # Good Friday counts without the holiday list
    assert LifecycleSimulation(billing, policy).choose("ask-resend").finished_on == D(2025, 4, 22)


def test_escalation_keeps_the_highest_level(policy, billing):
    sim = play(billing, ("log-full", "track-case-visible", "ack-same-day",
                         "escalate-executive"), policy)
    assert sim.escalation_level == 2
    assert sim.history[-1].escalation_level == 2


def test_choose_and_summary_guard_their_state(policy, billing):
    sim = LifecycleSimulation(billing, policy)
    with pytest.raises(KeyError, match=re.escape(
            "step 7.2 has no action 'ack-same-day'; choose one of: reply-call-billing, log-full, "
            "log-no-charges, ask-resend")):
        sim.choose("ack-same-day")
    with pytest.raises(RuntimeError, match="step 1 of 8 is still to play"):
        sim.summary()
    for action_id in billing.best_path():
        sim.choose(action_id)
    with pytest.raises(RuntimeError, match="the scenario is finished; call restart"):
        sim.choose("log-full")


def test_restart_returns_to_the_day_of_receipt(policy, billing):
    sim = play(billing, POOR_BILLING[:5], policy)
    assert sim.clock == D(2025, 5, 8)
    sim.restart()
    assert (sim.step_number, sim.clock, sim.satisfaction, sim.escalation_level,
            sim.external_referral, sim.history) == (1, D(2025, 4, 17), 30, 0, False, ())
    assert set(states(sim).values()) == {"pending"}
    sim.choose("log-full")
    assert sim.history[0].satisfaction_after == 35


def test_priority_rules_name_their_policy_sections(policy, gas, vulnerable, billing):
    sections = {rule.key: rule.policy_section for rule in policy_rules(gas, policy)}
    assert sections == {"acknowledge": "4.3", "first_response": "4.4", "resolve": "4.5",
                        "safety_escalation": "4.3"}
    sections = {rule.key: rule.policy_section for rule in policy_rules(vulnerable, policy)}
    assert sections["first_response"] == "4.6"
    sections = {rule.key: rule.policy_section for rule in policy_rules(billing, policy)}
    assert sections == {"acknowledge": "4.2", "first_response": "4.4", "resolve": "4.5"}
