"""Public complaint timelines (FCA, ASIC, SPSO, Housing Ombudsman, CFPB) for comparison.

ISO 10002 sets no numbers: clause 7.1 asks an organization to publish its time frames and 7.4,
7.7 and 7.8 to act promptly, and the organization fills in the days (Harbourside's policy, in
datasets/policy.yaml). Regulators and ombudsman schemes fill them in for whole sectors, and their
choices differ in ways that matter when a learner compares: hours or days, calendar days or
working days, counted from receipt or from an earlier step. "8 weeks" and "20 working days"
only compare once both are dates for the same complaint, so this module answers one question:
*when would this complaint be due under regime X?*

The timelines are content (widgets/content/regulators.yaml), each milestone with its unit and
its starting point. Working days are counted with the policy's calendar through
``Policy.deadline`` — the course's one business-day definition — so the comparison reads "as
if Harbourside ran this regime" and never invents a second way of counting.

    regulators = load_regulators()
    due_dates(regulators["fca"], dt.datetime(2025, 4, 17, 15, 30), policy)
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from widgets.core.common.errors import ContentError
from widgets.core.common.paths import CONTENT_DIR
from widgets.core.common.reader import ContentReader, by_id, read_yaml
from widgets.core.complaints.deadlines import DeadlinePlan, as_datetime
from widgets.core.complaints.policy import Policy

REGULATORS_FILE = CONTENT_DIR / "regulators.yaml"
UNITS = ("hours", "calendar_days", "business_days", "weeks", "months")
UNIT_WORDS = {
    "hours": ("hour", "hours"),
    "calendar_days": ("calendar day", "calendar days"),
    "business_days": ("business day", "business days"),  # "working days" in some codes
    "weeks": ("week", "weeks"),
    "months": ("month", "months"),
}
RECEIPT = "receipt"
REGULATOR_KEYS = {"id": True, "name": True, "jurisdiction": True, "applies_to": True,
                  "source": True, "note": False, "milestones": True}
MILESTONE_KEYS = {"id": True, "label": True, "amount": True, "unit": True, "from": True,
                  "from_text": False}


class RegulatorError(ContentError):
    """The regulators file is missing a key or holds a value of the wrong kind."""


@dataclass(frozen=True)
class Milestone:
    """'Do X within N units of the start', the start being receipt or an earlier milestone."""

    id: str
    label: str
    amount: int
    unit: str
    start: str  # "receipt" or an earlier milestone's id
    start_text: str = ""

    @property
    def period(self) -> str:
        """'8 weeks', '1 working day'."""
        singular, plural = UNIT_WORDS[self.unit]
        return f"{self.amount} {singular if self.amount == 1 else plural}"

    @property
    def rule(self) -> str:
        """'within 8 weeks of receipt'."""
        start = "receipt" if self.start == RECEIPT else (self.start_text or self.start)
        return f"within {self.period} of {start}"


@dataclass(frozen=True)
class Regulator:
    id: str
    name: str
    jurisdiction: str
    applies_to: str
    source: str
    milestones: tuple[Milestone, ...]
    note: str = ""

    def milestone(self, milestone_id: str) -> Milestone:
        return by_id(self.milestones, milestone_id, "milestone", owner=self.id, known="it has")


@dataclass(frozen=True)
class DueDate:
    """When one milestone falls due for one complaint."""

    regulator: Regulator
    milestone: Milestone
    start: dt.datetime  # when the clock started
    start_assumed: bool  # True when the start is an earlier deadline, not an actual date
    due: dt.date  # the last day that meets the rule (to the end of that day)
    due_at: dt.datetime | None  # the exact moment, for rules in hours

    def describe_due(self) -> str:
        """'Fri 18 Apr 2025 15:30' for hours, 'Thu 12 Jun 2025' for days."""
        if self.due_at is not None:
            return f"{self.due_at:%a %d %b %Y %H:%M}"
        return f"{self.due:%a %d %b %Y}"


# ----------------------------------------------------------------------------- the file


def _keys(r: ContentReader, entry: dict, where: str, spec: dict[str, bool]) -> None:
    r.keys(entry, where, [k for k, required in spec.items() if required],
           [k for k, required in spec.items() if not required])


def _milestone(r: ContentReader, entry: dict, where: str, earlier: list[str]) -> Milestone:
    _keys(r, entry, where, MILESTONE_KEYS)
    milestone_id = r.text(entry, "id", where)
    if milestone_id in earlier or milestone_id == RECEIPT:
        raise r.fail(f"{where}id", f"the id {milestone_id!r} is used twice; give every "
                     "milestone its own id")
    amount = int(r.number(entry, "amount", where, low=1, integer=True))
    unit = r.choice(entry, "unit", where, UNITS)
    start = r.get(entry, "from", where)
    if start != RECEIPT and start not in earlier:
        raise r.fail(f"{where}from", f"must be 'receipt' or the id of an earlier milestone "
                     f"({', '.join(earlier) or 'none yet'}); found {start!r}")
    if unit == "hours" and start != RECEIPT:
        raise r.fail(f"{where}unit", "a rule in hours must count from receipt, the only start "
                     "with a time of day")
    return Milestone(milestone_id, r.text(entry, "label", where), amount, unit, start,
                     r.optional_text(entry, "from_text", where))


def _regulator(r: ContentReader, entry: dict, where: str) -> Regulator:
    _keys(r, entry, where, REGULATOR_KEYS)
    milestones: list[Milestone] = []
    for place, milestone in r.entries(entry, "milestones", where):
        milestones.append(_milestone(r, milestone, place, [m.id for m in milestones]))
    return Regulator(r.text(entry, "id", where),
                     *(r.text(entry, key, where)
                       for key in ("name", "jurisdiction", "applies_to", "source")),
                     tuple(milestones), r.optional_text(entry, "note", where))


def parse_regulators(data: object, source: str = "regulators") -> dict[str, Regulator]:
    """Build the regulators from the parsed YAML, naming the entry and key that is wrong; every
    broken regulator is reported at once."""
    r = ContentReader(source, RegulatorError, collect=True)
    top = r.mapping(data, "(top level)")
    r.keys(top, "", ("regulators",))
    regulators = r.each(top, "regulators", "", lambda entry, where: _regulator(r, entry, where))
    r.unique([regulator.id for regulator in regulators], "regulators")
    r.done()
    return {regulator.id: regulator for regulator in regulators}


def load_regulators(path: str | Path | None = None) -> dict[str, Regulator]:
    """The regulators of widgets/content/regulators.yaml (or another file), by id."""
    path = Path(path) if path is not None else REGULATORS_FILE
    return parse_regulators(read_yaml(path, RegulatorError, "regulators file"), str(path))


# ----------------------------------------------------------------------------- the dates


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day when it is shorter (31 Aug + 6
    months = 28 or 29 Feb): how "within six months" is read on a calendar."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_period(start: dt.datetime, amount: int, unit: str,
               policy: Policy) -> tuple[dt.date, dt.datetime | None]:
    """The end of a period that starts at `start`: (last day, exact moment for hours)."""
    if unit == "hours":
        moment = start + dt.timedelta(hours=amount)
        return moment.date(), moment
    if unit == "calendar_days":
        return start.date() + dt.timedelta(days=amount), None
    if unit == "weeks":
        return start.date() + dt.timedelta(weeks=amount), None
    if unit == "months":
        return add_months(start.date(), amount), None
    if unit == "business_days":
        return np.asarray(policy.deadline(start.date(), amount)).item(), None
    raise ValueError(f"unknown unit {unit!r}; use one of {', '.join(UNITS)}")


def due_dates(
    regulator: Regulator,
    received: dt.date | dt.datetime,
    policy: Policy,
    happened: Mapping[str, dt.date | dt.datetime] | None = None,
) -> tuple[DueDate, ...]:
    """When each milestone of `regulator` falls due for a complaint received at `received`.

    A milestone that counts from an earlier one starts when that one happened, if `happened`
    gives its date (by milestone id), otherwise on that one's deadline — the latest the
    regime allows, which is what "when would it be due at the latest?" asks.
    """
    received = as_datetime(received, "received")
    happened = dict(happened or {})
    for milestone_id in happened:
        regulator.milestone(milestone_id)  # a KeyError naming the known milestones
    moments: dict[str, tuple[dt.datetime, bool]] = {RECEIPT: (received, False)}
    results = []
    for milestone in regulator.milestones:
        start, assumed = moments[milestone.start]
        due, due_at = add_period(start, milestone.amount, milestone.unit, policy)
        results.append(DueDate(regulator, milestone, start, assumed, due, due_at))
        if milestone.id in happened:
            actual = as_datetime(happened[milestone.id], f"happened[{milestone.id!r}]")
            if actual < start:
                raise ValueError(f"{regulator.id}: {milestone.id} happened at {actual} but its "
                                 f"clock only started at {start}")
            moments[milestone.id] = (actual, False)
        else:
            moments[milestone.id] = (due_at or dt.datetime.combine(due, dt.time()), True)
    return tuple(results)


def _elapsed(policy: Policy, received: dt.datetime, due: dt.date) -> tuple[int, int]:
    """(calendar days, business days) from the day of receipt to `due`."""
    business = policy.business_days_elapsed(np.array([received], dtype="datetime64[ns]"),
                                            np.array([due], dtype="datetime64[ns]"))[0]
    return (due - received.date()).days, int(business)


def comparison_table(
    plan: DeadlinePlan,
    regulators: Mapping[str, Regulator] | None = None,
) -> pd.DataFrame:
    """Harbourside's deadlines for a complaint next to every regulator's, as a learner reads
    them: who, what, the rule, the due date, and calendar and business days after receipt
    (the last two put "8 weeks" and "20 working days" on one scale), and each regime's
    caveat."""
    regulators = regulators if regulators is not None else load_regulators()
    policy, received = plan.policy, plan.received
    rows = []
    for deadline in plan.deadlines:
        days, business = _elapsed(policy, received, deadline.due)
        rows.append({
            "regime": f"{policy.organization} policy", "milestone": deadline.label,
            "rule": deadline.target, "due": f"{deadline.due:%a %d %b %Y}",
            "calendar days": days, "business days": business, "note": "",
        })
    for regulator in regulators.values():
        for due in due_dates(regulator, received, policy):
            days, business = _elapsed(policy, received, due.due)
            rows.append({
                "regime": regulator.name, "milestone": due.milestone.label,
                "rule": due.milestone.rule, "due": due.describe_due(),
                "calendar days": days, "business days": business, "note": regulator.note,
            })
    return pd.DataFrame(rows)
