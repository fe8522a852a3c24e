"""Modules 04 (analysing complaints) and 05 (measuring and monitoring): notebook structure,
text that cannot lie about the data, the numbers they print against the trainers' answer key,
and their interactive views driven from Python.

The notebooks print every number about the sample log from code. Their markdown only makes
qualitative claims ("billing complaints rose after the go-live", "the policy promises
vulnerable customers a faster response"); each such claim is checked here on the committed
data, so regenerating the log cannot leave the text saying something the data no longer shows.
"""

from __future__ import annotations

import base64
import re

import nbformat
import pandas as pd
import pytest
from support.sample_data import REPO
from test_datasets_readme import README, readme_key

from widgets.analysis import IssueExplorer, Prediction, TrendExplorer
from widgets.core.complaints import compute_kpis, find_policy_breaches, pareto
from widgets.core.complaints.analysis import (
    before_after,
    classify_issues,
    group_versus_rest,
    rate_by_group,
    time_by_group,
    value_share,
)
from widgets.core.complaints.monitoring import (
    fairness_table,
    kpi_p_chart,
    kpi_series,
    monthly_kpis,
    months_meeting_target,
    reweighted_satisfaction,
    survey_by_group,
)
from widgets.core.complaints.rootcause import load_fishbone_categories
from widgets.core.course.course_map import load_course_map
from widgets.core.course.questions import load_bank
from widgets.core.course.syllabus import clause_coverage, load_banks
from widgets.monitoring import FairnessView, MonitoringBoard

MODULES = ("04-analysing-complaints", "05-measuring-and-monitoring")
BANKS = {"04-analysing-complaints": "analysis", "05-measuring-and-monitoring": "monitoring"}
INTERACTIVE = ("Prediction(", "TrendExplorer(", "IssueExplorer(", "RootCauseExplorer(",
               "MonitoringBoard(", "FairnessView(", "knowledge_check(")
GO_LIVE = "2025-03-03"  # the billing system's go-live: a fact of the scenario, not a count
# Numbers about the data that markdown must never state (code prints them instead).
DATA_NUMBERS = [
    re.compile(r"\d+(?:\.\d+)?\s*%"),                   # shares
    re.compile(r"\b\d+(?:\.\d+)?\s+business[ -]days?"),  # policy deadlines, waits
    re.compile(r"×\s*\d|\b\d+(?:\.\d+)?\s*times\b"),    # ratios
    re.compile(r"\b\d{1,3}(?:,\d{3})+\b"),               # counts like 4,800
    re.compile(r"\b(?:doubled|tripled|trebled|halved)\b", re.IGNORECASE),
]


def notebook(module_id: str) -> nbformat.NotebookNode:
    return nbformat.read(REPO / "modules" / f"{module_id}.ipynb", as_version=4)


def sources(module_id: str, kind: str) -> list[str]:
    return [cell.source for cell in notebook(module_id).cells if cell.cell_type == kind]


@pytest.fixture(scope="module")
def log(sample_result) -> pd.DataFrame:
    return sample_result.frame


@pytest.fixture(scope="module")
def key() -> dict[str, str]:
    return readme_key(README)


def percent(text: str) -> float:
    return float(text.rstrip("%")) / 100


# --------------------------------------------------------------------------- structure


@pytest.mark.parametrize("module_id", MODULES)
def test_module_opens_with_its_header_and_closes_with_check_and_next_steps(module_id):
    code = sources(module_id, "code")
    assert f'show_module_header("{module_id}")' in code[0]
    assert code[-2] == f'knowledge_check("{module_id}")'
    assert code[-1] == f'show_next_steps("{module_id}")'
    markdown = "\n".join(sources(module_id, "markdown"))
    assert "## Summary" in markdown and "## Knowledge check" in markdown


@pytest.mark.parametrize("module_id", MODULES)
def test_module_has_three_or_more_interactive_elements_and_short_cells(module_id):
    code = "\n".join(sources(module_id, "code"))
    found = {name for name in INTERACTIVE if name in code}
    assert len(found) >= 3, found
    longest = max(len(cell.splitlines()) for cell in sources(module_id, "code"))
    assert longest <= 25, f"a code cell of {longest} lines: move logic into widgets/core"


