"""A plausible mistake per assignment, for the "partly right" submissions of the proof tests.

Each mistake is one a learner could well make, passes that question's visible tests and must
be caught by its hidden tests: a submission with every other answer right then lands strictly
between 0 and full marks, and the named test cells show where the hidden tests bit. The
source notebooks' solutions are the right answers for every other cell.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mistake:
    answer_cell: str          # grade id of the answer cell the learner got wrong
    code: str                 # what the learner wrote there
    failing_tests: frozenset  # grade ids of the test cells that must lose points
    why: str                  # what is wrong, in words


MISTAKES = {
    "ex01-principles": Mistake(
        "ex01-q1",
        """principle_at_stake = {
    "A": "4.8", "B": "4.5", "C": "4.9", "D": "4.6", "E": "4.9", "F": "4.12",
    "G": "4.13", "H": "4.12", "I": "4.3", "J": "4.14", "K": "4.11", "L": "4.11",
}""",
        frozenset({"ex01-q1-tests"}),
        "three situations mapped to a neighbouring principle (C, H, K)",
    ),
    "ex02-receipt-and-triage": Mistake(
        "ex02-q3",
        '''def priority(severity, category, vulnerable, previous_complaints):
    if category == "safety" or severity == "critical":
        return "P1"
    level = {"high": 2, "medium": 3, "low": 4}[severity]
    raises = sum([bool(vulnerable), category in ("billing", "payments_and_debt"),
                  category == "complaints_handling", previous_complaints > 0])
    return f"P{max(level - raises, 1)}"''',
        frozenset({"ex02-q3-tests", "ex02-q4-tests"}),
        "raises go up to P1 (rule 4 caps them at P2)",
    ),
    "ex03-kpis": Mistake(
        "ex03-q3",
        """resolved = frame[frame["resolved_at"].notna()]
closed = frame[frame["closed_at"].notna()]
rates = {
    "first_contact_resolution": float(frame["first_contact_resolution"].mean()),
    "reopen_rate": float(closed["reopened"].mean()),
    "external_referral_rate": float(closed["referred_externally"].mean()),
    "satisfaction_mean": float(frame["satisfaction_score"].mean()),
    "satisfaction_response_rate": float(closed["satisfaction_score"].notna().mean()),
}""",
        frozenset({"ex03-q3-tests"}),
        "first-contact resolution over all complaints instead of resolved ones",
    ),
    "ex04-root-cause": Mistake(
        "ex04-q3",
        "vital_few = set(cumulative_share.index[cumulative_share <= 0.8])",
        frozenset({"ex04-q3-tests"}),
        "the cause that crosses the 80% line left out",
    ),
    "ex05-confidentiality": Mistake(
        "ex05-q1",
        '''def pseudonymize(frame, secret):
    result = frame.drop(columns=["customer_name", "customer_email", "customer_phone"])
    result["customer_key"] = [hashlib.sha256(str(customer).encode()).hexdigest()[:16]
                              for customer in frame["customer_id"]]
    result = result.drop(columns="customer_id")
    result["description"] = frame["description"].str.replace(
        PERSONAL_DATA, lambda match: "[e-mail]" if "@" in match.group(0) else "[phone]",
        regex=True)
    return result


pseudonymized = pseudonymize(extract, "a secret")''',
        frozenset({"ex05-q2-tests"}),
        "a plain hash of the account number: anyone can recompute it without the secret",
    ),
    "ex06-audit-case": Mistake(
        "ex06-q3",
        """ack_limit = policy.timeliness["acknowledge"].within_business_days
calendar_days = (audit["acknowledged_at"] - audit["received_at"]).dt.days
late = (~safety & (calendar_days > ack_limit)).fillna(False)
late_acknowledgements = set(audit.loc[late, "complaint_id"])""",
        frozenset({"ex06-q3-tests", "ex06-q4-tests"}),  # question 4 builds on question 3
        "calendar days instead of business days",
    ),
    "ex07-response-letter": Mistake(
        "ex07-q1",
        """record = case.iloc[0]
business_days_to_decision = int((record["resolved_at"] - record["received_at"]).days)
decision_on_time = business_days_to_decision <= 20""",
        frozenset({"ex07-q1-tests"}),
        "calendar days instead of business days",
    ),
    "ex08-recognising-complaints": Mistake(
        "ex08-q1",
        """contact_kind = {
    1: "request", 2: "request", 3: "complaint about handling", 4: "enquiry",
    5: "compliment", 6: "complaint", 7: "complaint", 8: "enquiry",
}""",
        frozenset({"ex08-q1-tests"}),
        "the unhappy repair request, the ombudsman case and the 'not complaining' caller misread",
    ),
    "ex09-receipt-and-deadlines": Mistake(
        "ex09-q1",
        """acknowledge_by = {
    "A": "02/05/2025", "B": "06/05/2025", "C": "27/05/2025", "D": "28/05/2025",
}""",
        frozenset({"ex09-q1-tests"}),
        "the bank holiday of 5 May counted as a business day, and the safety complaint given "
        "2 business days instead of the same day",
    ),
    "ex10-responding-and-closing": Mistake(
        "ex10-q1",
        'missed_in_march = ["A", "B", "C", "D"]',
        frozenset({"ex10-q1-tests"}),
        "the satisfaction tile (3.38 of 5 against 3.8) read as met",
    ),
    "ex13-complaints-policy": Mistake(
        "ex13-q1",
        'vague_objectives = ["A", "C", "E", "F"]',
        frozenset({"ex13-q1-tests"}),
        "the perverse draft F counted as not measurable: it has a number, a unit and a period",
    ),
    "ex11-audit-plan-and-checklist": Mistake(
        "ex11-q2",
        """sample_size = 27
confidence_of_25 = 74""",
        frozenset({"ex11-q2-tests"}),
        "the sample size read from the 10% row of Table 1 instead of the programme's 5%",
    ),
    "ex14-management-review": Mistake(
        "ex14-q2",
        """missed_a_year_ago_too = ["First-contact resolution", "Satisfaction with handling"]
resolve_shortfall = 4.8""",
        frozenset({"ex14-q2-tests"}),
        "the change on the previous quarter read as the shortfall against the target",
    ),
    "ex12-audit-evidence-and-report": Mistake(
        "ex12-q1",
        """late_acknowledgement = ["CMP-2025-000492"]
late_first_response = ["CMP-2025-000409", "CMP-2025-000492"]
late_decision = ["CMP-2025-000400", "CMP-2025-000409"]
contact_details = ["CMP-2025-000477"]""",
        frozenset({"ex12-q1-tests"}),
        "first responses judged against the 5 business days of policy 4.4, not the 3 of 4.6",
    ),
}
