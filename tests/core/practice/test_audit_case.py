"""The audit case study core (widgets/core/practice/audit_case/): the shipped case and programme,
their validation, the checklist built from the policy, sampling risk, grading, findings, scoring and
the report — on the hand-made AUDIT_LOG (every expected value worked out below) and on the
course's sample log."""

from __future__ import annotations

import copy
import datetime as dt
import math
from pathlib import Path

import pandas as pd
import pytest
import yaml
from support.practice_logs import AUDIT_LOG, TINY_CASE, TINY_PROGRAMME, load_log

from widgets.core.complaints import RULES, breach_counts, find_policy_breaches
from widgets.core.practice.audit_case import (
    AUDIT_STEPS,
    PLANTED_RULES,
    VERIFICATIONS,
    AuditCaseError,
    LearnerFinding,
    audit_checklist,
    audit_plan_table,
    audit_report_markdown,
    check_values,
    examined_table,
    grade_finding,
    ids_in,
    load_audit_case,
    load_audit_programme,
    miss_probability_count,
    parse_audit_case,
    parse_audit_programme,
    run_case,
    sample_size_for,
    score_findings,
    verify,
)
from widgets.core.practice.audit_sampler import check_statement, draw_sample


@pytest.fixture(scope="module")
def log() -> pd.DataFrame:
    return load_log(AUDIT_LOG)


@pytest.fixture(scope="module")
def tiny_programme():
    return parse_audit_programme(yaml.safe_load(TINY_PROGRAMME), Path("tiny-programme.yaml"))


@pytest.fixture(scope="module")
def tiny_case(tiny_programme):
    return parse_audit_case(yaml.safe_load(TINY_CASE), Path("tiny-case.yaml"), tiny_programme)


@pytest.fixture(scope="module")
def tiny(log, policy, tiny_case, tiny_programme):
    return run_case(log, policy, tiny_case, tiny_programme)


@pytest.fixture(scope="module")
def shipped(sample_result, policy):
    return run_case(sample_result.frame, policy)


# --------------------------------------------------------------------------- shipped content


def test_shipped_programme_and_case_load_and_fit_together():
    programme = load_audit_programme()
    case = load_audit_case(programme=programme)
    assert programme.audit(case.programme_audit).status == "in_progress"
    assert [g.id for g in programme.grading.grades] == ["major", "minor", "ofi"]
    assert {p.step for p in case.plan} == set(AUDIT_STEPS)  # every step 6.2-6.7 is planned
    assert [s.method for s in case.samples] == ["random", "judgement", "judgement", "judgement",
                                               "flagged"]
    assert case.scope.received_from == dt.date(2024, 1, 1)
    assert [c.kind for c in case.criteria] == ["policy", "iso9001", "regulation"]
    assert all(e.finding is None or e.finding.grade in ("minor", "ofi") for e in case.evidence)


# --------------------------------------------------------------------------- validation


