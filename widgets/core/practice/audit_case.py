"""The audit case study of module 06: programme, plan, checklist, samples, findings, report.

Why: clause 8.5 (Auditing of the complaints-handling process, following ISO 10002:2018) asks
for regular audits by competent, impartial auditors, and ISO 19011:2018 describes how to run
them: a programme (clause 5), then each audit from initiating to follow-up (6.2–6.7), with
sampling (A.6). A learner sees that practice best on one worked audit, so the case
(widgets/content/audit-case.yaml, with the programme in audit-programme.yaml) is data and the
auditor's work is code:

* the checklist is built FROM the organization's policy: every record criterion of
  audit-criteria.yaml and every document or interview check of the case, with the policy's
  current numbers filled in — ISO 10002 says "should", so the criteria are the organization's
  own policy, ISO 9001 where it is certified, and regulation;
* the sampling plan is drawn on the sample log with widgets.core.practice.audit_sampler.draw_sample
and marked with the same reference (breaches.find_policy_breaches) the audit sampler and exercises
use;
* what the records show is never typed into the case: findings, counts and grades are computed
  from the data, so regenerating the log cannot make the case contradict it;
* a learner's findings are scored against the planted breaches the examined records hold.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import string
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from widgets.core.common.paths import CONTENT_DIR
from widgets.core.common.reader import read_yaml
from widgets.core.complaints.breaches import RULES, breach_counts, find_policy_breaches
from widgets.core.complaints.kpis import business_days_to, reopen_rate, time_to
from widgets.core.complaints.policy import RATE_TARGETS, TIMELINESS_STEPS, Policy
from widgets.core.complaints.schema import CATEGORIES, CHANNELS
from widgets.core.course.clauses import load_clauses
from widgets.core.practice.audit_sampler import (
    CONDITIONS,
    PLACEHOLDERS,
    AuditCriterion,
    AuditSample,
    JudgementCriteria,
    NonconformityStatement,
    draw_sample,
    load_audit_criteria,
    policy_values,
    reference_marks,
)

CASE_FILE = CONTENT_DIR / "audit-case.yaml"
PROGRAMME_FILE = CONTENT_DIR / "audit-programme.yaml"

AUDIT_STEPS = ("19011:6.2", "19011:6.3", "19011:6.4", "19011:6.5", "19011:6.6", "19011:6.7")
CRITERIA_KINDS = ("policy", "iso9001", "regulation")
EVIDENCE_KINDS = ("interview", "document", "observation")
FINDING_KINDS = ("nonconformity", "ofi")
GRADES = ("major", "minor", "ofi")
SAMPLE_METHODS = ("random", "judgement", "flagged")
AUDIT_STATUSES = ("completed", "deferred", "in_progress", "planned")
RISK_KINDS = ("risk", "opportunity")
SELECT_KEYS = ("channel", "category", "vulnerable")
# Criteria whose policy section states a share target ("for at least 95% of complaints"): a
# late record is a lapse, and the finding is systemic only when more are late than the policy
# tolerates.
SHARE_TARGETS = {"ACK_LATE": "acknowledge", "RESPONSE_LATE": "first_response",
                 "RESOLVE_LATE": "resolve"}
# The record breaches planted in the sample log for auditors to find (datasets/README.md f.);
# the other rules catch slow handling, which the generator's timings produce on their own.
PLANTED_RULES = ("ACK_MISSING", "SAFETY_ACK_LATE", "SAFETY_NOT_ESCALATED",
                 "CLOSED_WITHOUT_OUTCOME", "CLOSED_WITHOUT_RESPONSE",
                 "PERSONAL_DATA_IN_DESCRIPTION")
EXAMPLE_IDS = 5  # complaint IDs cited when the evidence is the data test of the population
_ID_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]")
_TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


class AuditCaseError(ValueError):
    """audit-case.yaml or audit-programme.yaml is malformed or names unknown things."""


def _day(day: dt.date) -> str:
    """'5 January 2026' (no leading zero)."""
    return f"{day.day} {day:%B %Y}"


# --------------------------------------------------------------------------- reading helpers


class ContentReader:
    """Typed access to one YAML content document; every error names the file, the key and the
    fix, in the error type of the module that reads it."""

    def __init__(self, source: Path, error: type[ValueError] = AuditCaseError) -> None:
        self.source = source
        self.error = error

    def fail(self, where: str, message: str) -> ValueError:
        return self.error(f"{self.source}: '{where}' {message}")

    def mapping(self, value: object, where: str) -> dict:
        if not isinstance(value, dict):
            raise self.fail(where, f"must be a mapping of keys; found {value!r}")
        return value

    def get(self, mapping: dict, key: str, where: str) -> object:
        if key not in mapping:
            raise self.fail(f"{where}{key}", "is missing")
        return mapping[key]

    def text(self, mapping: dict, key: str, where: str) -> str:
        value = self.get(mapping, key, where)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{where}{key}", f"must be non-empty text; found {value!r}")
        return " ".join(value.split())

    def texts(self, mapping: dict, key: str, where: str, *, allow_empty: bool = False
              ) -> tuple[str, ...]:
        value = self.get(mapping, key, where)
        if (not isinstance(value, list) or (not value and not allow_empty)
                or not all(isinstance(v, str) and v.strip() for v in value)):
            need = "a list" if allow_empty else "a non-empty list"
            raise self.fail(f"{where}{key}", f"must be {need} of texts; found {value!r}")
        return tuple(" ".join(v.split()) for v in value)

    def entries(self, mapping: dict, key: str, where: str) -> list[tuple[str, dict]]:
        value = self.get(mapping, key, where)
        if not isinstance(value, list) or not value:
            raise self.fail(f"{where}{key}", f"must be a non-empty list; found {value!r}")
        return [(f"{where}{key}[{n}].", self.mapping(entry, f"{where}{key}[{n}]"))
                for n, entry in enumerate(value, start=1)]

    def date(self, mapping: dict, key: str, where: str) -> dt.date:
        value = self.get(mapping, key, where)
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            raise self.fail(f"{where}{key}", f"must be a date YYYY-MM-DD; found {value!r}"
                            ) from None

    def choice(self, mapping: dict, key: str, where: str, allowed: Sequence[str]) -> str:
        value = self.get(mapping, key, where)
        if value not in allowed:
            raise self.fail(f"{where}{key}", f"must be one of {', '.join(allowed)}; "
                            f"found {value!r}")
        return value

    def known(self, mapping: dict, where: str, allowed: Sequence[str]) -> None:
        unknown = sorted(set(mapping) - set(allowed))
        if unknown:
            raise self.fail(where.rstrip(".") or "(top level)",
                            f"has unknown key(s) {', '.join(unknown)}; allowed: "
                            f"{', '.join(allowed)}")

    def unique(self, ids: list[str], where: str) -> None:
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise self.fail(where, f"uses the id(s) {', '.join(repeated)} more than once")

    def rules(self, mapping: dict, key: str, where: str) -> tuple[str, ...]:
        value = self.get(mapping, key, where)
        if not isinstance(value, list) or not value or not all(r in RULES for r in value):
            raise self.fail(f"{where}{key}", f"must be a non-empty list of breach rules "
                            f"({', '.join(RULES)}); found {value!r}")
        return tuple(value)


# --------------------------------------------------------------------------- the programme


@dataclass(frozen=True)
class Grade:
    id: str
    label: str
    meaning: str


@dataclass(frozen=True)
class GradingConvention:
    """How the programme grades findings — its own convention, not an ISO 19011 term."""

    note: str
    grades: tuple[Grade, ...]
    major_rules: tuple[str, ...]
    systemic_share: float

    def label(self, grade_id: str) -> str:
        return next(g.label for g in self.grades if g.id == grade_id)


@dataclass(frozen=True)
class ProgrammeAudit:
    id: str
    title: str
    when: str
    status: str
    scope: str
    note: str


@dataclass(frozen=True)
class ProgrammeRisk:
    kind: str
    text: str
    response: str


@dataclass(frozen=True)
class AuditProgramme:
    """An audit programme in the shape of ISO 19011 clause 5."""

    id: str
    title: str
    owner: str
    approved_by: str
    objectives: tuple[str, ...]
    risks: tuple[ProgrammeRisk, ...]
    audits: tuple[ProgrammeAudit, ...]
    resources: tuple[str, ...]
    competence: tuple[str, ...]
    cycle: tuple[tuple[str, str], ...]
    grading: GradingConvention

    def audit(self, audit_id: str) -> ProgrammeAudit:
        for audit in self.audits:
            if audit.id == audit_id:
                return audit
        raise KeyError(f"the programme has no audit {audit_id!r}; it has "
                       f"{', '.join(a.id for a in self.audits)}")


_PROGRAMME_KEYS = ("id", "title", "owner", "approved_by", "objectives", "risks", "audits",
                   "resources", "competence", "cycle", "grading")


def parse_audit_programme(data: object, source: Path) -> AuditProgramme:
    """Build and check a programme from parsed YAML (errors name the file and key)."""
    r = ContentReader(source)
    top = r.mapping(data, "(top level)")
    r.known(top, "", _PROGRAMME_KEYS)
    risks = tuple(ProgrammeRisk(r.choice(e, "kind", w, RISK_KINDS), r.text(e, "text", w),
                                r.text(e, "response", w))
                  for w, e in r.entries(top, "risks", ""))
    audits = []
    for w, e in r.entries(top, "audits", ""):
        r.known(e, w, ("id", "title", "when", "status", "scope", "note"))
        when = r.text(e, "when", w)
        if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", when):
            raise r.fail(f"{w}when", f"must be a month YYYY-MM in quotes; found {when!r}")
        audits.append(ProgrammeAudit(r.text(e, "id", w), r.text(e, "title", w), when,
                                     r.choice(e, "status", w, AUDIT_STATUSES),
                                     r.text(e, "scope", w), r.text(e, "note", w)))
    r.unique([a.id for a in audits], "audits")
    cycle = tuple((r.text(e, "step", w), r.text(e, "what", w))
                  for w, e in r.entries(top, "cycle", ""))
    g = r.mapping(r.get(top, "grading", ""), "grading")
    r.known(g, "grading.", ("note", "grades", "major_rules", "systemic_share"))
    grades = tuple(Grade(r.choice(e, "id", w, GRADES), r.text(e, "label", w),
                         r.text(e, "meaning", w)) for w, e in r.entries(g, "grades", "grading."))
    if sorted(x.id for x in grades) != sorted(GRADES):
        raise r.fail("grading.grades", f"must define each of {', '.join(GRADES)} exactly once")
    share = r.get(g, "systemic_share", "grading.")
    if isinstance(share, bool) or not isinstance(share, int | float) or not 0 < share < 1:
        raise r.fail("grading.systemic_share", f"must be a share between 0 and 1 (0.10 for "
                     f"10%); found {share!r}")
    grading = GradingConvention(r.text(g, "note", "grading."), grades,
                                r.rules(g, "major_rules", "grading."), float(share))
    return AuditProgramme(
        r.text(top, "id", ""), r.text(top, "title", ""), r.text(top, "owner", ""),
        r.text(top, "approved_by", ""), r.texts(top, "objectives", ""), risks, tuple(audits),
        r.texts(top, "resources", ""), r.texts(top, "competence", ""), cycle, grading)


def load_audit_programme(path: str | Path | None = None) -> AuditProgramme:
    """Read and check audit-programme.yaml (or another programme file)."""
    path = Path(path) if path is not None else PROGRAMME_FILE
    return parse_audit_programme(read_yaml(path, AuditCaseError, "audit programme"), path)


# --------------------------------------------------------------------------- the case


@dataclass(frozen=True)
class Scope:
    received_from: dt.date
    received_to: dt.date
    included: tuple[str, ...]
    excluded: tuple[str, ...]

    def population(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The complaints received within the scope's period (the audit population)."""
        day = frame["received_at"].dt.normalize()
        keep = ((day >= pd.Timestamp(self.received_from))
                & (day <= pd.Timestamp(self.received_to))).fillna(False)
        return frame[keep.to_numpy(dtype=bool)].reset_index(drop=True)

    def describe(self) -> str:
        return f"complaints received {_day(self.received_from)} to {_day(self.received_to)}"


