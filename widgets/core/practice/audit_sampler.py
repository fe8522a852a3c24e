"""Audit practice on a complaint log: sampling, marking records, writing a nonconformity.

Why: clause 8.5 (Auditing of the complaints-handling process, following ISO 10002:2018) asks
for regular audits by competent, impartial auditors, and ISO 19011:2018 is how internal
auditors do them. Three skills are practised here, each checked against a reference:

* drawing a sample (ISO 19011 A.6): random with a seed and a size, or by judgement on
  criteria — recording the population, the method and the sampling risk, because a clean
  sample never proves a clean population;
* marking each sampled record against the audit criteria (widgets/content/audit-criteria.yaml:
  the organization's own policy, since ISO 10002 says "should") as conforming, nonconforming or
  not applicable — the reference is breaches.find_policy_breaches, the same rules the
  dashboard and the exercises use;
* writing a nonconformity in three parts (criterion, evidence, statement) and having a checker
  say precisely what is missing or wrong.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from widgets.core.common.errors import ContentError
from widgets.core.common.paths import CONTENT_DIR
from widgets.core.common.reader import ContentReader
from widgets.core.complaints.breaches import RULES, find_policy_breaches
from widgets.core.complaints.kpis import business_days_to
from widgets.core.complaints.policy import Policy

CRITERIA_FILE = CONTENT_DIR / "audit-criteria.yaml"
METHODS = ("random", "judgement")
MARKS = ("conforms", "nonconforms", "not_applicable")
MARK_LABELS = {"conforms": "conforms", "nonconforms": "nonconforms",
               "not_applicable": "not applicable"}
RISK_AFFECTED_SHARE = 0.05  # the sampling-risk note: chance of missing a 5% problem
PLACEHOLDERS = ("acknowledge_days", "first_response_days", "resolve_days",
                "vulnerable_first_response_days", "safety_acknowledge",
                "safety_min_escalation_level")
_CRITERION_KEYS = ("rule", "title", "requirement", "policy_section", "clause", "applies_when",
                   "keywords")


# --------------------------------------------------------------------------- applicability


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    return frame[name] if name in frame.columns else pd.Series(pd.NA, index=frame.index)


def _equals(frame: pd.DataFrame, name: str, value: str) -> np.ndarray:
    return (_column(frame, name).astype("string") == value).fillna(False).to_numpy(dtype=bool)


def _present(frame: pd.DataFrame, name: str) -> np.ndarray:
    return _column(frame, name).notna().to_numpy(dtype=bool)


def _vulnerable(frame: pd.DataFrame) -> np.ndarray:
    return _column(frame, "vulnerable").astype("boolean").fillna(False).to_numpy(dtype=bool)


@dataclass(frozen=True)
class Condition:
    """When a criterion applies: `applies_to` names the records, `fails` says why one is not."""

    applies_to: str
    fails: str
    mask: Callable[[pd.DataFrame], np.ndarray]


# The same readings of the data as breaches.find_policy_breaches (missing category or flag
# counts as "not safety", "not vulnerable"), so a breach is never found where a criterion
# is said not to apply.
CONDITIONS: dict[str, Condition] = {
    "safety": Condition("safety complaints", "not a safety complaint",
                        lambda f: _equals(f, "category", "safety")),
    "not_safety": Condition("complaints other than safety complaints",
                            "a safety complaint (a stricter criterion applies)",
                            lambda f: ~_equals(f, "category", "safety")),
    "vulnerable": Condition("vulnerable customers' complaints",
                            "the customer is not registered as vulnerable", _vulnerable),
    "not_vulnerable": Condition("complaints from customers not registered as vulnerable",
                                "the customer is registered as vulnerable (a stricter "
                                "criterion applies)", lambda f: ~_vulnerable(f)),
    "acknowledged": Condition("acknowledged complaints", "no acknowledgement recorded",
                              lambda f: _present(f, "acknowledged_at")),
    "responded": Condition("complaints with a first response", "no first response yet",
                           lambda f: _present(f, "first_response_at")),
    "resolved": Condition("complaints with a decision", "no decision yet",
                          lambda f: _present(f, "resolved_at")),
    "closed": Condition("closed complaints", "not closed",
                        lambda f: _equals(f, "status", "closed")),
    "not_withdrawn": Condition("complaints not withdrawn", "withdrawn by the complainant",
                               lambda f: ~_equals(f, "outcome", "withdrawn")),
    "escalation_recorded": Condition("complaints with an escalation level recorded",
                                     "no escalation level recorded",
                                     lambda f: _present(f, "escalation_level")),
    "has_description": Condition("complaints with a description", "no description",
                                 lambda f: _present(f, "description")),
}


# --------------------------------------------------------------------------- criteria


class AuditCriteriaError(ContentError):
    """audit-criteria.yaml is malformed or disagrees with breaches.RULES."""


@dataclass(frozen=True)
class AuditCriterion:
    """One requirement an auditor marks records against (one entry of audit-criteria.yaml)."""

    rule: str
    title: str
    requirement: str
    policy_section: str
    clause: str
    applies_when: tuple[str, ...]
    keywords: tuple[str, ...]

    @property
    def clauses(self) -> tuple[str, ...]:
        return tuple(c.strip() for c in self.clause.split(","))

    def reference(self) -> str:
        """'policy 4.2, ISO 10002 7.4' — how a finding cites this criterion."""
        return f"policy {self.policy_section}, ISO 10002 {self.clause}"

    def requirement_text(self, policy: Policy) -> str:
        """The requirement with the policy's current numbers filled in."""
        return self.requirement.format(**policy_values(policy))


