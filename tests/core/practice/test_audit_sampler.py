"""Audit core (clause 8.5, ISO 19011 A.6): sampling, criteria, marking and the nonconformity
checker, on the hand-made log in practice_logs.py (its comments give every breach)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest
import yaml
from support.practice_logs import AUDIT_BREACHES, AUDIT_LOG, load_log

from widgets.core.complaints import RULES, find_policy_breaches
from widgets.core.practice.audit_sampler import (
    CRITERIA_FILE,
    AuditCriteriaError,
    JudgementCriteria,
    NonconformityStatement,
    check_statement,
    compare_marks,
    draw_sample,
    load_audit_criteria,
    miss_probability,
    reference_marks,
)


@pytest.fixture(scope="module")
def log() -> pd.DataFrame:
    return load_log(AUDIT_LOG)


@pytest.fixture(scope="module")
def whole(log):
    """A 'sample' of the whole population, so every breach is in it."""
    return draw_sample(log, "random", size=10, seed=0)


@pytest.fixture(scope="module")
def letters(log):
    return draw_sample(log, "judgement", size=None, criteria=JudgementCriteria(channel="letter"))


def test_fixture_log_breaches_as_documented(log, policy):
    breaches = find_policy_breaches(log, policy)
    assert list(zip(breaches["complaint_id"], breaches["rule"], strict=True)) == AUDIT_BREACHES


# --------------------------------------------------------------------------- sampling


def test_random_sample_is_reproducible_and_records_its_risk(log):
    first = draw_sample(log, "random", size=4, seed=5)
    assert first.ids == draw_sample(log, "random", size=4, seed=5).ids
    assert len({draw_sample(log, "random", size=4, seed=s).ids for s in range(8)}) > 1
    assert (first.size, first.population_size, first.method, first.seed) == (4, 10, "random", 5)
    assert list(first.records["received_at"]) == sorted(first.records["received_at"])
    # one affected record of 10 is missed by 4 draws with probability C(9,4)/C(10,4) = 0.6
    assert first.risk_note.startswith(
        "Random sample of 4 of 10 complaints (40%), seed 5. Sampling risk: if 5% of the "
        "complaints (1) broke a criterion, a sample of 4 would contain none of them with "
        "probability 60%.")
    assert first.describe().startswith("Population: 10 complaints. Method: random, seed 5. "
                                       "Sample: 4 records.")


def test_miss_probability_is_hypergeometric():
    assert miss_probability(10, 4) == pytest.approx(0.6)
    assert miss_probability(20, 5) == pytest.approx(15 / 20)  # C(19,5)/C(20,5)
    assert miss_probability(100, 10) == pytest.approx(
        (90 * 89 * 88 * 87 * 86) / (100 * 99 * 98 * 97 * 96))  # 5 affected
    assert miss_probability(10, 10) == 0


@pytest.mark.parametrize(("criteria", "expected"), [
    (JudgementCriteria(channel="letter"), ["C-101", "C-104", "C-106", "C-110"]),
    (JudgementCriteria(vulnerable=True), ["C-104"]),
    (JudgementCriteria(category="safety"), ["C-103", "C-108"]),
    (JudgementCriteria(closed_from=dt.date(2025, 3, 6), closed_to=dt.date(2025, 3, 14)),
     ["C-101", "C-105", "C-106", "C-110"]),
    (JudgementCriteria(closed_from=dt.date(2025, 3, 15)), ["C-102", "C-107"]),
    (JudgementCriteria(channel="letter", closed_to=dt.date(2025, 3, 14)),
     ["C-101", "C-106", "C-110"]),
])
def test_judgement_sample_selects_by_criteria(log, criteria, expected):
    sample = draw_sample(log, "judgement", size=None, criteria=criteria)
    assert list(sample.ids) == expected
    assert sample.matching == len(expected) and sample.seed is None


def test_judgement_sample_note_and_capped_size(letters, log):
    assert letters.risk_note == (
        "Judgement sample: 4 of 10 complaints meet channel = letter; all of them examined. "
        "Sampling risk: the selection rests on the auditor's judgement, so findings describe "
        "these records and cannot be projected statistically to the whole population "
        "(ISO 19011 A.6).")
    capped = draw_sample(log, "judgement", size=2, seed=3,
                         criteria=JudgementCriteria(channel="letter"))
    assert capped.size == 2 and set(capped.ids) <= set(letters.ids)
    assert capped.ids == draw_sample(log, "judgement", size=2, seed=3,
                                     criteria=JudgementCriteria(channel="letter")).ids
    assert "4 of 10 complaints meet channel = letter; 2 of them chosen at random with seed 3" \
        in capped.risk_note
    wide = JudgementCriteria(channel="letter", vulnerable=False, category="billing",
                             closed_from=dt.date(2025, 3, 1))
    assert wide.describe() == ("channel = letter, category = billing, customer not vulnerable, "
                               "closed from 2025-03-01 to any date")


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"method": "stratified"}, "'stratified' is not one of random, judgement"),
    ({"size": 11}, "sample size 11 is larger than the population of 10"),
    ({"size": 0}, "at least 1, got 0"),
    ({"size": None}, "a random sample needs a size"),
    ({"criteria": JudgementCriteria(channel="letter")}, "choose method='judgement'"),
    ({"method": "judgement"}, "needs at least one criterion"),
    ({"method": "judgement", "criteria": JudgementCriteria(channel="social_media")},
     "no complaint meets channel = social_media; widen the criteria"),
    ({"method": "judgement", "criteria": JudgementCriteria(
        closed_from=dt.date(2025, 3, 9), closed_to=dt.date(2025, 3, 1))},
     "starts 2025-03-09 after it ends 2025-03-01"),
])
def test_sampling_errors(log, kwargs, message):
    with pytest.raises(ValueError, match=message):
        draw_sample(log, **kwargs)


# --------------------------------------------------------------------------- criteria


def test_criteria_match_the_breach_rules(policy):
    criteria = load_audit_criteria()
    assert [c.rule for c in criteria] == list(RULES)
    for criterion in criteria:
        rule = RULES[criterion.rule]
        assert (criterion.policy_section, criterion.clause) == (rule.policy_section, rule.clause)
        assert "{" not in criterion.requirement_text(policy)
    by_rule = {c.rule: c for c in criteria}
    assert by_rule["ACK_LATE"].requirement_text(policy) == (
        "Every complaint other than a safety complaint is acknowledged within 2 business days "
        "of receipt.")
    assert by_rule["ACK_MISSING"].clauses == ("7.4", "4.9")


def test_requirements_follow_the_policy(policy):
    by_rule = {c.rule: c for c in load_audit_criteria()}
    slower = dataclasses.replace(policy.with_time_target("acknowledge", within_business_days=1),
                                 safety_acknowledge_business_days=1)
    assert "within 1 business day of receipt" in by_rule["ACK_LATE"].requirement_text(slower)
    assert by_rule["SAFETY_ACK_LATE"].requirement_text(slower).endswith(
        "acknowledged within 1 business day of receipt.")


def _criteria_file(tmp_path, change):
    data = yaml.safe_load(CRITERIA_FILE.read_text(encoding="utf-8"))
    change(data["criteria"])
    path = tmp_path / "audit-criteria.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(("change", "message"), [
    (lambda c: c[0].update(clause="7.5"),
     r"'criteria\[1\]' \(ACK_LATE\) cites policy 4.2 / clause 7.5, but breaches.RULES has "
     r"policy 4.2 / clause 7.4"),
    (lambda c: c[0].update(rule="ACK_SLOW"), r"'criteria\[1\]\.rule' must be one of ACK_LATE"),
    (lambda c: c.pop(), "missing: PERSONAL_DATA_IN_DESCRIPTION"),
    (lambda c: c.append(dict(c[0])), "repeated: ACK_LATE"),
    (lambda c: c[0].update(requirement="within {ack_days}"), "unknown placeholder"),
    (lambda c: c[0].update(applies_when=["sunny"]), "applies_when' must be a non-empty list"),
    (lambda c: c[0].update(keywords=["Acknowledge"]), "keywords' must be a non-empty list"),
    (lambda c: c[0].pop("title"), r"'criteria\[1\]' needs the keys rule, title"),
])
def test_criteria_file_errors_name_file_and_entry(tmp_path, change, message):
    path = _criteria_file(tmp_path, change)
    with pytest.raises(AuditCriteriaError, match=message) as error:
        load_audit_criteria(path)
    assert str(path) in str(error.value)


# --------------------------------------------------------------------------- marking


def test_reference_marks(whole, policy):
    reference = reference_marks(whole, policy)
    assert len(reference) == 10 * 10
    nonconforming = reference[reference["reference"] == "nonconforms"]
    assert sorted(zip(nonconforming["complaint_id"], nonconforming["rule"], strict=True)) == \
        sorted(AUDIT_BREACHES)
    cell = reference.set_index(["complaint_id", "rule"])
    assert tuple(cell.loc[("C-101", "ACK_LATE")]) == (
        "conforms", "acknowledged after 2 business days: within the limit")
    assert tuple(cell.loc[("C-102", "ACK_LATE")]) == (
        "nonconforms", "acknowledged after 3 business days (policy: 2)")
    assert tuple(cell.loc[("C-103", "ACK_LATE")]) == (
        "not_applicable", "applies only to complaints other than safety complaints; this "
        "record: a safety complaint (a stricter criterion applies)")
    assert tuple(cell.loc[("C-105", "CLOSED_WITHOUT_RESPONSE")]) == (
        "not_applicable", "applies only to complaints not withdrawn; this record: withdrawn "
        "by the complainant")
    assert tuple(cell.loc[("C-108", "SAFETY_NOT_ESCALATED")]) == ("conforms",
                                                                  "escalation level 1")


def test_compare_marks(whole, policy):
    marks = {
        ("C-102", "ACK_LATE"): "nonconforms",         # right
        ("C-101", "ACK_LATE"): "nonconforms",         # false alarm: 2 days is on time
        ("C-103", "ACK_LATE"): "conforms",            # safety: the criterion does not apply
        ("C-109", "RESPONSE_LATE"): "conforms",       # missed: 6 business days
        ("C-104", "RESPONSE_LATE"): "not_applicable",  # right: vulnerable, stricter criterion
        ("C-110", "RESOLVE_LATE"): None,              # not marked
    }
    result = compare_marks(whole, marks, policy)
    assert [c.complaint_id for c in result.comparisons] == ["C-101", "C-102", "C-103", "C-104",
                                                            "C-109"]
    assert (result.agreed, result.found, result.cells, result.reference_nonconformities) == \
        (2, 1, 100, 10)
    assert result.summary() == ("2 of 5 marks agree with the reference (5 of 100 pairs marked); "
                                "you found 1 of the 10 nonconformities the sample holds")
    explained = {(c.complaint_id, c.rule): c.explanation for c in result.comparisons}
    assert explained[("C-101", "ACK_LATE")] == (
        "the record meets policy 4.2, ISO 10002 7.4: acknowledged after 2 business days: within "
        "the limit. A finding needs objective evidence (ISO 19011 evidence-based approach)")
    assert explained[("C-103", "ACK_LATE")].startswith("the criterion does not apply: applies "
                                                       "only to complaints other than safety")
    assert explained[("C-109", "RESPONSE_LATE")] == (
        "missed nonconformity against policy 4.4, ISO 10002 7.7: first response after 6 "
        "business days (policy: 5)")
    assert explained[("C-102", "ACK_LATE")] == (
        "agrees: acknowledged after 3 business days (policy: 2)")
    assert compare_marks(whole, {}, policy).summary() == (
        "nothing marked yet (100 record-criterion pairs in the sample)")


def test_compare_marks_rejects_unknown_marks_and_pairs(letters, policy):
    with pytest.raises(ValueError, match="mark 'ok' for C-101 / ACK_LATE is not one of"):
        compare_marks(letters, {("C-101", "ACK_LATE"): "ok"}, policy)
    with pytest.raises(ValueError, match="C-102 / ACK_LATE is not a pair of this sample"):
        compare_marks(letters, {("C-102", "ACK_LATE"): "conforms"}, policy)


# --------------------------------------------------------------------------- statements

GOOD = NonconformityStatement(
    criterion="Complaints policy section 4.2 (ISO 10002:2018 clause 7.4): acknowledge every "
              "complaint within 2 business days",
    evidence="C-102 received 3 March 2025, acknowledged 6 March 2025 (3 business days)",
    statement="Complaint C-102 was not acknowledged within 2 business days as the policy "
              "requires.",
)


def check(sample, policy, **changes):
    return check_statement(dataclasses.replace(GOOD, **changes), sample, policy)


def test_a_good_statement_passes_with_advice(whole, policy):
    result = check_statement(GOOD, whole, policy)
    assert result.ok, result.problems
    assert result.rules == ("ACK_LATE", "ACK_MISSING")
    assert result.cited_ids == ("C-102",)
    assert result.notes == ("the sample holds more records breaching this criterion: C-105 — "
                            "report all the evidence you found",)


@pytest.mark.parametrize(("criterion", "code", "message"), [
    ("Acknowledgements must be prompt", "no_criterion", "no criterion named: cite the "
     "complaints-policy section (e.g. 'policy 4.2') or the ISO 10002 clause"),
    ("", "no_criterion", "the criterion is empty"),
    ("4.2", "no_criterion", "'4.2' could be a policy section or an ISO 10002 clause: write "
     "'policy 4.2' or 'ISO 10002 clause 4.2'"),
    ("ISO 19011 clause 6.4.7", "no_criterion", "no criterion named"),
    ("policy 9.9", "unknown_criterion", "policy section 9.9 is not one of the audit criteria "
     "(sections 4.2, 4.3, 4.4, 4.5, 4.6, 4.8, 7)"),
    ("ISO 10002 clause 8.6", "unknown_criterion", "ISO 10002 8.6 is not the clause of any "
     "audit criterion"),
    ("policy 4.2, ISO 10002 clause 7.8", "mismatched_criterion",
     "policy 4.2 is acknowledgement on time / acknowledgement recorded (policy 4.2; ISO 10002 "
     "7.4, 4.9); ISO 10002 7.8 is cited by decision on time / response given before closing "
     "(policy 4.5, 4.8; ISO 10002 7.8)"),
])
def test_criterion_faults(whole, policy, criterion, code, message):
    result = check(whole, policy, criterion=criterion)
    assert code in result.codes
    assert message in next(p.message for p in result.problems if p.code == code)


def test_clause_only_criterion_is_accepted_with_a_note(whole, policy):
    result = check(whole, policy, criterion="ISO 10002 clause 7.4")
    assert result.ok and result.rules == ("ACK_LATE", "ACK_MISSING")
    assert "cite policy 4.2 as well" in result.notes[0]
    assert check(whole, policy, criterion="sections 4.2 and 4.3").rules == (
        "ACK_LATE", "ACK_MISSING", "SAFETY_ACK_LATE", "SAFETY_NOT_ESCALATED")


def test_evidence_without_ids(whole, policy):
    result = check(whole, policy, evidence="Several letters were acknowledged late in March")
    assert result.codes == ("no_evidence_ids",)
    assert "cites no complaint IDs: name the records (e.g. C-101)" in result.problems[0].message
    assert check(whole, policy, evidence="  ").problems[0].message.startswith(
        "the evidence is empty")


def test_evidence_citing_ids_outside_the_sample(letters, policy):
    result = check(letters, policy, criterion="policy 4.8",
                   evidence="C-110 closed 12 March with no response; C-105, C-999 likewise",
                   statement="Complaints were closed without a response to the complainant.")
    assert result.codes == ("ids_not_in_sample",)
    assert result.problems[0].message == (
        "the evidence cites C-105, C-999, not in the sample (C-999 not in the log at all): a "
        "finding rests only on records you examined")
    assert result.cited_ids == ("C-110", "C-105", "C-999")


def test_evidence_citing_ids_that_do_not_breach(whole, policy):
    result = check(whole, policy, evidence="C-101 and C-102 were acknowledged late; c-109 too")
    assert result.codes == ("ids_not_breaching",)
    assert result.problems[0].message == (
        "these records do not breach policy 4.2 (acknowledgement on time / acknowledgement "
        "recorded): C-101 (acknowledged after 2 business days: within the limit); C-109 "
        "(acknowledged after 1 business day: within the limit)")


@pytest.mark.parametrize(("statement", "codes"), [
    ("Acknowledgement dates were reviewed for C-102.", ("no_shortfall",)),
    ("The team did not do it in time.", ("no_requirement",)),
    ("Records were checked.", ("no_shortfall", "no_requirement")),
    ("", ("no_statement",)),
])
def test_statement_faults(whole, policy, statement, codes):
    assert check(whole, policy, statement=statement).codes == codes


def test_no_requirement_message_names_the_criterion(whole, policy):
    result = check(whole, policy, statement="The team did not do it in time.")
    assert result.problems[0].message == (
        "the statement does not say which requirement was not met: name it (acknowledgement "
        "on time / acknowledgement recorded)")


def test_grading_presented_as_iso_19011_term(whole, policy):
    result = check(whole, policy, statement=GOOD.statement + " This is a major nonconformity "
                   "as defined in ISO 19011.")
    assert result.codes == ("grading_as_iso19011",)
    assert result.problems[0].message.startswith(
        "major / minor / opportunity for improvement are not ISO 19011 terms: grading schemes "
        "are certification-body (or audit-programme) practice")
    graded = check(whole, policy, statement="Minor nonconformity: " + GOOD.statement)
    assert graded.ok
    assert "grading (major/minor/OFI) is certification-body practice" in graded.notes[-1]
    ofi = check(whole, policy, evidence=GOOD.evidence + ". OFI under ISO 19011:2018.")
    assert ofi.codes == ("grading_as_iso19011",)
