"""The case's findings, derived from the examined records, the data test and the evidence.

Why a module of its own: what the records show is never typed into the case — findings,
counts and grades are computed from the data, so regenerating the log cannot make the case
contradict it. The grading follows the programme's rules (ISO 19011 6.4.8 allows grading by
the programme's rules; major and minor as certification bodies define them), with the policy's
own share targets where it states one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from widgets.core.complaints.breaches import RULES, find_policy_breaches
from widgets.core.complaints.policy import Policy
from widgets.core.practice.audit_case.content import AuditCase, AuditProgramme, GradingConvention
from widgets.core.practice.audit_case.examining import ExaminedSet
from widgets.core.practice.audit_sampler import (
    AuditCriterion,
    AuditSample,
    JudgementCriteria,
    NonconformityStatement,
)

# Criteria whose policy section states a share target ("for at least 95% of complaints"): a
# late record is a lapse, and the finding is systemic only when more are late than the policy
# tolerates.
SHARE_TARGETS = {"ACK_LATE": "acknowledge", "RESPONSE_LATE": "first_response",
                 "RESOLVE_LATE": "resolve"}
EXAMPLE_IDS = 5  # complaint IDs cited when the evidence is the data test of the population


# --------------------------------------------------------------------------- grading


def grade_finding(rule: str, breaching: int, applicable: int, policy: Policy,
                  grading: GradingConvention) -> tuple[str | None, str]:
    """The grade the programme's convention proposes for a criterion, with the reason.

    None when nothing breaches it. Major for a criterion the programme always grades major
    (safety), or when more records breach it than tolerated — the policy's own share target
    where it states one (95% acknowledged on time tolerates 5% late), else the programme's
    systemic share. Minor otherwise: lapses, but the requirement is generally met.
    """
    if breaching == 0:
        return None, "no record breaches the criterion"
    if rule in grading.major_rules:
        return "major", ("the programme grades every breach of this safety criterion major: "
                         "one lapse could put a customer in danger")
    share = breaching / applicable if applicable else 1.0
    if rule in SHARE_TARGETS:
        tolerance = 1 - policy.timeliness[SHARE_TARGETS[rule]].min_share
        basis = "the policy's share target tolerates"
    else:
        tolerance = grading.systemic_share
        basis = "the programme treats as systemic above"
    if share > tolerance + 1e-12:
        return "major", (f"systemic: {share:.1%} of the applicable records breach it; "
                         f"{basis} {tolerance:.0%}")
    return "minor", (f"occasional: {share:.1%} of the applicable records breach it; "
                     f"{basis} {tolerance:.0%}")


# --------------------------------------------------------------------------- findings


@dataclass(frozen=True)
class CaseFinding:
    """One finding of the case: from the records (rule set) or from a document/interview."""

    id: str
    kind: str
    grade: str
    grade_reason: str
    title: str
    rule: str | None
    source: str
    statement: NonconformityStatement
    examined_breaching: int | None = None
    examined_applicable: int | None = None
    population_breaching: int | None = None
    population_applicable: int | None = None


def _shown_detail(rule: str, detail: str) -> str:
    """The reference detail, without repeating personal data in an audit document."""
    if rule == "PERSONAL_DATA_IN_DESCRIPTION":
        return "the description holds an e-mail address or a phone number"
    return detail


def _record_finding(number: int, criterion: AuditCriterion, examined: Sequence[ExaminedSet],
                    tested: pd.Series, policy: Policy,
                    grading: GradingConvention) -> tuple[CaseFinding, AuditSample]:
    """The finding for one breached criterion, citing the first planned sample that shows it,
    or the data test's first records if no sample does. Returns the sample it cites too."""
    rule = criterion.rule
    grade, reason = grade_finding(rule, int(tested["breaching"]), int(tested["applicable"]),
                                  policy, grading)
    population_text = (f"The data test of all complaints in scope flagged "
                       f"{int(tested['breaching'])} of the {int(tested['applicable'])} records "
                       "the criterion applies to.")
    criterion_text = (f"Policy {criterion.policy_section} ({criterion.title.lower()}): "
                      f"{criterion.requirement_text(policy)} ISO 10002 {criterion.clause}.")
    for examined_set in examined:
        if rule not in examined_set.plan.rules:
            continue
        summary = examined_set.summary().loc[rule]
        found = examined_set.nonconformities()
        found = found[found["rule"] == rule]
        if found.empty:
            continue
        cited = "; ".join(f"{row.complaint_id} ({_shown_detail(rule, row.detail)})"
                          for row in found.itertuples())
        k, a = len(found), int(summary["applicable"])
        evidence = (f"Sample {examined_set.id} ({examined_set.plan.title.lower()}, "
                    f"{examined_set.size} records): {k} of the {a} records the criterion "
                    f"applies to breach it: {cited}. {population_text}")
        statement = (f"Policy {criterion.policy_section} was not met in {k} of the {a} "
                     f"applicable records examined in sample {examined_set.id}: "
                     f"{RULES[rule].summary}.")
        finding = CaseFinding(f"F{number:02d}", "nonconformity", grade, reason,
                              criterion.title, rule, f"records, sample {examined_set.id}",
                              NonconformityStatement(criterion_text, evidence, statement),
                              k, a, int(tested["breaching"]), int(tested["applicable"]))
        return finding, examined_set.sample
    raise LookupError(rule)


