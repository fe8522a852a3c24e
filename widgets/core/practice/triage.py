"""Triage practice: the initial assessment of clause 7.5 on real-looking complaints.

Why an exercise of its own: clause 7.5 (Initial assessment of complaint, following
ISO 10002:2018) asks that each complaint be judged on its severity, safety implications,
financial and legal impact, complexity and need for immediate action, and prioritized
accordingly. Learners agree with that in the abstract and then rate a gas-smell report
"medium" because it arrived by e-mail. Triaging a batch drawn from the log and having every
difference explained is what makes the criteria stick.

The learner sees only what is known when a complaint arrives (receipt data, the description,
whether the customer is on the vulnerable register and how often they complained recently).
The log's own category and severity are the reference answers; the reference priority comes
from ONE documented rule (PRIORITY_RULE), so a trainer can explain every grade and change the
rule in one place.

Redress paid is deliberately not a priority input: it is decided at 7.7, after the
assessment, so using it would let hindsight into triage. Financial impact is judged from what
the complaint is about (billing, payments and debt).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from widgets.core.complaints.schema import CATEGORIES, SEVERITIES

PRIORITIES = ("P1", "P2", "P3", "P4")
PRIORITY_MEANING = {
    "P1": "immediate: act the same day",
    "P2": "urgent: handle ahead of the normal queue",
    "P3": "standard: normal queue, watched for escalation",
    "P4": "routine: normal queue within the policy's targets",
}
FIELDS = ("category", "severity", "priority")
REPEAT_WINDOW_DAYS = 90
FINANCIAL_CATEGORIES = ("billing", "payments_and_debt")
SEVERITY_BASE = {"critical": 1, "high": 2, "medium": 3, "low": 4}
HIGHEST_WITHOUT_IMMEDIATE_RISK = 2  # raises stop at P2: P1 is kept for immediate risk

# What a learner may see: what is known at receipt (7.2) plus the repeat count we compute.
LEARNER_COLUMNS = ("complaint_id", "received_at", "channel", "product", "customer_segment",
                   "vulnerable", "previous_complaints", "description")

PRIORITY_RULE = (
    "1. A safety complaint or a critical severity is P1: immediate action (policy 4.3; "
    "ISO 10002 7.5).",
    "2. Otherwise start from the severity: high P2, medium P3, low P4 (ISO 10002 7.5).",
    "3. Raise one level for each aggravating factor: a vulnerable customer (policy 4.6; "
    "ISO 10002 4.5, 7.5); financial impact, i.e. a billing or payments-and-debt complaint "
    "(ISO 10002 7.5); a complaint about our complaints handling, which the standard's scope "
    "covers (ISO 10002 1, 7.5); a repeat complainant, with an earlier complaint in the "
    f"{REPEAT_WINDOW_DAYS} days before (ISO 10002 7.5, 8.2).",
    "4. Raises stop at P2: only rule 1 makes a complaint P1.",
)


def _iso(clauses: str) -> str:
    """'7.5' → 'ISO 10002 7.5': feedback names the standard a clause number belongs to."""
    return f"ISO 10002 {clauses}"


@dataclass(frozen=True)
class Reason:
    """One criterion of the rule that shaped a priority, with where it comes from."""

    factor: str
    text: str
    clauses: str


@dataclass(frozen=True)
class PriorityAssessment:
    """A priority with every reason that produced it, so feedback can show the working."""

    priority: str
    reasons: tuple[Reason, ...]

    def explain(self) -> str:
        """'P2: severity medium → P3 (ISO 10002 7.5); raised one level: vulnerable customer,
        … (ISO 10002 4.5, 7.5)'."""
        return f"{self.priority}: " + "; ".join(
            f"{reason.text} ({_iso(reason.clauses)})" for reason in self.reasons)