@pytest.mark.parametrize("module_id", MODULES)
def test_markdown_states_no_numbers_about_the_data(module_id):
    for text in sources(module_id, "markdown"):
        for pattern in DATA_NUMBERS:
            match = pattern.search(text)
            assert match is None, (
                f"{module_id}: markdown states {match.group(0)!r}; print it from a code cell "
                f"instead:\n{text[:300]}")


@pytest.mark.parametrize("module_id", MODULES)
def test_markdown_cites_the_clauses_the_module_teaches(module_id):
    markdown = "\n".join(sources(module_id, "markdown"))
    for clause in load_course_map().module(module_id).clauses:
        number = clause.removeprefix("10004").strip() or "ISO 10004"
        assert number in markdown, f"{module_id} never mentions {clause}"
    assert "ISO 10002:2018" in markdown and "our own words" in markdown


@pytest.mark.parametrize("module_id", MODULES)
def test_knowledge_check_bank_assesses_every_clause_taught(module_id):
    bank = load_bank(BANKS[module_id])
    assert bank.module == module_id and len(bank.questions) >= 8
    assert {q.type for q in bank.questions} == {"single", "multiple", "true_false", "ordering",
                                                 "scenario"}
    cited = {clause for q in bank.questions for clause in q.clauses}
    assert set(load_course_map().module(module_id).clauses) <= cited


def test_clauses_8_1_to_8_4_are_taught_and_assessed():
    rows = {row.clause.id: row for row in clause_coverage(load_course_map(), load_banks())}
    for clause, module_id in (("8.1", MODULES[0]), ("8.2", MODULES[0]), ("8.3", MODULES[1]),
                              ("8.4", MODULES[1]), ("10004", MODULES[1])):
        assert module_id in rows[clause].taught_in, clause
        assert rows[clause].questions >= 1, clause


# --------------------------------------------------------------------------- claims in the text


def test_module_04_claims_hold_on_the_sample_log(log, policy):
    billing = log["category"] == "billing"
    # "Why did billing complaints rise from March 2025?" and the spike the guess is about
    assert before_after(log, GO_LIVE, where=billing).ratio > 1.5
    # "Phone and chat complaints are usually acknowledged during the contact itself."
    ack = time_by_group(log, "acknowledged_at", "channel", policy, within=2)
    assert ack.loc["phone", "median"] == 0 and ack.loc["chat", "median"] == 0
    # "A small channel can carry most of the failures": the slowest is a small channel
    slowest = ack["within"].idxmin()
    assert (log["channel"] == slowest).mean() < 0.1
    # "When the largest cause is customer misunderstanding and most … are not upheld"
    causes = pareto(log, "root_cause")
    top = causes.index[0]
    assert top == "customer_misunderstanding"
    assert (log.loc[log["root_cause"] == top, "outcome"] == "not_upheld").mean() > 0.5
    # the fishbone's bones as the text lists them
    markdown = "\n".join(sources(MODULES[0], "markdown"))
    bones = [c.label.lower() for c in load_fishbone_categories()]
    assert f"*{', '.join(bones)}*" in markdown
    # "Which issues are systemic in spring 2025 but only recurring a year later?"
    spring = classify_issues(log, start="2025-03", end="2025-05")["issue_class"]
    before = classify_issues(log, start="2024-03", end="2024-05")["issue_class"]
    both = spring.index.intersection(before.index)
    assert ((spring[both] == "systemic") & (before[both] == "recurring")).any()
    # an organization-wide reopen rate that meets its target hides one team far above it
    assert compute_kpis(log, policy)["reopen_rate"].met
    worst = rate_by_group(log, "assigned_team", "reopen_rate", policy)["rate"].idxmax()
    assert group_versus_rest(log, "assigned_team", worst, "reopen_rate", policy).ratio > 2


