"""The audit case study of module 06: programme, plan, checklist, samples, findings, report.

Why: clause 8.5 (Auditing of the complaints-handling process, following ISO 10002:2018) asks
for regular audits by competent, impartial auditors, and ISO 19011:2018 describes how to run
them: a programme (clause 5), then each audit from initiating to follow-up (6.2–6.7), with
sampling (A.6). A learner sees that practice best on one worked audit, so the case is data and
the auditor's work is code, one module per reason to change:

* content — the case and programme files (dataclasses, parsing, loading);
* verifications — the data checks that test what interviewees said;
* examining — sampling risk, the planned samples drawn and marked, the data test;
* findings — findings and grades computed from the data, never typed into the case;
* result — the case worked through on a log (run_case, CaseResult, verify);
* scoring — a learner's findings scored against the breaches the examined records hold;
* report — plan, checklist, programme and evidence tables, the audit report.

Facade: the names below are what notebooks, views, the review of module 07 and the tests use;
each is imported from its module on first use (see :mod:`widgets.core.common.facade`). Modules
of this package import each other by their full path, never through this facade.
"""

from widgets.core.common.facade import lazy_exports

_EXPORTS = {
    "AUDIT_STATUSES": "content",
    "AUDIT_STEPS": "content",
    "AuditCase": "content",
    "AuditCaseError": "content",
    "AuditProgramme": "content",
    "CASE_FILE": "content",
    "CRITERIA_KINDS": "content",
    "CriteriaSource": "content",
    "DocumentFinding": "content",
    "EVIDENCE_KINDS": "content",
    "EvidenceItem": "content",
    "FINDING_KINDS": "content",
    "GRADES": "content",
    "Grade": "content",
    "GradingConvention": "content",
    "PROGRAMME_FILE": "content",
    "Person": "content",
    "PlanItem": "content",
    "ProcessCheck": "content",
    "ProgrammeAudit": "content",
    "ProgrammeRisk": "content",
    "RISK_KINDS": "content",
    "SAMPLE_METHODS": "content",
    "SELECT_KEYS": "content",
    "SamplePlan": "content",
    "Scope": "content",
    "check_placeholders": "content",
    "load_audit_case": "content",
    "load_audit_programme": "content",
    "parse_audit_case": "content",
    "parse_audit_programme": "content",
    "VERIFICATIONS": "verifications",
    "Verification": "verifications",
    "ExaminedSet": "examining",
    "applicable_mask": "examining",
    "data_test": "examining",
    "examine": "examining",
    "examined_table": "examining",
    "miss_probability_count": "examining",
    "sample_size_for": "examining",
    "CaseFinding": "findings",
    "EXAMPLE_IDS": "findings",
    "SHARE_TARGETS": "findings",
    "case_findings": "findings",
    "grade_finding": "findings",
    "CaseResult": "result",
    "run_case": "result",
    "verify": "result",
    "FindingScore": "scoring",
    "FindingsScore": "scoring",
    "LearnerFinding": "scoring",
    "PLANTED_RULES": "scoring",
    "ids_in": "scoring",
    "score_findings": "scoring",
    "audit_checklist": "report",
    "audit_plan_table": "report",
    "audit_report_markdown": "report",
    "check_question": "report",
    "check_values": "report",
    "evidence_table": "report",
    "programme_audits_table": "report",
    "programme_risks_table": "report",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
