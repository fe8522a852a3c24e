"""Complaint logs: schema, loading and validation, KPIs and policy checks (pure core)."""

from widgets.core.complaints.breaches import RULES, breach_counts, find_policy_breaches
from widgets.core.complaints.kpis import (
    Kpi,
    business_days_to,
    complaints_per_period,
    compute_kpis,
    kpi_table,
    pareto,
)
from widgets.core.complaints.loader import (
    ComplaintDataError,
    LoadResult,
    RowProblem,
    ValidationReport,
    load_complaints,
    load_complaints_bytes,
)

__all__ = [
    "RULES",
    "ComplaintDataError",
    "Kpi",
    "LoadResult",
    "RowProblem",
    "ValidationReport",
    "breach_counts",
    "business_days_to",
    "complaints_per_period",
    "compute_kpis",
    "find_policy_breaches",
    "kpi_table",
    "load_complaints",
    "load_complaints_bytes",
    "pareto",
]