@dataclass(frozen=True)
class CriteriaSource:
    kind: str
    reference: str
    note: str


@dataclass(frozen=True)
class Person:
    name: str
    role: str
    origin: str = ""
    independence: str = ""


@dataclass(frozen=True)
class PlanItem:
    date: dt.date
    time: str
    step: str
    activity: str
    who: str
    covers: tuple[str, ...]


@dataclass(frozen=True)
class ProcessCheck:
    """A checklist item tested by documents, interviews or observation."""

    id: str
    policy: str | None
    iso9001: str | None
    clauses: tuple[str, ...]
    question: str
    method: str

    def reference(self) -> str:
        return f"policy {self.policy}" if self.policy else f"ISO 9001 {self.iso9001}"


@dataclass(frozen=True)
class SamplePlan:
    id: str
    title: str
    method: str
    rules: tuple[str, ...]
    rationale: str
    size: int | None = None
    seed: int = 0
    select: JudgementCriteria | None = None


@dataclass(frozen=True)
class DocumentFinding:
    title: str
    kind: str
    grade: str
    criterion: str
    evidence: str
    statement: str


@dataclass(frozen=True)
class EvidenceItem:
    id: str
    kind: str
    source: str
    date: dt.date
    notes: str
    checks: tuple[str, ...]
    verify: str | None
    finding: DocumentFinding | None


