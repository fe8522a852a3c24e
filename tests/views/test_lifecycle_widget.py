"""The lifecycle simulator widget, driven from Python as a learner would drive it: pick a radio
button, press "Take this action", read the feedback, the clock, the deadlines and the summary."""

from __future__ import annotations

import dataclasses

import ipywidgets as widgets
import pytest

from widgets.core.complaints.policy import load_policy
from widgets.lifecycle import LifecycleSimulator

BEST_BILLING = ("log-full", "track-case-visible", "ack-same-day", "assess-refund-now",
                "trace-dd-run", "uphold-full", "decision-with-routes", "close-on-acceptance")


def take(simulator: LifecycleSimulator, action_id: str) -> None:
    simulator.actions.value = action_id
    simulator.take_button.click()


@pytest.fixture
def billing() -> LifecycleSimulator:
    return LifecycleSimulator("billing-error")


def test_initial_view_shows_the_case_and_the_first_step(billing):
    assert "Two direct debits in one month" in billing.case.value
    assert "Received:</strong> Thursday 17 April 2025 by email" in billing.case.value
    assert "Step titles follow ISO 10002:2018" in billing.case.value
    assert billing.situation.value.startswith("<h4>Step 1 of 8: 7.2 Receipt of complaint</h4>")
    assert [value for _, value in billing.actions.options] == [
        "reply-call-billing", "log-full", "log-no-charges", "ask-resend"]
    assert billing.actions.options[1][0].startswith("Log it as a complaint with a unique")
    # Nothing is preselected, so the button waits for a choice.
    assert billing.actions.value is None
    assert billing.take_button.disabled
    assert billing.progress.value == 0 and billing.progress.max == 8
    assert '<li aria-current="step"><strong>7.2 Receipt of complaint (current)</strong></li>' \
        in billing.step_list.value
    assert "Thursday 17 April 2025, the day of receipt" in billing.clock.value
    assert billing.satisfaction_bar.value == 30
    assert billing.summary_area.layout.display == "none"
    assert billing.deadlines.value.count("Pending") == 3


def test_every_control_is_labelled(billing):
    assert billing.actions.description == "Your action:"
    assert billing.take_button.description == "Take this action"
    assert billing.restart_button.description == "Start again"
    assert billing.progress.description == "Steps done"
    assert billing.satisfaction_bar.description == "Satisfaction"
    assert isinstance(billing.actions, widgets.RadioButtons)
    assert isinstance(billing, widgets.VBox)


def test_selecting_enables_the_button_and_taking_advances(billing):
    billing.actions.value = "ask-resend"
    assert not billing.take_button.disabled
    billing.take_button.click()
    # Good Friday and Easter Monday are holidays: 1 business day after Thu 17 is Tue 22 April.
    assert "Tuesday 22 April 2025, 1 business day after receipt" in billing.clock.value
    assert billing.situation.value.startswith("<h4>Step 2 of 8: 7.3 Tracking of complaint</h4>")
    assert billing.progress.value == 1
    assert "7.2 Receipt of complaint (done)" in billing.step_list.value
    assert billing.actions.value is None and billing.take_button.disabled
    feedback = billing.feedback.value
    assert "What happened: 7.2 Receipt of complaint" in feedback
    assert "Ask him to re-send the statement as a PDF" in feedback
    assert "goes against protecting complainants&#x27; information (4.10)" in feedback
    assert ("<strong>Clauses:</strong> 4.10 Confidentiality; 4.5 Accessibility; "
            "7.2 Receipt of complaint.") in feedback
    assert "There was a better action at this step" in feedback
    assert "Satisfaction 30 → 20 (-10)." in feedback
    assert billing.satisfaction_bar.value == 20
    assert "<strong>20</strong> / 100" in billing.satisfaction_text.value


def test_a_late_acknowledgement_is_reported_in_the_feedback(billing):
    for action_id in ("ask-resend", "flag-inbox", "ack-after-billing-look"):
        take(billing, action_id)
    feedback = billing.feedback.value
    # Tue 22 April + 3 business days = Fri 25 April, 4 business days after receipt (target 2).
    assert "Missed</strong> — Acknowledge within 2 business days: Acknowledgement sent on " \
        "2025-04-25, 4 business days after receipt (target: within 2 business days, by " \
        "2025-04-23)." in feedback
    assert "Done: acknowledgement sent." in feedback
    assert "Friday 25 April 2025, 4 business days after receipt" in billing.clock.value
    assert billing.deadlines.value.count("Missed") == 1
    assert billing.deadlines.value.count("Pending") == 2


def test_clicking_without_a_choice_does_nothing(billing):
    billing.take_button.click()
    assert billing.simulation.step_number == 1
    assert billing.feedback.value == ""


