"""The complaint KPIs — the one definition used by modules, exercises, dashboard and CLI.

ISO 10002 asks for monitoring against objectives (6.2, 8.4), measured satisfaction with the
handling (8.3) and analysis of complaints (8.2), but leaves the arithmetic to the organization.
A KPI that two screens compute differently destroys trust in both, so each one is defined
exactly once here, in words (the `definition` every result carries, repeated in
datasets/README.md) and in code.

A KPI the data cannot support is returned as not available with the reason — e.g. a CFPB
export records no acknowledgement — never as a guess, a zero or a NaN dressed as a number.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from widgets.core.complaints.policy import Policy

DAYS_PER_YEAR = 365.25
DECIDED_OUTCOMES = ("upheld", "partially_upheld", "not_upheld")
UPHELD_OUTCOMES = ("upheld", "partially_upheld")

# Why a CFPB export cannot support a measure; added to the reason when the frame is one.
CFPB_GAPS = {
    "acknowledged_at": "CFPB exports record when a complaint was sent to the company, "
                       "not when it was acknowledged",
    "first_response_at": "CFPB exports carry no first-response timestamp",
    "resolved_at": "CFPB exports carry no resolution timestamp",
    "closed_at": "CFPB exports carry no closing timestamp",
    "first_contact_resolution": "CFPB exports do not record first-contact resolution",
    "reopened": "CFPB exports do not record reopened complaints",
    "escalation_level": "CFPB exports do not record internal escalation",
    "referred_externally": "every CFPB complaint is already an external (regulator) channel; "
                           "referral onwards is not recorded",
    "outcome": "the company's response ('Closed with explanation', '… with relief') is not an "
               "uphold decision",
    "satisfaction_score": "CFPB exports hold no satisfaction score ('Consumer disputed?' is not "
                          "a satisfaction measure)",
    "redress_amount": "CFPB exports say whether relief was given, not how much",
}


@dataclass(frozen=True)
class Kpi:
    """One measured value, or the reason it cannot be measured.

    `value` is a share (0–1) for rates, a number for means and counts; `n` is the number of
    complaints it was computed over; `target` and `met` compare it with the policy.
    """

    key: str
    label: str
    unit: str
    definition: str
    value: float | None = None
    n: int = 0
    target: str | None = None
    met: bool | None = None
    clause: str = ""
    details: dict[str, float] = field(default_factory=dict)
    reason: str | None = None

    @property
    def available(self) -> bool:
        return self.reason is None

    def formatted(self) -> str:
        """The value as a person reads it: '87.5%', '3.9 of 5', or 'not available: …'."""
        if not self.available:
            return f"not available: {self.reason}"
        if self.unit == "share":
            return f"{self.value:.1%}"
        if self.unit == "GBP":
            return f"£{self.value:,.2f}"
        if self.unit == "count":
            return f"{self.value:,.0f}"
        return f"{self.value:,.2f} {self.unit}"

    def __str__(self) -> str:
        return f"{self.label}: {self.formatted()}"


def _unavailable(key: str, label: str, unit: str, definition: str, frame: pd.DataFrame,
                 columns: tuple[str, ...], clause: str = "") -> Kpi | None:
    """Not-available result when a needed column is absent or empty, else None."""
    for column in columns:
        if column not in frame.columns:
            reason = f"the data has no {column} column"
        elif frame[column].notna().sum() == 0:
            reason = f"no complaint in the data has a {column} value"
        else:
            continue
        if is_cfpb(frame) and column in CFPB_GAPS:
            reason += f" ({CFPB_GAPS[column]})"
        return Kpi(key, label, unit, definition, clause=clause, reason=reason)
    return None


def is_cfpb(frame: pd.DataFrame) -> bool:
    """True for frames loaded from a CFPB export (they carry cfpb_* columns)."""
    return any(str(c).startswith("cfpb_") for c in frame.columns)


def _share(mask: pd.Series) -> tuple[float | None, int]:
    values = mask.dropna()
    return (float(values.mean()) if len(values) else None), len(values)


def _closed(frame: pd.DataFrame) -> pd.Series:
    if "closed_at" in frame.columns:
        return frame["closed_at"].notna()
    return pd.Series(False, index=frame.index)


# --- timeliness ------------------------------------------------------------------------------

TIMING_EVENTS = {
    "acknowledge": ("acknowledged_at", "Time to acknowledge", "7.4"),
    "first_response": ("first_response_at", "Time to first response", "7.7"),
    "resolve": ("resolved_at", "Time to resolve", "7.8"),
}


def time_to(frame: pd.DataFrame, step: str, policy: Policy) -> Kpi:
    """Business days from receipt to an event, for complaints where the event happened.

    Business days are counted after the day of receipt up to and including the day of the
    event (Policy.business_days_elapsed). Value: the share within the policy's target; details:
    median, p90 and p95 in business days, and how many complaints still await the event.
    """
    column, label, clause = TIMING_EVENTS[step]
    target = policy.timeliness[step]
    definition = (
        f"business days from receipt to {column.removesuffix('_at').replace('_', ' ')} "
        f"(after the day of receipt, weekends and public holidays excluded); share within "
        f"{target.within_business_days} business days among complaints where it happened"
    )
    missing = _unavailable(f"time_to_{step}", label, "share", definition, frame,
                           ("received_at", column), clause)
    if missing:
        return missing
    elapsed = policy.business_days_elapsed(frame["received_at"].to_numpy(),
                                           frame[column].to_numpy())
    measured = elapsed[~np.isnan(elapsed)]
    share = float((measured <= target.within_business_days).mean())
    return Kpi(
        key=f"time_to_{step}", label=label, unit="share", definition=definition,
        value=share, n=int(measured.size),
        target=f"≥ {target.min_share:.0%} within {target.within_business_days} business days",
        met=share >= target.min_share, clause=clause,
        details={
            "median_business_days": float(np.median(measured)),
            "p90_business_days": float(np.percentile(measured, 90)),
            "p95_business_days": float(np.percentile(measured, 95)),
            "awaiting": int(np.isnan(elapsed).sum()),
        },
    )


def business_days_to(frame: pd.DataFrame, column: str, policy: Policy) -> pd.Series:
    """Per-complaint business days from receipt to `column` (NaN where it has not happened)."""
    return pd.Series(
        policy.business_days_elapsed(frame["received_at"].to_numpy(), frame[column].to_numpy()),
        index=frame.index, name=f"business_days_to_{column.removesuffix('_at')}",
    )


# --- rates -----------------------------------------------------------------------------------

def _rate_kpi(key: str, label: str, definition: str, clause: str, frame: pd.DataFrame,
              columns: tuple[str, ...], mask_builder, policy: Policy | None) -> Kpi:
    missing = _unavailable(key, label, "share", definition, frame, columns, clause)
    if missing:
        return missing
    value, n = _share(mask_builder(frame))
    if value is None:
        return Kpi(key, label, "share", definition, clause=clause,
                   reason="no complaint in the data is in this measure's denominator")
    rule = policy.rates.get(key) if policy else None
    return Kpi(key, label, "share", definition, value=value, n=n, clause=clause,
               target=rule.describe(as_percent=True) if rule else None,
               met=rule.is_met(value) if rule else None)


def first_contact_resolution(frame: pd.DataFrame, policy: Policy | None = None) -> Kpi:
    """Share of resolved complaints resolved in the first contact with the complainant."""
    return _rate_kpi(
        "first_contact_resolution", "First-contact resolution",
        "share of resolved complaints (resolved_at set) marked first_contact_resolution",
        "8.4", frame, ("first_contact_resolution", "resolved_at"),
        lambda f: f["first_contact_resolution"][f["resolved_at"].notna()], policy)


def reopen_rate(frame: pd.DataFrame, policy: Policy | None = None) -> Kpi:
    """Share of closed complaints reopened because the fix did not hold."""
    return _rate_kpi(
        "reopen_rate", "Reopen rate", "share of closed complaints (closed_at set) reopened",
        "8.4", frame, ("reopened", "closed_at"),
        lambda f: f["reopened"][_closed(f)], policy)


def escalation_rate(frame: pd.DataFrame, policy: Policy | None = None) -> Kpi:
    """Share of complaints escalated beyond the front line (escalation_level ≥ 1)."""
    return _rate_kpi(
        "escalation_rate", "Escalation rate",
        "share of complaints with escalation_level 1 (internal review) or 2 (executive)",
        "7.8", frame, ("escalation_level",),
        lambda f: f["escalation_level"] >= 1, policy)


def external_referral_rate(frame: pd.DataFrame, policy: Policy | None = None) -> Kpi:
    """Share of closed complaints the complainant took to the ombudsman or ADR (ISO 10003)."""
    return _rate_kpi(
        "external_referral_rate", "External referral rate",
        "share of closed complaints (closed_at set) referred to the ombudsman / ADR",
        "7.9", frame, ("referred_externally", "closed_at"),
        lambda f: f["referred_externally"][_closed(f)], policy)


def uphold_rate(frame: pd.DataFrame, policy: Policy | None = None) -> Kpi:
    """Share of decided complaints upheld in full or in part (withdrawn ones excluded)."""
    key, label = "uphold_rate", "Uphold rate"
    definition = ("share of decided complaints (outcome upheld, partially_upheld or "
                  "not_upheld) that were upheld in full or in part")
    missing = _unavailable(key, label, "share", definition, frame, ("outcome",), "7.7")
    if missing:
        return missing
    decided = frame["outcome"][frame["outcome"].isin(DECIDED_OUTCOMES)]
    if decided.empty:
        return Kpi(key, label, "share", definition, clause="7.7",
                   reason="no complaint in the data has a decided outcome")
    return Kpi(key, label, "share", definition, clause="7.7",
               value=float(decided.isin(UPHELD_OUTCOMES).mean()), n=len(decided),
               details={"upheld": float((decided == "upheld").mean()),
                        "partially_upheld": float((decided == "partially_upheld").mean())})


def satisfaction(frame: pd.DataFrame, policy: Policy | None = None) -> tuple[Kpi, Kpi]:
    """Satisfaction with the handling (8.3): the mean score and the survey response rate.

    The mean is over complaints with a score (1–5); the response rate is scored complaints over
    closed complaints. A low response rate makes the mean a statement about those who answered.
    """
    mean_key, rate_key = "satisfaction_mean", "satisfaction_response_rate"
    mean_definition = "mean satisfaction_score (1 = very dissatisfied … 5 = very satisfied)"
    rate_definition = "share of closed complaints (closed_at set) with a satisfaction_score"
    mean_missing = _unavailable(mean_key, "Satisfaction with handling", "of 5", mean_definition,
                                frame, ("satisfaction_score",), "8.3")
    rate_missing = _unavailable(rate_key, "Satisfaction survey response rate", "share",
                                rate_definition, frame, ("satisfaction_score", "closed_at"),
                                "8.3")
    results = []
    if mean_missing:
        results.append(mean_missing)
    else:
        scores = frame["satisfaction_score"].dropna().astype(float)
        rule = policy.rates[mean_key] if policy else None
        value = float(scores.mean())
        results.append(Kpi(mean_key, "Satisfaction with handling", "of 5", mean_definition,
                           value=value, n=len(scores), clause="8.3",
                           target=rule.describe() if rule else None,
                           met=rule.is_met(value) if rule else None))
    if rate_missing:
        results.append(rate_missing)
    else:
        results.append(_rate_kpi(
            rate_key, "Satisfaction survey response rate", rate_definition, "8.3", frame,
            ("satisfaction_score", "closed_at"),
            lambda f: f["satisfaction_score"][_closed(f)].notna(), policy))
    return results[0], results[1]


def complaints_per_thousand_customers(frame: pd.DataFrame, policy: Policy) -> Kpi:
    """Complaints received per 1,000 customer accounts per year, over the data's period."""
    key, label = "complaints_per_1000_customers", "Complaints per 1,000 customers a year"
    definition = ("complaints received ÷ customer accounts (policy customer_base) × 1,000, "
                  "annualized over the days between the first and last receipt")
    if is_cfpb(frame):
        return Kpi(key, label, "per 1,000 a year", definition,
                   reason="a CFPB export spans many companies whose customer numbers it does "
                          "not give")
    if not policy.customer_base:
        return Kpi(key, label, "per 1,000 a year", definition,
                   reason="the policy gives no customer_base (number of customer accounts)")
    received = frame["received_at"].dropna()
    if received.empty:
        return Kpi(key, label, "per 1,000 a year", definition, reason="no complaints")
    days = (received.max().normalize() - received.min().normalize()).days + 1
    value = len(received) / policy.customer_base * 1000 / (days / DAYS_PER_YEAR)
    return Kpi(key, label, "per 1,000 a year", definition, value=float(value),
               n=len(received), clause="8.2", details={"days": float(days)})