@dataclass(frozen=True)
class AuditCase:
    id: str
    title: str
    organization: str
    programme_audit: str
    start: dt.date
    end: dt.date
    report_date: dt.date
    objectives: tuple[str, ...]
    scope: Scope
    criteria: tuple[CriteriaSource, ...]
    team: tuple[Person, ...]
    auditees: tuple[Person, ...]
    plan: tuple[PlanItem, ...]
    checks: tuple[ProcessCheck, ...]
    samples: tuple[SamplePlan, ...]
    evidence: tuple[EvidenceItem, ...]
    opening_meeting: tuple[str, ...]
    closing_meeting: tuple[str, ...]
    distribution: tuple[str, ...]
    confidentiality: str
    follow_up: tuple[str, ...]

    def sample_plan(self, sample_id: str) -> SamplePlan:
        for plan in self.samples:
            if plan.id == sample_id:
                return plan
        raise KeyError(f"the case has no sample {sample_id!r}; it has "
                       f"{', '.join(p.id for p in self.samples)}")

    def evidence_item(self, evidence_id: str) -> EvidenceItem:
        for item in self.evidence:
            if item.id == evidence_id:
                return item
        raise KeyError(f"the case has no evidence {evidence_id!r}; it has "
                       f"{', '.join(e.id for e in self.evidence)}")


_CASE_KEYS = ("id", "title", "organization", "programme_audit", "dates", "objectives", "scope",
              "criteria", "team", "auditees", "plan", "checks", "samples", "evidence",
              "opening_meeting", "closing_meeting", "report", "follow_up")


def check_placeholders() -> tuple[str, ...]:
    """The {placeholders} a checklist question may use, filled from the policy."""
    rates = [f"{name}_{end}" for name in RATE_TARGETS for end in ("min", "max")]
    return (*PLACEHOLDERS, *(f"{step}_share" for step in TIMELINESS_STEPS), *rates)