def _case_doc() -> dict:
    return yaml.safe_load(TINY_CASE)


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["samples"][0].update(method="stratified"),
     r"'samples\[1\]\.method' must be one of random, judgement, flagged"),
    (lambda d: d["samples"][0].update(method="random"),
     r"'samples\[1\]' a random sample needs a size and no 'select'"),
    (lambda d: d["samples"][2].update(size=5),
     r"'samples\[3\]' a flagged sample takes every record"),
    (lambda d: d["samples"][0]["select"].update(channel="fax"),
     r"'samples\[1\]\.select\.channel' must be one of phone, email"),
    (lambda d: d["samples"][1].update(rules=["LATE"]),
     r"'samples\[2\]\.rules' must be a non-empty list of breach rules"),
    (lambda d: d["plan"][1].update(covers=["S9"]),
     r"'plan\[2\]\.covers' names S9: not a check, sample or evidence id"),
    (lambda d: d["plan"][1].update(step="19011:9.9"),
     r"'plan\[2\]\.step' must be one of 19011:6\.2"),
    (lambda d: d["plan"].reverse(), r"'plan' must be in date and time order"),
    (lambda d: d["plan"][0].update(time="10am"), r"'plan\[1\]\.time' must be HH:MM"),
    (lambda d: d["checks"][0].update(iso9001="10.2"),
     r"'checks\[1\]' needs exactly one of 'policy'"),
    (lambda d: d["checks"][0].update(clauses=["8.8"]), r"names 8\.8, not in clauses\.yaml"),
    (lambda d: d["checks"][0].update(question="Within {ack_days}?"),
     r"unknown placeholder\(s\) ack_days"),
    (lambda d: d["evidence"][0]["finding"].update(grade="minor"),
     r"an 'ofi' finding has grade ofi"),
    (lambda d: d["evidence"][0].update(verify="magic"), r"'evidence\[1\]\.verify' must be one"),
    (lambda d: d["evidence"][0].update(checks=["PC-9"]), r"names PC-9, not a checklist item"),
    (lambda d: d.update(criteria=[{"kind": "iso9001", "reference": "x", "note": "y"}]),
     r"must include the organization's policy"),
    (lambda d: d["dates"].update(report=dt.date(2025, 4, 1)), r"must run start ≤ end ≤ report"),
    (lambda d: d.update(programme_audit="A-9"), r"the programme has no audit 'A-9'"),
    (lambda d: d.pop("objectives"), r"'objectives' is missing"),
    (lambda d: d.update(extra=1), r"unknown key\(s\) extra"),
    (lambda d: d["samples"][2].update(id="S1"), r"uses the id\(s\) S1 more than once"),
])
def test_malformed_case_names_file_key_and_fix(change, message, tiny_programme):
    document = _case_doc()
    change(document)
    with pytest.raises(AuditCaseError, match=message) as error:
        parse_audit_case(document, Path("tiny-case.yaml"), tiny_programme)
    assert str(error.value).startswith("tiny-case.yaml: ")


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["grading"].update(systemic_share=10), r"must be a share between 0 and 1"),
    (lambda d: d["grading"]["grades"].pop(), r"must define each of major, minor, ofi"),
    (lambda d: d["audits"][0].update(when="April 2025"), r"must be a month YYYY-MM"),
    (lambda d: d["audits"][0].update(status="done"), r"must be one of completed, deferred"),
    (lambda d: d["grading"].update(major_rules=["SAFETY"]), r"must be a non-empty list of"),
])
def test_malformed_programme_names_key(change, message):
    document = yaml.safe_load(TINY_PROGRAMME)
    change(document)
    with pytest.raises(AuditCaseError, match=message):
        parse_audit_programme(copy.deepcopy(document), Path("p.yaml"))


def test_missing_case_file_is_named(tmp_path):
    with pytest.raises(AuditCaseError, match=r"audit case .*nowhere\.yaml not found"):
        load_audit_case(tmp_path / "nowhere.yaml")


# --------------------------------------------------------------------------- built from policy


def test_checklist_values_come_from_the_policy(policy):
    values = check_values(policy)
    assert {key: values[key] for key in ("acknowledge_days", "acknowledge_share",
                                         "reopen_rate_max", "first_contact_resolution_min",
                                         "satisfaction_mean_min", "safety_acknowledge")} == {
        "acknowledge_days": "2 business days", "acknowledge_share": "95%",
        "reopen_rate_max": "5%", "first_contact_resolution_min": "60%",
        "satisfaction_mean_min": "3.8", "safety_acknowledge": "on the day it is received"}


def test_checklist_follows_an_edited_policy(tiny_case, policy):
    checklist = audit_checklist(tiny_case, policy)
    assert list(checklist.index) == [f"R-{n:02d}" for n in range(1, 11)] + ["PC-1"]
    assert checklist.loc["R-01", "how tested"] == "records: S1; data test of every record"
    assert checklist.loc["R-05", "how tested"] == "records: data test only; data test of every " \
                                                  "record"
    assert checklist.loc["PC-1", "requirement or question"] == (
        "Is acknowledgement within 2 business days for 95% monitored, with reopen rate at most "
        "5% and a mean of 3.8?")
    edited = policy.with_time_target("acknowledge", within_business_days=3, min_share=0.9)
    changed = audit_checklist(tiny_case, edited)
    assert changed.loc["R-01", "requirement or question"] == (
        "Every complaint other than a safety complaint is acknowledged within 3 business days "
        "of receipt.")
    assert changed.loc["PC-1", "requirement or question"].startswith(
        "Is acknowledgement within 3 business days for 90% monitored")