def test_module_05_claims_hold_on_the_sample_log(log, policy):
    # "customers who need extra support are promised a faster first response"
    assert (policy.vulnerable_first_response_business_days
            < policy.timeliness["first_response"].within_business_days)
    # "Compare the signal months with … a billing-system change, a backlog of letters"
    monthly = monthly_kpis(log, policy)
    chart = kpi_p_chart(monthly, "time_to_acknowledge", baseline=("2024-01", "2024-12"))
    signals = chart.index[chart["signal"] != ""]
    assert any(pd.Period("2025-03", "M") <= month <= pd.Period("2025-05", "M")
               for month in signals)
    # "choose Time to resolve … the very last month: why does it look so good?"
    resolve = kpi_series(monthly, "time_to_resolve")
    assert resolve["awaiting"].iloc[-1] > 0
    assert resolve["value"].iloc[-1] >= resolve["value"].iloc[:-1].max()
    # "the mean of the answers can flatter the handling"
    assert reweighted_satisfaction(survey_by_group(log, policy)).flattery > 0
    # the fairness section is about vulnerable customers waiting longer
    fair = fairness_table(log, policy)
    assert fair.loc[True, "mean"] > fair.loc[False, "mean"]


# --------------------------------------------------------------------------- numbers printed


def test_numbers_module_04_prints_agree_with_the_answer_key(log, policy, key):
    billing = log["category"] == "billing"
    spike = before_after(log, GO_LIVE, where=billing)
    assert f"{spike.before_per_month:.1f}" == key["a.billing_per_month_2024_03_05"]
    assert f"{spike.after_per_month:.1f}" == key["a.billing_per_month_2025_03_05"]
    assert f"{spike.ratio:.2f}" == key["a.billing_spike_ratio"]
    received = log["received_at"]
    for year in (2024, 2025):
        window = billing & (received >= f"{year}-03-03") & (received < f"{year}-06-01")
        share, _ = value_share(log, "root_cause", "billing_system_defect", where=window)
        assert f"{share:.1%}" == key[f"a.defect_share_{year}"]
    ack = time_by_group(log, "acknowledged_at", "channel", policy, within=2)
    assert f"{ack.loc['letter', 'within']:.1%}" == key["b.ack_within_target_letter"]
    assert f"{ack.loc['letter', 'mean']:.2f}" == key["b.ack_mean_letter"]
    breaches = find_policy_breaches(log, policy)
    late = log[log["complaint_id"].isin(breaches.loc[breaches["rule"] == "ACK_LATE",
                                                     "complaint_id"])]
    assert f"{(late['channel'] == 'letter').mean():.1%}" == key["b.letter_share_of_ack_late"]
    teams = rate_by_group(log, "assigned_team", "reopen_rate", policy)
    for team, rate in teams["rate"].items():
        assert f"{rate:.1%}" == key[f"c.reopen_rate.{team}"]
    contrast = group_versus_rest(log, "assigned_team", "metering_team", "reopen_rate", policy)
    assert f"{contrast.rest_rate:.1%}" == key["c.reopen_rate_other_teams"]
    assert f"{contrast.ratio:.2f}" == key["c.reopen_ratio"]
    causes = pareto(log, "root_cause")
    assert f"{causes['share'].head(3).sum():.1%}" == key["d.top3_share"]


def test_numbers_module_05_prints_agree_with_the_answer_key(log, policy, key):
    fair = fairness_table(log, policy)
    for group, label in ((True, "vulnerable"), (False, "others")):
        assert f"{fair.loc[group, 'mean']:.2f}" == key[f"e.response_mean_{label}"]
        assert f"{fair.loc[group, 'median']:.1f}" == key[f"e.response_median_{label}"]
        assert f"{fair.loc[group, 'within_promise']:.1%}" == key[f"e.response_within_3_{label}"]
        assert f"{fair.loc[group, 'fcr']:.1%}" == key[f"e.fcr_{label}"]
    survey = survey_by_group(log, policy)
    for outcome in ("upheld", "not_upheld"):
        assert f"{survey.loc[outcome, 'response_rate']:.1%}" == key[f"s.response_rate_{outcome}"]
        assert f"{survey.loc[outcome, 'mean_score']:.2f}" == key[f"s.mean_score_{outcome}"]


# --------------------------------------------------------------------------- views


def png(output) -> bytes:
    (shown,) = output.outputs
    return base64.b64decode(shown["data"]["image/png"])


