"""The data checks an auditor runs to test what an interviewee said.

Why a module of its own: ISO 19011 has information verified before it becomes evidence, so an
evidence item of the case may name one of these checks (its 'verify' key, validated against
VERIFICATIONS). Each is a table computed from the audit population with the course's KPI
definitions and breach rules; adding a check is a change here and a key in the case file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from widgets.core.complaints.breaches import find_policy_breaches
from widgets.core.complaints.kpis import reopen_rate, time_to
from widgets.core.complaints.policy import Policy


def _ack_by_channel(population: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    days = policy.timeliness["acknowledge"].within_business_days
    rows = []
    for channel, group in population.groupby("channel", observed=True):
        kpi = time_to(group, "acknowledge", policy)
        if kpi.available:
            rows.append({"channel": channel, "acknowledged": kpi.n,
                         f"within {days} business days": round(kpi.value, 3),
                         "median business days": kpi.details["median_business_days"]})
    return (pd.DataFrame(rows).set_index("channel")
            .sort_values(f"within {days} business days"))


def _letters_ack_by_quarter(population: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    days = policy.timeliness["acknowledge"].within_business_days
    letters = population[(population["channel"] == "letter").fillna(False).to_numpy(bool)]
    quarters = letters["received_at"].dt.to_period("Q")
    rows = []
    for quarter, group in letters.groupby(quarters):
        kpi = time_to(group, "acknowledge", policy)
        if kpi.available:
            rows.append({"quarter received": str(quarter), "letters acknowledged": kpi.n,
                         f"within {days} business days": round(kpi.value, 3)})
    return pd.DataFrame(rows).set_index("quarter received")


def _reopen_by_team(population: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    rows = []
    for team, group in population.groupby("assigned_team", observed=True):
        kpi = reopen_rate(group, policy)
        if kpi.available:
            rows.append({"team": team, "closed": kpi.n, "reopen rate": round(kpi.value, 3)})
    return pd.DataFrame(rows).set_index("team").sort_values("reopen rate", ascending=False)


def _safety_breaches_by_year(population: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    safety = population[(population["category"] == "safety").fillna(False)]
    breaches = find_policy_breaches(safety, policy)
    years = safety.set_index("complaint_id")["received_at"].dt.year
    table = pd.DataFrame({"safety complaints": safety["received_at"].dt.year.value_counts()})
    for rule in ("SAFETY_ACK_LATE", "SAFETY_NOT_ESCALATED"):
        ids = breaches.loc[breaches["rule"] == rule, "complaint_id"]
        table[rule] = years.loc[ids].value_counts()
    table = table.fillna(0).astype(int).sort_index()
    table.index.name = "year received"
    return table


def _vulnerable_first_response(population: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    days = policy.vulnerable_first_response_business_days
    stricter = policy.with_time_target("first_response", within_business_days=days)
    rows = []
    flags = population["vulnerable"].astype("boolean")
    for label, group in (("vulnerable", population[flags.fillna(False).to_numpy(bool)]),
                         ("not vulnerable", population[(~flags).fillna(False).to_numpy(bool)])):
        kpi = time_to(group, "first_response", stricter)
        if kpi.available:
            rows.append({"customers": label, "with a first response": kpi.n,
                         f"within {days} business days": round(kpi.value, 3),
                         "median business days": kpi.details["median_business_days"]})
    return pd.DataFrame(rows).set_index("customers")


@dataclass(frozen=True)
class Verification:
    """A data check an auditor runs to test what an interviewee said (ISO 19011: information
    is verified before it becomes evidence)."""

    title: str
    compute: Callable[[pd.DataFrame, Policy], pd.DataFrame]


VERIFICATIONS: dict[str, Verification] = {
    "ack_by_channel": Verification("Acknowledgements within the target, by channel",
                                   _ack_by_channel),
    "letters_ack_by_quarter": Verification(
        "Letters acknowledged within the target, by quarter of receipt",
        _letters_ack_by_quarter),
    "reopen_by_team": Verification("Reopen rate of closed complaints, by team", _reopen_by_team),
    "safety_breaches_by_year": Verification("Safety criteria breached, by year of receipt",
                                            _safety_breaches_by_year),
    "vulnerable_first_response": Verification(
        "First response within the vulnerable-customer target, vulnerable or not",
        _vulnerable_first_response),
}
