"""The printed business-day calendar (widgets/core/complaints/business_calendar.py).

Learners count deadlines on it by hand, so it must show exactly the policy's holidays and
week, in the right weekday columns.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from widgets.core.complaints import business_calendar, load_policy

POLICY = load_policy()


def test_may_2025_marks_both_bank_holidays_in_the_monday_column():
    text = business_calendar(POLICY, dt.date(2025, 5, 12), dt.date(2025, 5, 20))
    lines = text.split("\n")
    assert lines[0] == "May 2025"
    assert lines[1].split() == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    assert lines[2].split() == ["1", "2", "3", "4"]
    assert lines[3].split() == ["5*", "6", "7", "8", "9", "10", "11"]
    assert lines[6].split() == ["26*", "27", "28", "29", "30", "31"]
    # Each day sits under its weekday's name: Thursday 1 May under "Thu".
    assert lines[2].index("1 ") == lines[1].index("Thu") + 1
    assert text.endswith(
        "* public holiday, not a business day: Monday 5 May 2025, Monday 26 May 2025."
    )


def test_spans_every_month_from_start_to_end_across_a_year():
    text = business_calendar(POLICY, dt.date(2025, 12, 20), dt.date(2026, 1, 5))
    assert "December 2025" in text and "January 2026" in text
    assert "Thursday 25 December 2025, Friday 26 December 2025, Thursday 1 January 2026" in text


def test_follows_an_edited_policy():
    six_days = dataclasses.replace(POLICY, weekmask="Mon Tue Wed Thu Fri Sat", holidays=())
    text = business_calendar(six_days, dt.date(2025, 5, 1), dt.date(2025, 5, 1))
    assert "Business days: Mon, Tue, Wed, Thu, Fri, Sat, except public holidays." in text
    assert "*" not in text.split("\n\n")[0]
    assert text.endswith("not a business day: none.")


def test_refuses_an_end_before_the_start():
    with pytest.raises(ValueError, match="ends"):
        business_calendar(POLICY, dt.date(2025, 5, 2), dt.date(2025, 5, 1))
