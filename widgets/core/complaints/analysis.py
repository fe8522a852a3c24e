"""Trend and group analysis of a complaint log: the tools of module 04 (clause 8.2).

Clause 8.2 (Analysis and evaluation of complaints, following ISO 10002:2018) asks that
complaints be classified and analysed to find single, recurring and systemic issues and trends,
so that root causes can be removed. The questions an analyst asks of a log are few and always
the same — how many per month, did a change make things worse, which group waits longest,
which team's fixes do not hold, which problems are systemic — so each is one function here,
used by the module notebook, its interactive views and the tests alike.

Two rules keep the answers honest:
- Times in business days come from `kpis.business_days_to` and rates from the KPI functions
  of `widgets.core.complaints.kpis`, applied to each group: a reopen rate by team is the
  course's one reopen-rate definition, run on that team's complaints, never a second formula.
- Counts per month include months with no complaint (as 0), so a quiet month cannot vanish
  from an average.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from widgets.core.complaints.kpis import (
    Kpi,
    business_days_to,
    escalation_rate,
    external_referral_rate,
    first_contact_resolution,
    reopen_rate,
    uphold_rate,
)
from widgets.core.complaints.policy import Policy

RATE_KPIS: dict[str, Callable[[pd.DataFrame, Policy | None], Kpi]] = {
    "first_contact_resolution": first_contact_resolution,
    "reopen_rate": reopen_rate,
    "escalation_rate": escalation_rate,
    "external_referral_rate": external_referral_rate,
    "uphold_rate": uphold_rate,
}
ISSUE_CLASSES = ("systemic", "recurring", "single")


def _months(frame: pd.DataFrame) -> pd.Series:
    return frame["received_at"].dt.to_period("M")


def _month(value: str | dt.date | pd.Period) -> pd.Period:
    return value if isinstance(value, pd.Period) else pd.Period(value, freq="M")


def _rows(frame: pd.DataFrame, where: pd.Series | None) -> pd.DataFrame:
    if where is None:
        return frame
    if not where.index.equals(frame.index):
        raise ValueError("the row filter 'where' must come from the same frame (same index), "
                         "e.g. where=log['category'] == 'billing'")
    return frame[where.fillna(False).to_numpy(dtype=bool)]


# --------------------------------------------------------------------------- trends


def monthly_counts(frame: pd.DataFrame, column: str | None = None) -> pd.DataFrame:
    """Complaints received per calendar month, one column per value of `column`.

    Every month from the first to the last receipt is a row, months without a complaint as 0.
    Without a column the table has one column, 'complaints'. Rows with no value in `column`
    are left out and counted in ``attrs['missing']``.
    """
    months = _months(frame)
    if months.dropna().empty:
        return pd.DataFrame(dtype="int64")
    full = pd.period_range(months.min(), months.max(), freq="M", name="month")
    if column is None:
        counts = months.value_counts().reindex(full, fill_value=0)
        table = counts.rename("complaints").to_frame()
        table.attrs["missing"] = 0
        return table
    if column not in frame.columns:
        raise KeyError(f"the log has no {column} column; columns: {', '.join(frame.columns)}")
    values = frame[column]
    present = values.notna().to_numpy(dtype=bool)
    table = pd.crosstab(months[present].to_numpy(), values[present].to_numpy())
    table = table.reindex(full, fill_value=0).astype("int64")
    table.index.name, table.columns.name = "month", column
    table.attrs["missing"] = int((~present).sum())
    return table


def trend_figure(counts: pd.Series, title: str,
                 marker: tuple[str | dt.date, str] | None = None) -> Figure:
    """A monthly count as a line, with an optional dated event (e.g. a system go-live) marked.

    Built on a bare Figure, not pyplot: nothing is shown or kept in a global figure list, so
    it is safe under any backend (Agg in tests and Voilà).
    """
    figure = Figure(figsize=(9, 3.8), layout="constrained")
    axes = figure.add_subplot()
    positions = list(range(len(counts)))
    axes.plot(positions, counts.to_numpy(), marker="o", color="#1f4e79")
    step = max(1, len(counts) // 12)
    axes.set_xticks(positions[::step], [f"{m:%b %Y}" for m in counts.index[::step]],
                    rotation=45, ha="right")
    axes.set_ylim(bottom=0)
    axes.set_ylabel("complaints received")
    axes.set_title(title)
    if marker is not None and len(counts):
        when, label = marker
        month = pd.Timestamp(when).to_period("M")
        if counts.index[0] <= month <= counts.index[-1]:
            where = (month - counts.index[0]).n
            axes.axvline(where, color="#c55a11", linestyle="--")
            axes.annotate(label, (where, 1), xycoords=("data", "axes fraction"),
                          xytext=(4, -14), textcoords="offset points", color="#c55a11")
    return figure


@dataclass(frozen=True)
class PeriodComparison:
    """Complaints per month in two runs of whole calendar months, and their ratio."""

    before: tuple[pd.Period, pd.Period]
    after: tuple[pd.Period, pd.Period]
    before_per_month: float
    after_per_month: float
    before_total: int
    after_total: int

    @property
    def ratio(self) -> float:
        """After ÷ before; infinite when there was nothing before."""
        if self.before_per_month == 0:
            return float("inf") if self.after_per_month else float("nan")
        return self.after_per_month / self.before_per_month

    def sentence(self, what: str = "complaints") -> str:
        """'… 65.0 a month in Mar 2024–May 2024 against 196.7 in Mar 2025–May 2025 (× 3.03).'"""
        def span(months: tuple[pd.Period, pd.Period]) -> str:
            first, last = months
            return f"{first:%b %Y}" if first == last else f"{first:%b %Y}–{last:%b %Y}"
        return (f"{what}: {self.before_per_month:.1f} a month in {span(self.before)} against "
                f"{self.after_per_month:.1f} a month in {span(self.after)} "
                f"(× {self.ratio:.2f})")


def compare_months(frame: pd.DataFrame, before: tuple[str, str], after: tuple[str, str],
                   where: pd.Series | None = None) -> PeriodComparison:
    """Mean complaints per month (rows in `where`) over two inclusive runs of months.

    `before` and `after` are (first month, last month), e.g. ("2024-03", "2024-05"). Months
    without a complaint count as 0 in the mean.
    """
    rows = _rows(frame, where)
    monthly = _months(rows).value_counts()
    result = []
    for first, last in (before, after):
        first, last = _month(first), _month(last)
        if first > last:
            raise ValueError(f"the run of months starts {first} after it ends {last}; swap them")
        span = pd.period_range(first, last, freq="M")
        counts = monthly.reindex(span, fill_value=0)
        result.append(((first, last), float(counts.mean()), int(counts.sum())))
    (b_span, b_mean, b_total), (a_span, a_mean, a_total) = result
    return PeriodComparison(b_span, a_span, b_mean, a_mean, b_total, a_total)


def before_after(frame: pd.DataFrame, change: str | dt.date, months: int = 3,
                 where: pd.Series | None = None,
                 baseline: str = "year_before") -> PeriodComparison:
    """Complaints per month in the `months` calendar months from the month of `change`,
    against a baseline of as many months.

    baseline='year_before' compares with the same calendar months a year earlier, which
    removes seasonal effects (winter billing complaints); baseline='preceding' uses the months
    just before the change. Whole months are compared: a change on 3 March counts all of March
    as 'after'.
    """
    if months < 1:
        raise ValueError(f"compare at least 1 month (got {months})")
    start = _month(pd.Timestamp(change).to_period("M"))
    after = (start, start + (months - 1))
    if baseline == "year_before":
        before = (after[0] - 12, after[1] - 12)
    elif baseline == "preceding":
        before = (start - months, start - 1)
    else:
        raise ValueError(f"baseline must be 'year_before' or 'preceding', not {baseline!r}")
    return compare_months(frame, before, after, where)


def value_share(frame: pd.DataFrame, column: str, value: object,
                where: pd.Series | None = None) -> tuple[float, int]:
    """Share of `value` among the rows (in `where`) that have any value in `column`, and how
    many such rows there are. E.g. the share of billing_system_defect among the root causes
    found for billing complaints."""
    values = _rows(frame, where)[column].dropna()
    if values.empty:
        return float("nan"), 0
    return float((values == value).mean()), int(values.size)


# --------------------------------------------------------------------------- groups


def time_by_group(frame: pd.DataFrame, column: str, by: str, policy: Policy,
                  within: int | None = None) -> pd.DataFrame:
    """Business days from receipt to `column` (e.g. 'acknowledged_at'), per value of `by`.

    Columns: complaints (in the group), measured (the event happened), median, mean and p90
    in business days, and with `within` the share measured within that many business days.
    Sorted slowest median first (then slowest mean). Days come from kpis.business_days_to, the
    course's one business-day count.
    """
    days = business_days_to(frame, column, policy)
    groups = frame[by]
    rows = []
    for value in groups.dropna().unique():
        in_group = (groups == value).fillna(False).to_numpy(dtype=bool)
        measured = days[in_group].dropna()
        row = {by: value, "complaints": int(in_group.sum()), "measured": int(measured.size),
               "median": float(measured.median()) if len(measured) else np.nan,
               "mean": float(measured.mean()) if len(measured) else np.nan,
               "p90": float(np.percentile(measured, 90)) if len(measured) else np.nan}
        if within is not None:
            row["within"] = float((measured <= within).mean()) if len(measured) else np.nan
        rows.append(row)
    table = pd.DataFrame(rows).set_index(by)
    table.attrs["within"] = within
    return table.sort_values(["median", "mean"], ascending=False, kind="stable")


def _rate(frame: pd.DataFrame, kpi: str, policy: Policy | None) -> Kpi:
    if kpi not in RATE_KPIS:
        raise ValueError(f"no rate KPI {kpi!r}; choose one of {', '.join(RATE_KPIS)}")
    return RATE_KPIS[kpi](frame, policy)


def rate_by_group(frame: pd.DataFrame, by: str, kpi: str,
                  policy: Policy | None = None) -> pd.DataFrame:
    """A rate KPI (RATE_KPIS, e.g. 'reopen_rate') computed on each group's complaints.

    Columns: rate (NaN where the group has no complaint in the KPI's denominator) and n (the
    denominator: for the reopen rate, the group's closed complaints). Highest rate first.
    """
    rows = []
    for value, group in frame.groupby(by, sort=True, dropna=True):
        result = _rate(group, kpi, policy)
        rows.append({by: value, "rate": result.value if result.available else np.nan,
                     "n": result.n})
    return pd.DataFrame(rows).set_index(by).sort_values("rate", ascending=False, kind="stable")


@dataclass(frozen=True)
class GroupContrast:
    """One group's rate against the rate of all other groups together."""

    kpi: str
    group: object
    group_rate: float
    group_n: int
    rest_rate: float
    rest_n: int

    @property
    def ratio(self) -> float:
        return self.group_rate / self.rest_rate if self.rest_rate else float("inf")


def group_versus_rest(frame: pd.DataFrame, by: str, group: object, kpi: str,
                      policy: Policy | None = None) -> GroupContrast:
    """The KPI for the complaints where `by` equals `group`, and for all the others.

    An organization-wide rate that meets its target can hide one team far above it; comparing
    that team with the rest (not with the total it is part of) shows how far.
    """
    inside = (frame[by] == group).fillna(False).to_numpy(dtype=bool)
    if not inside.any():
        raise ValueError(f"no complaint has {by} = {group!r}")
    mine, rest = _rate(frame[inside], kpi, policy), _rate(frame[~inside], kpi, policy)
    for result, who in ((mine, f"{by} = {group!r}"), (rest, f"the rest of {by}")):
        if not result.available:
            raise ValueError(f"{kpi} cannot be computed for {who}: {result.reason}")
    return GroupContrast(kpi, group, mine.value, mine.n, rest.value, rest.n)


# --------------------------------------------------------------------------- issues


@dataclass(frozen=True)
class IssueRule:
    """The course's screening rule for single, recurring and systemic issues (8.2).

    An issue is a group of complaints with the same values in the key columns — by default
    the same subcategory (what went wrong) and root cause (why) — in the analysis window.

    - single: one complaint in the window;
    - systemic: at least `min_customers` different customers, in at least `min_month_share`
      of the window's calendar months — widespread and persistent, so it lies in how the
      organization works (a system, process or policy), not in one case;
    - recurring: everything else with two complaints or more.

    It is a screening aid, not a verdict: a single safety complaint can reveal a systemic
    flaw, and a root-cause analysis confirms or overturns the label.
    """

    min_customers: int = 10
    min_month_share: float = 0.5

    def __post_init__(self) -> None:
        if self.min_customers < 2:
            raise ValueError(f"min_customers must be at least 2 (got {self.min_customers}): "
                             "one customer's problem is not systemic")
        if not 0 < self.min_month_share <= 1:
            raise ValueError(f"min_month_share must be above 0 and at most 1 "
                             f"(got {self.min_month_share})")

    def describe(self) -> str:
        return (f"single = 1 complaint; systemic = at least {self.min_customers} different "
                f"customers in at least {self.min_month_share:.0%} of the window's months; "
                "recurring = every other issue with 2 or more complaints")

    def classify(self, complaints: int, customers: int, months_active: int,
                 window_months: int) -> str:
        """The class of one issue from its counts."""
        if complaints <= 1:
            return "single"
        if (customers >= self.min_customers
                and months_active >= self.min_month_share * window_months - 1e-9):
            return "systemic"
        return "recurring"


def classify_issues(frame: pd.DataFrame, key: Sequence[str] = ("subcategory", "root_cause"),
                    rule: IssueRule | None = None, start: str | None = None,
                    end: str | None = None) -> pd.DataFrame:
    """Every issue (key combination) in the window, counted and classified by `rule`.

    The window runs over whole months from `start` to `end` ('YYYY-MM', inclusive; default the
    first and last month of the log). Columns: complaints, customers, months_active,
    first_received, last_received, issue_class. Sorted systemic first, then by complaints.
    Complaints with a key column empty (e.g. no root cause yet) are left out and counted in
    ``attrs['missing']``; ``attrs['window_months']`` and ``attrs['rule']`` record the rest.
    """
    rule = rule if rule is not None else IssueRule()
    key = list(key)
    missing_columns = [c for c in [*key, "customer_id"] if c not in frame.columns]
    if missing_columns:
        raise KeyError(f"the log has no {', '.join(missing_columns)} column(s) to classify by")
    months = _months(frame)
    first = _month(start) if start else months.min()
    last = _month(end) if end else months.max()
    if first > last:
        raise ValueError(f"the window starts {first} after it ends {last}; swap them")
    in_window = ((months >= first) & (months <= last)).fillna(False).to_numpy(dtype=bool)
    window = frame[in_window].assign(_month=months[in_window])
    complete = window[key].notna().all(axis=1).to_numpy(dtype=bool)
    window_months = len(pd.period_range(first, last, freq="M"))
    columns = ["complaints", "customers", "months_active", "first_received", "last_received",
               "issue_class"]
    if complete.any():
        table = window[complete].groupby(key, sort=False).agg(
            complaints=("customer_id", "size"),
            customers=("customer_id", "nunique"),
            months_active=("_month", "nunique"),
            first_received=("received_at", "min"),
            last_received=("received_at", "max"),
        )
        table["issue_class"] = [
            rule.classify(int(row.complaints), int(row.customers), int(row.months_active),
                          window_months) for row in table.itertuples()]
        order = table["issue_class"].map({c: n for n, c in enumerate(ISSUE_CLASSES)})
        table = table.assign(_order=order).sort_values(
            ["_order", "complaints"], ascending=[True, False], kind="stable").drop(
            columns="_order")
    else:
        table = pd.DataFrame(columns=columns)
    table.attrs.update(missing=int((~complete).sum()), window_months=window_months,
                       window=(first, last), rule=rule)
    return table[columns]


def issue_summary(issues: pd.DataFrame) -> pd.DataFrame:
    """Issues and complaints per class (systemic, recurring, single), with the complaints'
    share: a few systemic issues usually carry most complaints."""
    total = int(issues["complaints"].sum())
    rows = []
    for issue_class in ISSUE_CLASSES:
        chosen = issues[issues["issue_class"] == issue_class]
        count = int(chosen["complaints"].sum())
        rows.append({"issue_class": issue_class, "issues": len(chosen), "complaints": count,
                     "share_of_complaints": count / total if total else np.nan})
    return pd.DataFrame(rows).set_index("issue_class")