def policy_values(policy: Policy) -> dict[str, str | int]:
    """The values the criteria's {placeholders} stand for, read from the policy."""
    safety = policy.safety_acknowledge_business_days
    return {
        "acknowledge_days": _days(policy.timeliness["acknowledge"].within_business_days),
        "first_response_days": _days(policy.timeliness["first_response"].within_business_days),
        "resolve_days": _days(policy.timeliness["resolve"].within_business_days),
        "vulnerable_first_response_days": _days(policy.vulnerable_first_response_business_days),
        "safety_acknowledge": "on the day it is received" if safety == 0
        else f"within {_days(safety)} of receipt",
        "safety_min_escalation_level": policy.safety_min_escalation_level,
    }


def _days(value: float) -> str:
    return "1 business day" if value == 1 else f"{value:.0f} business days"


def _criterion(r: ContentReader, entry: dict, where: str) -> AuditCriterion:
    r.keys(entry, where, _CRITERION_KEYS)
    rule = r.choice(entry, "rule", where, tuple(RULES))
    title, requirement = r.text(entry, "title", where), r.text(entry, "requirement", where)
    section, clause = r.text(entry, "policy_section", where), r.text(entry, "clause", where)
    expected = RULES[rule]
    if (section, clause) != (expected.policy_section, expected.clause):
        raise r.fail(where.rstrip("."), f"({rule}) cites policy {section} / clause {clause}, "
                     f"but breaches.RULES has policy {expected.policy_section} / clause "
                     f"{expected.clause}; make them agree")
    fields = {name for _, name, _, _ in string.Formatter().parse(requirement) if name}
    unknown = sorted(fields - set(PLACEHOLDERS))
    if unknown:
        raise r.fail(f"{where}requirement", f"has unknown placeholder(s) {', '.join(unknown)}; "
                     f"use {', '.join(PLACEHOLDERS)}")
    conditions = r.members(entry, "applies_when", where, CONDITIONS, "conditions")
    keywords = r.get(entry, "keywords", where)
    if (not isinstance(keywords, list) or not keywords
            or not all(isinstance(k, str) and k.strip() == k and k == k.lower() and k
                       for k in keywords)):
        raise r.fail(f"{where}keywords", f"must be a non-empty list of lowercase word stems; "
                     f"found {keywords!r}")
    return AuditCriterion(rule, title, requirement, section, clause, conditions, tuple(keywords))


def load_audit_criteria(path: str | Path | None = None) -> tuple[AuditCriterion, ...]:
    """Read and check the criteria: one per breach rule, agreeing with breaches.RULES; every
    broken criterion is reported at once."""
    path = Path(path) if path is not None else CRITERIA_FILE
    r = ContentReader(path, AuditCriteriaError, collect=True)
    top = r.document("audit criteria", ("criteria",))
    criteria = r.each(top, "criteria", "", lambda entry, where: _criterion(r, entry, where))
    rules = [c.rule for c in criteria]
    repeated = sorted({rule for rule in rules if rules.count(rule) > 1})
    missing = [rule for rule in RULES if rule not in rules]
    if (repeated or missing) and not r.problems:
        r.problem("criteria", "needs exactly one criterion for every breach rule"
                  + (f"; repeated: {', '.join(repeated)}" if repeated else "")
                  + (f"; missing: {', '.join(missing)}" if missing else ""))
    r.done()
    return tuple(criteria)


