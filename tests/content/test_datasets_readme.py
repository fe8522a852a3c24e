"""datasets/README.md tells the truth about datasets/complaints.csv.

The README is the data dictionary and, for trainers, the answer key: the numbers an analyst or
auditor should find in the sample log. Regenerating the log (a new seed, a changed generator)
must not leave the README stating numbers the data no longer holds, so every number in the
answer key is recomputed here from the CSV — through the course's own loader, KPI functions
and breach checker, because the README promises what learners will see with them.

The answer key is the block between the `answer-key:begin` and `answer-key:end` markers: table
rows whose first cell is a `key` in backticks and whose second cell is the value. When a value
is wrong, the failure message prints the whole recomputed key to paste into the README.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from support.sample_data import REPO

from widgets.core.complaints import (
    RULES,
    compute_kpis,
    find_policy_breaches,
    load_complaints,
    pareto,
    schema,
)
from widgets.core.complaints.policy import Policy

README = (REPO / "datasets" / "README.md").read_text(encoding="utf-8")
SAMPLE = REPO / "datasets" / "complaints.csv"
GO_LIVE = pd.Timestamp("2025-03-03")  # the new billing system (pattern a), a design fact
KEY_ROW = re.compile(r"^\|\s*`([^`]+)`\s*\|\s*([^|]*?)\s*\|", re.MULTILINE)


def percent(value: float) -> str:
    return f"{value:.1%}"


def decimal(value: float, places: int = 2) -> str:
    return f"{value:.{places}f}"


def count(value: float) -> str:
    return f"{int(value):,}"


def month_mean(monthly: pd.Series, first: str, last: str) -> float:
    return float(monthly[pd.Period(first, "M"): pd.Period(last, "M")].mean())


def answer_key(frame: pd.DataFrame, policy: Policy) -> dict[str, str]:
    """Every number the README's answer key states, recomputed, formatted as printed."""
    key: dict[str, str] = {}
    received = frame["received_at"]
    month = received.dt.to_period("M")
    closed = frame["closed_at"].notna()
    breaches = find_policy_breaches(frame, policy)

    # the data at a glance
    per_customer = frame["customer_id"].value_counts()
    key["rows"] = count(len(frame))
    key["first_received"] = f"{received.min():%Y-%m-%d}"
    key["last_received"] = f"{received.max():%Y-%m-%d}"
    key["customers"] = count(per_customer.size)
    key["repeat_customers"] = count((per_customer >= 2).sum())
    key["most_complaints_one_customer"] = count(per_customer.max())
    for status in schema.STATUSES:
        key[f"status.{status}"] = count((frame["status"] == status).sum())
    for channel, share in frame["channel"].value_counts(normalize=True).items():
        key[f"channel.{channel}"] = percent(share)
    key["vulnerable_share"] = percent(frame["vulnerable"].astype(bool).mean())
    key["small_business_share"] = percent((frame["customer_segment"] == "small_business").mean())

    # headline KPIs, as the course's KPI functions compute them
    for name, kpi in compute_kpis(frame, policy).items():
        key[f"kpi.{name}"] = kpi.formatted()
        if kpi.met is not None:
            key[f"kpi.{name}.met"] = "yes" if kpi.met else "no"

    # the satisfaction survey's response bias
    scored = frame["satisfaction_score"].notna()
    for outcome in ("upheld", "not_upheld"):
        rows = closed & (frame["outcome"] == outcome)
        key[f"s.response_rate_{outcome}"] = percent(scored[rows].mean())
        key[f"s.mean_score_{outcome}"] = decimal(
            frame.loc[rows & scored, "satisfaction_score"].astype(float).mean())

    # a. the billing spike after the new billing system went live
    billing = frame["category"] == "billing"
    billing_monthly = billing.groupby(month).sum()
    before = month_mean(billing_monthly, "2024-03", "2024-05")
    after = month_mean(billing_monthly, "2025-03", "2025-05")
    key["a.billing_per_month_2024_03_05"] = decimal(before, 1)
    key["a.billing_per_month_2025_03_05"] = decimal(after, 1)
    key["a.billing_spike_ratio"] = decimal(after / before)
    key["a.billing_per_month_2024_03_2025_02"] = decimal(
        month_mean(billing_monthly, "2024-03", "2025-02"), 1)
    for label, start, end in (("2024", "2024-03-03", "2024-06-01"),
                              ("2025", GO_LIVE, "2025-06-01")):
        window = billing & (received >= start) & (received < end) & frame["root_cause"].notna()
        key[f"a.defect_share_{label}"] = percent(
            (frame.loc[window, "root_cause"] == "billing_system_defect").mean())

    # b. letters are acknowledged slowly
    ack = policy.business_days_elapsed(received.to_numpy(), frame["acknowledged_at"].to_numpy())
    letter = (frame["channel"] == "letter").to_numpy()
    limit = policy.timeliness["acknowledge"].within_business_days
    for label, rows in (("letter", letter), ("other", ~letter)):
        values = ack[rows & ~np.isnan(ack)]
        key[f"b.ack_median_{label}"] = decimal(np.median(values), 1)
        key[f"b.ack_mean_{label}"] = decimal(values.mean())
        key[f"b.ack_within_target_{label}"] = percent((values <= limit).mean())
    late_ids = breaches.loc[breaches["rule"] == "ACK_LATE", "complaint_id"]
    late_channels = frame.loc[frame["complaint_id"].isin(late_ids), "channel"]
    key["b.letter_share_of_ack_late"] = percent((late_channels == "letter").mean())
    key["b.letter_share_of_complaints"] = percent(letter.mean())

    # c. the metering team's reopenings
    closed_rows = frame[closed]
    reopened = closed_rows["reopened"].astype(bool)
    for team, rate in reopened.groupby(closed_rows["assigned_team"]).mean().items():
        key[f"c.reopen_rate.{team}"] = percent(rate)
    metering = closed_rows["assigned_team"] == "metering_team"
    key["c.reopen_rate_other_teams"] = percent(reopened[~metering].mean())
    key["c.reopen_ratio"] = decimal(reopened[metering].mean() / reopened[~metering].mean())

    # d. vital few root causes
    table = pareto(frame, "root_cause")
    key["d.with_root_cause"] = count(table["count"].sum())
    key["d.causes_found"] = count(len(table))
    for rank, (cause, row) in enumerate(table.head(3).iterrows(), start=1):
        key[f"d.rank{rank}"] = str(cause)
        key[f"d.rank{rank}_share"] = percent(row["share"])
    key["d.top3_share"] = percent(table["share"].head(3).sum())

    # e. vulnerable customers wait longer for a first response
    response = policy.business_days_elapsed(received.to_numpy(),
                                            frame["first_response_at"].to_numpy())
    vulnerable = frame["vulnerable"].astype(bool).to_numpy()
    resolved = frame["resolved_at"].notna().to_numpy()
    fcr = frame["first_contact_resolution"].astype(bool).to_numpy()
    vulnerable_limit = policy.vulnerable_first_response_business_days
    for label, rows in (("vulnerable", vulnerable), ("others", ~vulnerable)):
        values = response[rows & ~np.isnan(response)]
        key[f"e.response_mean_{label}"] = decimal(values.mean())
        key[f"e.response_median_{label}"] = decimal(np.median(values), 1)
        key[f"e.response_within_{vulnerable_limit}_{label}"] = percent(
            (values <= vulnerable_limit).mean())
        key[f"e.fcr_{label}"] = percent(fcr[rows & resolved].mean())

    # f. records that break the policy, per rule of the breach checker
    counts = breaches["rule"].value_counts()
    for rule in RULES:
        key[f"f.{rule}"] = count(counts.get(rule, 0))
    key["f.records_with_any_breach"] = count(breaches["complaint_id"].nunique())
    key["f.share_without_breach"] = percent(1 - breaches["complaint_id"].nunique() / len(frame))

    # g. complaints about complaints handling follow late acknowledgements
    acknowledged = pd.Series(~np.isnan(ack), index=frame.index).groupby(month).sum()
    late_ids_set = set(late_ids)
    late = frame["complaint_id"].isin(late_ids_set).groupby(month).sum()
    late_share = late / acknowledged
    handling = (frame["category"] == "complaints_handling").groupby(month).sum()
    key["g.correlation"] = decimal(float(np.corrcoef(late_share, handling)[0, 1]))
    worst = late_share.sort_values(ascending=False, kind="stable").index[:6]
    key["g.worst_ack_months"] = ", ".join(str(p) for p in sorted(worst))
    key["g.handling_per_month_worst6"] = decimal(handling[worst].mean(), 1)
    key["g.handling_per_month_other"] = decimal(handling.drop(worst).mean(), 1)
    return key


