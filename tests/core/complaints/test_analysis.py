"""widgets.core.complaints.analysis on small hand-made logs whose answers are worked out by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from matplotlib.figure import Figure

from widgets.core.complaints.analysis import (
    IssueRule,
    before_after,
    classify_issues,
    compare_months,
    group_versus_rest,
    issue_summary,
    monthly_counts,
    rate_by_group,
    time_by_group,
    trend_figure,
    value_share,
)


def log(rows: list[dict]) -> pd.DataFrame:
    """A frame typed like the loader's: timestamps, nullable booleans and strings."""
    frame = pd.DataFrame(rows)
    for column in ("received_at", "acknowledged_at", "closed_at", "resolved_at"):
        if column in frame.columns:
            frame[column] = pd.to_datetime(frame[column])
    for column in ("reopened", "first_contact_resolution"):
        if column in frame.columns:
            frame[column] = frame[column].astype("boolean")
    for column in ("category", "channel", "root_cause", "subcategory", "customer_id",
                   "assigned_team"):
        if column in frame.columns:
            frame[column] = frame[column].astype("string")
    return frame


# --------------------------------------------------------------------------- trends

TREND = log([
    {"received_at": "2024-03-04 09:00", "category": "billing"},
    {"received_at": "2024-03-20 09:00", "category": "metering"},
    {"received_at": "2024-05-02 09:00", "category": "billing"},
    {"received_at": "2025-01-15 09:00", "category": "billing"},
    {"received_at": "2025-02-03 09:00", "category": "billing"},
    {"received_at": "2025-02-10 09:00", "category": None},
    {"received_at": "2025-03-03 10:00", "category": "billing"},
    {"received_at": "2025-03-04 10:00", "category": "billing"},
    {"received_at": "2025-03-31 23:00", "category": "billing"},
    {"received_at": "2025-04-01 08:00", "category": "metering"},
    {"received_at": "2025-05-30 16:00", "category": "billing"},
])


def test_monthly_counts_keep_empty_months_as_zero():
    total = monthly_counts(TREND)
    assert list(total.columns) == ["complaints"]
    assert len(total) == 15  # March 2024 … May 2025
    assert total.loc[pd.Period("2024-04", "M"), "complaints"] == 0
    assert total.loc[pd.Period("2025-03", "M"), "complaints"] == 3
    assert total["complaints"].sum() == 11


def test_monthly_counts_by_column_count_the_missing_apart():
    table = monthly_counts(TREND, "category")
    assert list(table.columns) == ["billing", "metering"]
    assert table.columns.name == "category" and table.index.name == "month"
    assert table.loc[pd.Period("2025-02", "M")].to_dict() == {"billing": 1, "metering": 0}
    assert table.loc[pd.Period("2025-03", "M"), "billing"] == 3
    assert table.attrs["missing"] == 1
    assert int(table.to_numpy().sum()) == 10
    with pytest.raises(KeyError, match="no product column"):
        monthly_counts(TREND, "product")


def test_compare_months_averages_over_every_month_of_the_run():
    billing = TREND["category"] == "billing"
    result = compare_months(TREND, ("2024-03", "2024-05"), ("2025-03", "2025-05"), where=billing)
    # billing: Mar 2024 1, Apr 0, May 1 -> 2/3; Mar 2025 3, Apr 0, May 1 -> 4/3
    assert result.before_total == 2 and result.after_total == 4
    assert result.before_per_month == pytest.approx(2 / 3)
    assert result.after_per_month == pytest.approx(4 / 3)
    assert result.ratio == pytest.approx(2.0)
    assert result.sentence("Billing") == (
        "Billing: 0.7 a month in Mar 2024–May 2024 against 1.3 a month in Mar 2025–May 2025 "
        "(× 2.00)")


