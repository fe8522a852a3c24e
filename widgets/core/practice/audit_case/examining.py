"""Examining records: sampling risk, drawing and marking the planned samples, the data test.

Why a module of its own: how the auditors look at the records (ISO 19011 A.6 on sampling)
changes apart from what the case file says and from how findings are written. Samples are
drawn on the log with widgets.core.practice.audit_sampler.draw_sample and marked with the same
reference (breaches.find_policy_breaches) the audit sampler and the exercises use; the data
test runs the same rules on every record in scope.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from widgets.core.complaints.breaches import breach_counts, find_policy_breaches
from widgets.core.complaints.kpis import business_days_to
from widgets.core.complaints.policy import Policy
from widgets.core.practice.audit_case.content import SamplePlan
from widgets.core.practice.audit_sampler import (
    CONDITIONS,
    AuditCriterion,
    AuditSample,
    JudgementCriteria,
    draw_sample,
    load_audit_criteria,
    reference_marks,
)

# --------------------------------------------------------------------------- sampling risk


def miss_probability_count(population: int, affected: int, size: int) -> float:
    """Chance that a random sample of `size` drawn without replacement from `population`
    records contains none of the `affected` ones: C(N-K, n) / C(N, n)."""
    if not 0 <= affected <= population or not 0 <= size <= population:
        raise ValueError(f"need 0 ≤ affected ({affected}) ≤ population ({population}) and "
                         f"0 ≤ sample size ({size}) ≤ population")
    return math.comb(population - affected, size) / math.comb(population, size)


def sample_size_for(population: int, affected: int, confidence: float = 0.95) -> int:
    """The smallest random sample that contains at least one of `affected` records with the
    given confidence (the 'discovery sampling' size)."""
    if affected < 1:
        raise ValueError("with no affected record, no sample can find one")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
    miss = 1.0
    for size in range(1, population + 1):
        miss *= (population - affected - size + 1) / (population - size + 1)
        if miss <= 1 - confidence + 1e-12:
            return size
    return population


# --------------------------------------------------------------------------- examining records


@dataclass(frozen=True)
class ExaminedSet:
    """One sample of the plan, drawn and marked against every criterion (the reference)."""

    plan: SamplePlan
    sample: AuditSample
    marks: pd.DataFrame  # complaint_id, rule, reference, detail — every criterion
    note: str

    @property
    def id(self) -> str:
        return self.plan.id

    @property
    def size(self) -> int:
        return self.sample.size

    def planned_marks(self) -> pd.DataFrame:
        return self.marks[self.marks["rule"].isin(self.plan.rules)]

    def nonconformities(self) -> pd.DataFrame:
        """The planned tests' nonconforming records: complaint_id, rule, detail."""
        marks = self.planned_marks()
        found = marks[marks["reference"] == "nonconforms"]
        return found[["complaint_id", "rule", "detail"]].reset_index(drop=True)

    def summary(self) -> pd.DataFrame:
        """Per planned criterion: records it applies to and records breaching it."""
        marks = self.planned_marks()
        rows = [{"rule": rule,
                 "applicable": int(marks[(marks["rule"] == rule)
                                         & (marks["reference"] != "not_applicable")].shape[0]),
                 "nonconforming": int(marks[(marks["rule"] == rule)
                                            & (marks["reference"] == "nonconforms")].shape[0])}
                for rule in self.plan.rules]
        return pd.DataFrame(rows).set_index("rule")

    def describe(self) -> str:
        return f"{self.plan.id} — {self.plan.title}: {self.note}"


def _flagged_set(plan: SamplePlan, population: pd.DataFrame, policy: Policy) -> AuditSample:
    """Every record the data tests flag for the plan's rules, as a judgement selection."""
    breaches = find_policy_breaches(population, policy)
    flagged = set(breaches.loc[breaches["rule"].isin(plan.rules), "complaint_id"])
    records = population[population["complaint_id"].isin(flagged)]
    records = records.sort_values("received_at", kind="stable").reset_index(drop=True)
    note = (f"Population: {len(population)} complaints. Method: the data tests of "
            f"{', '.join(plan.rules)} ran on every record and flagged {len(records)}; each "
            "flagged record is examined in the case file. Sampling risk: none for what the "
            "tests check, since every record was tested; the tests rely on the data being "
            "right, which is why each flagged record is verified (ISO 19011 A.6).")
    return AuditSample(records=records, population_size=len(population), method="judgement",
                       seed=None, criteria=JudgementCriteria(), matching=len(records),
                       risk_note=note,
                       population_ids=frozenset(population["complaint_id"].astype(str)))


def examine(plan: SamplePlan, population: pd.DataFrame, policy: Policy,
            criteria: tuple[AuditCriterion, ...] | None = None) -> ExaminedSet:
    """Draw one planned sample from the population and mark it against every criterion."""
    criteria = criteria if criteria is not None else load_audit_criteria()
    if plan.method == "flagged":
        sample = _flagged_set(plan, population, policy)
        note = sample.risk_note
    else:
        sample = draw_sample(population, plan.method, size=plan.size, seed=plan.seed,
                             criteria=plan.select)
        note = sample.describe()
    return ExaminedSet(plan, sample, reference_marks(sample, policy, criteria), note)


def applicable_mask(criterion: AuditCriterion, frame: pd.DataFrame) -> np.ndarray:
    """Records a criterion applies to (every condition of its applies_when)."""
    mask = np.ones(len(frame), dtype=bool)
    for name in criterion.applies_when:
        mask &= CONDITIONS[name].mask(frame)
    return mask


def data_test(population: pd.DataFrame, policy: Policy,
              criteria: tuple[AuditCriterion, ...] | None = None) -> pd.DataFrame:
    """The breach checks run on every record in scope: per criterion, the records it applies
    to, the records breaching it (find_policy_breaches) and their share."""
    criteria = criteria if criteria is not None else load_audit_criteria()
    counts = breach_counts(find_policy_breaches(population, policy))
    rows = []
    for criterion in criteria:
        applicable = int(applicable_mask(criterion, population).sum())
        breaching = int(counts[criterion.rule])
        rows.append({"rule": criterion.rule, "criterion": criterion.title,
                     "policy": criterion.policy_section, "applicable": applicable,
                     "breaching": breaching,
                     "share": breaching / applicable if applicable else float("nan")})
    return pd.DataFrame(rows).set_index("rule")


# --------------------------------------------------------------------------- records to read


def examined_table(examined_set: ExaminedSet, policy: Policy) -> pd.DataFrame:
    """The records of a set as an auditor reads them: the fields the criteria need and the
    business days each step took (after the day of receipt, the policy's one definition)."""
    records = examined_set.sample.records
    table = pd.DataFrame({"complaint_id": records["complaint_id"],
                          "received": records["received_at"].dt.strftime("%a %d %b %Y"),
                          "channel": records["channel"], "category": records["category"],
                          "vulnerable": records["vulnerable"].map(
                              {True: "yes", False: "no"}, na_action="ignore"),
                          "status": records["status"], "outcome": records["outcome"]})
    for column, label in (("acknowledged_at", "days to acknowledge"),
                          ("first_response_at", "days to first response"),
                          ("resolved_at", "days to decision")):
        table[label] = business_days_to(records, column, policy).astype("Int64")
    table["escalation"] = records["escalation_level"]
    table["description"] = records["description"]
    return table.astype(object).where(table.notna(), "—")