def test_best_path_ends_with_a_summary_and_start_again(billing):
    for action_id in BEST_BILLING:
        take(billing, action_id)
        if action_id == "assess-refund-now":
            assert "Done: first substantive response given." in billing.feedback.value
    assert billing.simulation.finished
    assert billing.choice_area.layout.display == "none"
    assert billing.summary_area.layout.display is None
    summary = billing.summary.value
    assert "Score: 97 / 100</strong> (choices 40 of 40; deadlines 30 of 30; satisfaction 27 " \
        "of 30). The best path scores 97." in summary
    assert "3 met, 0 missed" in summary
    assert "30 at receipt, 90 at the end" in summary
    assert "Highest internal level: front line (level 0). Not referred outside" in summary
    assert "Thursday 1 May 2025, 8 business days after receipt" in summary
    assert "Best choices: 8 of 8" in summary
    assert summary.count("<td>Same</td>") == 8
    assert "<li>4.4 Transparency</li><li>4.6 Responsiveness</li><li>4.7 Objectivity</li>" \
        in summary
    assert summary.count("<li>") == 19
    assert summary.endswith("<li>ISO 10003:2018 (Quality management — Customer satisfaction — "
                            "Guidelines for dispute resolution external to organizations)</li>"
                            "</ul>")
    assert billing.progress.value == 8
    assert "This was the best action at this step." in billing.feedback.value
    # The first response was given at 7.5, so the decision at 7.8 only completes the decision.
    assert "Done: first substantive response given." not in billing.feedback.value

    billing.restart_button.click()
    assert billing.simulation.step_number == 1
    assert billing.choice_area.layout.display is None
    assert billing.summary_area.layout.display == "none"
    assert billing.feedback.value == "" and billing.summary.value == ""
    assert "Thursday 17 April 2025, the day of receipt" in billing.clock.value
    assert billing.satisfaction_bar.value == 30 and billing.progress.value == 0


def test_poor_path_summary_lists_the_misses_and_the_best_path(billing):
    for action_id in ("ask-resend", "flag-inbox", "ack-after-billing-look", "wait-for-proof",
                      "ask-bank-letter", "uphold-refund-only", "next-bill-shows-it",
                      "close-over-objection"):
        take(billing, action_id)
    summary = billing.summary.value
    assert "Score: 0 / 100" in summary
    assert "0 met, 3 missed" in summary
    assert "Decision communicated within 20 business days: Decision communicated on " \
        "2025-05-23, 23 business days after receipt" in summary
    assert "took it outside the organization (ombudsman / alternative dispute resolution, " \
        "ISO 10003)" in summary
    assert "<td>Same</td>" not in summary
    assert "Log it as a complaint with a unique reference" in summary  # the best 7.2 action


def test_safety_case_without_escalation_shows_the_missed_rule():
    simulator = LifecycleSimulator("gas-safety")
    assert "safety-related (priority rules apply)" in simulator.case.value
    assert "by the end of step 7.5" in simulator.deadlines.value
    for action_id in ("advice-then-log", "front-line-queue", "ack-today", "medium-made-safe"):
        take(simulator, action_id)
    assert "Missed</strong> — Escalate a safety complaint to internal review (level 1) or " \
        "higher by the end of the initial assessment: The initial assessment (7.5) ended with " \
        "the complaint at level 0" in simulator.feedback.value
    # Fri 23 May + 1 business day over the bank-holiday Monday: Tuesday 27 May.
    assert "Tuesday 27 May 2025, 1 business day after receipt" in simulator.clock.value
    assert "front line (level 0)" in simulator.escalation.value


def test_escalation_is_shown_when_it_happens():
    simulator = LifecycleSimulator("gas-safety")
    take(simulator, "advice-then-log")
    take(simulator, "assign-safety-team")
    assert "The complaint was escalated to level 1." in simulator.feedback.value
    assert "Met</strong> — Escalate a safety complaint" in simulator.feedback.value
    assert "internal review (level 1)" in simulator.escalation.value


def test_the_policy_argument_sets_the_deadlines():
    policy = load_policy()
    strict = dataclasses.replace(policy, vulnerable_first_response_business_days=1)
    simulator = LifecycleSimulator("vulnerable-customer", policy=strict)
    # Received Tue 23 December 2025; 1 business day later is Wed 24 December.
    assert "First response to a vulnerable customer within 1 business day</td>" \
        "<td>Wed 24 Dec 2025</td>" in simulator.deadlines.value
    default = LifecycleSimulator("vulnerable-customer")
    # 3 business days: Wed 24, (Christmas and Boxing Day) Mon 29, Tue 30 December.
    assert "within 3 business days</td><td>Tue 30 Dec 2025</td>" in default.deadlines.value
