"""Complaint logs and what an organization measures on them: the schema, loading and
validation (the course layout and CFPB exports), KPIs, the policy and its breach rules,
deadlines in business days, regulators' time limits, the synthetic sample, analysis,
monitoring, root causes, and the KPIs of a log the user brings (the dashboard's data tab).

Facade: the names below are what notebooks, exercises and the CLI use; each is imported
from its module on first use (see :mod:`widgets.core.common.facade`).
"""

from widgets.core.common.facade import lazy_exports

_EXPORTS = {
    "IssueRule": "analysis",
    "before_after": "analysis",
    "classify_issues": "analysis",
    "group_versus_rest": "analysis",
    "issue_summary": "analysis",
    "rate_by_group": "analysis",
    "time_by_group": "analysis",
    "value_share": "analysis",
    "PERSONAL_DATA": "breaches",
    "RULES": "breaches",
    "breach_counts": "breaches",
    "find_policy_breaches": "breaches",
    "business_calendar": "business_calendar",
    "plan_deadlines": "deadlines",
    "plan_for_record": "deadlines",
    "record_timeline": "deadlines",
    "generate_complaints": "generate",
    "write_complaints_csv": "generate",
    "Kpi": "kpis",
    "business_days_to": "kpis",
    "complaints_per_period": "kpis",
    "compute_kpis": "kpis",
    "kpi_table": "kpis",
    "pareto": "kpis",
    "time_to": "kpis",
    "ComplaintDataError": "loader",
    "LoadResult": "loader",
    "RowProblem": "loader",
    "ValidationReport": "loader",
    "load_complaints": "loader",
    "load_complaints_bytes": "loader",
    "control_chart_figure": "monitoring",
    "fairness_table": "monitoring",
    "kpi_p_chart": "monitoring",
    "kpi_series": "monitoring",
    "monthly_kpis": "monitoring",
    "months_meeting_target": "monitoring",
    "reweighted_satisfaction": "monitoring",
    "share_difference": "monitoring",
    "survey_by_group": "monitoring",
    "target_level": "monitoring",
    "Policy": "policy",
    "PolicyError": "policy",
    "load_policy": "policy",
    "comparison_table": "regulators",
    "filter_log": "rootcause",
    "pareto_chart": "rootcause",
    "CATEGORIES": "schema",
    "SEVERITIES": "schema",
    "MAX_UPLOAD_BYTES": "uploads",
    "WEBSOCKET_MAX_MESSAGE_BYTES": "uploads",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
