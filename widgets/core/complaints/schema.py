"""The complaint-log schema: one definition every loader, generator, KPI and view agrees on.

Why a module of its own: the generator writes this schema, the loader validates against it,
the KPIs read it and the data dictionary (datasets/README.md) documents it. Keeping the
column list, the allowed values and the import mappings in one place means a trainer who adds
a category edits one tuple, and a test checks that the dictionary still covers every column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CHANNELS = ("phone", "email", "web_form", "chat", "letter", "social_media")
PRODUCTS = ("electricity", "gas", "dual_fuel", "broadband", "smart_meter", "boiler_cover")
CATEGORIES = (
    "billing",
    "metering",
    "payments_and_debt",
    "supply_and_service",
    "customer_service",
    "contract_and_switching",
    "safety",
    "data_protection",
    "complaints_handling",
)
SEVERITIES = ("low", "medium", "high", "critical")
SEGMENTS = ("residential", "small_business")
STATUSES = ("open", "responded", "resolved", "closed")
OUTCOMES = ("upheld", "partially_upheld", "not_upheld", "withdrawn")
REMEDIES = (
    "none",
    "apology",
    "explanation",
    "bill_correction",
    "refund",
    "goodwill_payment",
    "repair",
    "service_credit",
    "process_change",
)
TEAMS = (
    "billing_team",
    "metering_team",
    "field_services",
    "customer_relations",
    "network_operations",
    "safety_team",
)
ROOT_CAUSES = (
    "billing_system_defect",
    "estimated_meter_read",
    "staff_error",
    "process_gap",
    "contractor_performance",
    "network_fault",
    "communication_failure",
    "policy_decision",
    "customer_misunderstanding",
    "data_entry_error",
    "supplier_delay",
    "no_fault_found",
)
ESCALATION_LEVELS = (0, 1, 2)
SATISFACTION_SCALE = (1, 5)


@dataclass(frozen=True)
class Column:
    """One column of the course schema, as documented in datasets/README.md."""

    name: str
    kind: str  # "id", "datetime", "category", "text", "bool", "int", "float"
    meaning: str
    allowed: tuple | None = None
    required: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("complaint_id", "id", "unique identifier given at receipt (7.2)", required=True),
    Column("received_at", "datetime", "when the complaint was received (7.2)", required=True),
    Column("channel", "category", "how the complaint reached us (7.1, 4.5)", CHANNELS),
    Column("product", "category", "product or service complained about", PRODUCTS),
    Column("category", "category", "complaint category (8.2 classification)", CATEGORIES),
    Column("subcategory", "text", "finer classification within the category"),
    Column("description", "text", "the complaint in the complainant's words, summarized"),
    Column("severity", "category", "initial-assessment severity (7.5)", SEVERITIES),
    Column("customer_id", "id", "stable customer key; the same customer keeps it"),
    Column("customer_name", "text", "synthetic personal data (4.10)"),
    Column("customer_email", "text", "synthetic personal data (4.10)"),
    Column("customer_phone", "text", "synthetic personal data (4.10)"),
    Column("customer_segment", "category", "residential or small business", SEGMENTS),
    Column("vulnerable", "bool", "customer registered as needing extra support (4.5)"),
    Column("acknowledged_at", "datetime", "when receipt was acknowledged (7.4)"),
    Column("assigned_team", "category", "team that owns the complaint (4.12)", TEAMS),
    Column("handler_id", "id", "person responsible for the complaint (4.12)"),
    Column("first_response_at", "datetime", "first substantive response (7.7)"),
    Column("resolved_at", "datetime", "when the decision was communicated (7.8)"),
    Column("closed_at", "datetime", "when the complaint was closed (7.9)"),
    Column("status", "category", "where the complaint is now (7.3)", STATUSES),
    Column("outcome", "category", "decision on the complaint (7.7)", OUTCOMES),
    Column("remedy", "category", "what was done to put things right (7.7)", REMEDIES),
    Column("redress_amount", "float", "money paid or credited, GBP"),
    Column("escalation_level", "int", "0 front line, 1 internal review, 2 executive",
           ESCALATION_LEVELS),
    Column("referred_externally", "bool", "referred to the ombudsman / ADR (ISO 10003)"),
    Column("reopened", "bool", "reopened after closing because the fix did not hold"),
    Column("root_cause", "category", "cause found by the investigation (7.6, 8.2)", ROOT_CAUSES),
    Column("first_contact_resolution", "bool", "resolved in the first contact"),
    Column("satisfaction_score", "int", "complainant's satisfaction with the handling, 1-5 (8.3)"),
)
COLUMN_NAMES = tuple(c.name for c in COLUMNS)
COLUMNS_BY_NAME = {c.name: c for c in COLUMNS}
REQUIRED_COLUMNS = tuple(c.name for c in COLUMNS if c.required)
DATETIME_COLUMNS = tuple(c.name for c in COLUMNS if c.kind == "datetime")
BOOL_COLUMNS = tuple(c.name for c in COLUMNS if c.kind == "bool")
EVENT_COLUMNS = ("acknowledged_at", "first_response_at", "resolved_at", "closed_at")


# CFPB Consumer Complaint Database export, keyed by the *normalized* header (see
# normalize_header), so "Date received" and "date_received" are the same key. Values are the
# course column they fill, or a cfpb_* column kept for CFPB-only measures.
CFPB_COLUMNS = {
    "date_received": "received_at",
    "product": "product",
    "sub_product": "sub_product",
    "issue": "category",
    "sub_issue": "subcategory",
    "consumer_complaint_narrative": "description",
    "company_public_response": "cfpb_company_public_response",
    "company": "cfpb_company",
    "state": "cfpb_state",
    "zip_code": "cfpb_zip_code",
    "zipcode": "cfpb_zip_code",
    "tags": "cfpb_tags",
    "consumer_consent_provided": "cfpb_consumer_consent_provided",
    "submitted_via": "channel",
    "date_sent_to_company": "sent_to_company_at",
    "company_response_to_consumer": "cfpb_company_response",
    "timely_response": "cfpb_timely_response",
    "consumer_disputed": "cfpb_consumer_disputed",
    "complaint_id": "complaint_id",
}
# Headers that only a CFPB export has: any two of them identify the layout.
CFPB_SIGNATURE = frozenset(
    {"date_received", "submitted_via", "company_response_to_consumer", "timely_response",
     "date_sent_to_company", "sub_issue"}
)


def normalize_header(header: str) -> str:
    """Map a header to snake_case so both CFPB header styles (and stray spaces, a BOM or a
    trailing '?') meet the same key: 'Consumer disputed?' -> 'consumer_disputed'."""
    text = header.replace("\ufeff", "").strip().lower()
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")