def test_prediction_reveals_only_after_a_guess():
    widget = Prediction("Which channel is slowest?", [("letter", "letter"), ("phone", "phone")],
                        answer="letter", reveal="Letters: 57% on time.")
    assert widget.choice.value is None and widget.reveal_button.disabled
    widget.reveal()
    assert widget.feedback.value == ""
    widget.choice.value = "phone"
    assert not widget.reveal_button.disabled
    widget.reveal_button.click()
    assert "✗ Not this time: the answer is letter." in widget.feedback.value
    assert "Letters: 57% on time." in widget.feedback.value
    widget.choice.value = "letter"
    widget.reveal_button.click()
    assert "✓ Your guess was right." in widget.feedback.value
    with pytest.raises(ValueError, match="not among the options"):
        Prediction("?", [("a", 1)], answer=2, reveal="")


def test_trend_explorer_follows_its_drop_downs(log, key):
    explorer = TrendExplorer(log, marker=(GO_LIVE, "new billing system"), value="billing")
    assert explorer.value.value == "billing"
    assert int(explorer.counts.sum()) == int((log["category"] == "billing").sum())
    assert f"(× {key['a.billing_spike_ratio']})" in explorer.summary.value
    first = png(explorer.chart)
    explorer.column.value = "channel"
    assert explorer.value.value == "__all__" and int(explorer.counts.sum()) == len(log)
    explorer.value.value = "letter"
    assert int(explorer.counts.sum()) == int((log["channel"] == "letter").sum())
    assert explorer.summary.value.startswith("<p>Channel &#x27;letter&#x27;:")
    assert png(explorer.chart).startswith(b"\x89PNG") and png(explorer.chart) != first
    plain = TrendExplorer(log, column="product", value="gas")
    assert "against the same months" not in plain.summary.value


def test_issue_explorer_reclassifies_when_the_rule_moves(log):
    explorer = IssueExplorer(log)
    assert explorer.period.options[0] == ("whole log", None)
    assert explorer.period.options[1] == ("2024 Q1 (Jan–Mar)", ("2024-01", "2024-03"))
    spring = next(value for label, value in explorer.period.options if label.startswith(
        "2025 Q2"))
    explorer.period.value = spring
    systemic = int((explorer.issues["issue_class"] == "systemic").sum())
    explorer.min_customers.value = 2
    assert int((explorer.issues["issue_class"] == "systemic").sum()) > systemic
    assert "systemic = at least 2 different customers" in explorer.result.value
    assert "<strong>Largest systemic issues</strong>" in explorer.result.value


def test_monitoring_board_switches_kpi_and_view(log, policy):
    board = MonitoringBoard(log, policy)
    assert board.baseline == ("2024-01", "2024-12")
    assert board.kpi.value == "time_to_acknowledge"
    assert "met in" in board.summary.value and png(board.chart).startswith(b"\x89PNG")
    board.view.value = "control"
    assert "3-sigma limits from 2024-01 to 2024-12" in board.summary.value
    chart = kpi_p_chart(board.monthly, "time_to_acknowledge", baseline=board.baseline)
    flagged = chart[chart["signal"] != ""]
    assert not flagged.empty
    for month, why in flagged["signal"].items():
        assert f"{month:%b %Y} ({why})" in board.summary.value
    board.kpi.value = "satisfaction_mean"
    assert "not a share of complaints" in board.summary.value and board.chart.outputs == ()
    board.view.value = "trend"
    met, judged = months_meeting_target(kpi_series(board.monthly, "satisfaction_mean"))
    assert f"met in {met} of {judged} months" in board.summary.value
    assert png(board.chart).startswith(b"\x89PNG")


def test_fairness_view_regroups(log, policy):
    view = FairnessView(log, policy)
    assert "within 3 business days (vulnerable promise)" in view.result.value
    assert "Longest mean wait: vulnerable customer = yes" in view.result.value
    view.by.value = "channel"
    view.step.value = "acknowledge"
    assert list(view.table.index) == sorted(log["channel"].unique())
    assert "vulnerable promise" not in view.result.value
    assert "Longest mean wait: channel = letter" in view.result.value