def test_before_after_builds_the_runs_from_the_change_date():
    billing = TREND["category"] == "billing"
    year = before_after(TREND, "2025-03-03", months=3, where=billing)
    assert year.before == (pd.Period("2024-03", "M"), pd.Period("2024-05", "M"))
    assert year.after == (pd.Period("2025-03", "M"), pd.Period("2025-05", "M"))
    assert year.ratio == pytest.approx(2.0)
    preceding = before_after(TREND, "2025-03-03", months=2, where=billing, baseline="preceding")
    # Jan 2025 1 + Feb 2025 1 -> 1.0 a month; Mar 3 + Apr 0 -> 1.5 a month
    assert preceding.before == (pd.Period("2025-01", "M"), pd.Period("2025-02", "M"))
    assert (preceding.before_per_month, preceding.after_per_month) == (1.0, 1.5)
    one = before_after(TREND, "2025-03-31", months=1, where=billing)
    assert one.sentence("x").startswith("x: 1.0 a month in Mar 2024 against 3.0 a month in "
                                         "Mar 2025")


def test_before_after_refuses_bad_arguments():
    with pytest.raises(ValueError, match="'year_before' or 'preceding'"):
        before_after(TREND, "2025-03-03", baseline="last_year")
    with pytest.raises(ValueError, match="at least 1 month"):
        before_after(TREND, "2025-03-03", months=0)
    with pytest.raises(ValueError, match="swap them"):
        compare_months(TREND, ("2024-05", "2024-03"), ("2025-03", "2025-05"))
    with pytest.raises(ValueError, match="same frame"):
        compare_months(TREND, ("2024-03", "2024-05"), ("2025-03", "2025-05"),
                       where=pd.Series([True]))


def test_ratio_with_nothing_before():
    metering = TREND["category"] == "metering"
    result = compare_months(TREND, ("2024-06", "2024-06"), ("2025-04", "2025-04"),
                            where=metering)
    assert result.ratio == math.inf
    empty = compare_months(TREND, ("2024-06", "2024-06"), ("2024-07", "2024-07"))
    assert math.isnan(empty.ratio)


def test_value_share_among_rows_with_a_value():
    frame = log([
        {"received_at": "2025-03-03", "category": "billing", "root_cause": "billing_system_defect"},
        {"received_at": "2025-03-04", "category": "billing", "root_cause": "staff_error"},
        {"received_at": "2025-03-05", "category": "billing", "root_cause": "billing_system_defect"},
        {"received_at": "2025-03-06", "category": "billing", "root_cause": None},
        {"received_at": "2025-03-07", "category": "metering",
         "root_cause": "billing_system_defect"},
    ])
    billing = frame["category"] == "billing"
    share, n = value_share(frame, "root_cause", "billing_system_defect", where=billing)
    assert (share, n) == (pytest.approx(2 / 3), 3)
    assert value_share(frame, "root_cause", "staff_error") == (pytest.approx(0.25), 4)
    nothing, zero = value_share(frame, "root_cause", "x", where=frame["category"] == "safety")
    assert math.isnan(nothing) and zero == 0


def test_trend_figure_marks_the_change_month():
    counts = monthly_counts(TREND)["complaints"]
    figure = trend_figure(counts, "All complaints", marker=("2025-03-03", "go-live"))
    assert isinstance(figure, Figure)
    axes = figure.axes[0]
    assert axes.get_title() == "All complaints"
    marker_line = axes.lines[-1]
    assert list(marker_line.get_xdata()) == [12, 12]  # Mar 2025 is the 13th month
    assert [t.get_text() for t in axes.texts] == ["go-live"]
    outside = trend_figure(counts, "x", marker=("2023-01-01", "old"))
    assert len(outside.axes[0].lines) == 1


# --------------------------------------------------------------------------- groups