# --------------------------------------------------------------------------- sampling


@dataclass(frozen=True)
class JudgementCriteria:
    """What an auditor selects on when sampling by judgement. None means 'any'."""

    channel: str | None = None
    vulnerable: bool | None = None
    category: str | None = None
    closed_from: dt.date | None = None
    closed_to: dt.date | None = None

    def is_empty(self) -> bool:
        return all(value is None for value in (self.channel, self.vulnerable, self.category,
                                               self.closed_from, self.closed_to))

    def describe(self) -> str:
        parts = []
        if self.channel is not None:
            parts.append(f"channel = {self.channel}")
        if self.category is not None:
            parts.append(f"category = {self.category}")
        if self.vulnerable is not None:
            parts.append("vulnerable customer" if self.vulnerable else "customer not vulnerable")
        if self.closed_from is not None or self.closed_to is not None:
            start = f"{self.closed_from:%Y-%m-%d}" if self.closed_from else "any date"
            end = f"{self.closed_to:%Y-%m-%d}" if self.closed_to else "any date"
            parts.append(f"closed from {start} to {end}")
        return ", ".join(parts) or "no criteria"

    def mask(self, frame: pd.DataFrame) -> np.ndarray:
        """True for the rows that meet every criterion set."""
        if (self.closed_from is not None and self.closed_to is not None
                and self.closed_from > self.closed_to):
            raise ValueError(f"the closing period starts {self.closed_from:%Y-%m-%d} after it "
                             f"ends {self.closed_to:%Y-%m-%d}; swap the dates")
        keep = np.ones(len(frame), dtype=bool)
        if self.channel is not None:
            keep &= _equals(frame, "channel", self.channel)
        if self.category is not None:
            keep &= _equals(frame, "category", self.category)
        if self.vulnerable is not None:
            flag = _column(frame, "vulnerable").astype("boolean")
            keep &= (flag == self.vulnerable).fillna(False).to_numpy(dtype=bool)
        if self.closed_from is not None or self.closed_to is not None:
            closed = pd.to_datetime(_column(frame, "closed_at")).dt.normalize()
            within = closed.notna()
            if self.closed_from is not None:
                within &= closed >= pd.Timestamp(self.closed_from)
            if self.closed_to is not None:
                within &= closed <= pd.Timestamp(self.closed_to)
            keep &= within.fillna(False).to_numpy(dtype=bool)
        return keep


def miss_probability(population: int, sample_size: int,
                     affected_share: float = RISK_AFFECTED_SHARE) -> float:
    """Chance that a random sample without replacement contains none of the records affected
    by a problem touching `affected_share` of the population (at least one record) —
    the hypergeometric probability C(N-K, n) / C(N, n)."""
    affected = max(1, math.ceil(affected_share * population))
    return math.comb(population - affected, sample_size) / math.comb(population, sample_size)


@dataclass(frozen=True)
class AuditSample:
    """The sampled records and the sampling record an auditor keeps (ISO 19011 A.6)."""

    records: pd.DataFrame
    population_size: int
    method: str
    seed: int | None
    criteria: JudgementCriteria | None
    matching: int
    risk_note: str
    population_ids: frozenset[str]

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(self.records["complaint_id"])

    @property
    def size(self) -> int:
        return len(self.records)

    def describe(self) -> str:
        method = (f"random, seed {self.seed}" if self.method == "random"
                  else f"judgement ({self.criteria.describe()})")
        return (f"Population: {self.population_size} complaints. Method: {method}. Sample: "
                f"{self.size} records. {self.risk_note}")


