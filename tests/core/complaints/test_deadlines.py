"""The deadline calculator over the policy: dates for acknowledgement, first response and
decision, the vulnerable and safety rules, and "was it on time?".

Every date below is worked out by hand from the calendar and the England and Wales public
holidays in datasets/policy.yaml, with the count written next to the assertion, so the
calculator is checked against the calendar and not against itself. "Within N business days"
counts the business days AFTER the day of receipt (policy section 1).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd
import pytest

from widgets.core.complaints import find_policy_breaches
from widgets.core.complaints.deadlines import (
    CONVERSATION_CHANNELS,
    as_datetime,
    missing_holiday_years,
    plan_deadlines,
    plan_for_record,
    record_timeline,
)

D = dt.date
EASTER_THURSDAY = dt.datetime(2025, 4, 17, 15, 30)  # Good Friday 18 and Easter Monday 21 April


def dues(plan) -> dict[str, dt.date]:
    return {d.step: d.due for d in plan.deadlines}


def test_holidays_the_examples_rely_on_are_in_the_policy(policy):
    for day in (D(2025, 4, 18), D(2025, 4, 21), D(2025, 5, 5), D(2025, 5, 26),
                D(2025, 12, 25), D(2025, 12, 26), D(2026, 1, 1)):
        assert day in policy.holidays, day
    assert D(2025, 4, 22) not in policy.holidays


def test_easter_2025_standard_deadlines(policy):
    plan = plan_deadlines(EASTER_THURSDAY, policy, channel="email")
    # Business days after Thu 17 Apr: Fri 18 holiday, weekend, Mon 21 holiday,
    # Tue 22 (1), Wed 23 (2), Thu 24 (3), Fri 25 (4), Mon 28 (5).
    # 20: 29 (6), 30 (7), 1 May (8), 2 (9), Mon 5 May holiday, 6-9 (10-13), 12-16 (14-18),
    # 19 (19), Tue 20 May (20).
    assert dues(plan) == {"acknowledge": D(2025, 4, 23), "first_response": D(2025, 4, 28),
                          "resolve": D(2025, 5, 20)}
    assert [(d.within_business_days, d.basis, d.policy_section, d.clauses)
            for d in plan.deadlines] == [
        (2, "standard", "4.2", ("7.4",)),
        (5, "standard", "4.4", ("7.7",)),
        (20, "standard", "4.5", ("7.8",)),
    ]
    assert plan.requirements == ()  # an e-mail: no conversation, no priority rule


def test_easter_2025_vulnerable_and_safety_rules(policy):
    plan = plan_deadlines(EASTER_THURSDAY, policy, vulnerable=True, safety=True)
    # Safety: the day of receipt itself. Vulnerable: 3 business days, Tue 22 / Wed 23 / Thu 24.
    assert dues(plan) == {"acknowledge": D(2025, 4, 17), "first_response": D(2025, 4, 24),
                          "resolve": D(2025, 5, 20)}
    acknowledge, response, _ = plan.deadlines
    assert (acknowledge.within_business_days, acknowledge.basis, acknowledge.policy_section,
            acknowledge.clauses, acknowledge.target) == (
        0, "safety", "4.3", ("7.4", "7.5"), "on the day of receipt")
    assert (response.within_business_days, response.basis, response.policy_section,
            response.clauses, response.target) == (
        3, "vulnerable", "4.6", ("7.7", "4.5", "7.5"), "within 3 business days")
    assert len(plan.requirements) == 2
    assert "escalation level at least 1 (policy 4.3; ISO 10002 7.5)" in plan.requirements[0]
    assert "keeps the same handler" in plan.requirements[1]


def test_weekend_receipt_counts_from_the_next_business_day(policy):
    # Fri 7 Mar 2025: Mon 10 (1), Tue 11 (2); first response Mon 10 ... Fri 14 (5).
    friday = plan_deadlines(dt.datetime(2025, 3, 7, 17, 55), policy)
    assert dues(friday)["acknowledge"] == D(2025, 3, 11)
    assert dues(friday)["first_response"] == D(2025, 3, 14)
    # Received on the Saturday or the Sunday: the same business days follow, same dates.
    for day in (8, 9):
        assert dues(plan_deadlines(dt.datetime(2025, 3, day, 11, 0), policy)) == dues(friday)
    # A safety complaint received on a Saturday is acknowledged that Saturday.
    assert dues(plan_deadlines(D(2025, 3, 8), policy, safety=True))["acknowledge"] == \
        D(2025, 3, 8)


def test_christmas_2025_crosses_three_holidays(policy):
    plan = plan_deadlines(dt.datetime(2025, 12, 23, 10, 0), policy, vulnerable=True)
    # After Tue 23 Dec: Wed 24 (1), Thu 25 and Fri 26 holidays, weekend, Mon 29 (2),
    # Tue 30 (3) ... and 20: Wed 31 (4), Thu 1 Jan holiday, Fri 2 (5), 5-9 Jan (6-10),
    # 12-16 (11-15), 19-23 (16-20).
    assert dues(plan) == {"acknowledge": D(2025, 12, 29), "first_response": D(2025, 12, 30),
                          "resolve": D(2026, 1, 23)}
    standard = plan_deadlines(dt.datetime(2025, 12, 23, 10, 0), policy)
    assert dues(standard)["first_response"] == D(2026, 1, 2)  # 5: Wed 31 (4), Fri 2 Jan (5)


def test_is_met_counts_business_days_as_the_kpis_do(policy):
    plan = plan_deadlines(EASTER_THURSDAY, policy)
    assert plan.elapsed(dt.datetime(2025, 4, 17, 16, 0)) == 0
    assert plan.elapsed(D(2025, 4, 22)) == 1
    assert plan.is_met("acknowledge", dt.datetime(2025, 4, 23, 17, 59))  # 2 of 2
    assert not plan.is_met("acknowledge", dt.datetime(2025, 4, 24, 9, 0))  # 3 of 2
    assert plan.is_met("first_response", pd.Timestamp("2025-04-28 18:00"))  # 5 of 5
    assert not plan.is_met("resolve", D(2025, 5, 21))  # 21 of 20
    # The weekend after the due day adds no business day: Sat 26 Apr is still 4 after receipt,
    # and a complaint of Wed 5 Mar (due Fri 7 Mar) acknowledged on Sat 8 Mar is on time.
    assert plan.elapsed(D(2025, 4, 26)) == 4
    wednesday = plan_deadlines(dt.datetime(2025, 3, 5, 12, 0), policy)
    assert dues(wednesday)["acknowledge"] == D(2025, 3, 7)
    assert wednesday.is_met("acknowledge", dt.datetime(2025, 3, 8, 10, 0))
    assert not wednesday.is_met("acknowledge", dt.datetime(2025, 3, 10, 8, 0))
    with pytest.raises(ValueError, match="before the complaint was received"):
        plan.is_met("acknowledge", dt.datetime(2025, 4, 17, 9, 0))
    with pytest.raises(KeyError, match="no deadline 'closing'; the steps are acknowledge"):
        plan.deadline("closing")


def test_is_met_agrees_with_the_breach_rules_on_the_sample_log(policy, sample_result):
    """The calculator and the audit's breach rules must judge a record alike (one definition
    of business days, one reading of each target)."""
    frame = sample_result.frame
    rows = frame[frame["acknowledged_at"].notna() & frame["first_response_at"].notna()]
    rows = rows.iloc[:400]
    breaches = find_policy_breaches(rows, policy)
    late_ack = set(breaches.loc[breaches["rule"].isin(["ACK_LATE", "SAFETY_ACK_LATE"]),
                                "complaint_id"])
    late_response = set(breaches.loc[breaches["rule"].isin(
        ["RESPONSE_LATE", "VULNERABLE_RESPONSE_LATE"]), "complaint_id"])
    checked_late = 0
    for row in rows.itertuples():
        plan = plan_for_record(row._asdict(), policy)
        ack_late = not plan.is_met("acknowledge", row.acknowledged_at)
        response_late = not plan.is_met("first_response", row.first_response_at)
        assert ack_late == (row.complaint_id in late_ack), row.complaint_id
        assert response_late == (row.complaint_id in late_response), row.complaint_id
        checked_late += ack_late + response_late
    assert checked_late > 0  # the slice holds late records, so both answers were exercised


def test_the_dates_follow_the_policy_file(policy):
    slower = policy.with_time_target("acknowledge", within_business_days=3)
    assert dues(plan_deadlines(EASTER_THURSDAY, slower))["acknowledge"] == D(2025, 4, 24)
    extra_holiday = dataclasses.replace(policy, holidays=(*policy.holidays, D(2025, 4, 22)))
    # Tue 22 becomes a holiday: Wed 23 (1), Thu 24 (2).
    assert dues(plan_deadlines(EASTER_THURSDAY, extra_holiday))["acknowledge"] == \
        D(2025, 4, 24)
    stricter = dataclasses.replace(policy, vulnerable_first_response_business_days=1)
    assert dues(plan_deadlines(EASTER_THURSDAY, stricter, vulnerable=True))[
        "first_response"] == D(2025, 4, 22)


def test_conversation_channels_add_the_in_call_acknowledgement(policy):
    assert CONVERSATION_CHANNELS == ("phone", "chat")
    for channel in CONVERSATION_CHANNELS:
        plan = plan_deadlines(EASTER_THURSDAY, policy, channel=channel)
        assert plan.requirements == (
            f"A {channel} complaint is acknowledged during the conversation itself (policy "
            "4.2); the date above is the outer limit that the acknowledgement KPI measures.",)
        assert dues(plan)["acknowledge"] == D(2025, 4, 23)
    for channel in ("email", "web_form", "letter", "social_media", None):
        assert plan_deadlines(EASTER_THURSDAY, policy, channel=channel).requirements == ()


def test_table_reads_like_the_policy(policy):
    table = plan_deadlines(EASTER_THURSDAY, policy, vulnerable=True).table()
    assert list(table.index) == ["Acknowledgement", "First substantive response",
                                 "Decision communicated"]
    assert table.loc["First substantive response"].to_dict() == {
        "target": "within 3 business days", "due": "Thu 24 Apr 2025",
        "applies because": "customer on the vulnerable register", "policy section": "4.6",
        "ISO 10002 clauses": "7.7, 4.5, 7.5"}
    assert table.loc["Decision communicated", "due"] == "Tue 20 May 2025"


def test_bad_input_says_what_to_do(policy):
    with pytest.raises(ValueError, match="unknown channel 'fax'; use one of phone, email"):
        plan_deadlines(EASTER_THURSDAY, policy, channel="fax")
    with pytest.raises(TypeError, match="received must be a date or a datetime, not str"):
        plan_deadlines("2025-04-17", policy)
    with pytest.raises(ValueError, match="has a time zone"):
        plan_deadlines(dt.datetime(2025, 4, 17, tzinfo=dt.UTC), policy)
    with pytest.raises(ValueError, match="received is missing"):
        plan_deadlines(pd.NaT, policy)


def test_as_datetime_accepts_the_log_s_types():
    assert as_datetime(D(2025, 4, 17), "x") == dt.datetime(2025, 4, 17, 0, 0)
    assert as_datetime(pd.Timestamp("2025-04-17 15:30"), "x") == EASTER_THURSDAY
    assert as_datetime(np.datetime64("2025-04-17T15:30"), "x") == EASTER_THURSDAY


def test_missing_holiday_years(policy):
    assert {d.year for d in policy.holidays} == {2024, 2025, 2026}
    assert missing_holiday_years(policy, D(2025, 4, 17), D(2025, 12, 12)) == []
    assert missing_holiday_years(policy, D(2026, 12, 24), D(2027, 2, 1)) == [2027]
    assert missing_holiday_years(policy, D(2023, 12, 1), D(2024, 1, 31)) == [2023]


def test_record_timeline_for_a_logged_complaint(policy):
    record = {
        "complaint_id": "CMP-TEST-1", "received_at": pd.Timestamp("2025-04-17 15:30"),
        "channel": "letter", "category": "billing", "vulnerable": True,
        "acknowledged_at": pd.Timestamp("2025-04-24 10:00"),
        "first_response_at": pd.Timestamp("2025-04-24 16:00"), "resolved_at": pd.NaT,
    }
    plan = plan_for_record(record, policy)
    assert (plan.channel, plan.vulnerable, plan.safety) == ("letter", True, False)
    table = record_timeline(plan, record)
    # Thu 24 Apr is the 3rd business day after receipt (Tue 22, Wed 23, Thu 24): late for the
    # 2-day acknowledgement, on time for the vulnerable customer's 3-day first response.
    assert table.to_dict("index") == {
        "Acknowledgement": {"target": "within 2 business days", "due": "Wed 23 Apr 2025",
                            "happened": "Thu 24 Apr 2025 10:00",
                            "business days after receipt": 3, "on time": "NO"},
        "First substantive response": {"target": "within 3 business days",
                                       "due": "Thu 24 Apr 2025",
                                       "happened": "Thu 24 Apr 2025 16:00",
                                       "business days after receipt": 3, "on time": "yes"},
        "Decision communicated": {"target": "within 20 business days", "due": "Tue 20 May 2025",
                                  "happened": "not yet",
                                  "business days after receipt": None, "on time": "not yet"},
    }
    assert str(table["business days after receipt"].dtype) == "Int64"


def test_plan_for_record_reads_safety_from_the_category_and_a_missing_flag_as_no(policy):
    record = {"received_at": pd.Timestamp("2025-03-08 11:00"), "channel": "phone",
              "category": "safety", "vulnerable": pd.NA}
    plan = plan_for_record(record, policy)
    assert (plan.safety, plan.vulnerable) == (True, False)
    assert dues(plan)["acknowledge"] == D(2025, 3, 8)
