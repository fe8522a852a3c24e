"""When is a complaint due? Harbourside's deadlines for one complaint, from its receipt.

Why a calculator: "within 2 business days" sounds simple until a complaint arrives on the
Thursday before Easter. Counting on fingers gives Saturday; the policy's calendar gives the
Wednesday after Easter Monday. Learners (and the lifecycle simulator, the triage board and the
audit exercises) need the dates the policy really sets, so this module turns the policy's
timeliness targets and priority rules into calendar dates for one complaint.

It owns no counting of its own: every date comes from ``Policy.deadline`` and every "was it on
time?" from ``Policy.business_days_elapsed`` — the one business-day definition of the course
(business days after the day of receipt, up to and including the day of the event; weekends
and the policy's public holidays excluded). The numbers are the policy's (datasets/policy.yaml),
so a trainer who edits a target sees every date follow.

Which target applies (datasets/complaints-policy.md):
- acknowledgement (policy 4.2, ISO 10002 7.4): the standard target, or the same day for a
  safety complaint (policy 4.3, ISO 10002 7.5);
- first substantive response (policy 4.4, ISO 10002 7.7): the standard target, or the tighter
  one for a customer on the vulnerable-customer register (policy 4.6, ISO 10002 4.5, 7.5);
- decision communicated (policy 4.5, ISO 10002 7.8): the same for everyone.
The policy also says what a date cannot express: phone and chat complaints are acknowledged
in the conversation, a safety complaint goes to the Safety Team, a vulnerable customer keeps
one handler. Those come back as ``requirements``, in words.

    plan = plan_deadlines(dt.datetime(2025, 4, 17, 15, 30), channel="email")
    plan.deadline("acknowledge").due        # datetime.date(2025, 4, 23)
    plan.is_met("acknowledge", dt.datetime(2025, 4, 22, 9, 0))   # True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from widgets.core.common.reader import by_id
from widgets.core.complaints.breaches import RULES
from widgets.core.complaints.kpis import TIMING_EVENTS
from widgets.core.complaints.policy import TIMELINESS_STEPS, Policy, load_policy
from widgets.core.complaints.schema import CHANNELS

STEP_LABELS = {
    "acknowledge": "Acknowledgement",
    "first_response": "First substantive response",
    "resolve": "Decision communicated",
}
BASIS_TEXT = {
    "standard": "standard target",
    "safety": "safety complaint",
    "vulnerable": "customer on the vulnerable register",
}
# Policy 4.2: "complaints made by phone or chat are acknowledged during the conversation".
CONVERSATION_CHANNELS = ("phone", "chat")


@dataclass(frozen=True)
class PolicyDeadline:
    """One of the policy's promises for this complaint, as a calendar date."""

    step: str  # a policy timeliness step: acknowledge, first_response, resolve
    label: str
    within_business_days: int
    # The last business day that meets the target (Policy.deadline); a target of 0 means the
    # day of receipt. Doing it by then is always on time.
    due: dt.date
    basis: str  # why this target applies: "standard", "safety" or "vulnerable"
    policy_section: str
    clauses: tuple[str, ...]

    @property
    def target(self) -> str:
        """'within 2 business days', or 'on the day of receipt' for a target of 0."""
        days = self.within_business_days
        if days == 0:
            return "on the day of receipt"
        return f"within {days} business day{'s' * (days != 1)}"