def _check(r: ContentReader, e: dict, w: str, clause_ids: set[str]) -> ProcessCheck:
    r.known(e, w, ("id", "policy", "iso9001", "clauses", "question", "method"))
    if ("policy" in e) == ("iso9001" in e):
        raise r.fail(f"{w.rstrip('.')}", "needs exactly one of 'policy' (a policy section) or "
                     "'iso9001' (a clause of ISO 9001, where the organization is certified)")
    policy = r.text(e, "policy", w) if "policy" in e else None
    iso9001 = r.text(e, "iso9001", w) if "iso9001" in e else None
    clauses = r.texts(e, "clauses", w)
    unknown = [c for c in clauses if c not in clause_ids]
    if unknown:
        raise r.fail(f"{w}clauses", f"names {', '.join(unknown)}, not in clauses.yaml")
    question = r.text(e, "question", w)
    fields = {n for _, n, _, _ in string.Formatter().parse(question) if n}
    wrong = sorted(fields - set(check_placeholders()))
    if wrong:
        raise r.fail(f"{w}question", f"uses unknown placeholder(s) {', '.join(wrong)}; use "
                     f"{', '.join(check_placeholders())}")
    return ProcessCheck(r.text(e, "id", w), policy, iso9001, clauses, question,
                        r.text(e, "method", w))


def _sample(r: ContentReader, e: dict, w: str) -> SamplePlan:
    r.known(e, w, ("id", "title", "method", "size", "seed", "select", "rules", "rationale"))
    method = r.choice(e, "method", w, SAMPLE_METHODS)
    size = e.get("size")
    if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size < 1):
        raise r.fail(f"{w}size", f"must be a whole number of at least 1; found {size!r}")
    seed = e.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise r.fail(f"{w}seed", f"must be a whole number; found {seed!r}")
    select = None
    if method == "random" and (size is None or "select" in e):
        raise r.fail(w.rstrip("."), "a random sample needs a size and no 'select'")
    if method == "flagged" and ("select" in e or size is not None):
        raise r.fail(w.rstrip("."), "a flagged sample takes every record the data tests flag: "
                     "give no 'size' or 'select'")
    if method == "judgement":
        chosen = r.mapping(r.get(e, "select", w), f"{w}select")
        r.known(chosen, f"{w}select.", SELECT_KEYS)
        allowed = {"channel": CHANNELS, "category": CATEGORIES, "vulnerable": (True, False)}
        for key, value in chosen.items():
            if value not in allowed[key]:
                raise r.fail(f"{w}select.{key}", f"must be one of "
                             f"{', '.join(map(str, allowed[key]))}; found {value!r}")
        if not chosen:
            raise r.fail(f"{w}select", f"needs at least one of {', '.join(SELECT_KEYS)}")
        select = JudgementCriteria(channel=chosen.get("channel"),
                                   category=chosen.get("category"),
                                   vulnerable=chosen.get("vulnerable"))
    return SamplePlan(r.text(e, "id", w), r.text(e, "title", w), method,
                      r.rules(e, "rules", w), r.text(e, "rationale", w), size, seed, select)


def _evidence(r: ContentReader, e: dict, w: str) -> EvidenceItem:
    r.known(e, w, ("id", "kind", "source", "date", "notes", "checks", "verify", "finding"))
    verify = e.get("verify")
    if verify is not None and verify not in VERIFICATIONS:
        raise r.fail(f"{w}verify", f"must be one of {', '.join(VERIFICATIONS)}; "
                     f"found {verify!r}")
    finding = None
    if "finding" in e:
        f = r.mapping(e["finding"], f"{w}finding")
        fw = f"{w}finding."
        r.known(f, fw, ("title", "kind", "grade", "criterion", "evidence", "statement"))
        kind = r.choice(f, "kind", fw, FINDING_KINDS)
        grade = r.choice(f, "grade", fw, GRADES)
        if (kind == "ofi") != (grade == "ofi"):
            raise r.fail(f"{fw}grade", "an 'ofi' finding has grade ofi, a nonconformity major "
                         f"or minor; found kind {kind!r} with grade {grade!r}")
        finding = DocumentFinding(r.text(f, "title", fw), kind, grade,
                                  r.text(f, "criterion", fw),
                                  r.text(f, "evidence", fw), r.text(f, "statement", fw))
    return EvidenceItem(r.text(e, "id", w), r.choice(e, "kind", w, EVIDENCE_KINDS),
                        r.text(e, "source", w), r.date(e, "date", w), r.text(e, "notes", w),
                        r.texts(e, "checks", w, allow_empty=True), verify, finding)


def _person(r: ContentReader, e: dict, w: str, auditor: bool) -> Person:
    keys = ("name", "role", "from", "independence") if auditor else ("name", "role")
    r.known(e, w, keys)
    if auditor:
        return Person(r.text(e, "name", w), r.text(e, "role", w), r.text(e, "from", w),
                      r.text(e, "independence", w))
    return Person(r.text(e, "name", w), r.text(e, "role", w))