def test_time_by_group_counts_business_days(policy):
    # 2025-01-10 is a Friday; the policy's business days are Mon-Fri without holidays.
    frame = log([
        {"received_at": "2025-01-10 09:00", "acknowledged_at": "2025-01-13 10:00",
         "channel": "letter"},                                               # 1 day
        {"received_at": "2025-01-08 09:00", "acknowledged_at": "2025-01-15 09:00",
         "channel": "letter"},                                               # 5 days
        {"received_at": "2025-01-08 09:00", "acknowledged_at": "2025-01-10 12:00",
         "channel": "letter"},                                               # 2 days
        {"received_at": "2025-01-09 09:00", "acknowledged_at": None,
         "channel": "letter"},                                               # waiting
        {"received_at": "2025-01-13 09:00", "acknowledged_at": "2025-01-13 09:05",
         "channel": "phone"},                                                # 0 days
        {"received_at": "2025-01-14 09:00", "acknowledged_at": "2025-01-15 09:05",
         "channel": "phone"},                                                # 1 day
    ])
    table = time_by_group(frame, "acknowledged_at", "channel", policy, within=2)
    assert list(table.index) == ["letter", "phone"]  # slowest median first
    letter, phone = table.loc["letter"], table.loc["phone"]
    assert (letter["complaints"], letter["measured"]) == (4, 3)
    assert letter["median"] == 2.0 and letter["mean"] == pytest.approx(8 / 3)
    assert letter["within"] == pytest.approx(2 / 3)
    assert letter["p90"] == pytest.approx(4.4)  # numpy linear: 2 + 0.8 * (5 - 2)
    assert (phone["median"], phone["mean"], phone["within"]) == (0.5, 0.5, 1.0)
    assert table.attrs["within"] == 2
    assert "within" not in time_by_group(frame, "acknowledged_at", "channel", policy).columns


REOPEN = log([
    {"assigned_team": "metering_team", "closed_at": "2025-02-01", "reopened": True},
    {"assigned_team": "metering_team", "closed_at": "2025-02-01", "reopened": True},
    {"assigned_team": "metering_team", "closed_at": "2025-02-01", "reopened": False},
    {"assigned_team": "metering_team", "closed_at": "2025-02-01", "reopened": False},
    {"assigned_team": "metering_team", "closed_at": None, "reopened": False},
    {"assigned_team": "billing_team", "closed_at": "2025-02-01", "reopened": True},
    {"assigned_team": "billing_team", "closed_at": "2025-02-01", "reopened": False},
    {"assigned_team": "billing_team", "closed_at": "2025-02-01", "reopened": False},
    {"assigned_team": "billing_team", "closed_at": "2025-02-01", "reopened": False},
    {"assigned_team": "field_services", "closed_at": "2025-02-01", "reopened": False},
    {"assigned_team": "field_services", "closed_at": "2025-02-01", "reopened": False},
    {"assigned_team": "safety_team", "closed_at": None, "reopened": False},
])


def test_rate_by_group_applies_the_kpi_to_each_group():
    table = rate_by_group(REOPEN, "assigned_team", "reopen_rate")
    assert list(table.index) == ["metering_team", "billing_team", "field_services",
                                 "safety_team"]
    assert table["rate"].iloc[:3].tolist() == [0.5, 0.25, 0.0]
    assert table["n"].tolist() == [4, 4, 2, 0]  # closed complaints only
    assert math.isnan(table.loc["safety_team", "rate"])  # nothing closed yet
    with pytest.raises(ValueError, match="choose one of first_contact_resolution"):
        rate_by_group(REOPEN, "assigned_team", "reopens")


def test_group_versus_rest_compares_with_the_others_together():
    contrast = group_versus_rest(REOPEN, "assigned_team", "metering_team", "reopen_rate")
    assert (contrast.group_rate, contrast.group_n) == (0.5, 4)
    assert (contrast.rest_rate, contrast.rest_n) == (pytest.approx(1 / 6), 6)
    assert contrast.ratio == pytest.approx(3.0)
    with pytest.raises(ValueError, match="no complaint has assigned_team = 'network'"):
        group_versus_rest(REOPEN, "assigned_team", "network", "reopen_rate")
    with pytest.raises(ValueError, match="cannot be computed for assigned_team = 'safety_team'"):
        group_versus_rest(REOPEN, "assigned_team", "safety_team", "reopen_rate")