@dataclass(frozen=True)
class DeadlinePlan:
    """Everything the policy promises one complaint: dates, and rules that are not dates."""

    received: dt.datetime
    channel: str | None
    vulnerable: bool
    safety: bool
    deadlines: tuple[PolicyDeadline, ...]
    requirements: tuple[str, ...]
    policy: Policy

    def deadline(self, step: str) -> PolicyDeadline:
        return by_id(self.deadlines, step, "deadline", known="the steps are", attr="step")

    def elapsed(self, done_at: dt.date | dt.datetime) -> int:
        """Business days from receipt to `done_at`, counted as the policy counts them."""
        value = self.policy.business_days_elapsed(
            np.array([self.received], dtype="datetime64[ns]"),
            np.array([as_datetime(done_at, "done_at")], dtype="datetime64[ns]"))[0]
        return int(value)

    def is_met(self, step: str, done_at: dt.date | dt.datetime) -> bool:
        """Did an event at `done_at` meet this step's target?

        The KPIs' and the breach rules' test: business days elapsed <= target. An event on the
        weekend or holiday right after the due day is still on time, as no business day has
        passed since it.
        """
        if as_datetime(done_at, "done_at") < self.received:
            raise ValueError(f"done_at {done_at} is before the complaint was received "
                             f"({self.received:%Y-%m-%d %H:%M}); check the two timestamps")
        return self.elapsed(done_at) <= self.deadline(step).within_business_days

    def table(self) -> pd.DataFrame:
        """The deadlines as rows a person reads: what, target, due date, why, where from."""
        return pd.DataFrame([{
            "step": d.label,
            "target": d.target,
            "due": f"{d.due:%a %d %b %Y}",
            "applies because": BASIS_TEXT[d.basis],
            "policy section": d.policy_section,
            "ISO 10002 clauses": ", ".join(d.clauses),
        } for d in self.deadlines]).set_index("step")


def missing_holiday_years(policy: Policy, first: dt.date, last: dt.date) -> list[int]:
    """Years from `first` to `last` for which the policy lists no public holiday.

    Business days in such a year count weekends only, so a date computed there may be a day
    or two early; a view warns rather than show it as certain.
    """
    listed = {day.year for day in policy.holidays}
    return [year for year in range(first.year, last.year + 1) if year not in listed]


def as_datetime(value: object, name: str) -> dt.datetime:
    """A date, datetime, pandas Timestamp or numpy datetime64 (the log's types) as a naive
    datetime; a date means midnight."""
    if value is pd.NaT or (isinstance(value, np.datetime64) and np.isnat(value)):
        raise ValueError(f"{name} is missing (NaT); give the date and time it happened")
    if isinstance(value, pd.Timestamp | np.datetime64):
        value = pd.Timestamp(value).to_pydatetime()
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            raise ValueError(f"{name} {value} has a time zone; the complaint log and the "
                             "policy use local (naive) times, so drop the time zone first")
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    raise TypeError(f"{name} must be a date or a datetime, not {type(value).__name__}")


def _due(policy: Policy, received: dt.datetime, business_days: int) -> dt.date:
    return np.asarray(policy.deadline(received.date(), business_days)).item()


def plan_deadlines(
    received: dt.date | dt.datetime,
    policy: Policy | None = None,
    *,
    channel: str | None = None,
    vulnerable: bool = False,
    safety: bool = False,
) -> DeadlinePlan:
    """The policy's deadlines for a complaint received at `received`.

    `channel` (a value of the complaint-log schema, or None when unknown) adds the policy's
    rule for conversations; `vulnerable` and `safety` switch on the priority rules.
    """
    received = as_datetime(received, "received")
    if channel is not None and channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}; use one of {', '.join(CHANNELS)} "
                         "(the complaint-log schema's channels) or None")
    policy = policy if policy is not None else load_policy()
    targets = policy.timeliness
    ack, first, resolve = (targets[step] for step in TIMELINESS_STEPS)
    if safety:
        safety_rule = RULES["SAFETY_ACK_LATE"]
        acknowledgement = PolicyDeadline(
            "acknowledge", STEP_LABELS["acknowledge"], policy.safety_acknowledge_business_days,
            _due(policy, received, policy.safety_acknowledge_business_days), "safety",
            safety_rule.policy_section, (ack.clause, safety_rule.clause))
    else:
        acknowledgement = PolicyDeadline(
            "acknowledge", STEP_LABELS["acknowledge"], ack.within_business_days,
            _due(policy, received, ack.within_business_days), "standard",
            ack.policy_section, (ack.clause,))
    if vulnerable:
        vulnerable_rule = RULES["VULNERABLE_RESPONSE_LATE"]
        days = policy.vulnerable_first_response_business_days
        response = PolicyDeadline(
            "first_response", STEP_LABELS["first_response"], days,
            _due(policy, received, days), "vulnerable", vulnerable_rule.policy_section,
            (first.clause, *vulnerable_rule.clause.split(", ")))
    else:
        response = PolicyDeadline(
            "first_response", STEP_LABELS["first_response"], first.within_business_days,
            _due(policy, received, first.within_business_days), "standard",
            first.policy_section, (first.clause,))
    decision = PolicyDeadline(
        "resolve", STEP_LABELS["resolve"], resolve.within_business_days,
        _due(policy, received, resolve.within_business_days), "standard",
        resolve.policy_section, (resolve.clause,))
    return DeadlinePlan(received, channel, vulnerable, safety,
                        (acknowledgement, response, decision),
                        _requirements(policy, channel, vulnerable, safety), policy)