def assess_priority(
    severity: str, category: str, vulnerable: bool = False, previous_complaints: int = 0
) -> PriorityAssessment:
    """Apply PRIORITY_RULE to one complaint's 7.5 criteria."""
    if severity not in SEVERITY_BASE:
        raise ValueError(f"severity {severity!r} is not one of {', '.join(SEVERITIES)}")
    if category not in CATEGORIES:
        raise ValueError(f"category {category!r} is not one of {', '.join(CATEGORIES)}")
    if category == "safety" or severity == "critical":
        reasons = []
        if category == "safety":
            reasons.append(Reason("safety", "safety complaint: possible risk to health or "
                                  "safety, act the same day (policy 4.3)", "7.5"))
        if severity == "critical":
            reasons.append(Reason("severity", "severity critical: immediate action", "7.5"))
        return PriorityAssessment("P1", tuple(reasons))
    base = SEVERITY_BASE[severity]
    reasons = [Reason("severity", f"severity {severity} → P{base}", "7.5")]
    factors = []
    if vulnerable:
        factors.append(Reason("vulnerable", "raised one level: vulnerable customer, needs "
                              "extra support (policy 4.6)", "4.5, 7.5"))
    if category in FINANCIAL_CATEGORIES:
        factors.append(Reason("financial", "raised one level: financial impact, the "
                              f"complaint is about {category.replace('_', ' ')}", "7.5"))
    if category == "complaints_handling":
        factors.append(Reason("complaints_handling", "raised one level: a complaint about "
                              "our complaints handling, the process itself failed", "1, 7.5"))
    if previous_complaints > 0:
        times = "once" if previous_complaints == 1 else f"{previous_complaints} times"
        factors.append(Reason("repeat", f"raised one level: repeat complainant, complained "
                              f"{times} in the {REPEAT_WINDOW_DAYS} days before", "7.5, 8.2"))
    level = max(base - len(factors), HIGHEST_WITHOUT_IMMEDIATE_RISK)
    if base - len(factors) < HIGHEST_WITHOUT_IMMEDIATE_RISK:
        factors.append(Reason("cap", "raises stop at P2: only safety or a critical severity "
                              "makes a complaint P1", "7.5"))
    return PriorityAssessment(f"P{level}", tuple(reasons + factors))


def previous_complaints(frame: pd.DataFrame, window_days: int = REPEAT_WINDOW_DAYS) -> pd.Series:
    """For each complaint, how many earlier complaints the same customer made in the
    `window_days` before it (strictly earlier receipt). No customer_id means 0: a repeat
    complainant can only be recognized where the log keeps a stable customer key."""
    counts = pd.Series(0, index=frame.index, dtype="int64", name="previous_complaints")
    if "customer_id" not in frame.columns:
        return counts
    known = frame[frame["customer_id"].notna() & frame["received_at"].notna()]
    known = known[known["customer_id"].duplicated(keep=False)]
    window = np.timedelta64(window_days, "D")
    for _, group in known.groupby("customer_id", sort=False):
        times = group["received_at"].sort_values()
        values = times.to_numpy()
        earliest = np.searchsorted(values, values - window, side="left")
        before = np.searchsorted(values, values, side="left")
        counts.loc[times.index] = before - earliest
    return counts


def _is_vulnerable(value: object) -> bool:
    return bool(value) if not pd.isna(value) else False


@dataclass
class TriageBatch:
    """A reproducible batch of complaints to triage, with the reference answers.

    `records` holds the sampled rows with every column of the log plus previous_complaints;
    show learners `learner_view()` only.
    """

    records: pd.DataFrame
    seed: int
    population: int

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(self.records["complaint_id"])

    def learner_view(self) -> pd.DataFrame:
        """The columns known at receipt; category, severity and the outcome stay hidden."""
        columns = [c for c in LEARNER_COLUMNS if c in self.records.columns]
        return self.records[columns].reset_index(drop=True)

    def record(self, complaint_id: str) -> pd.Series:
        """The full row (answers included) of one complaint of the batch."""
        matches = self.records[self.records["complaint_id"] == complaint_id]
        if matches.empty:
            raise KeyError(f"complaint {complaint_id!r} is not in this batch; the batch holds "
                           f"{', '.join(self.ids)}")
        return matches.iloc[0]

    def reference(self, complaint_id: str) -> dict[str, str]:
        """The reference category, severity and priority of one complaint."""
        row = self.record(complaint_id)
        return {"category": row["category"], "severity": row["severity"],
                "priority": self.assessment(complaint_id).priority}

    def assessment(self, complaint_id: str) -> PriorityAssessment:
        """The reference priority of one complaint, with its reasons."""
        row = self.record(complaint_id)
        return assess_priority(row["severity"], row["category"], _is_vulnerable(row.get(
            "vulnerable")), int(row["previous_complaints"]))