# --------------------------------------------------------------------------- issues


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ((1, 1, 1, 3), "single"),
        ((2, 1, 1, 3), "recurring"),       # one customer twice
        ((5, 4, 3, 3), "recurring"),       # too few customers
        ((5, 5, 1, 3), "recurring"),       # too few months: needs 1.5 of 3
        ((5, 5, 2, 3), "systemic"),
        ((20, 18, 12, 24), "systemic"),    # exactly half of 24 months
        ((20, 18, 11, 24), "recurring"),
    ],
)
def test_issue_rule_boundaries(counts, expected):
    assert IssueRule(min_customers=5, min_month_share=0.5).classify(*counts) == expected


def test_issue_rule_refuses_meaningless_thresholds():
    with pytest.raises(ValueError, match="min_customers must be at least 2"):
        IssueRule(min_customers=1)
    with pytest.raises(ValueError, match="min_month_share must be above 0"):
        IssueRule(min_month_share=0)
    assert IssueRule().describe() == (
        "single = 1 complaint; systemic = at least 10 different customers in at least 50% of "
        "the window's months; recurring = every other issue with 2 or more complaints")


ISSUES = log([
    # A: 3 customers in Jan and Feb -> systemic with min_customers=3 (2 of 3 months >= 1.5)
    {"received_at": "2025-01-05", "subcategory": "incorrect_bill",
     "root_cause": "billing_system_defect", "customer_id": "C1"},
    {"received_at": "2025-01-20", "subcategory": "incorrect_bill",
     "root_cause": "billing_system_defect", "customer_id": "C2"},
    {"received_at": "2025-02-11", "subcategory": "incorrect_bill",
     "root_cause": "billing_system_defect", "customer_id": "C3"},
    # B: one customer twice -> recurring
    {"received_at": "2025-03-02", "subcategory": "refund_delay", "root_cause": "process_gap",
     "customer_id": "C4"},
    {"received_at": "2025-03-25", "subcategory": "refund_delay", "root_cause": "process_gap",
     "customer_id": "C4"},
    # C: one complaint -> single
    {"received_at": "2025-02-14", "subcategory": "rude_staff", "root_cause": "staff_error",
     "customer_id": "C5"},
    # no root cause yet -> left out, counted as missing
    {"received_at": "2025-03-30", "subcategory": "rude_staff", "root_cause": None,
     "customer_id": "C6"},
    # outside the window
    {"received_at": "2025-04-01", "subcategory": "rude_staff", "root_cause": "staff_error",
     "customer_id": "C7"},
])


def test_classify_issues_in_a_window():
    issues = classify_issues(ISSUES, rule=IssueRule(min_customers=3), start="2025-01",
                             end="2025-03")
    assert issues.index.names == ["subcategory", "root_cause"]
    assert issues["issue_class"].to_dict() == {
        ("incorrect_bill", "billing_system_defect"): "systemic",
        ("refund_delay", "process_gap"): "recurring",
        ("rude_staff", "staff_error"): "single",
    }
    first = issues.iloc[0]
    assert (first["complaints"], first["customers"], first["months_active"]) == (3, 3, 2)
    assert first["first_received"] == pd.Timestamp("2025-01-05")
    assert first["last_received"] == pd.Timestamp("2025-02-11")
    assert issues.attrs["missing"] == 1 and issues.attrs["window_months"] == 3
    summary = issue_summary(issues)
    assert summary["issues"].tolist() == [1, 1, 1]
    assert summary["complaints"].tolist() == [3, 2, 1]
    assert summary["share_of_complaints"].tolist() == pytest.approx([0.5, 1 / 3, 1 / 6])


def test_classify_issues_defaults_to_the_whole_log_and_the_course_rule():
    issues = classify_issues(ISSUES)
    assert issues.attrs["window_months"] == 4
    # with the default rule (10 customers) nothing here is systemic
    assert issues.loc[("rude_staff", "staff_error"), "issue_class"] == "recurring"
    assert set(issues["issue_class"]) == {"recurring"}
    one_month = classify_issues(ISSUES, start="2024-01", end="2024-01")
    assert one_month.empty and list(one_month.columns)[-1] == "issue_class"
    with pytest.raises(ValueError, match="swap them"):
        classify_issues(ISSUES, start="2025-03", end="2025-01")
    with pytest.raises(KeyError, match="no severity column"):
        classify_issues(ISSUES, key=("severity",))