def parse_audit_case(data: object, source: Path,
                     programme: AuditProgramme | None = None) -> AuditCase:
    """Build and check a case from parsed YAML: keys, dates, clause ids, rules, sample plans,
    and that every id the plan and the evidence refer to exists."""
    r = ContentReader(source)
    top = r.mapping(data, "(top level)")
    r.known(top, "", _CASE_KEYS)
    clause_ids = set(load_clauses())
    dates = r.mapping(r.get(top, "dates", ""), "dates")
    start, end = r.date(dates, "start", "dates."), r.date(dates, "end", "dates.")
    report_date = r.date(dates, "report", "dates.")
    if not start <= end <= report_date:
        raise r.fail("dates", f"must run start ≤ end ≤ report; found {start}, {end}, "
                     f"{report_date}")
    s = r.mapping(r.get(top, "scope", ""), "scope")
    r.known(s, "scope.", ("received_from", "received_to", "included", "excluded"))
    scope = Scope(r.date(s, "received_from", "scope."), r.date(s, "received_to", "scope."),
                  r.texts(s, "included", "scope."), r.texts(s, "excluded", "scope."))
    if scope.received_from > scope.received_to:
        raise r.fail("scope", "received_from is after received_to; swap the dates")
    criteria = []
    for w, e in r.entries(top, "criteria", ""):
        r.known(e, w, ("kind", "reference", "note"))
        criteria.append(CriteriaSource(r.choice(e, "kind", w, CRITERIA_KINDS),
                                       r.text(e, "reference", w), r.text(e, "note", w)))
    if "policy" not in [c.kind for c in criteria]:
        raise r.fail("criteria", "must include the organization's policy (kind: policy): "
                     "ISO 10002 is guidance, so it cannot be the only criterion")
    team = tuple(_person(r, e, w, True) for w, e in r.entries(top, "team", ""))
    auditees = tuple(_person(r, e, w, False) for w, e in r.entries(top, "auditees", ""))
    checks = tuple(_check(r, e, w, clause_ids) for w, e in r.entries(top, "checks", ""))
    samples = tuple(_sample(r, e, w) for w, e in r.entries(top, "samples", ""))
    evidence = tuple(_evidence(r, e, w) for w, e in r.entries(top, "evidence", ""))
    r.unique([c.id for c in checks] + [p.id for p in samples] + [x.id for x in evidence],
             "checks, samples and evidence ids")
    check_ids = {c.id for c in checks}
    for item in evidence:
        unknown = [c for c in item.checks if c not in check_ids]
        if unknown:
            raise r.fail(f"evidence {item.id}.checks", f"names {', '.join(unknown)}, not a "
                         "checklist item of 'checks'")
    known = check_ids | {p.id for p in samples} | {x.id for x in evidence}
    plan = []
    for w, e in r.entries(top, "plan", ""):
        r.known(e, w, ("date", "time", "step", "activity", "who", "covers"))
        time = r.text(e, "time", w)
        if not _TIME.fullmatch(time):
            raise r.fail(f"{w}time", f"must be HH:MM in quotes; found {time!r}")
        covers = r.texts(e, "covers", w, allow_empty=True)
        unknown = [c for c in covers if c not in known]
        if unknown:
            raise r.fail(f"{w}covers", f"names {', '.join(unknown)}: not a check, sample or "
                         "evidence id of the case")
        plan.append(PlanItem(r.date(e, "date", w), time, r.choice(e, "step", w, AUDIT_STEPS),
                             r.text(e, "activity", w), r.text(e, "who", w), covers))
    order = [(p.date, p.time) for p in plan]
    if order != sorted(order):
        raise r.fail("plan", "must be in date and time order")
    report = r.mapping(r.get(top, "report", ""), "report")
    r.known(report, "report.", ("distribution", "confidentiality"))
    case = AuditCase(
        r.text(top, "id", ""), r.text(top, "title", ""), r.text(top, "organization", ""),
        r.text(top, "programme_audit", ""), start, end, report_date,
        r.texts(top, "objectives", ""), scope, tuple(criteria), team, auditees, tuple(plan),
        checks, samples, evidence, r.texts(top, "opening_meeting", ""),
        r.texts(top, "closing_meeting", ""), r.texts(report, "distribution", "report."),
        r.text(report, "confidentiality", "report."), r.texts(top, "follow_up", ""))
    if programme is not None:
        try:
            programme.audit(case.programme_audit)
        except KeyError as error:
            raise r.fail("programme_audit", str(error.args[0])) from None
    return case


def load_audit_case(path: str | Path | None = None, *,
                    programme: AuditProgramme | None = None) -> AuditCase:
    """Read and check audit-case.yaml; with no programme given, the course's programme is
    loaded to check that the case's audit is in it."""
    path = Path(path) if path is not None else CASE_FILE
    programme = programme if programme is not None else load_audit_programme()
    return parse_audit_case(read_yaml(path, AuditCaseError, "audit case"), path, programme)


# --------------------------------------------------------------------------- plan, checklist


def check_values(policy: Policy) -> dict[str, str]:
    """The values of every checklist placeholder, read from the policy."""
    values = {key: str(value) for key, value in policy_values(policy).items()}
    for step in TIMELINESS_STEPS:
        values[f"{step}_share"] = f"{policy.timeliness[step].min_share:.0%}"
    for name, rate in policy.rates.items():
        end, limit = ("min", rate.min) if rate.min is not None else ("max", rate.max)
        values[f"{name}_{end}"] = f"{limit:g}" if name.endswith("_mean") else f"{limit:.0%}"
    return values


