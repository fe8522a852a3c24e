"""Which complaints break the organization's own complaints policy.

ISO 10002 says "should", so an auditor's criteria are the organization's policy (plus ISO 9001
and regulation where they apply; 8.5, ISO 19011). These rules turn datasets/complaints-policy.md
into checks on records: the audit sampler marks sampled records with them, the audit exercise
is graded against them, and datasets/README.md states how many the sample log holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from widgets.core.complaints.policy import Policy

EMAIL_PATTERN = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
UK_PHONE_PATTERN = r"(?:\+44\s?|\b0)(?:\d[\s-]?){9,10}\b"
PERSONAL_DATA = re.compile(f"{EMAIL_PATTERN}|{UK_PHONE_PATTERN}")


@dataclass(frozen=True)
class BreachRule:
    rule: str
    summary: str
    policy_section: str
    clause: str


RULES = {r.rule: r for r in (
    BreachRule("ACK_LATE", "acknowledged later than the policy allows", "4.2", "7.4"),
    BreachRule("ACK_MISSING", "closed with no acknowledgement recorded", "4.2", "7.4, 4.9"),
    BreachRule("SAFETY_ACK_LATE", "safety complaint not acknowledged the same day", "4.3", "7.5"),
    BreachRule("SAFETY_NOT_ESCALATED", "safety complaint not escalated to the safety team",
               "4.3", "7.5"),
    BreachRule("RESPONSE_LATE", "first response later than the policy allows", "4.4", "7.7"),
    BreachRule("VULNERABLE_RESPONSE_LATE",
               "vulnerable customer's first response later than the policy allows", "4.6",
               "4.5, 7.5"),
    BreachRule("RESOLVE_LATE", "decision later than the policy allows", "4.5", "7.8"),
    BreachRule("CLOSED_WITHOUT_OUTCOME", "closed with no outcome recorded", "4.8", "7.9, 4.9"),
    BreachRule("CLOSED_WITHOUT_RESPONSE", "closed without any response to the complainant",
               "4.8", "7.8"),
    BreachRule("PERSONAL_DATA_IN_DESCRIPTION",
               "description repeats the customer's e-mail address or phone number", "7",
               "4.10"),
)}
RULE_ORDER = {rule: index for index, rule in enumerate(RULES)}


def _column(frame: pd.DataFrame, name: str, default=pd.NA) -> pd.Series:
    if name in frame.columns:
        return frame[name]
    return pd.Series(default, index=frame.index)


def _personal_data(descriptions: pd.Series) -> np.ndarray:
    """The first e-mail address or phone number in each description ('' where none).

    Descriptions repeat a lot (templates, empty narratives), so the regular expression runs
    once per distinct text: a tenth of a second instead of seconds on a million rows.
    """
    codes, distinct = pd.factorize(descriptions, use_na_sentinel=True)
    hits = np.array([match.group(0) if (match := PERSONAL_DATA.search(str(text))) else ""
                     for text in distinct] + [""], dtype=object)
    return hits[codes]  # code -1 (missing) picks the trailing ''


def find_policy_breaches(frame: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    """One row per (complaint, rule broken): complaint_id, rule, detail, policy_section, clause,
    in the log's row order.

    Records without the data a rule needs are not counted as breaching it (absence of a
    timestamp is its own rule where the policy makes it one, e.g. ACK_MISSING).
    """
    received = frame["received_at"].to_numpy()

    def elapsed(column: str) -> np.ndarray:
        if column not in frame.columns:
            return np.full(len(frame), np.nan)
        return policy.business_days_elapsed(received, frame[column].to_numpy())

    ack, response, resolve = (elapsed(c) for c in
                              ("acknowledged_at", "first_response_at", "resolved_at"))
    category = _column(frame, "category").astype("string")
    safety = (category == "safety").fillna(False).to_numpy(dtype=bool)
    vulnerable = _column(frame, "vulnerable").astype("boolean").fillna(False).to_numpy(bool)
    status = _column(frame, "status").astype("string")
    closed = (status == "closed").fillna(False).to_numpy(dtype=bool)
    outcome = _column(frame, "outcome").astype("string")
    level = pd.to_numeric(_column(frame, "escalation_level"), errors="coerce").to_numpy(float)
    targets = policy.timeliness
    ack_limit = targets["acknowledge"].within_business_days
    response_limit = targets["first_response"].within_business_days
    resolve_limit = targets["resolve"].within_business_days
    vulnerable_limit = policy.vulnerable_first_response_business_days
    safety_ack_limit = policy.safety_acknowledge_business_days
    with np.errstate(invalid="ignore"):
        checks = {
            "ACK_LATE": (~safety & (ack > ack_limit), ack,
                         f"acknowledged after {{}} business days (policy: {ack_limit})"),
            "ACK_MISSING": (closed & _column(frame, "acknowledged_at").isna().to_numpy(), None,
                            "status closed, acknowledged_at empty"),
            "SAFETY_ACK_LATE": (safety & (ack > safety_ack_limit), ack,
                                f"safety complaint acknowledged after {{}} business days "
                                f"(policy: {safety_ack_limit})"),
            "SAFETY_NOT_ESCALATED": (safety & (level < policy.safety_min_escalation_level),
                                     level, "safety complaint at escalation level {} "
                                     f"(policy: at least {policy.safety_min_escalation_level})"),
            "RESPONSE_LATE": (~vulnerable & (response > response_limit), response,
                              f"first response after {{}} business days "
                              f"(policy: {response_limit})"),
            "VULNERABLE_RESPONSE_LATE": (vulnerable & (response > vulnerable_limit), response,
                                         f"first response after {{}} business days "
                                         f"(policy for vulnerable customers: "
                                         f"{vulnerable_limit})"),
            "RESOLVE_LATE": (resolve > resolve_limit, resolve,
                             f"decision after {{}} business days (policy: {resolve_limit})"),
            "CLOSED_WITHOUT_OUTCOME": (closed & outcome.isna().to_numpy(), None,
                                       "status closed, outcome empty"),
            "CLOSED_WITHOUT_RESPONSE": (
                closed & _column(frame, "first_response_at").isna().to_numpy()
                & ~(outcome == "withdrawn").fillna(False).to_numpy(dtype=bool), None,
                "status closed, first_response_at empty"),
        }
    ids = frame["complaint_id"].to_numpy()
    positions, rules, details = [], [], []
    for rule, (mask, numbers, template) in checks.items():
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            continue
        positions.append(np.flatnonzero(mask))
        rules.append(np.full(int(mask.sum()), RULE_ORDER[rule]))
        if numbers is None:
            details += [template] * int(mask.sum())
        else:
            details += [template.format(int(v)) for v in numbers[mask]]
    if "description" in frame.columns:
        found = _personal_data(frame["description"])
        mask = found != ""
        positions.append(np.flatnonzero(mask))
        rules.append(np.full(int(mask.sum()), RULE_ORDER["PERSONAL_DATA_IN_DESCRIPTION"]))
        details += [f"description contains '{value}'" for value in found[mask]]
    columns = ["complaint_id", "rule", "detail", "policy_section", "clause"]
    if not details:
        return pd.DataFrame(columns=columns)
    position, rule_index = np.concatenate(positions), np.concatenate(rules)
    order = np.lexsort((rule_index, position))  # the log's row order, then the rules' order
    rule_index = rule_index[order]
    rule_ids = np.array(list(RULES), dtype=object)
    sections = np.array([r.policy_section for r in RULES.values()], dtype=object)
    clauses = np.array([r.clause for r in RULES.values()], dtype=object)
    return pd.DataFrame({
        "complaint_id": ids[position[order]],
        "rule": rule_ids[rule_index],
        "detail": np.array(details, dtype=object)[order],
        "policy_section": sections[rule_index],
        "clause": clauses[rule_index],
    })


def breach_counts(breaches: pd.DataFrame) -> pd.Series:
    """Records per rule, in the order of RULES, zero where none."""
    return breaches["rule"].value_counts().reindex(list(RULES), fill_value=0).rename("records")
