"""Triage core (clause 7.5): the priority rule, the batch draw and the comparison, checked on
the hand-made log in practice_logs.py."""

from __future__ import annotations

import pandas as pd
import pytest
from support.practice_logs import TRIAGE_EXPECTED, TRIAGE_LOG, load_log

from widgets.core.practice.triage import (
    PRIORITY_RULE,
    assess_priority,
    check_triage,
    draw_batch,
    previous_complaints,
)


@pytest.fixture(scope="module")
def log() -> pd.DataFrame:
    return load_log(TRIAGE_LOG)


@pytest.fixture(scope="module")
def everything(log):
    """All nine complaints that can be triaged (T-09 has no severity)."""
    return draw_batch(log, size=9, seed=0)


def test_previous_complaints_counts_the_window(log):
    # T-03: T-02 the day before; T-07: A2's complaints are 119 days back; T-08: T-01 17 days
    # before; T-10: T-04 exactly 90 days before (counted).
    counts = dict(zip(log["complaint_id"], previous_complaints(log), strict=True))
    assert {k: v for k, v in counts.items() if v} == {"T-03": 1, "T-08": 1, "T-10": 1}
    assert previous_complaints(log, window_days=89)[log["complaint_id"] == "T-10"].item() == 0
    assert previous_complaints(log.drop(columns="customer_id")).sum() == 0


def test_reference_priorities_follow_the_rule(everything):
    assert {cid: everything.reference(cid)["priority"] for cid in everything.ids} == \
        TRIAGE_EXPECTED
    assert everything.reference("T-02") == {"category": "billing", "severity": "low",
                                            "priority": "P3"}


@pytest.mark.parametrize(("args", "priority", "factors"), [
    (("medium", "safety"), "P1", ["safety"]),
    (("critical", "safety"), "P1", ["safety", "severity"]),
    (("critical", "metering"), "P1", ["severity"]),
    (("high", "metering"), "P2", ["severity"]),
    (("low", "metering"), "P4", ["severity"]),
    (("low", "payments_and_debt"), "P3", ["severity", "financial"]),
    (("medium", "complaints_handling", True), "P2", ["severity", "vulnerable",
                                                      "complaints_handling", "cap"]),
    (("medium", "customer_service", False, 1), "P2", ["severity", "repeat"]),
    (("high", "billing"), "P2", ["severity", "financial", "cap"]),
    (("low", "billing", True, 3), "P2", ["severity", "vulnerable", "financial", "repeat", "cap"]),
])
def test_assess_priority(args, priority, factors):
    result = assess_priority(*args)
    assert result.priority == priority
    assert [reason.factor for reason in result.reasons] == factors


def test_explanation_cites_clauses_and_policy():
    text = assess_priority("low", "billing", True, 2).explain()
    assert text.startswith("P2: severity low → P4 (ISO 10002 7.5); raised one level: "
                           "vulnerable customer")
    assert "(policy 4.6) (ISO 10002 4.5, 7.5)" in text
    assert "complained 2 times in the 90 days before (ISO 10002 7.5, 8.2)" in text
    assert "raises stop at P2" in text
    assert len(PRIORITY_RULE) == 4 and "P1" in PRIORITY_RULE[0]


def test_assess_priority_rejects_unknown_values():
    with pytest.raises(ValueError, match="severity 'urgent' is not one of low, medium"):
        assess_priority("urgent", "billing")
    with pytest.raises(ValueError, match="category 'gas' is not one of billing"):
        assess_priority("low", "gas")


def test_draw_is_reproducible_and_hides_the_answers(log):
    first, again = draw_batch(log, size=4, seed=11), draw_batch(log, size=4, seed=11)
    assert first.ids == again.ids and len(first.ids) == 4
    assert len({draw_batch(log, size=4, seed=s).ids for s in range(6)}) > 1
    assert first.population == 9
    assert "T-09" not in draw_batch(log, size=9, seed=3).ids
    view = first.learner_view()
    assert list(view.columns) == ["complaint_id", "received_at", "channel", "product",
                                  "customer_segment", "vulnerable", "previous_complaints",
                                  "description"]
    assert view["received_at"].is_monotonic_increasing


def test_draw_rejects_bad_sizes_and_layouts(log):
    with pytest.raises(ValueError, match=r"larger than the 9 complaints .* at most 9"):
        draw_batch(log, size=10)
    with pytest.raises(ValueError, match="at least 1, got 0"):
        draw_batch(log, size=0)
    with pytest.raises(ValueError, match="no severity column"):
        draw_batch(log.drop(columns="severity"))


def test_check_triage_scores_and_explains(everything):
    answers = {
        # all right
        "T-01": {"category": "safety", "severity": "medium", "priority": "P1"},
        # over-rated severity; the priority follows from the learner's own inputs
        "T-02": {"category": "billing", "severity": "medium", "priority": "P2"},
        # right category and severity, priority ignores the aggravating factors
        "T-03": {"category": "billing", "severity": "low", "priority": "P4"},
        # classed as safety (the log says metering) and under-rated; critical is P1 anyway
        "T-06": {"category": "safety", "severity": "high", "priority": "P1"},
    }
    result = check_triage(everything, answers)
    assert (result.score, result.max_score) == (3 + 1 + 2 + 1, 27)
    assert result.summary() == ("7 of 27 answers match the reference (26%); 1 of 9 complaints "
                                "triaged exactly as the reference")
    verdicts = {v.complaint_id: v for v in result.verdicts}
    assert verdicts["T-01"].all_correct
    t02 = {f.field: f for f in verdicts["T-02"].fields}
    assert "over-rated" in t02["severity"].explanation
    assert t02["priority"].explanation.startswith("you chose P2; reference P3: severity low")
    assert "the rule gives P2 too, so the difference comes from your category or severity" in \
        t02["priority"].explanation
    t03 = {f.field: f for f in verdicts["T-03"].fields}
    assert [f.correct for f in verdicts["T-03"].fields] == [True, True, False]
    assert "Even with your own category and severity the rule gives P2, not P4" in \
        t03["priority"].explanation
    t06 = {f.field: f for f in verdicts["T-06"].fields}
    assert t06["category"].explanation == (
        "you chose safety; the log classes it metering, subcategory not_reading. The category "
        "decides who investigates and where it counts in the 8.2 analysis; here it matters for "
        "priority: safety decides whether the complaint is P1 (ISO 10002 7.5, 8.2)")
    assert "under-rated" in t06["severity"].explanation
    assert t06["priority"].correct  # critical → P1 whatever the category
    t04 = verdicts["T-04"].fields
    assert [f.learner for f in t04] == [None, None, None]
    assert t04[0].explanation.startswith("not answered; the log classes it supply_and_service")


def test_check_triage_rejects_answers_it_cannot_grade(everything):
    with pytest.raises(ValueError, match="not in the batch: X-1"):
        check_triage(everything, {"X-1": {"priority": "P1"}})
    with pytest.raises(ValueError, match="T-01: priority 'P0' is not one of P1, P2, P3, P4"):
        check_triage(everything, {"T-01": {"priority": "P0"}})
    with pytest.raises(ValueError, match="T-01: unknown field"):
        check_triage(everything, {"T-01": {"urgency": "P1"}})