def draw_sample(
    frame: pd.DataFrame,
    method: str = "random",
    size: int | None = 10,
    seed: int = 0,
    criteria: JudgementCriteria | None = None,
) -> AuditSample:
    """Draw an audit sample from a loaded log (the population).

    random: `size` records chosen with `seed` (same seed, same log → same sample).
    judgement: the records meeting `criteria`; all of them when `size` is None, else `size` of
    them chosen with `seed` (recorded in the note).
    """
    if method not in METHODS:
        raise ValueError(f"sampling method {method!r} is not one of {', '.join(METHODS)}")
    population = len(frame)
    if population == 0:
        raise ValueError("the log is empty: there is nothing to sample")
    if method == "random" and criteria is not None and not criteria.is_empty():
        raise ValueError("selection criteria belong to a judgement sample; choose "
                         "method='judgement' or leave the criteria empty")
    if method == "judgement" and (criteria is None or criteria.is_empty()):
        raise ValueError("a judgement sample needs at least one criterion (channel, vulnerable, "
                         "category or closing period); or choose random sampling")
    eligible = criteria.mask(frame) if method == "judgement" else np.ones(population, bool)
    matching = int(eligible.sum())
    if method == "judgement" and matching == 0:
        raise ValueError(f"no complaint meets {criteria.describe()}; widen the criteria")
    if size is None and method == "random":
        raise ValueError("a random sample needs a size")
    if size is not None and (not isinstance(size, int) or isinstance(size, bool) or size < 1):
        raise ValueError(f"sample size must be a whole number of at least 1, got {size!r}")
    if size is not None and size > population and method == "random":
        raise ValueError(f"sample size {size} is larger than the population of {population}")
    positions = np.flatnonzero(eligible)
    chosen_at_random = size is not None and size < matching
    if chosen_at_random:
        rng = np.random.default_rng(seed)
        positions = np.sort(rng.choice(positions, size=size, replace=False))
    records = frame.iloc[positions].sort_values("received_at", kind="stable")
    records = records.reset_index(drop=True)
    n = len(records)
    if method == "random":
        affected = max(1, math.ceil(RISK_AFFECTED_SHARE * population))
        share = f"{n / population:.0%}" if n / population >= 0.1 else f"{n / population:.1%}"
        note = (f"Random sample of {n} of {population} complaints ({share}), seed "
                f"{seed}. Sampling risk: if {RISK_AFFECTED_SHARE:.0%} of the complaints "
                f"({affected}) broke a criterion, a sample of {n} would contain none of them "
                f"with probability {miss_probability(population, n):.0%}. A nonconformity "
                "found is real; a clean sample does not prove a clean population (ISO 19011 "
                "A.6).")
    else:
        how = (f"{n} of them chosen at random with seed {seed}" if chosen_at_random
               else "all of them examined")
        note = (f"Judgement sample: {matching} of {population} complaints meet "
                f"{criteria.describe()}; {how}. Sampling risk: the selection rests on the "
                "auditor's judgement, so findings describe these records and cannot be "
                "projected statistically to the whole population (ISO 19011 A.6).")
    return AuditSample(
        records=records, population_size=population, method=method,
        seed=seed if method == "random" or chosen_at_random else None,
        criteria=criteria if method == "judgement" else None, matching=matching,
        risk_note=note, population_ids=frozenset(frame["complaint_id"].astype(str)),
    )


# --------------------------------------------------------------------------- marking

# The measured value behind a time criterion, to show why a record conforms.
_MEASURES = {
    "ACK_LATE": ("acknowledged_at", "acknowledged"),
    "SAFETY_ACK_LATE": ("acknowledged_at", "acknowledged"),
    "RESPONSE_LATE": ("first_response_at", "first response"),
    "VULNERABLE_RESPONSE_LATE": ("first_response_at", "first response"),
    "RESOLVE_LATE": ("resolved_at", "decision communicated"),
}
_CONFORMS = {
    "ACK_MISSING": "acknowledgement recorded",
    "SAFETY_NOT_ESCALATED": "escalation level {level}",
    "CLOSED_WITHOUT_OUTCOME": "outcome recorded ({outcome})",
    "CLOSED_WITHOUT_RESPONSE": "first response recorded",
    "PERSONAL_DATA_IN_DESCRIPTION": "no e-mail address or phone number in the description",
}


