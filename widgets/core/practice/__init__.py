"""Practice simulators and case studies a learner works through: the complaint lifecycle,
triage, the audit sampler and the full audit case, management review and improvement, the
certification path, reviewing a policy, the organization's self-assessment and drills.

Facade: the names below are what notebooks, exercises and the CLI use; each is imported
from its module on first use (see :mod:`widgets.core.common.facade`).
"""

from widgets.core.common.facade import lazy_exports

_EXPORTS = {
    "PLANTED_RULES": "audit_case",
    "audit_checklist": "audit_case",
    "audit_plan_table": "audit_case",
    "audit_report_markdown": "audit_case",
    "evidence_table": "audit_case",
    "miss_probability_count": "audit_case",
    "programme_audits_table": "audit_case",
    "programme_risks_table": "audit_case",
    "run_case": "audit_case",
    "sample_size_for": "audit_case",
    "verify": "audit_case",
    "NonconformityStatement": "audit_sampler",
    "check_statement": "audit_sampler",
    "certificate_cycle": "certification_path",
    "load_certification_path": "certification_path",
    "policy_objectives": "policy_review",
    "build_review_pack": "review",
    "check_corrective_action": "review",
    "check_outputs": "review",
    "evaluate_effectiveness": "review",
    "load_improvement_guide": "review",
    "load_review_content": "review",
    "outputs_markdown": "review",
    "satisfaction_shown": "review",
    "PRIORITY_MEANING": "triage",
    "PRIORITY_RULE": "triage",
    "assess_priority": "triage",
    "previous_complaints": "triage",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