def case_findings(examined: Sequence[ExaminedSet], tests: pd.DataFrame,
                  population: pd.DataFrame, case: AuditCase, policy: Policy,
                  programme: AuditProgramme, criteria: tuple[AuditCriterion, ...]
                  ) -> tuple[tuple[CaseFinding, ...], dict[str, AuditSample]]:
    """The case's findings: one per criterion the records breach, then the document and
    interview findings of the evidence. Also returns, per finding id, the records its
    evidence cites from (the sample a checker needs)."""
    findings: list[CaseFinding] = []
    cited_from: dict[str, AuditSample] = {}
    for criterion in criteria:
        tested = tests.loc[criterion.rule]
        if int(tested["breaching"]) == 0:
            continue
        number = len(findings) + 1
        try:
            finding, sample = _record_finding(number, criterion, examined, tested, policy,
                                              programme.grading)
        except LookupError:
            finding, sample = _data_test_finding(number, criterion, tested, population,
                                                 policy, programme.grading)
        findings.append(finding)
        cited_from[finding.id] = sample
    for item in case.evidence:
        if item.finding is None:
            continue
        f = item.finding
        reason = ("graded by the auditors from the document and interview evidence"
                  if f.kind == "nonconformity" else "no requirement is broken")
        findings.append(CaseFinding(
            f"F{len(findings) + 1:02d}", f.kind, f.grade, reason, f.title, None,
            f"{item.kind} {item.id}", NonconformityStatement(f.criterion, f.evidence,
                                                             f.statement)))
    return tuple(findings), cited_from


def _data_test_finding(number: int, criterion: AuditCriterion, tested: pd.Series,
                       population: pd.DataFrame, policy: Policy, grading: GradingConvention
                       ) -> tuple[CaseFinding, AuditSample]:
    """A finding whose evidence is the data test alone (no planned sample showed it)."""
    rule = criterion.rule
    grade, reason = grade_finding(rule, int(tested["breaching"]), int(tested["applicable"]),
                                  policy, grading)
    breaches = find_policy_breaches(population, policy)
    examples = breaches[breaches["rule"] == rule].head(EXAMPLE_IDS)
    cited = "; ".join(f"{row.complaint_id} ({_shown_detail(rule, row.detail)})"
                      for row in examples.itertuples())
    evidence = (f"No planned sample held a breach; the data test of all complaints in scope "
                f"flagged {int(tested['breaching'])} of the {int(tested['applicable'])} "
                f"records the criterion applies to, for example {cited}.")
    statement = (f"Policy {criterion.policy_section} was not met in "
                 f"{int(tested['breaching'])} of the {int(tested['applicable'])} applicable "
                 f"records: {RULES[rule].summary}.")
    criterion_text = (f"Policy {criterion.policy_section} ({criterion.title.lower()}): "
                      f"{criterion.requirement_text(policy)} ISO 10002 {criterion.clause}.")
    sample = AuditSample(records=population, population_size=len(population),
                         method="judgement", seed=None, criteria=JudgementCriteria(),
                         matching=len(population), risk_note="every record tested",
                         population_ids=frozenset(population["complaint_id"].astype(str)))
    return CaseFinding(f"F{number:02d}", "nonconformity", grade, reason, criterion.title, rule,
                       "records, data test",
                       NonconformityStatement(criterion_text, evidence, statement), None, None,
                       int(tested["breaching"]), int(tested["applicable"])), sample