def reference_marks(sample: AuditSample, policy: Policy,
                    criteria: tuple[AuditCriterion, ...] | None = None) -> pd.DataFrame:
    """The reference mark of every sampled record against every criterion, with the detail
    that justifies it: complaint_id, rule, reference, detail."""
    criteria = criteria if criteria is not None else load_audit_criteria()
    records = sample.records
    breaches = find_policy_breaches(records, policy)
    found = {(row.complaint_id, row.rule): row.detail for row in breaches.itertuples()}
    elapsed = {column: business_days_to(records, column, policy).to_numpy()
               for column in {c for c, _ in _MEASURES.values()} if column in records.columns}
    rows = []
    for criterion in criteria:
        masks = {name: CONDITIONS[name].mask(records) for name in criterion.applies_when}
        for position, complaint_id in enumerate(records["complaint_id"]):
            failing = [name for name, mask in masks.items() if not mask[position]]
            if (complaint_id, criterion.rule) in found:
                mark, detail = "nonconforms", found[(complaint_id, criterion.rule)]
            elif failing:
                mark = "not_applicable"
                detail = (f"applies only to {CONDITIONS[failing[0]].applies_to}; this record: "
                          f"{CONDITIONS[failing[0]].fails}")
            elif criterion.rule in _MEASURES:
                column, label = _MEASURES[criterion.rule]
                mark = "conforms"
                detail = f"{label} after {_days(elapsed[column][position])}: within the limit"
            else:
                row = records.iloc[position]
                mark = "conforms"
                detail = _CONFORMS[criterion.rule].format(
                    level=row.get("escalation_level"), outcome=row.get("outcome"))
            rows.append({"complaint_id": complaint_id, "rule": criterion.rule,
                         "reference": mark, "detail": detail})
    return pd.DataFrame(rows, columns=["complaint_id", "rule", "reference", "detail"])


@dataclass(frozen=True)
class MarkComparison:
    """The auditor's mark of one record against one criterion, beside the reference."""

    complaint_id: str
    rule: str
    auditor: str
    reference: str
    explanation: str

    @property
    def agrees(self) -> bool:
        return self.auditor == self.reference


@dataclass(frozen=True)
class MarkingResult:
    """All compared marks, with the size of the job (cells) and what there was to find."""

    comparisons: tuple[MarkComparison, ...]
    cells: int
    reference_nonconformities: int

    @property
    def agreed(self) -> int:
        return sum(c.agrees for c in self.comparisons)

    @property
    def found(self) -> int:
        """Reference nonconformities the auditor also marked nonconforming."""
        return sum(c.agrees and c.reference == "nonconforms" for c in self.comparisons)

    def summary(self) -> str:
        marked = len(self.comparisons)
        if not marked:
            return f"nothing marked yet ({self.cells} record-criterion pairs in the sample)"
        return (f"{self.agreed} of {marked} marks agree with the reference ({marked} of "
                f"{self.cells} pairs marked); you found {self.found} of the "
                f"{self.reference_nonconformities} nonconformities the sample holds")


def _explain_mark(auditor: str, reference: str, detail: str,
                  criterion: AuditCriterion) -> str:
    cite = criterion.reference()
    if auditor == reference:
        return f"agrees: {detail}"
    if reference == "nonconforms":
        return f"missed nonconformity against {cite}: {detail}"
    if reference == "not_applicable":
        return f"the criterion does not apply: {detail}"
    if auditor == "nonconforms":
        return (f"the record meets {cite}: {detail}. A finding needs objective evidence "
                "(ISO 19011 evidence-based approach)")
    return f"the criterion applies to this record and it conforms: {detail}"