def test_plan_table_names_the_iso19011_steps(tiny_case):
    table = audit_plan_table(tiny_case)
    assert list(table["date"]) == ["Tue 01 Apr 2025", "Mon 07 Apr 2025"]
    assert list(table["ISO 19011 step"]) == ["6.2 Initiating the audit",
                                             "6.4 Conducting audit activities"]
    assert table.loc[1, "covers"] == "S1, S2, S3, PC-1, E1"


# --------------------------------------------------------------------------- sampling risk


def test_miss_probability_by_hand():
    # C(8,3) / C(10,3) = 56 / 120
    assert miss_probability_count(10, 2, 3) == pytest.approx(56 / 120)
    assert miss_probability_count(10, 0, 3) == 1.0
    assert miss_probability_count(10, 2, 9) == 0.0
    with pytest.raises(ValueError, match="affected"):
        miss_probability_count(10, 11, 3)


def test_sample_size_for_by_hand():
    # miss(1) = 8/10 = .8, miss(2) = .8 * 7/9 = .622, miss(3) = .467 <= .5
    assert sample_size_for(10, 2, 0.5) == 3
    assert sample_size_for(10, 2, 0.99) == 9  # miss(8) = C(8,8)/C(10,8) = 1/45 > .01
    size = sample_size_for(4800, 12, 0.95)
    assert miss_probability_count(4800, 12, size) <= 0.05 < miss_probability_count(4800, 12,
                                                                                  size - 1)
    with pytest.raises(ValueError, match="no affected record"):
        sample_size_for(10, 0)


# --------------------------------------------------------------------------- grading


@pytest.mark.parametrize(("rule", "breaching", "applicable", "grade", "reason"), [
    ("SAFETY_ACK_LATE", 1, 100, "major", "every breach of this safety criterion major"),
    ("ACK_LATE", 6, 100, "major", "systemic: 6.0% of the applicable records breach it; the "
                                  "policy's share target tolerates 5%"),
    ("ACK_LATE", 5, 100, "minor", "occasional: 5.0% of the applicable records breach it; the "
                                  "policy's share target tolerates 5%"),
    ("RESOLVE_LATE", 15, 100, "minor", "tolerates 15%"),
    ("VULNERABLE_RESPONSE_LATE", 21, 100, "major", "the programme treats as systemic above 20%"),
    ("ACK_MISSING", 20, 100, "minor", "occasional: 20.0%"),
    ("ACK_MISSING", 0, 100, None, "no record breaches the criterion"),
])
def test_grade_finding(rule, breaching, applicable, grade, reason, policy, tiny_programme):
    got, why = grade_finding(rule, breaching, applicable, policy, tiny_programme.grading)
    assert got == grade
    assert reason in why


# --------------------------------------------------------------------------- the tiny case


def test_tiny_case_samples(tiny):
    assert [s.sample.ids for s in tiny.examined] == [
        ("C-101", "C-104", "C-106", "C-110"), ("C-103", "C-108"), ("C-105", "C-106", "C-110")]
    assert tiny.examined_set("S3").note.startswith(
        "Population: 10 complaints. Method: the data tests of ACK_MISSING, "
        "CLOSED_WITHOUT_OUTCOME, CLOSED_WITHOUT_RESPONSE, PERSONAL_DATA_IN_DESCRIPTION ran on "
        "every record and flagged 3;")
    s1 = tiny.examined_set("S1").summary()
    assert s1.to_dict("index") == {
        "ACK_LATE": {"applicable": 4, "nonconforming": 0},
        "VULNERABLE_RESPONSE_LATE": {"applicable": 1, "nonconforming": 1},
        "RESOLVE_LATE": {"applicable": 3, "nonconforming": 0}}
    table = tiny.samples_table()
    assert table.loc["S3", "nonconforming (found/applicable)"] == (
        "ACK_MISSING 1/3, CLOSED_WITHOUT_OUTCOME 1/3, CLOSED_WITHOUT_RESPONSE 1/2, "
        "PERSONAL_DATA_IN_DESCRIPTION 1/3")


