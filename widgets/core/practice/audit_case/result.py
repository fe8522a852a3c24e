"""The audit case worked through on a log: population, examined samples, data test, findings.

Why a module of its own: run_case ties the case file, the examining and the findings together
into one CaseResult that the views, the scoring of learners, the report and the management
review of module 07 all read; verify runs an evidence item's data check on that result.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from widgets.core.common.reader import by_id
from widgets.core.complaints.policy import Policy
from widgets.core.practice.audit_case.content import (
    GRADES,
    AuditCase,
    AuditProgramme,
    load_audit_case,
    load_audit_programme,
)
from widgets.core.practice.audit_case.examining import ExaminedSet, data_test, examine
from widgets.core.practice.audit_case.findings import CaseFinding, case_findings
from widgets.core.practice.audit_case.verifications import VERIFICATIONS
from widgets.core.practice.audit_sampler import AuditCriterion, AuditSample, load_audit_criteria


@dataclass(frozen=True)
class CaseResult:
    """The case worked through on a log: population, samples, data test, findings."""

    case: AuditCase
    programme: AuditProgramme
    policy: Policy
    criteria: tuple[AuditCriterion, ...]
    population: pd.DataFrame
    examined: tuple[ExaminedSet, ...]
    tests: pd.DataFrame
    findings: tuple[CaseFinding, ...]
    cited_from: dict[str, AuditSample]

    def examined_set(self, sample_id: str) -> ExaminedSet:
        return by_id(self.examined, sample_id, "examined set", known="the case has")

    def finding(self, finding_id: str) -> CaseFinding:
        return by_id(self.findings, finding_id, "finding", known="the findings are")

    def expected_grade(self, rule: str) -> str | None:
        for finding in self.findings:
            if finding.rule == rule:
                return finding.grade
        return None

    def examined_ids(self) -> set[str]:
        return {i for s in self.examined for i in s.sample.ids}

    def samples_table(self) -> pd.DataFrame:
        """Per planned sample: method, records examined, nonconformities per planned rule."""
        rows = []
        for s in self.examined:
            counts = s.summary()
            found = ", ".join(f"{rule} {int(row.nonconforming)}/{int(row.applicable)}"
                              for rule, row in counts.iterrows() if row.nonconforming)
            rows.append({"sample": s.id, "title": s.plan.title, "method": s.plan.method,
                         "population": s.sample.population_size, "examined": s.size,
                         "nonconforming (found/applicable)": found or "none"})
        return pd.DataFrame(rows).set_index("sample")

    def findings_table(self) -> pd.DataFrame:
        rows = [{"finding": f.id, "grade": self.programme.grading.label(f.grade),
                 "title": f.title, "source": f.source,
                 "in the sample": (f"{f.examined_breaching} of {f.examined_applicable}"
                                   if f.examined_breaching is not None else ""),
                 "data test": (f"{f.population_breaching} of {f.population_applicable}"
                               if f.population_breaching is not None else ""),
                 "why this grade": f.grade_reason} for f in self.findings]
        return pd.DataFrame(rows).set_index("finding")

    def grade_counts(self) -> dict[str, int]:
        return {g: sum(f.grade == g for f in self.findings) for g in GRADES}


def run_case(frame: pd.DataFrame, policy: Policy, case: AuditCase | None = None,
             programme: AuditProgramme | None = None,
             criteria: tuple[AuditCriterion, ...] | None = None) -> CaseResult:
    """Work the case through on a loaded log: select the population, draw and mark every
    planned sample, run the data test, and derive the findings with their grades."""
    programme = programme if programme is not None else load_audit_programme()
    case = case if case is not None else load_audit_case(programme=programme)
    criteria = criteria if criteria is not None else load_audit_criteria()
    population = case.scope.population(frame)
    if population.empty:
        raise ValueError(f"no complaint in the log was received in the scope's period "
                         f"({case.scope.describe()}); check the scope dates")
    examined = tuple(examine(plan, population, policy, criteria) for plan in case.samples)
    tests = data_test(population, policy, criteria)
    findings, cited_from = case_findings(examined, tests, population, case, policy, programme,
                                         criteria)
    return CaseResult(case, programme, policy, criteria, population, examined, tests,
                      findings, cited_from)


def verify(result: CaseResult, evidence_id: str) -> pd.DataFrame:
    """Run the data check that tests an evidence item's claims, on the case's population."""
    item = result.case.evidence_item(evidence_id)
    if item.verify is None:
        raise KeyError(f"evidence {evidence_id} has no data check; those with one: "
                       f"{', '.join(e.id for e in result.case.evidence if e.verify)}")
    return VERIFICATIONS[item.verify].compute(result.population, result.policy)