def _requirements(policy: Policy, channel: str | None, vulnerable: bool,
                  safety: bool) -> tuple[str, ...]:
    """What the policy asks for this complaint beyond the dates, in words."""
    found = []
    if channel in CONVERSATION_CHANNELS:
        section = policy.timeliness["acknowledge"].policy_section
        found.append(f"A {channel} complaint is acknowledged during the conversation itself "
                     f"(policy {section}); the date above is the outer limit that the "
                     "acknowledgement KPI measures.")
    if safety:
        rule = RULES["SAFETY_NOT_ESCALATED"]
        found.append("A possible risk to health or safety is passed to the Safety Team for "
                     f"review: escalation level at least {policy.safety_min_escalation_level} "
                     f"(policy {rule.policy_section}; ISO 10002 {rule.clause}). Anyone who "
                     "smells gas is first told to leave the property and call the national gas "
                     "emergency line.")
    if vulnerable:
        found.append("A customer on the vulnerable-customer register gets responses in the "
                     "format they prefer and keeps the same handler until the complaint is "
                     f"closed (policy {RULES['VULNERABLE_RESPONSE_LATE'].policy_section}).")
    return tuple(found)


def plan_for_record(record: Mapping[str, object], policy: Policy | None = None) -> DeadlinePlan:
    """The plan for one row of the complaint log: its receipt, channel, vulnerable flag, and
    the safety rule for the 'safety' category (as the breach rules read a record)."""
    vulnerable = record.get("vulnerable")
    return plan_deadlines(
        record["received_at"], policy, channel=record.get("channel"),
        vulnerable=False if pd.isna(vulnerable) else bool(vulnerable),
        safety=record.get("category") == "safety")


def record_timeline(plan: DeadlinePlan, record: Mapping[str, object]) -> pd.DataFrame:
    """A logged complaint's events against its plan: due, happened, business days, on time.

    What tracking (7.3) shows a handler or an auditor for one complaint; 'not yet' where the
    event has not happened, so an open complaint reads as open and not as late.
    """
    rows = []
    for deadline in plan.deadlines:
        happened = record.get(TIMING_EVENTS[deadline.step][0])  # the KPI's event column
        done = happened is not None and not pd.isna(happened)
        rows.append({
            "step": deadline.label,
            "target": deadline.target,
            "due": f"{deadline.due:%a %d %b %Y}",
            "happened": f"{as_datetime(happened, deadline.step):%a %d %b %Y %H:%M}" if done
            else "not yet",
            "business days after receipt": plan.elapsed(happened) if done else None,
            "on time": ("yes" if plan.is_met(deadline.step, happened) else "NO") if done
            else "not yet",
        })
    table = pd.DataFrame(rows).set_index("step")
    return table.astype({"business days after receipt": "Int64"})