def check_question(check: ProcessCheck, policy: Policy) -> str:
    """The check's question with the policy's numbers filled in."""
    try:
        return check.question.format(**check_values(policy))
    except KeyError as error:
        raise AuditCaseError(f"check {check.id}: the policy has no value for "
                             f"{{{error.args[0]}}} (a target given as min, not max, or the "
                             "reverse); change the placeholder") from None


def audit_checklist(case: AuditCase, policy: Policy,
                    criteria: tuple[AuditCriterion, ...] | None = None) -> pd.DataFrame:
    """The auditor's checklist, built from the policy: one row per record criterion (tested on
    the samples that plan it, and by the data test) and one per document or interview check."""
    criteria = criteria if criteria is not None else load_audit_criteria()
    rows = []
    for number, criterion in enumerate(criteria, start=1):
        samples = [p.id for p in case.samples if criterion.rule in p.rules]
        rows.append({"item": f"R-{number:02d}", "criterion": f"policy {criterion.policy_section}",
                     "ISO 10002": criterion.clause,
                     "requirement or question": criterion.requirement_text(policy),
                     "how tested": f"records: {', '.join(samples) or 'data test only'}; "
                                   "data test of every record"})
    for check in case.checks:
        clauses = ", ".join(c for c in check.clauses if ":" not in c and not c.startswith("100"))
        rows.append({"item": check.id, "criterion": check.reference(), "ISO 10002": clauses,
                     "requirement or question": check_question(check, policy),
                     "how tested": check.method})
    return pd.DataFrame(rows).set_index("item")


def audit_plan_table(case: AuditCase) -> pd.DataFrame:
    """The audit plan as a timetable, each line tagged with its ISO 19011 step."""
    clauses = load_clauses()
    rows = [{"date": f"{p.date:%a %d %b %Y}", "time": p.time,
             "ISO 19011 step": f"{p.step.split(':')[1]} {clauses[p.step].title}",
             "activity": p.activity, "who": p.who, "covers": ", ".join(p.covers)}
            for p in case.plan]
    return pd.DataFrame(rows)


def programme_audits_table(programme: AuditProgramme) -> pd.DataFrame:
    return pd.DataFrame([{"audit": a.id, "when": a.when, "status": a.status.replace("_", " "),
                          "title": a.title, "scope": a.scope, "note": a.note}
                         for a in programme.audits]).set_index("audit")


def programme_risks_table(programme: AuditProgramme) -> pd.DataFrame:
    return pd.DataFrame([{"kind": x.kind, "risk or opportunity": x.text, "response": x.response}
                         for x in programme.risks])


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


# --------------------------------------------------------------------------- the whole case


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
        for examined_set in self.examined:
            if examined_set.id == sample_id:
                return examined_set
        raise KeyError(f"no examined set {sample_id!r}; the case has "
                       f"{', '.join(s.id for s in self.examined)}")

    def finding(self, finding_id: str) -> CaseFinding:
        for finding in self.findings:
            if finding.id == finding_id:
                return finding
        raise KeyError(f"no finding {finding_id!r}")

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


# --------------------------------------------------------------------------- verifying


