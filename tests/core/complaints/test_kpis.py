"""KPI definitions on a tiny hand-checked log (dates chosen around Easter 2025 holidays)."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from support.sample_data import REPO

from widgets.core.complaints import (
    complaints_per_period,
    compute_kpis,
    find_policy_breaches,
    load_complaints,
    pareto,
)
from widgets.core.complaints.breaches import breach_counts
from widgets.core.complaints.kpis import cfpb_dispute_rate, cfpb_timely_response_rate

# Easter 2025: Fri 18 and Mon 21 April are public holidays in policy.yaml.
LOG = "\n".join([
    "complaint_id,received_at,category,severity,vulnerable,acknowledged_at,first_response_at,"
    "resolved_at,closed_at,status,outcome,redress_amount,escalation_level,referred_externally,"
    "reopened,first_contact_resolution,satisfaction_score,description",
    "C1,2025-04-16 10:00,billing,low,true,2025-04-17 09:00,2025-04-22 11:00,2025-04-23 10:00,"
    "2025-04-23 10:00,closed,upheld,25.00,0,false,false,false,5,bill too high",
    "C2,2025-04-17 15:00,billing,medium,true,2025-04-23 09:00,2025-04-25 09:00,2025-05-30 16:00,"
    "2025-05-30 16:00,closed,partially_upheld,10.50,1,true,true,false,2,direct debit taken twice",
    "C3,2025-04-19 08:00,safety,critical,false,2025-04-22 08:30,,,,open,,,0,,,,,"
    "gas smell near meter",
    "C4,2025-04-14 09:00,metering,low,false,2025-04-17 12:00,2025-04-14 09:30,2025-04-14 09:30,"
    "2025-04-14 09:30,closed,not_upheld,0,2,false,false,true,,call me on 07700 900123",
]) + "\n"


@pytest.fixture(scope="module")
def log() -> pd.DataFrame:
    result = load_complaints(pd.read_csv(io.StringIO(LOG), dtype=str, keep_default_na=False))
    assert result.report.rows_rejected == 0, result.report.summary()
    return result.frame


@pytest.fixture(scope="module")
def kpis(log, policy):
    return compute_kpis(log, policy)


def test_business_days_skip_weekends_and_holidays(log, policy):
    ack = policy.business_days_elapsed(log["received_at"].to_numpy(),
                                       log["acknowledged_at"].to_numpy())
    # C1 Wed→Thu 1; C2 Thu→Wed over Good Friday and Easter Monday 2; C3 Sat→Tue 1; C4 Mon→Thu 3
    assert list(ack) == [1, 2, 1, 3]
    assert policy.deadline(np.datetime64("2025-04-17"), 2) == np.datetime64("2025-04-23")
    assert policy.deadline(np.datetime64("2025-04-19"), 0) == np.datetime64("2025-04-19")


def test_time_to_acknowledge(kpis):
    kpi = kpis["time_to_acknowledge"]
    assert kpi.value == pytest.approx(0.75)  # 3 of 4 within 2 business days
    assert kpi.n == 4
    assert kpi.details["median_business_days"] == 1.5
    assert kpi.met is False  # target 95%
    assert kpi.formatted() == "75.0%"


def test_time_to_first_response_and_resolve(kpis):
    response = kpis["time_to_first_response"]
    assert (response.value, response.n, response.details["awaiting"]) == (1.0, 3, 1)
    assert response.details["median_business_days"] == 2  # [2, 4, 0]
    resolve = kpis["time_to_resolve"]
    # C2: 18 Apr … 30 May 2025 has 27 business days (Good Friday, Easter Monday, 5 and 26 May off)
    assert resolve.value == pytest.approx(2 / 3)
    assert resolve.details["median_business_days"] == 3
    assert resolve.details["p90_business_days"] == pytest.approx(3 + 0.8 * (27 - 3))


def test_rates(kpis):
    assert kpis["first_contact_resolution"].value == pytest.approx(1 / 3)
    assert kpis["first_contact_resolution"].met is False  # target ≥ 60%
    assert kpis["reopen_rate"].value == pytest.approx(1 / 3)
    assert kpis["reopen_rate"].target == "≤ 5%"
    assert kpis["escalation_rate"].value == 0.5  # levels 0, 1, 0, 2
    assert kpis["external_referral_rate"].value == pytest.approx(1 / 3)
    uphold = kpis["uphold_rate"]
    assert (uphold.value, uphold.n) == (pytest.approx(2 / 3), 3)
    assert uphold.details == {"upheld": pytest.approx(1 / 3),
                              "partially_upheld": pytest.approx(1 / 3)}


def test_satisfaction_and_money(kpis):
    assert kpis["satisfaction_mean"].value == 3.5
    assert kpis["satisfaction_mean"].met is False  # target ≥ 3.8
    assert kpis["satisfaction_response_rate"].value == pytest.approx(2 / 3)
    assert kpis["redress_paid"].value == 35.5
    assert kpis["redress_paid"].details["mean_per_upheld"] == 17.75
    assert kpis["redress_paid"].formatted() == "£35.50"


def test_complaints_per_thousand_customers(kpis):
    # 4 complaints in the 6 days 14–19 April, 250,000 customers, annualized
    expected = 4 / 250_000 * 1000 * 365.25 / 6
    assert kpis["complaints_per_1000_customers"].value == pytest.approx(expected)


def test_missing_columns_are_not_available_not_nan(log, policy):
    slim = log.drop(columns=["acknowledged_at", "satisfaction_score"])
    kpis = compute_kpis(slim, policy)
    assert not kpis["time_to_acknowledge"].available
    assert str(kpis["time_to_acknowledge"]) == (
        "Time to acknowledge: not available: the data has no acknowledged_at column")
    assert kpis["time_to_acknowledge"].value is None
    assert kpis["satisfaction_mean"].formatted().startswith("not available")
    empty = log.assign(first_contact_resolution=pd.array([pd.NA] * 4, dtype="boolean"))
    assert compute_kpis(empty, policy)["first_contact_resolution"].reason == (
        "no complaint in the data has a first_contact_resolution value")


def test_pareto_vital_few():
    frame = pd.DataFrame({"root_cause": ["a"] * 5 + ["b"] * 3 + ["c"] * 1 + ["d"] * 1 + [None]})
    table = pareto(frame, "root_cause")
    assert list(table.index) == ["a", "b", "c", "d"]
    assert list(table["count"]) == [5, 3, 1, 1]
    assert list(table["cumulative_share"]) == pytest.approx([0.5, 0.8, 0.9, 1.0])
    assert list(table["vital_few"]) == [True, True, False, False]
    assert table.attrs["missing"] == 1
    with pytest.raises(KeyError, match="no colour column"):
        pareto(frame, "colour")


def test_complaints_per_period_fills_gaps():
    frame = pd.DataFrame({"received_at": pd.to_datetime(["2025-01-05", "2025-01-20",
                                                         "2025-03-01"])})
    series = complaints_per_period(frame)
    assert list(series.astype(int)) == [2, 0, 1]
    assert [str(p) for p in series.index] == ["2025-01", "2025-02", "2025-03"]


def test_policy_breaches(log, policy):
    breaches = find_policy_breaches(log, policy)
    found = set(zip(breaches["complaint_id"], breaches["rule"], strict=True))
    assert found == {
        ("C2", "VULNERABLE_RESPONSE_LATE"),  # 4 business days, vulnerable limit 3
        ("C2", "RESOLVE_LATE"),              # 27 business days, limit 20
        ("C3", "SAFETY_ACK_LATE"),           # 1 business day, safety must be same day
        ("C3", "SAFETY_NOT_ESCALATED"),      # level 0, policy needs ≥ 1
        ("C4", "ACK_LATE"),                  # 3 business days, limit 2
        ("C4", "PERSONAL_DATA_IN_DESCRIPTION"),
    }
    detail = breaches.set_index(["complaint_id", "rule"]).loc[("C2", "RESOLVE_LATE"), "detail"]
    assert detail == "decision after 27 business days (policy: 20)"
    counts = breach_counts(breaches)
    assert counts["ACK_LATE"] == 1 and counts["CLOSED_WITHOUT_OUTCOME"] == 0


def test_closed_records_missing_steps_are_breaches(log, policy):
    broken = log.copy()
    broken.loc[0, ["acknowledged_at", "first_response_at"]] = pd.NaT
    broken.loc[0, "outcome"] = pd.NA
    rules = set(find_policy_breaches(broken, policy).query("complaint_id == 'C1'")["rule"])
    assert rules == {"ACK_MISSING", "CLOSED_WITHOUT_RESPONSE", "CLOSED_WITHOUT_OUTCOME"}


def test_editing_a_target_changes_the_verdict(log, policy):
    relaxed = policy.with_time_target("acknowledge", within_business_days=3, min_share=0.7)
    assert compute_kpis(log, relaxed)["time_to_acknowledge"].met is True
    assert policy.timeliness["acknowledge"].within_business_days == 2  # original untouched


def test_full_kpi_set_on_sample_log(sample_result, policy):
    kpis = compute_kpis(sample_result.frame, policy)
    assert all(kpi.available for kpi in kpis.values()), [str(k) for k in kpis.values()]
    for kpi in kpis.values():
        assert kpi.n > 0 and np.isfinite(kpi.value)


def test_readme_defines_every_kpi_as_the_code_does(sample_result, policy):
    readme = (REPO / "datasets" / "README.md").read_text(encoding="utf-8")
    kpis = list(compute_kpis(sample_result.frame, policy).values())
    kpis += [cfpb_timely_response_rate(sample_result.frame),
             cfpb_dispute_rate(sample_result.frame)]
    for kpi in kpis:
        assert f"| `{kpi.key}` | {kpi.label} | {kpi.definition} |" in readme, kpi.key