def test_tiny_data_test_by_hand(tiny):
    # applicable: ACK_LATE = acknowledged (9) minus the 2 safety complaints; ACK_MISSING and
    # CLOSED_WITHOUT_OUTCOME = closed (6); CLOSED_WITHOUT_RESPONSE = closed, not withdrawn (5);
    # RESPONSE_LATE = responded (8) minus the vulnerable C-104; RESOLVE_LATE = resolved (5).
    assert tiny.tests[["applicable", "breaching"]].to_dict("index") == {
        "ACK_LATE": {"applicable": 7, "breaching": 1},
        "ACK_MISSING": {"applicable": 6, "breaching": 1},
        "SAFETY_ACK_LATE": {"applicable": 2, "breaching": 1},
        "SAFETY_NOT_ESCALATED": {"applicable": 2, "breaching": 1},
        "RESPONSE_LATE": {"applicable": 7, "breaching": 1},
        "VULNERABLE_RESPONSE_LATE": {"applicable": 1, "breaching": 1},
        "RESOLVE_LATE": {"applicable": 5, "breaching": 1},
        "CLOSED_WITHOUT_OUTCOME": {"applicable": 6, "breaching": 1},
        "CLOSED_WITHOUT_RESPONSE": {"applicable": 5, "breaching": 1},
        "PERSONAL_DATA_IN_DESCRIPTION": {"applicable": 10, "breaching": 1}}


def test_tiny_findings_sources_and_grades(tiny):
    # systemic share 0.2: ACK_LATE 1/7 > 5%, RESPONSE_LATE 1/7 > 10%, RESOLVE_LATE 1/5 > 15%,
    # VULNERABLE 1/1 > 20% and the safety rules are major; ACK_MISSING 1/6, CLOSED_* 1/6 and
    # 1/5 (not above 20%), PERSONAL_DATA 1/10 are minor.
    rows = [(f.id, f.rule, f.grade, f.source) for f in tiny.findings]
    assert rows == [
        ("F01", "ACK_LATE", "major", "records, data test"),
        ("F02", "ACK_MISSING", "minor", "records, sample S3"),
        ("F03", "SAFETY_ACK_LATE", "major", "records, sample S2"),
        ("F04", "SAFETY_NOT_ESCALATED", "major", "records, sample S2"),
        ("F05", "RESPONSE_LATE", "major", "records, data test"),
        ("F06", "VULNERABLE_RESPONSE_LATE", "major", "records, sample S1"),
        ("F07", "RESOLVE_LATE", "major", "records, data test"),
        ("F08", "CLOSED_WITHOUT_OUTCOME", "minor", "records, sample S3"),
        ("F09", "CLOSED_WITHOUT_RESPONSE", "minor", "records, sample S3"),
        ("F10", "PERSONAL_DATA_IN_DESCRIPTION", "minor", "records, sample S3"),
        ("F11", None, "ofi", "document E1"),
    ]
    assert tiny.grade_counts() == {"major": 6, "minor": 4, "ofi": 1}
    f06 = tiny.finding("F06").statement
    assert f06.statement == ("Policy 4.6 was not met in 1 of the 1 applicable records examined "
                             "in sample S1: vulnerable customer's first response later than the "
                             "policy allows.")
    assert "C-104 (first response after 4 business days (policy for vulnerable customers: 3))" \
        in f06.evidence
    assert f06.criterion.startswith("Policy 4.6 (first response on time for vulnerable "
                                    "customers): A customer registered")
    assert "C-102 (acknowledged after 3 business days (policy: 2))" in \
        tiny.finding("F01").statement.evidence
    privacy = tiny.finding("F10").statement.evidence
    assert "07700" not in privacy and "holds an e-mail address or a phone number" in privacy


def test_every_record_finding_passes_the_statement_checker(tiny, shipped, policy):
    for result in (tiny, shipped):
        for finding in result.findings:
            if finding.rule is None:
                continue
            check = check_statement(finding.statement, result.cited_from[finding.id], policy,
                                    result.criteria)
            assert check.ok, (finding.id, check.problems)
            assert finding.rule in check.rules