def draw_batch(frame: pd.DataFrame, size: int = 5, seed: int = 0) -> TriageBatch:
    """Draw `size` complaints at random (same seed, same log → same batch).

    Only complaints with a description and a course category and severity can be triaged
    against a reference, so others (e.g. rows of a CFPB export) are not drawn.
    """
    missing = [c for c in ("complaint_id", "received_at", "category", "severity",
                           "description") if c not in frame.columns]
    if missing:
        raise ValueError(f"the log has no {', '.join(missing)} column(s); triage practice "
                         "needs the course's log layout (datasets/complaints.csv)")
    if not isinstance(size, int) or isinstance(size, bool) or size < 1:
        raise ValueError(f"batch size must be a whole number of at least 1, got {size!r}")
    eligible = (frame["category"].isin(CATEGORIES) & frame["severity"].isin(SEVERITIES)
                & frame["description"].notna()).fillna(False).to_numpy(dtype=bool)
    available = int(eligible.sum())
    if size > available:
        raise ValueError(f"batch size {size} is larger than the {available} complaints that "
                         "have a description, a category and a severity; choose at most "
                         f"{available}")
    rng = np.random.default_rng(seed)
    positions = np.sort(rng.choice(np.flatnonzero(eligible), size=size, replace=False))
    records = frame.iloc[positions].copy()
    records["previous_complaints"] = previous_complaints(frame).iloc[positions].to_numpy()
    records = records.sort_values("received_at", kind="stable").reset_index(drop=True)
    return TriageBatch(records=records, seed=seed, population=available)


@dataclass(frozen=True)
class FieldVerdict:
    """The learner's answer for one field of one complaint against the reference."""

    field: str
    learner: str | None
    reference: str
    explanation: str

    @property
    def correct(self) -> bool:
        return self.learner == self.reference


@dataclass(frozen=True)
class ComplaintVerdict:
    """The three field verdicts of one complaint and the reference priority's working."""

    complaint_id: str
    fields: tuple[FieldVerdict, ...]
    reference_explanation: str

    @property
    def correct(self) -> int:
        return sum(verdict.correct for verdict in self.fields)

    @property
    def all_correct(self) -> bool:
        return self.correct == len(self.fields)


@dataclass(frozen=True)
class TriageResult:
    """One point per field that matches the reference (category, severity, priority)."""

    verdicts: tuple[ComplaintVerdict, ...]

    @property
    def score(self) -> int:
        return sum(verdict.correct for verdict in self.verdicts)

    @property
    def max_score(self) -> int:
        return len(FIELDS) * len(self.verdicts)

    def summary(self) -> str:
        complete = sum(verdict.all_correct for verdict in self.verdicts)
        return (f"{self.score} of {self.max_score} answers match the reference "
                f"({self.score / self.max_score:.0%}); {complete} of {len(self.verdicts)} "
                "complaints triaged exactly as the reference")


def _explain_category(learner: str | None, row: pd.Series) -> str:
    reference = row["category"]
    if learner is None:
        return f"not answered; the log classes it {reference} ({_iso('7.5, 8.2')})"
    if learner == reference:
        return f"{reference}: matches the log (classification feeds the 8.2 analysis)"
    sub = row.get("subcategory")
    hint = f", subcategory {sub}" if isinstance(sub, str) and sub else ""
    stakes = []
    if "safety" in (learner, reference):
        stakes.append("safety decides whether the complaint is P1")
    if any(c in FINANCIAL_CATEGORIES for c in (learner, reference)):
        stakes.append("billing and payments carry a financial impact")
    if "complaints_handling" in (learner, reference):
        stakes.append("a complaint about our handling is raised a level")
    consequence = f"; here it matters for priority: {', '.join(stakes)}" if stakes else ""
    return (f"you chose {learner}; the log classes it {reference}{hint}. The category decides "
            f"who investigates and where it counts in the 8.2 analysis{consequence} "
            f"({_iso('7.5, 8.2')})")


