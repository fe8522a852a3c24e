"""widgets.core.complaints.monitoring: monthly KPIs are the one KPI definition applied per month,
the p-chart, the fairness table and the survey's response bias, on hand-computed examples."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from widgets.core.complaints import compute_kpis
from widgets.core.complaints.monitoring import (
    control_chart_figure,
    fairness_table,
    kpi_p_chart,
    kpi_series,
    kpi_trend_figure,
    monthly_kpis,
    months_meeting_target,
    p_chart,
    reweighted_satisfaction,
    share_difference,
    survey_by_group,
    target_level,
)


def frame_of(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    for column in ("received_at", "acknowledged_at", "first_response_at", "resolved_at",
                   "closed_at"):
        if column in frame.columns:
            frame[column] = pd.to_datetime(frame[column])
    for column in ("vulnerable", "first_contact_resolution", "reopened"):
        if column in frame.columns:
            frame[column] = frame[column].astype("boolean")
    if "satisfaction_score" in frame.columns:
        frame["satisfaction_score"] = frame["satisfaction_score"].astype("Int64")
    if "outcome" in frame.columns:
        frame["outcome"] = frame["outcome"].astype("string")
    return frame


# --------------------------------------------------------------------------- monthly KPIs


def test_a_months_kpis_are_compute_kpis_on_that_months_rows(sample_result, policy):
    log = sample_result.frame
    monthly = monthly_kpis(log, policy)
    for month in ("2024-11", "2025-04"):
        rows = log[log["received_at"].dt.to_period("M") == pd.Period(month, "M")]
        expected = compute_kpis(rows, policy)
        got = monthly[monthly["month"] == pd.Period(month, "M")].set_index("key")
        assert list(got.index) == list(expected)
        for key, kpi in expected.items():
            assert got.loc[key, "n"] == kpi.n, (month, key)
            if kpi.available:
                assert got.loc[key, "value"] == kpi.value, (month, key)
                assert got.loc[key, "met"] == kpi.met, (month, key)
                assert got.loc[key, "target"] == (kpi.target or "")
            else:
                assert math.isnan(got.loc[key, "value"]), (month, key)
    assert monthly["month"].nunique() == 24


def test_monthly_kpis_by_month_of_receipt(policy):
    # Jan: two complaints, acknowledged after 0 and 3 business days; Feb: none; Mar: one
    # acknowledged the next day, one not yet; Apr: one, not acknowledged yet.
    # 2025-01-06 and 2025-03-03 are Mondays.
    log = frame_of([
        {"received_at": "2025-01-06 09:00", "acknowledged_at": "2025-01-06 10:00"},
        {"received_at": "2025-01-06 11:00", "acknowledged_at": "2025-01-09 10:00"},
        {"received_at": "2025-03-03 09:00", "acknowledged_at": "2025-03-04 09:00"},
        {"received_at": "2025-03-03 10:00", "acknowledged_at": None},
        {"received_at": "2025-04-01 10:00", "acknowledged_at": None},
    ])
    monthly = monthly_kpis(log, policy, keys=["time_to_acknowledge"])
    series = kpi_series(monthly, "time_to_acknowledge")
    assert [str(m) for m in series.index] == ["2025-01", "2025-02", "2025-03", "2025-04"]
    january, february, march, april = (series.loc[pd.Period(m, "M")] for m in
                                       ("2025-01", "2025-02", "2025-03", "2025-04"))
    assert (january["value"], january["n"], january["met"]) == (0.5, 2, False)  # target 95%
    assert (march["value"], march["n"], march["awaiting"], march["met"]) == (1.0, 1, 1, True)
    for empty in (february, april):  # no complaint; nothing acknowledged yet
        assert math.isnan(empty["value"]) and empty["met"] is None
    assert february["reason"] == "no complaint in the data has a received_at value"
    assert april["reason"] == "no complaint in the data has a acknowledged_at value"
    assert march["reason"] == ""
    assert months_meeting_target(series) == (1, 2)
    with pytest.raises(KeyError, match="no KPI time_to_hug"):
        monthly_kpis(log, policy, keys=["time_to_hug"])
    with pytest.raises(KeyError, match="has no KPI 'reopen_rate'"):
        kpi_series(monthly, "reopen_rate")


def test_target_levels_come_from_the_policy(policy):
    assert target_level(policy, "time_to_acknowledge") == (
        policy.timeliness["acknowledge"].min_share, "min")
    assert target_level(policy, "reopen_rate") == (policy.rates["reopen_rate"].max, "max")
    assert target_level(policy, "satisfaction_mean") == (
        policy.rates["satisfaction_mean"].min, "min")
    assert target_level(policy, "uphold_rate") is None
    edited = policy.with_time_target("resolve", min_share=0.7)
    assert target_level(edited, "time_to_resolve") == (0.7, "min")


def test_months_meeting_target_ignores_months_without_a_verdict():
    series = pd.DataFrame({"met": [True, False, None, True]})
    assert months_meeting_target(series) == (2, 3)


# --------------------------------------------------------------------------- p-chart


def test_p_chart_limits_and_signals_by_hand():
    # baseline = first three periods: p = 30 / 300 = 0.1; sigma = sqrt(0.1 * 0.9 / 100) = 0.03
    chart = p_chart([10, 10, 10, 30, 0], [100, 100, 100, 100, 100],
                    baseline=[True, True, True, False, False])
    assert chart["centre"].iloc[0] == pytest.approx(0.1)
    assert chart["upper"].tolist() == pytest.approx([0.19] * 5)
    assert chart["lower"].tolist() == pytest.approx([0.01] * 5)
    assert chart["signal"].tolist() == ["", "", "", "above", "below"]
    assert chart["share"].tolist() == pytest.approx([0.1, 0.1, 0.1, 0.3, 0.0])


def test_p_chart_limits_widen_for_small_months_and_stay_within_0_and_1():
    chart = p_chart([2, 5, 18], [10, 10, 100])
    centre = 25 / 120
    small, large = (3 * math.sqrt(centre * (1 - centre) / n) for n in (10, 100))
    assert chart["centre"].iloc[0] == pytest.approx(centre)
    assert chart["upper"].tolist() == pytest.approx([centre + small] * 2 + [centre + large])
    assert chart["lower"].tolist() == [0.0, 0.0, pytest.approx(centre - large)]  # cut at 0
    assert chart["lower"].iloc[2] == pytest.approx(0.0865, abs=1e-4)
    assert (chart["signal"] == "").all()  # 0.5 lies under the wide limit of a small month
    assert p_chart([1], [1])["upper"].iloc[0] == 1.0  # cut at 1


def test_p_chart_run_rule():
    # p = 44 / 400 = 0.11; three points above the centre, then one below
    chart = p_chart([12, 12, 12, 8], [100] * 4, run_length=3)
    assert chart["signal"].tolist() == ["", "", "run", ""]
    assert chart.attrs["run_length"] == 3


def test_p_chart_skips_empty_periods_and_refuses_bad_input():
    chart = p_chart([1, 0, 1], [10, 0, 10])
    assert math.isnan(chart["share"].iloc[1]) and chart["signal"].iloc[1] == ""
    with pytest.raises(ValueError, match="same length"):
        p_chart([1, 2], [10])
    with pytest.raises(ValueError, match="0 ≤ events ≤ total"):
        p_chart([11], [10])
    with pytest.raises(ValueError, match="baseline periods hold no observations"):
        p_chart([0, 1], [0, 10], baseline=[True, False])


def test_kpi_p_chart_uses_the_kpi_values_and_counts(policy):
    monthly = pd.DataFrame({
        "month": [pd.Period(m, "M") for m in ("2025-01", "2025-02", "2025-03")],
        "key": "time_to_acknowledge", "label": "Time to acknowledge", "unit": "share",
        "value": [0.95, 0.9, np.nan], "n": [20, 10, 0], "target": "", "met": [True, False, None],
        "awaiting": 0,
    })
    chart = kpi_p_chart(monthly, "time_to_acknowledge", baseline=("2025-01", "2025-01"))
    assert chart["events"].tolist() == [19, 9, 0] and chart["total"].tolist() == [20, 10, 0]
    assert chart["centre"].iloc[0] == pytest.approx(0.95)
    assert chart["baseline"].tolist() == [True, False, False]
    assert chart.attrs["label"] == "Time to acknowledge"
    with pytest.raises(ValueError, match="no month of the data lies in the baseline"):
        kpi_p_chart(monthly, "time_to_acknowledge", baseline=("2024-01", "2024-12"))
    monthly["unit"] = "of 5"
    with pytest.raises(ValueError, match="not a share"):
        kpi_p_chart(monthly, "time_to_acknowledge")


def test_figures_draw_limits_signals_and_target():
    chart = p_chart([10, 10, 10, 30], [100] * 4, index=pd.period_range("2025-01", periods=4,
                                                                       freq="M"))
    figure = control_chart_figure(chart, target=0.15)
    assert isinstance(figure, Figure)
    labels = figure.axes[0].get_legend_handles_labels()[1]
    assert labels == ["month", "centre line", "3-sigma limits", "signal", "policy target"]
    series = pd.DataFrame({"value": [0.9, 0.97], "unit": "share", "met": [False, True]},
                          index=pd.period_range("2025-01", periods=2, freq="M"))
    trend = kpi_trend_figure(series, "Time to acknowledge", (0.95, "min"))
    axes = trend.axes[0]
    assert axes.get_legend_handles_labels()[1] == ["Time to acknowledge", "target missed",
                                                   "target (at least)"]
    low, high = axes.get_ylim()
    assert low < 90 and high > 97


# --------------------------------------------------------------------------- fairness


def test_fairness_table_by_hand(policy):
    # 2025-01-06 is a Monday. First responses after 1, 3, 4, 6 business days.
    log = frame_of([
        {"received_at": "2025-01-06", "first_response_at": "2025-01-07", "vulnerable": False,
         "resolved_at": "2025-01-07", "first_contact_resolution": True},
        {"received_at": "2025-01-06", "first_response_at": "2025-01-09", "vulnerable": False,
         "resolved_at": "2025-01-20", "first_contact_resolution": False},
        {"received_at": "2025-01-06", "first_response_at": "2025-01-10", "vulnerable": True,
         "resolved_at": "2025-01-20", "first_contact_resolution": False},
        {"received_at": "2025-01-06", "first_response_at": "2025-01-14", "vulnerable": True,
         "resolved_at": "2025-01-20", "first_contact_resolution": False},
        {"received_at": "2025-01-06", "first_response_at": None, "vulnerable": True,
         "resolved_at": None, "first_contact_resolution": False},
    ])
    table = fairness_table(log, policy, by="vulnerable")
    others, vulnerable = table.loc[False], table.loc[True]
    assert (others["complaints"], others["measured"]) == (2, 2)
    assert (vulnerable["complaints"], vulnerable["measured"]) == (3, 2)
    assert (others["median"], others["mean"]) == (2.0, 2.0)
    assert (vulnerable["median"], vulnerable["mean"]) == (5.0, 5.0)
    # policy: 5 business days in general, 3 promised to vulnerable customers
    assert (others["within_target"], vulnerable["within_target"]) == (1.0, 0.5)
    assert (others["within_promise"], vulnerable["within_promise"]) == (1.0, 0.0)
    assert (others["fcr"], vulnerable["fcr"]) == (0.5, 0.0)  # resolved complaints only
    assert table.attrs["target_days"] == policy.timeliness["first_response"].within_business_days
    assert table.attrs["promise_days"] == policy.vulnerable_first_response_business_days
    ack = fairness_table(log.assign(acknowledged_at=log["first_response_at"]), policy,
                         step="acknowledge")
    assert "within_promise" not in ack.columns and ack.attrs["promise_days"] is None
    with pytest.raises(ValueError, match="step must be one of acknowledge"):
        fairness_table(log, policy, step="close")


def test_share_difference_interval_by_hand():
    gap = share_difference(0.5, 100, 0.3, 100)
    spread = 1.96 * math.sqrt(0.25 / 100 + 0.21 / 100)
    assert gap.difference == pytest.approx(0.2)
    assert (gap.low, gap.high) == (pytest.approx(0.2 - spread), pytest.approx(0.2 + spread))
    assert gap.clear
    assert not share_difference(0.5, 10, 0.4, 10).clear
    with pytest.raises(ValueError, match="at least one complaint"):
        share_difference(0.5, 0, 0.4, 10)


# --------------------------------------------------------------------------- satisfaction


SURVEY = frame_of(
    [{"outcome": "upheld", "closed_at": "2025-02-01", "satisfaction_score": s}
     for s in (5, 4, None, None)]
    + [{"outcome": "not_upheld", "closed_at": "2025-02-01", "satisfaction_score": s}
       for s in (2, None, None, None)]
    + [{"outcome": "withdrawn", "closed_at": "2025-02-01", "satisfaction_score": None}]
    + [{"outcome": None, "closed_at": None, "satisfaction_score": None}]
)


def test_survey_by_group_and_reweighting(policy):
    survey = survey_by_group(SURVEY, policy)
    assert list(survey.index) == ["not_upheld", "upheld", "withdrawn"]
    assert survey["closed"].tolist() == [4, 4, 1]
    assert survey["responses"].tolist() == [1, 2, 0]
    assert survey["response_rate"].tolist()[:2] == [0.25, 0.5]
    # the KPI is not available for a group without any score, so neither is its rate
    assert math.isnan(survey.loc["withdrawn", "response_rate"])
    assert survey.loc["upheld", "mean_score"] == 4.5
    assert survey.loc["not_upheld", "mean_score"] == 2.0
    assert math.isnan(survey.loc["withdrawn", "mean_score"])
    weighted = reweighted_satisfaction(survey)
    assert weighted.respondents_mean == pytest.approx((4.5 * 2 + 2.0 * 1) / 3)
    assert weighted.reweighted_mean == pytest.approx((4.5 * 4 + 2.0 * 4) / 8)
    assert weighted.flattery == pytest.approx(11 / 3 - 3.25)
    assert (weighted.responses, weighted.closed) == (3, 8)
    with pytest.raises(ValueError, match="no group has a survey response"):
        reweighted_satisfaction(survey.loc[["withdrawn"]])