def test_score_learner_findings_by_hand(tiny):
    score = score_findings([
        LearnerFinding("SAFETY_NOT_ESCALATED", ("C-103",), "major"),
        LearnerFinding("ACK_MISSING", ("C-105", "c-106"), "minor"),
        LearnerFinding("RESOLVE_LATE", ("C-107",), "minor"),
        LearnerFinding("SAFETY_ACK_LATE", ("c-103", "C-108"), "minor"),
        LearnerFinding("VULNERABLE_RESPONSE_LATE", ("C-101",), None),
    ], tiny)
    by_rule = {f.rule: f for f in score.findings}
    assert by_rule["SAFETY_NOT_ESCALATED"].valid and by_rule["SAFETY_NOT_ESCALATED"].grade_agrees
    acknowledgement = by_rule["ACK_MISSING"]
    assert acknowledgement.confirmed == ("C-105",)
    assert acknowledgement.wrong == (("C-106", "the record meets the criterion: acknowledgement "
                                               "recorded"),)
    assert not acknowledgement.valid
    assert by_rule["RESOLVE_LATE"].wrong[0][1].startswith("not among the records examined")
    safety = by_rule["SAFETY_ACK_LATE"]
    assert safety.confirmed == ("C-103",) and not safety.grade_agrees
    assert safety.wrong == (("C-108", "the record meets the criterion: acknowledged after 0 "
                                      "business days: within the limit"),)
    assert by_rule["VULNERABLE_RESPONSE_LATE"].wrong == ((
        "C-101", "the criterion does not apply: applies only to vulnerable customers' "
                 "complaints; this record: the customer is not registered as vulnerable"),)
    assert by_rule["VULNERABLE_RESPONSE_LATE"].missed == ("C-104",)
    assert score.expected_rules == ("ACK_MISSING", "SAFETY_ACK_LATE", "SAFETY_NOT_ESCALATED",
                                    "VULNERABLE_RESPONSE_LATE", "CLOSED_WITHOUT_OUTCOME",
                                    "CLOSED_WITHOUT_RESPONSE", "PERSONAL_DATA_IN_DESCRIPTION")
    assert score.found_rules == ("SAFETY_NOT_ESCALATED",)
    assert score.summary() == (
        "You found 1 of the 7 criteria the examined records break, including 1 of the 6 "
        "planted record-keeping breaches; the programme's grade matches on 1 of your 1 valid "
        "findings.")
    assert score_findings([], tiny).summary() == ("no findings recorded yet; the examined "
                                                  "records break 7 criteria")
    with pytest.raises(ValueError, match="'LATE' is not an audit criterion"):
        score_findings([LearnerFinding("LATE", ("C-101",))], tiny)


def test_ids_in_free_text():
    known = {"C-101", "C-104", "CMP-2025-000001"}
    assert ids_in("c-104, C-101; C-104 and cmp-2025-000001, C-999", known) == (
        "C-104", "C-101", "CMP-2025-000001")


def test_examined_table_counts_business_days(tiny, policy):
    table = examined_table(tiny.examined_set("S1"), policy).set_index("complaint_id")
    # C-101: received Mon 3 Mar, acknowledged Wed 5 (2), response Fri 7 (4), decided Fri 14 (9)
    assert table.loc["C-101", ["received", "days to acknowledge", "days to first response",
                               "days to decision"]].tolist() == ["Mon 03 Mar 2025", 2, 4, 9]
    assert table.loc["C-104", "days to decision"] == "—"