def redress_paid(frame: pd.DataFrame, policy: Policy | None = None) -> Kpi:
    """Money paid or credited to complainants (sum), with the mean per upheld complaint."""
    key, label = "redress_paid", "Redress paid"
    definition = "sum of redress_amount over all complaints"
    missing = _unavailable(key, label, "GBP", definition, frame, ("redress_amount",), "7.7")
    if missing:
        return missing
    amounts = frame["redress_amount"].dropna().astype(float)
    details = {}
    if "outcome" in frame.columns:
        upheld = frame["redress_amount"][frame["outcome"].isin(UPHELD_OUTCOMES)].dropna()
        if len(upheld):
            details["mean_per_upheld"] = float(upheld.astype(float).mean())
    return Kpi(key, label, "GBP", definition, value=float(amounts.sum()), n=len(amounts),
               clause="7.7", details=details)


def cfpb_timely_response_rate(frame: pd.DataFrame) -> Kpi:
    """CFPB only: share of complaints the company answered within the CFPB's 15 days."""
    key, label = "cfpb_timely_response_rate", "Timely response (CFPB flag)"
    definition = "share of complaints with 'Timely response?' = Yes (CFPB: within 15 days)"
    missing = _unavailable(key, label, "share", definition, frame, ("cfpb_timely_response",))
    if missing:
        missing = Kpi(key, label, "share", definition,
                      reason="only CFPB exports carry the 'Timely response?' flag")
        return missing
    value, n = _share(frame["cfpb_timely_response"])
    return Kpi(key, label, "share", definition, value=value, n=n, clause="7.7")