def readme_key(text: str) -> dict[str, str]:
    start = text.index("<!-- answer-key:begin -->")
    end = text.index("<!-- answer-key:end -->")
    rows = KEY_ROW.findall(text[start:end])
    keys = [k for k, _ in rows]
    assert len(keys) == len(set(keys)), "a key appears twice in the README's answer key"
    return {k: v.strip().strip("`") for k, v in rows}


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    result = load_complaints(SAMPLE)
    assert result.report.rows_rejected == 0, result.report.summary()
    return result.frame


def test_answer_key_matches_the_data(sample, policy):
    computed = answer_key(sample, policy)
    stated = readme_key(README)
    printable = "\n".join(f"| `{k}` | {v} |" for k, v in computed.items())
    assert stated.keys() == computed.keys(), (
        f"README keys differ: missing {sorted(computed.keys() - stated.keys())}, "
        f"unknown {sorted(stated.keys() - computed.keys())}. Recomputed:\n{printable}")
    wrong = {k: (stated[k], computed[k]) for k in computed if stated[k] != computed[k]}
    assert not wrong, f"README states (stated, actual) {wrong}. Recomputed:\n{printable}"


def test_policy_numbers_in_the_readme_are_the_policy_yaml_numbers(sample, policy):
    # The answer key's meanings and the prose repeat policy targets; they must follow
    # policy.yaml when a trainer edits it.
    key_text = README[README.index("<!-- answer-key:begin -->"):]
    meanings = {m.group(1): m.group(0) for m in
                re.finditer(r"^\|\s*`([^`]+)`.*$", key_text, re.MULTILINE)}
    for name, kpi in compute_kpis(sample, policy).items():
        if kpi.target is not None:
            assert f"(target {kpi.target})" in meanings[f"kpi.{name}"], name
    limits = {policy.timeliness[step].within_business_days for step in policy.timeliness}
    limits.add(policy.vulnerable_first_response_business_days)
    stated = {int(n) for n in re.findall(r"(\d+)[ -]business[ -]days?", README)}
    assert stated, "the README states no business-day limits at all"
    assert stated <= limits, f"business-day numbers not in policy.yaml: {stated - limits}"