def test_verifications_by_hand(tiny):
    channels = verify(tiny, "E1")
    # email: C-102 after 3, C-109 after 1 -> 1 of 2; chat: C-105 never acknowledged -> no row
    assert list(channels.index) == ["email", "letter", "phone", "web_form"]
    assert channels.loc["email"].tolist() == [2, 0.5, 2.0]
    letters = VERIFICATIONS["letters_ack_by_quarter"].compute(tiny.population, tiny.policy)
    assert letters.to_dict("index") == {"2025Q1": {"letters acknowledged": 4,
                                                   "within 2 business days": 1.0}}
    safety = VERIFICATIONS["safety_breaches_by_year"].compute(tiny.population, tiny.policy)
    assert safety.to_dict("index") == {2025: {"safety complaints": 2, "SAFETY_ACK_LATE": 1,
                                              "SAFETY_NOT_ESCALATED": 1}}
    vulnerable = VERIFICATIONS["vulnerable_first_response"].compute(tiny.population,
                                                                    tiny.policy)
    # vulnerable: C-104 after 4; others: 4, 3, 1, 1, 1, 1, 6 -> 5 of 7 within 3, median 1
    assert vulnerable.to_dict("index") == {
        "vulnerable": {"with a first response": 1, "within 3 business days": 0.0,
                       "median business days": 4.0},
        "not vulnerable": {"with a first response": 7, "within 3 business days": 0.714,
                           "median business days": 1.0}}
    teams = pd.DataFrame({
        "assigned_team": ["a", "a", "a", "a", "a", "b", "b"],
        "closed_at": pd.to_datetime(["2025-01-02"] * 4 + [None] + ["2025-01-02"] * 2),
        "reopened": pd.array([True, False, False, False, True, False, False], "boolean")})
    reopen = VERIFICATIONS["reopen_by_team"].compute(teams, tiny.policy)
    assert reopen.to_dict("index") == {"a": {"closed": 4, "reopen rate": 0.25},
                                       "b": {"closed": 2, "reopen rate": 0.0}}



def test_report_has_every_part_and_no_personal_data(tiny):
    report = audit_report_markdown(tiny)
    for heading in ("## Objectives", "## Scope", "## Criteria", "## Audit team and auditees",
                    "## Method and sampling", "## Findings", "## Conclusions", "## Follow-up",
                    "## Distribution and confidentiality"):
        assert heading in report
    assert "- Complaints received 1 March 2025 to 31 March 2025: 10 complaints" in report
    assert ("The audit raised 10 nonconformities (6 major, 4 minor) and 1 opportunity for "
            "improvement.") in report
    assert "### F06 Major nonconformity: First response on time for vulnerable customers" \
        in report
    assert "07700" not in report
    embedded = audit_report_markdown(tiny, heading_level=3)
    assert embedded.startswith("### Tiny audit\n") and "\n#### Objectives\n" in embedded
    assert "\n##### F06 Major" in embedded


# --------------------------------------------------------------------------- the shipped case


def test_shipped_case_finds_every_planted_breach(shipped, sample_result, policy):
    frame = sample_result.frame
    assert len(shipped.population) == len(frame)  # the scope is the whole log
    counts = breach_counts(find_policy_breaches(frame, policy))
    assert shipped.tests["breaching"].to_dict() == counts.to_dict()
    score = score_findings([], shipped)
    assert set(PLANTED_RULES) <= set(score.expected_rules)
    flagged = shipped.examined_set("S5")
    assert flagged.size == len(set(find_policy_breaches(frame, policy).query(
        "rule in @flagged.plan.rules")["complaint_id"]))
    assert [f.rule for f in shipped.findings if f.rule] == [r for r in RULES if counts[r]]


def test_shipped_case_random_sample_matches_draw_sample(shipped):
    plan = shipped.case.sample_plan("S1")
    expected = draw_sample(shipped.population, "random", size=plan.size, seed=plan.seed)
    assert shipped.examined_set("S1").sample.ids == expected.ids


def test_interview_claims_checked_against_the_data(shipped):
    """What the case's narrative says the data shows (module 06 repeats it)."""
    safety = verify(shipped, "E06")
    assert safety.loc[2024, ["SAFETY_ACK_LATE", "SAFETY_NOT_ESCALATED"]].sum() > 0
    assert safety.loc[2025, ["SAFETY_ACK_LATE", "SAFETY_NOT_ESCALATED"]].sum() == 0
    channels = verify(shipped, "E05")
    assert channels.index[0] == "letter"  # the letters are the slowest channel
    letters = verify(shipped, "E02")["within 2 business days"]
    worst = letters.idxmin()
    assert worst.startswith("2025") and letters[worst] < 0.95  # not "fine since early 2025"
    teams = verify(shipped, "E09")
    assert teams.index[0] == "metering_team"
    with pytest.raises(KeyError, match="E01 has no data check; those with one: E02, E03"):
        verify(shipped, "E01")
    rate = shipped.tests.loc["VULNERABLE_RESPONSE_LATE", "share"]
    assert not math.isnan(rate) and shipped.expected_grade("VULNERABLE_RESPONSE_LATE") == "major"