def _ack_by_channel(population: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    days = policy.timeliness["acknowledge"].within_business_days
    rows = []
    for channel, group in population.groupby("channel", observed=True):
        kpi = time_to(group, "acknowledge", policy)
        if kpi.available:
            rows.append({"channel": channel, "acknowledged": kpi.n,
                         f"within {days} business days": round(kpi.value, 3),
                         "median business days": kpi.details["median_business_days"]})
    return (pd.DataFrame(rows).set_index("channel")
            .sort_values(f"within {days} business days"))


def _letters_ack_by_quarter(population: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    days = policy.timeliness["acknowledge"].within_business_days
    letters = population[(population["channel"] == "letter").fillna(False).to_numpy(bool)]
    quarters = letters["received_at"].dt.to_period("Q")
    rows = []
    for quarter, group in letters.groupby(quarters):
        kpi = time_to(group, "acknowledge", policy)
        if kpi.available:
            rows.append({"quarter received": str(quarter), "letters acknowledged": kpi.n,
                         f"within {days} business days": round(kpi.value, 3)})
    return pd.DataFrame(rows).set_index("quarter received")


def _reopen_by_team(population: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    rows = []
    for team, group in population.groupby("assigned_team", observed=True):
        kpi = reopen_rate(group, policy)
        if kpi.available:
            rows.append({"team": team, "closed": kpi.n, "reopen rate": round(kpi.value, 3)})
    return pd.DataFrame(rows).set_index("team").sort_values("reopen rate", ascending=False)


def _safety_breaches_by_year(population: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    safety = population[(population["category"] == "safety").fillna(False)]
    breaches = find_policy_breaches(safety, policy)
    years = safety.set_index("complaint_id")["received_at"].dt.year
    table = pd.DataFrame({"safety complaints": safety["received_at"].dt.year.value_counts()})
    for rule in ("SAFETY_ACK_LATE", "SAFETY_NOT_ESCALATED"):
        ids = breaches.loc[breaches["rule"] == rule, "complaint_id"]
        table[rule] = years.loc[ids].value_counts()
    table = table.fillna(0).astype(int).sort_index()
    table.index.name = "year received"
    return table


def _vulnerable_first_response(population: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    days = policy.vulnerable_first_response_business_days
    stricter = policy.with_time_target("first_response", within_business_days=days)
    rows = []
    flags = population["vulnerable"].astype("boolean")
    for label, group in (("vulnerable", population[flags.fillna(False).to_numpy(bool)]),
                         ("not vulnerable", population[(~flags).fillna(False).to_numpy(bool)])):
        kpi = time_to(group, "first_response", stricter)
        if kpi.available:
            rows.append({"customers": label, "with a first response": kpi.n,
                         f"within {days} business days": round(kpi.value, 3),
                         "median business days": kpi.details["median_business_days"]})
    return pd.DataFrame(rows).set_index("customers")


@dataclass(frozen=True)
class Verification:
    """A data check an auditor runs to test what an interviewee said (ISO 19011: information
    is verified before it becomes evidence)."""

    title: str
    compute: Callable[[pd.DataFrame, Policy], pd.DataFrame]


VERIFICATIONS: dict[str, Verification] = {
    "ack_by_channel": Verification("Acknowledgements within the target, by channel",
                                   _ack_by_channel),
    "letters_ack_by_quarter": Verification(
        "Letters acknowledged within the target, by quarter of receipt",
        _letters_ack_by_quarter),
    "reopen_by_team": Verification("Reopen rate of closed complaints, by team", _reopen_by_team),
    "safety_breaches_by_year": Verification("Safety criteria breached, by year of receipt",
                                            _safety_breaches_by_year),
    "vulnerable_first_response": Verification(
        "First response within the vulnerable-customer target, vulnerable or not",
        _vulnerable_first_response),
}


def verify(result: CaseResult, evidence_id: str) -> pd.DataFrame:
    """Run the data check that tests an evidence item's claims, on the case's population."""
    item = result.case.evidence_item(evidence_id)
    if item.verify is None:
        raise KeyError(f"evidence {evidence_id} has no data check; those with one: "
                       f"{', '.join(e.id for e in result.case.evidence if e.verify)}")
    return VERIFICATIONS[item.verify].compute(result.population, result.policy)


def evidence_table(case: AuditCase) -> pd.DataFrame:
    """The case's interview notes, documents and observations, one row each."""
    return pd.DataFrame([{"evidence": e.id, "kind": e.kind, "date": f"{e.date:%d %b %Y}",
                          "source": e.source, "notes": e.notes,
                          "checklist items": ", ".join(e.checks),
                          "data check": e.verify or ""} for e in case.evidence]
                        ).set_index("evidence")


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


# --------------------------------------------------------------------------- scoring learners


@dataclass(frozen=True)
class LearnerFinding:
    """A finding a learner records: the criterion (breach rule), the complaint IDs cited as
    evidence, and the grade proposed under the programme's convention."""

    rule: str
    ids: tuple[str, ...]
    grade: str | None = None


@dataclass(frozen=True)
class FindingScore:
    rule: str
    title: str
    confirmed: tuple[str, ...]
    wrong: tuple[tuple[str, str], ...]
    missed: tuple[str, ...]
    grade: str | None
    expected_grade: str | None

    @property
    def valid(self) -> bool:
        """A finding stands if it cites at least one breaching record and no wrong one."""
        return bool(self.confirmed) and not self.wrong

    @property
    def grade_agrees(self) -> bool:
        return self.grade is not None and self.grade == self.expected_grade


@dataclass(frozen=True)
class FindingsScore:
    findings: tuple[FindingScore, ...]
    expected_rules: tuple[str, ...]

    @property
    def found_rules(self) -> tuple[str, ...]:
        valid = {f.rule for f in self.findings if f.valid}
        return tuple(r for r in self.expected_rules if r in valid)

    @property
    def missed_rules(self) -> tuple[str, ...]:
        return tuple(r for r in self.expected_rules if r not in self.found_rules)

    @property
    def planted_expected(self) -> tuple[str, ...]:
        return tuple(r for r in self.expected_rules if r in PLANTED_RULES)

    @property
    def planted_found(self) -> tuple[str, ...]:
        return tuple(r for r in self.found_rules if r in PLANTED_RULES)

    @property
    def grades_agreed(self) -> int:
        return sum(f.valid and f.grade_agrees for f in self.findings)

    def summary(self) -> str:
        if not self.findings:
            return (f"no findings recorded yet; the examined records break "
                    f"{len(self.expected_rules)} criteria")
        return (f"You found {len(self.found_rules)} of the {len(self.expected_rules)} criteria "
                f"the examined records break, including {len(self.planted_found)} of the "
                f"{len(self.planted_expected)} planted record-keeping breaches; the "
                f"programme's grade matches on {self.grades_agreed} of your "
                f"{sum(f.valid for f in self.findings)} valid findings.")


def ids_in(text: str, known: Iterable[str]) -> tuple[str, ...]:
    """Complaint IDs of `known` mentioned in free text, upper-cased, in order, once each."""
    known_upper = {k.upper() for k in known}
    found: list[str] = []
    for token in _ID_TOKEN.findall(text):
        upper = token.upper()
        if upper in known_upper and upper not in found:
            found.append(upper)
    return tuple(found)


def score_findings(findings: Iterable[LearnerFinding], result: CaseResult) -> FindingsScore:
    """Score a learner's findings against the breaches the examined records really hold.

    A cited record counts if it was examined (in any set) and breaches the finding's criterion;
    a record not examined, or one that meets the criterion, is wrong — with the reason. The
    criteria to find are those the planned tests show breached; grades are compared with the
    programme's grade for the case.
    """
    by_rule = {c.rule: c for c in result.criteria}
    marks = pd.concat([s.marks for s in result.examined], ignore_index=True)
    marks = marks.drop_duplicates(["complaint_id", "rule"])
    lookup = {(row.complaint_id.upper(), row.rule): (row.reference, row.detail)
              for row in marks.itertuples()}
    planned = pd.concat([s.nonconformities() for s in result.examined], ignore_index=True)
    expected_rules = tuple(r for r in RULES if r in set(planned["rule"]))
    scores = []
    for finding in findings:
        if finding.rule not in by_rule:
            raise ValueError(f"{finding.rule!r} is not an audit criterion; use one of "
                             f"{', '.join(by_rule)}")
        if finding.grade is not None and finding.grade not in GRADES:
            raise ValueError(f"grade {finding.grade!r} is not one of {', '.join(GRADES)}")
        confirmed, wrong = [], []
        for complaint_id in dict.fromkeys(i.upper() for i in finding.ids):
            mark = lookup.get((complaint_id, finding.rule))
            if mark is None:
                wrong.append((complaint_id, "not among the records examined: a finding rests "
                                            "only on evidence the auditors saw"))
            elif mark[0] == "nonconforms":
                confirmed.append(complaint_id)
            else:
                why = ("the criterion does not apply: " if mark[0] == "not_applicable"
                       else "the record meets the criterion: ")
                wrong.append((complaint_id, why + mark[1]))
        should = planned.loc[planned["rule"] == finding.rule, "complaint_id"].str.upper()
        missed = tuple(i for i in dict.fromkeys(should) if i not in confirmed)
        scores.append(FindingScore(finding.rule, by_rule[finding.rule].title, tuple(confirmed),
                                   tuple(wrong), missed, finding.grade,
                                   result.expected_grade(finding.rule)))
    return FindingsScore(tuple(scores), expected_rules)


# --------------------------------------------------------------------------- the report


def audit_report_markdown(result: CaseResult, heading_level: int = 1) -> str:
    """The audit report (ISO 19011 6.5) of the case as Markdown: objectives, scope, criteria,
    team, dates, method and sampling risk, findings, conclusions, distribution. The title is a
    heading of `heading_level` (a notebook embeds it under its own headings)."""
    if not 1 <= heading_level <= 4:
        raise ValueError(f"heading_level must be 1 to 4, got {heading_level}")
    case, grading = result.case, result.programme.grading
    counts = result.grade_counts()
    lines = [f"# {case.title}", "",
             f"**Organization:** {case.organization} · **Audit:** {case.id} of the programme "
             f"*{result.programme.title}* · **On site:** {_day(case.start)} to "
             f"{_day(case.end)} · **Report:** {_day(case.report_date)}", "",
             "## Objectives", *[f"- {o}" for o in case.objectives], "",
             "## Scope", f"- {case.scope.describe()[0].upper()}{case.scope.describe()[1:]}: "
             f"{len(result.population):,} complaints",
             *[f"- {s}" for s in case.scope.included],
             *[f"- Not included: {s}" for s in case.scope.excluded], "",
             "## Criteria", *[f"- **{c.kind}** — {c.reference}. {c.note}" for c in case.criteria],
             "", "## Audit team and auditees",
             *[f"- {p.name}, {p.role} ({p.origin})" for p in case.team],
             *[f"- {p.name}, {p.role}" for p in case.auditees], "",
             "## Method and sampling",
             *[f"- {s.describe()}" for s in result.examined], "",
             "## Findings"]
    for f in result.findings:
        lines += [f"### {f.id} {grading.label(f.grade)}: {f.title}",
                  f"- **Criterion:** {f.statement.criterion}",
                  f"- **Evidence:** {f.statement.evidence}",
                  f"- **{'Statement' if f.kind == 'nonconformity' else 'Opportunity'}:** "
                  f"{f.statement.statement}",
                  f"- **Grade:** {grading.label(f.grade)} — {f.grade_reason}", ""]
    nonconformities = counts["major"] + counts["minor"]
    lines += ["## Conclusions",
              f"The audit raised {nonconformities} nonconformities ({counts['major']} major, "
              f"{counts['minor']} minor) and {counts['ofi']} "
              f"{'opportunity' if counts['ofi'] == 1 else 'opportunities'} for improvement. "
              "Grades follow the audit programme's convention (certification-body practice; "
              "ISO 19011 does not grade findings). Conclusions rest on the samples and data "
              "tests described above: records not examined may hold problems the audit did "
              "not see.", "",
              "## Follow-up", *[f"- {x}" for x in case.follow_up], "",
              "## Distribution and confidentiality",
              f"Issued to: {', '.join(case.distribution)}. {case.confidentiality}"]
    shift = "#" * (heading_level - 1)
    return "\n".join(shift + line if line.startswith("#") else line for line in lines) + "\n"
