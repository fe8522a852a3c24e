"""The policy's business-day calendar as plain text, for working out deadlines by hand.

Why: a front-line handler works out "within 2 business days" from a wall calendar, not from
code. The practitioner exercises print this calendar above the questions so that a learner
counts days the way the policy defines them — the weekdays of the policy's week mask, minus
its public holidays — and the grader's expected dates come from the same policy
(:meth:`Policy.deadline`), so the two cannot disagree.
"""

from __future__ import annotations

import calendar
import datetime as dt

from widgets.core.complaints.policy import Policy

_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
HOLIDAY_MARK = "*"


def _months(start: dt.date, end: dt.date) -> list[tuple[int, int]]:
    months = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def month_calendar(policy: Policy, year: int, month: int) -> str:
    """One month, weeks from Monday, with the policy's public holidays marked ``*``."""
    lines = [f"{calendar.month_name[month]} {year}", " ".join(f"{name:>4}" for name in _DAY_NAMES)]
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        cells = []
        for day in week:
            if day.month != month:
                cells.append("    ")
            elif day in policy.holidays:
                cells.append(f"{day.day:>3}{HOLIDAY_MARK}")
            else:
                cells.append(f"{day.day:>3} ")
        lines.append(" ".join(cells).rstrip())
    return "\n".join(lines)


def business_calendar(policy: Policy, start: dt.date, end: dt.date) -> str:
    """Every month from `start`'s to `end`'s, side by side in reading order, with a legend
    naming the business days and listing the holidays in that span."""
    if end < start:
        raise ValueError(f"the calendar ends ({end}) before it starts ({start})")
    business = ", ".join(name for name in _DAY_NAMES if name in policy.weekmask.split())
    months = [month_calendar(policy, year, month) for year, month in _months(start, end)]
    first = dt.date(start.year, start.month, 1)
    last = dt.date(end.year, end.month, calendar.monthrange(end.year, end.month)[1])
    holidays = [day for day in sorted(policy.holidays) if first <= day <= last]
    listed = ", ".join(f"{day:%A %-d %B %Y}" for day in holidays) or "none"
    legend = (
        f"Business days: {business}, except public holidays.\n"
        f"{HOLIDAY_MARK} public holiday, not a business day: {listed}."
    )
    return "\n\n".join([*months, legend])