def compare_marks(
    sample: AuditSample,
    marks: Mapping[tuple[str, str], str | None],
    policy: Policy,
    criteria: tuple[AuditCriterion, ...] | None = None,
) -> MarkingResult:
    """Compare the auditor's marks {(complaint_id, rule): mark} with the reference.

    Only marked pairs are compared (an auditor may test one criterion at a time); the summary
    says how many nonconformities the whole sample holds, so unfinished work shows.
    """
    criteria = criteria if criteria is not None else load_audit_criteria()
    by_rule = {c.rule: c for c in criteria}
    reference = reference_marks(sample, policy, criteria)
    lookup = {(r.complaint_id, r.rule): (r.reference, r.detail)
              for r in reference.itertuples()}
    comparisons = []
    for (complaint_id, rule), mark in marks.items():
        if mark is None:
            continue
        if mark not in MARKS:
            raise ValueError(f"mark {mark!r} for {complaint_id} / {rule} is not one of "
                             f"{', '.join(MARKS)}")
        if (complaint_id, rule) not in lookup:
            raise ValueError(f"{complaint_id} / {rule} is not a pair of this sample and the "
                             f"criteria; the sample holds {', '.join(sample.ids)}")
        expected, detail = lookup[(complaint_id, rule)]
        comparisons.append(MarkComparison(complaint_id, rule, mark, expected,
                                          _explain_mark(mark, expected, detail, by_rule[rule])))
    order = {(r.complaint_id, r.rule): i for i, r in enumerate(reference.itertuples())}
    comparisons.sort(key=lambda c: order[(c.complaint_id, c.rule)])
    return MarkingResult(tuple(comparisons), len(reference),
                         int((reference["reference"] == "nonconforms").sum()))


# --------------------------------------------------------------------------- nonconformity


@dataclass(frozen=True)
class NonconformityStatement:
    """The three parts of a nonconformity (ISO 19011): what was required, what was seen,
    and the statement that the requirement was not met."""

    criterion: str
    evidence: str
    statement: str


@dataclass(frozen=True)
class Issue:
    """One problem with a nonconformity statement: a stable code for tests, a message for
    the learner."""

    code: str
    message: str


@dataclass(frozen=True)
class StatementCheck:
    """What the checker found: problems (must fix), notes (advice), the criteria it read in
    the criterion part and the complaint IDs it read in the evidence."""

    problems: tuple[Issue, ...]
    notes: tuple[str, ...]
    rules: tuple[str, ...]
    cited_ids: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(problem.code for problem in self.problems)


_OTHER_STANDARD = re.compile(
    r"ISO\s*(?:9001|19011)(?::\s*\d{4})?(?:\s*(?:clause|annex)?\s*[A-Z]?\.?\d+(?:\.\d+)*)?"
    r"|\bclause\s*\d+(?:\.\d+)*\s*of\s*ISO\s*(?:9001|19011)(?::\s*\d{4})?", re.IGNORECASE)
_NUMBERS = r"(\d+(?:\.\d+)*(?:\s*(?:,|and|&)\s*\d+(?:\.\d+)*)*)"
_POLICY_REF = re.compile(r"(?:\bpolicy\b|\bsections?\b|§)\s*(?:sections?\s*|§\s*)?" + _NUMBERS,
                         re.IGNORECASE)
_CLAUSE_REF = re.compile(
    r"(?:\bclauses?\b|\bISO\s*10002(?::\s*\d{4})?)\s*(?:clauses?\s*)?" + _NUMBERS,
    re.IGNORECASE)
_NUMBER = re.compile(r"\d+(?:\.\d+)*")
_BARE_NUMBER = re.compile(r"(?<![\w.])\d+\.\d+(?:\.\d+)*(?![\w.])")
_TOKEN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?")
_SHORTFALL = re.compile(
    r"\b(?:not|no|never|none|without|fail(?:s|ed|ing)?|missing|omitted|late|later|exceed(?:s|ed|"
    r"ing)?|beyond|overdue|outside)\b|n't\b", re.IGNORECASE)
_GRADING = re.compile(r"\b(?:major|minor)\b|\bOFIs?\b|\bopportunit(?:y|ies) for improvement\b",
                      re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.;!?])\s+|\n+")


def _shape(token: str) -> str:
    return re.sub(r"[A-Za-z]", "A", re.sub(r"\d", "9", token))


def _cited_ids(text: str, population_ids: frozenset[str]) -> list[str]:
    """Tokens that are complaint IDs of the log, or look like them (same shape of letters,
    digits and hyphens: CMP-2025-000123), in order of first mention, upper-cased."""
    known = {i.upper() for i in population_ids}
    shapes = {_shape(i) for i in known}
    cited = []
    for token in _TOKEN.findall(text):
        upper = token.upper()
        if (upper in known or _shape(upper) in shapes) and upper not in cited:
            cited.append(upper)
    return cited