def _explain_severity(learner: str | None, reference: str) -> str:
    if learner is None:
        return f"not answered; the log rates it {reference} ({_iso('7.5')})"
    if learner == reference:
        return f"{reference}: matches the log"
    if SEVERITY_BASE[learner] > SEVERITY_BASE[reference]:
        return (f"you rated it {learner}, the log {reference}: under-rated, so it would wait "
                "longer than its seriousness allows (ISO 10002 7.5; 4.6 responsiveness)")
    return (f"you rated it {learner}, the log {reference}: over-rated, so it would take time "
            "from more urgent complaints (ISO 10002 7.5; 4.3 capability)")


def _explain_priority(learner: dict[str, str | None], row: pd.Series,
                      reference: PriorityAssessment) -> str:
    chosen = learner.get("priority")
    if chosen == reference.priority:
        return f"{reference.explain()}"
    start = "not answered" if chosen is None else f"you chose {chosen}"
    text = f"{start}; reference {reference.explain()}"
    category, severity = learner.get("category"), learner.get("severity")
    if category is None or severity is None or chosen is None:
        return text
    own = assess_priority(severity, category, _is_vulnerable(row.get("vulnerable")),
                          int(row["previous_complaints"]))
    if own.priority == chosen:
        return (f"{text}. With your own category and severity the rule gives {own.priority} "
                "too, so the difference comes from your category or severity")
    return (f"{text}. Even with your own category and severity the rule gives "
            f"{own.priority}, not {chosen}: check the aggravating factors (vulnerable, "
            "financial impact, complaints handling, repeat complainant)")


def _validated(answers: Mapping[str, Mapping[str, str | None]],
               batch: TriageBatch) -> dict[str, dict[str, str | None]]:
    allowed = {"category": CATEGORIES, "severity": SEVERITIES, "priority": PRIORITIES}
    unknown = sorted(set(answers) - set(batch.ids))
    if unknown:
        raise ValueError(f"answers name complaints not in the batch: {', '.join(unknown)}; "
                         f"the batch holds {', '.join(batch.ids)}")
    result = {}
    for complaint_id in batch.ids:
        given = dict(answers.get(complaint_id, {}))
        extra = sorted(set(given) - set(FIELDS))
        if extra:
            raise ValueError(f"complaint {complaint_id}: unknown field(s) {', '.join(extra)}; "
                             f"answer {', '.join(FIELDS)}")
        for field, options in allowed.items():
            value = given.get(field)
            if value is not None and value not in options:
                raise ValueError(f"complaint {complaint_id}: {field} {value!r} is not one of "
                                 f"{', '.join(options)}")
        result[complaint_id] = {field: given.get(field) for field in FIELDS}
    return result


def check_triage(batch: TriageBatch,
                 answers: Mapping[str, Mapping[str, str | None]]) -> TriageResult:
    """Compare the learner's category, severity and priority per complaint with the reference.

    `answers` maps complaint ID → {"category": …, "severity": …, "priority": …}; a missing
    complaint or field (or None) counts as not answered.
    """
    answers = _validated(answers, batch)
    verdicts = []
    for complaint_id in batch.ids:
        row = batch.record(complaint_id)
        given = answers[complaint_id]
        reference = batch.assessment(complaint_id)
        fields = (
            FieldVerdict("category", given["category"], row["category"],
                         _explain_category(given["category"], row)),
            FieldVerdict("severity", given["severity"], row["severity"],
                         _explain_severity(given["severity"], row["severity"])),
            FieldVerdict("priority", given["priority"], reference.priority,
                         _explain_priority(given, row, reference)),
        )
        verdicts.append(ComplaintVerdict(complaint_id, fields, reference.explain()))
    return TriageResult(tuple(verdicts))
