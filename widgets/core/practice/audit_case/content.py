"""The case and programme files of the audit case study: what they may say, read and checked.

Why a module of its own: the case (widgets/content/audit-case.yaml) and the audit programme
(audit-programme.yaml, in the shape of ISO 19011 clause 5) are data a trainer edits, so their
schema changes for reasons of its own. Every error names the file, the key and the fix. The
criteria must include the organization's own policy: ISO 10002 says "should", so the criteria
are the organization's policy, ISO 9001 where it is certified, and regulation. What the
records show is never typed here; it is computed from the log (see the findings module).
"""

from __future__ import annotations

import datetime as dt
import re
import string
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from widgets.core.common.errors import ContentError
from widgets.core.common.paths import CONTENT_DIR
from widgets.core.common.reader import ContentReader, by_id, read_yaml
from widgets.core.complaints.breaches import RULES
from widgets.core.complaints.policy import RATE_TARGETS, TIMELINESS_STEPS
from widgets.core.complaints.schema import CATEGORIES, CHANNELS
from widgets.core.course.clauses import load_clauses
from widgets.core.practice.audit_case.verifications import VERIFICATIONS
from widgets.core.practice.audit_sampler import PLACEHOLDERS, JudgementCriteria

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
_TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


class AuditCaseError(ContentError):
    """audit-case.yaml or audit-programme.yaml is malformed or names unknown things."""


def long_date(day: dt.date) -> str:
    """'5 January 2026' (no leading zero)."""
    return f"{day.day} {day:%B %Y}"


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
        return by_id(self.audits, audit_id, "audit", owner="the programme", known="it has")


_PROGRAMME_KEYS = ("id", "title", "owner", "approved_by", "objectives", "risks", "audits",
                   "resources", "competence", "cycle", "grading")


def parse_audit_programme(data: object, source: Path) -> AuditProgramme:
    """Build and check a programme from parsed YAML (errors name the file and key)."""
    r = ContentReader(source, AuditCaseError)
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
                                r.members(g, "major_rules", "grading.", RULES, "breach rules"),
                                float(share))
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
        return (f"complaints received {long_date(self.received_from)} to "
                f"{long_date(self.received_to)}")


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
        return by_id(self.samples, sample_id, "sample", owner="the case", known="it has")

    def evidence_item(self, evidence_id: str) -> EvidenceItem:
        return by_id(self.evidence, evidence_id, "evidence", owner="the case", known="it has")


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
                      r.members(e, "rules", w, RULES, "breach rules"), r.text(e, "rationale", w),
                      size, seed, select)


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
    r = ContentReader(source, AuditCaseError)
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
