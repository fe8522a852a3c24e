"""What the auditors put on paper: the plan, the checklist, the programme's tables, the evidence
list and the audit report (ISO 19011 6.5) as Markdown.

Why a module of its own: the checklist is built FROM the organization's policy — every record
criterion of audit-criteria.yaml and every document or interview check of the case, with the
policy's current numbers filled in — and the report from the computed result, so the wording
and layout of these documents change here without touching how the case is examined.
"""

from __future__ import annotations

import pandas as pd

from widgets.core.complaints.policy import TIMELINESS_STEPS, Policy
from widgets.core.course.clauses import load_clauses
from widgets.core.practice.audit_case.content import (
    AuditCase,
    AuditCaseError,
    AuditProgramme,
    ProcessCheck,
    long_date,
)
from widgets.core.practice.audit_case.result import CaseResult
from widgets.core.practice.audit_sampler import AuditCriterion, load_audit_criteria, policy_values

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


def evidence_table(case: AuditCase) -> pd.DataFrame:
    """The case's interview notes, documents and observations, one row each."""
    return pd.DataFrame([{"evidence": e.id, "kind": e.kind, "date": f"{e.date:%d %b %Y}",
                          "source": e.source, "notes": e.notes,
                          "checklist items": ", ".join(e.checks),
                          "data check": e.verify or ""} for e in case.evidence]
                        ).set_index("evidence")


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
             f"*{result.programme.title}* · **On site:** {long_date(case.start)} to "
             f"{long_date(case.end)} · **Report:** {long_date(case.report_date)}", "",
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
              "Grades follow the audit programme's rules (ISO 19011 6.4.8 allows grading; "
              "major and minor as certification bodies define them). Conclusions rest on the "
              "samples and data tests described above: records not examined may hold problems "
              "the audit did not see.", "",
              "## Follow-up", *[f"- {x}" for x in case.follow_up], "",
              "## Distribution and confidentiality",
              f"Issued to: {', '.join(case.distribution)}. {case.confidentiality}"]
    shift = "#" * (heading_level - 1)
    return "\n".join(shift + line if line.startswith("#") else line for line in lines) + "\n"