def _identify_criteria(text: str, criteria: tuple[AuditCriterion, ...],
                       problems: list[Issue], notes: list[str]) -> list[AuditCriterion]:
    """The audit criteria the criterion part names, reporting what is missing or wrong."""
    if not text.strip():
        problems.append(Issue("no_criterion", "the criterion is empty: name the requirement "
                              "and cite where it is written — the complaints-policy section "
                              "(e.g. 'policy 4.2') or the ISO 10002 clause"))
        return []
    cleaned = _OTHER_STANDARD.sub(" ", text)
    sections = list(dict.fromkeys(n for group in _POLICY_REF.findall(cleaned)
                                  for n in _NUMBER.findall(group)))
    clauses = list(dict.fromkeys(n for group in _CLAUSE_REF.findall(cleaned)
                                 for n in _NUMBER.findall(group)))
    rest = _CLAUSE_REF.sub(" ", _POLICY_REF.sub(" ", cleaned))
    named = [c for c in criteria if re.search(rf"\b{c.rule}\b", text, re.IGNORECASE)]
    known_sections = sorted({c.policy_section for c in criteria}, key=_number_key)
    if not (sections or clauses or named):
        bare = _BARE_NUMBER.findall(rest)
        if bare:
            problems.append(Issue("no_criterion", f"'{bare[0]}' could be a policy section or an "
                                  "ISO 10002 clause: write 'policy "
                                  f"{bare[0]}' or 'ISO 10002 clause {bare[0]}'"))
        else:
            problems.append(Issue("no_criterion", "no criterion named: cite the "
                                  "complaints-policy section (e.g. 'policy 4.2') or the "
                                  "ISO 10002 clause the records were audited against"))
        return []
    by_section = [c for c in criteria if c.policy_section in sections]
    by_clause = [c for c in criteria if set(c.clauses) & set(clauses)]
    for section in sections:
        if not any(c.policy_section == section for c in criteria):
            problems.append(Issue("unknown_criterion", f"policy section {section} is not one of "
                                  "the audit criteria (sections "
                                  f"{', '.join(known_sections)})"))
    for clause in clauses:
        if not any(clause in c.clauses for c in criteria):
            if by_section:
                notes.append(f"ISO 10002 {clause} is not the clause of any audit criterion; "
                             "keep the criterion to the requirement you audited")
            else:
                problems.append(Issue("unknown_criterion", f"ISO 10002 {clause} is not the "
                                      "clause of any audit criterion; cite the policy section "
                                      "you audited against"))
    if by_section and by_clause:
        chosen = [c for c in by_section if c in by_clause]
        if not chosen:
            problems.append(Issue(
                "mismatched_criterion", "the policy section and the clause cited belong to "
                f"different criteria: policy {', '.join(sections)} is {_describe(by_section)}; "
                f"ISO 10002 {', '.join(clauses)} is cited by {_describe(by_clause)}. Cite the "
                "section and clause of the one requirement you audited"))
            return by_section
    else:
        chosen = by_section or by_clause
    if named:
        chosen = [c for c in chosen if c in named] or named
    if chosen and not sections:
        notes.append("ISO 10002 is guidance ('should'): the requirement you audited is the "
                     f"organization's policy — cite policy {chosen[0].policy_section} as well")
    return chosen


def _describe(named: list[AuditCriterion]) -> str:
    """'acknowledgement on time / acknowledgement recorded (policy 4.2; ISO 10002 7.4, 4.9)'."""
    sections = ", ".join(dict.fromkeys(c.policy_section for c in named))
    clauses = ", ".join(dict.fromkeys(k for c in named for k in c.clauses))
    titles = " / ".join(c.title.lower() for c in named)
    return f"{titles} (policy {sections}; ISO 10002 {clauses})"


def _cite(named: list[AuditCriterion]) -> str:
    """'policy 4.2 (acknowledgement on time / acknowledgement recorded)'."""
    sections = ", ".join(dict.fromkeys(c.policy_section for c in named))
    return f"policy {sections} ({' / '.join(c.title.lower() for c in named)})"


def _number_key(section: str) -> tuple[int, ...]:
    return tuple(int(part) for part in section.split("."))