def test_answer_key_parser_reads_values_and_ignores_rows_outside_the_markers():
    text = ("| `outside` | 1 |\n<!-- answer-key:begin -->\n| key | value | meaning |\n"
            "|---|---|---|\n| `a.x` | 12.5% | a share |\n| `d.rank1` | `staff_error` | top |\n"
            "<!-- answer-key:end -->\n| `after` | 2 |\n")
    assert readme_key(text) == {"a.x": "12.5%", "d.rank1": "staff_error"}


def test_planted_patterns_have_the_strength_the_readme_claims(sample, policy):
    # The prose promises directions and rough sizes; these hold for the committed data.
    key = answer_key(sample, policy)
    assert 2.5 <= float(key["a.billing_spike_ratio"]) <= 3.6
    assert float(key["b.ack_median_letter"]) >= float(key["b.ack_median_other"]) + 1
    assert 3.0 <= float(key["c.reopen_ratio"]) <= 5.0
    assert 70.0 <= float(key["d.top3_share"].rstrip("%")) <= 80.0
    assert float(key["e.response_mean_vulnerable"]) > float(key["e.response_mean_others"])
    assert float(key["g.correlation"]) >= 0.5


def test_dictionary_documents_every_column_and_value():
    start = README.index("## Data dictionary")
    dictionary = README[start: README.index("\n#", start + 1)]
    rows = {m.group(1): m.group(0) for m in
            re.finditer(r"^\| `([a-z_]+)` \|.*$", dictionary, re.MULTILINE)}
    assert list(rows) == list(schema.COLUMN_NAMES)
    for column in schema.COLUMNS:
        for value in column.allowed or ():
            assert f"`{value}`" in rows[column.name], (column.name, value)


def test_readme_names_the_files_and_the_regeneration_command():
    for name in ("complaints.csv", "complaints-policy.md", "policy.yaml"):
        assert f"`{name}`" in README
    assert "iso10002 generate --seed 10002 --out datasets/complaints.csv" in README
    assert "example.com" in README and "07700 900000" in README
