"""The deadline calculator driven from Python as a learner would: pick a date and time, a
channel, tick vulnerable or safety, switch the comparison off; read the tables.

Dates are the hand-computed ones of tests/core/complaints/test_deadlines.py and
tests/core/complaints/test_regulators.py.
"""

from __future__ import annotations

import datetime as dt

import ipywidgets as widgets
import pytest

from widgets.core.complaints.regulators import load_regulators
from widgets.deadlines import EXAMPLE_RECEIVED, DeadlineCalculator

D = dt.date


@pytest.fixture
def calculator(policy) -> DeadlineCalculator:
    return DeadlineCalculator(policy=policy)


def shown_date(text: str) -> str:
    """How the view shows a due date: bold, on one line."""
    return f'<strong style="white-space:nowrap">{text}</strong>'


def dues(calculator: DeadlineCalculator) -> dict[str, dt.date]:
    return {d.step: d.due for d in calculator.plan.deadlines}


def test_opens_on_the_easter_example_with_labelled_controls(calculator):
    assert isinstance(calculator, widgets.VBox)
    assert calculator.received() == EXAMPLE_RECEIVED == dt.datetime(2025, 4, 17, 9, 40)
    assert [c.description for c in (calculator.date_input, calculator.time_input,
                                    calculator.channel_input, calculator.vulnerable_input,
                                    calculator.safety_input, calculator.compare_input)] == [
        "Received on", "at", "Channel", "Customer on the vulnerable-customer register",
        "Possible risk to health or safety", "Compare with regulators' timelines"]
    assert dues(calculator) == {"acknowledge": D(2025, 4, 23), "first_response": D(2025, 4, 28),
                                "resolve": D(2025, 5, 20)}
    shown = calculator.policy_view.value
    assert "deadlines for a complaint received Thu 17 Apr 2025 at 09:40" in shown
    assert shown_date("Wed 23 Apr 2025") in shown
    assert "Also required" not in shown  # an e-mail from a customer not on the register
    assert calculator.message.value == ""
    regulators = calculator.regulators_view.value
    assert shown_date("Thu 12 Jun 2025") in regulators  # FCA 8 weeks
    assert shown_date("Fri 18 Apr 2025 09:40") in regulators  # ASIC 24 hours
    assert "none of these codes binds Harbourside" in regulators
    assert "Superannuation trustees" in regulators  # the ASIC note is shown
    expected_rows = 3 + sum(len(r.milestones) for r in load_regulators().values())
    assert len(calculator.comparison) == expected_rows
    assert regulators.count("<tr>") == expected_rows + 1  # plus the header row


def test_ticking_the_priority_rules_changes_the_dates(calculator):
    calculator.safety_input.value = True
    assert dues(calculator)["acknowledge"] == D(2025, 4, 17)
    assert "Safety Team" in calculator.policy_view.value
    calculator.vulnerable_input.value = True
    assert dues(calculator)["first_response"] == D(2025, 4, 24)
    assert "customer on the vulnerable register" in calculator.policy_view.value
    calculator.safety_input.value = calculator.vulnerable_input.value = False
    assert dues(calculator)["acknowledge"] == D(2025, 4, 23)


def test_channel_and_time(calculator):
    calculator.channel_input.value = "phone"
    assert calculator.plan.channel == "phone"
    assert "acknowledged during the conversation itself" in calculator.policy_view.value
    calculator.time_input.value = dt.time(8, 5)
    assert calculator.plan.received == dt.datetime(2025, 4, 17, 8, 5)
    assert shown_date("Fri 18 Apr 2025 08:05") in calculator.regulators_view.value


def test_new_date_and_the_comparison_switch(calculator):
    calculator.date_input.value = D(2025, 12, 23)
    assert dues(calculator) == {"acknowledge": D(2025, 12, 29),
                                "first_response": D(2026, 1, 2), "resolve": D(2026, 1, 23)}
    calculator.compare_input.value = False
    assert calculator.comparison is None and calculator.regulators_view.value == ""
    assert calculator.plan is not None


def test_empty_date_and_years_without_holidays(calculator):
    calculator.date_input.value = None
    assert calculator.plan is None and calculator.comparison is None
    assert "Choose the date the complaint was received" in calculator.message.value
    assert calculator.policy_view.value == ""
    calculator.date_input.value = D(2026, 12, 24)
    # The 20-business-day decision falls in January 2027, a year the policy has no holidays for.
    assert "lists no public holidays for 2027" in calculator.message.value
    calculator.date_input.value = D(2025, 4, 17)
    assert calculator.message.value == ""


def test_comparison_off_still_warns_only_for_the_policy_dates(policy):
    # 24 Nov 2026: the policy's dates end in December 2026, the FCA window runs into 2027.
    calculator = DeadlineCalculator(dt.datetime(2026, 11, 24, 9, 0), compare=False,
                                    policy=policy)
    assert calculator.message.value == ""
    calculator.compare_input.value = True
    assert "lists no public holidays for 2027" in calculator.message.value