def cfpb_dispute_rate(frame: pd.DataFrame) -> Kpi:
    """CFPB only: share of answered complaints the consumer disputed."""
    key, label = "cfpb_dispute_rate", "Consumer disputed (CFPB flag)"
    definition = "share of complaints with 'Consumer disputed?' = Yes, among Yes/No answers"
    if "cfpb_consumer_disputed" not in frame.columns or not frame[
            "cfpb_consumer_disputed"].notna().any():
        return Kpi(key, label, "share", definition,
                   reason="only CFPB exports (before April 2017) carry 'Consumer disputed?'")
    value, n = _share(frame["cfpb_consumer_disputed"])
    return Kpi(key, label, "share", definition, value=value, n=n, clause="8.3")


# --- distributions ---------------------------------------------------------------------------

def complaints_per_period(frame: pd.DataFrame, freq: str = "M") -> pd.Series:
    """Complaints received per calendar period ('M' month, 'W' week, 'Q' quarter), gaps as 0."""
    received = frame["received_at"].dropna()
    if received.empty:
        return pd.Series(dtype="int64", name="complaints")
    periods = received.dt.to_period(freq)
    full = pd.period_range(periods.min(), periods.max(), freq=freq)
    return periods.value_counts().reindex(full, fill_value=0).rename("complaints")