def check_statement(
    statement: NonconformityStatement,
    sample: AuditSample,
    policy: Policy,
    criteria: tuple[AuditCriterion, ...] | None = None,
) -> StatementCheck:
    """Check a three-part nonconformity against the sample and the reference marks.

    Problems (the statement is not acceptable): no or unknown criterion, evidence without
    complaint IDs, IDs not in the sample, IDs that do not breach the named criterion, a
    statement that does not say which requirement was not met, and major/minor/OFI presented
    as an ISO 19011 term. Notes are advice that does not make it wrong.
    """
    criteria = criteria if criteria is not None else load_audit_criteria()
    problems: list[Issue] = []
    notes: list[str] = []
    named = _identify_criteria(statement.criterion, criteria, problems, notes)
    rules = tuple(c.rule for c in named)

    cited = _cited_ids(statement.evidence, sample.population_ids)
    if not statement.evidence.strip():
        problems.append(Issue("no_evidence_ids", "the evidence is empty: list the complaint IDs "
                              "you examined and what each record shows (dates, days taken)"))
    elif not cited:
        problems.append(Issue("no_evidence_ids", "the evidence cites no complaint IDs: name "
                              "the records (e.g. "
                              f"{sample.ids[0]}) so the finding can be traced and verified"))
    sampled = {i.upper() for i in sample.ids}
    in_sample = [i for i in cited if i in sampled]
    outside = [i for i in cited if i not in sampled]
    if outside:
        population = {i.upper() for i in sample.population_ids}
        unknown = [i for i in outside if i not in population]
        detail = f" ({', '.join(unknown)} not in the log at all)" if unknown else ""
        problems.append(Issue("ids_not_in_sample", f"the evidence cites {', '.join(outside)}, "
                              f"not in the sample{detail}: a finding rests only on records "
                              "you examined"))
    if rules and in_sample:
        reference = reference_marks(sample, policy, named)
        upper_ids = reference["complaint_id"].str.upper()
        wrong = []
        for complaint_id in in_sample:
            rows = reference[upper_ids == complaint_id]
            if not (rows["reference"] == "nonconforms").any():
                conforming = rows[rows["reference"] == "conforms"]
                shown = conforming if len(conforming) else rows
                wrong.append(f"{complaint_id} ({shown['detail'].iloc[0]})")
        if wrong:
            problems.append(Issue("ids_not_breaching", "these records do not breach "
                                  f"{_cite(named)}: {'; '.join(wrong)}"))
        breaching = reference.loc[reference["reference"] == "nonconforms",
                                  "complaint_id"].unique()
        uncited = [i for i in breaching if i.upper() not in cited]
        if uncited:
            notes.append(f"the sample holds more records breaching this criterion: "
                         f"{', '.join(uncited)} — report all the evidence you found")

    text = statement.statement
    if not text.strip():
        problems.append(Issue("no_statement", "the statement is empty: say which requirement "
                              "was not met, e.g. 'complaints were not acknowledged within 2 "
                              "business days as policy 4.2 requires'"))
    else:
        if not _SHORTFALL.search(text):
            problems.append(Issue("no_shortfall", "the statement does not say that the "
                                  "requirement was not met (e.g. 'were not …', 'later than', "
                                  "'without …')"))
        keywords = {k for c in (named or criteria) for k in c.keywords}
        if not any(k in text.lower() for k in keywords):
            wanted = (" / ".join(c.title.lower() for c in named) if named
                      else "e.g. acknowledgement, first response, decision, outcome")
            problems.append(Issue("no_requirement", "the statement does not say which "
                                  f"requirement was not met: name it ({wanted})"))

    for part in (statement.criterion, statement.evidence, statement.statement):
        for sentence in _SENTENCE_END.split(part):
            if not _GRADING.search(sentence):
                continue
            if "19011" in sentence and "grading_as_iso19011" not in [p.code for p in problems]:
                problems.append(Issue("grading_as_iso19011", "major / minor / opportunity for "
                                      "improvement are not ISO 19011 terms: grading schemes "
                                      "are certification-body (or audit-programme) practice; "
                                      "an ISO 19011 finding states the criterion, the evidence "
                                      "and the nonconformity — do not attribute the grade to "
                                      "ISO 19011"))
            elif "19011" not in sentence and not any("grading" in n for n in notes):
                notes.append("grading (major/minor/OFI) is certification-body practice, not an "
                             "ISO 19011 term: use it only if your audit programme defines it")
    return StatementCheck(tuple(problems), tuple(notes), rules, tuple(cited))