def pareto(frame: pd.DataFrame, column: str, vital_share: float = 0.8) -> pd.DataFrame:
    """Counts per value, most frequent first, with share, cumulative share and the vital few.

    The vital few are the values needed to reach `vital_share` of the complaints that have a
    value (the one that crosses the line included). Missing values are left out and counted
    in the frame's `attrs['missing']`, so a half-empty column cannot look complete.
    """
    if column not in frame.columns:
        raise KeyError(f"the data has no {column} column; columns: {', '.join(frame.columns)}")
    values = frame[column].dropna()
    counts = values.value_counts()
    table = pd.DataFrame({"count": counts.astype("int64")})
    table.index.name = column
    total = int(counts.sum())
    table["share"] = table["count"] / total if total else 0.0
    table["cumulative_share"] = table["share"].cumsum()
    before = table["cumulative_share"] - table["share"]
    table["vital_few"] = before < vital_share - 1e-12
    table.attrs["missing"] = int(frame[column].isna().sum())
    return table


# --- all together ----------------------------------------------------------------------------

def compute_kpis(frame: pd.DataFrame, policy: Policy) -> dict[str, Kpi]:
    """The full KPI set the dashboard tiles, the CLI and the exercises report, by key."""
    results = [time_to(frame, step, policy) for step in TIMING_EVENTS]
    results += [
        first_contact_resolution(frame, policy),
        reopen_rate(frame, policy),
        escalation_rate(frame, policy),
        external_referral_rate(frame, policy),
        uphold_rate(frame, policy),
        *satisfaction(frame, policy),
        complaints_per_thousand_customers(frame, policy),
        redress_paid(frame, policy),
    ]
    if is_cfpb(frame):
        results += [cfpb_timely_response_rate(frame), cfpb_dispute_rate(frame)]
    return {kpi.key: kpi for kpi in results}


def kpi_table(kpis: dict[str, Kpi]) -> pd.DataFrame:
    """KPIs as a table a person reads: label, value, target, met, n, clause."""
    rows = [{
        "kpi": k.label, "value": k.formatted(), "target": k.target or "",
        "met": {True: "yes", False: "NO", None: ""}[k.met], "n": k.n if k.available else "",
        "clause": k.clause,
    } for k in kpis.values()]
    return pd.DataFrame(rows).set_index("kpi")
