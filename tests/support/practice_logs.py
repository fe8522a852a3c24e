"""Small hand-made complaint logs for the triage, root-cause and audit tests.

Every expected value in those tests is worked out by hand from these rows (comments say how),
so the logs are kept tiny and each row is there for a reason.
"""

from __future__ import annotations

import io

import pandas as pd

from widgets.core.complaints import load_complaints

# Triage: expected priority by PRIORITY_RULE in the last comment of each row.
TRIAGE_LOG = """\
complaint_id,received_at,channel,product,category,subcategory,description,severity,customer_id,customer_segment,vulnerable
T-01,2025-03-03 09:00,phone,gas,safety,gas_smell,I can smell gas near the meter,medium,A1,residential,false
T-02,2025-03-04 10:00,email,electricity,billing,high_bill,My bill doubled this month,low,A2,residential,false
T-03,2025-03-05 11:00,letter,electricity,billing,high_bill,The bill is still double,low,A2,residential,true
T-04,2025-03-06 10:00,web_form,broadband,supply_and_service,outage,No internet for three days,high,A3,small_business,false
T-05,2025-03-07 12:00,chat,dual_fuel,complaints_handling,no_reply,Nobody answered my complaint,medium,A4,residential,false
T-06,2025-03-10 08:00,phone,smart_meter,metering,not_reading,The smart meter shows nothing,critical,A5,residential,false
T-07,2025-07-01 09:00,email,electricity,customer_service,attitude,The agent was rude to me,medium,A2,residential,false
T-08,2025-03-20 14:00,web_form,gas,metering,estimated_read,Estimated reads again,low,A1,residential,false
T-09,2025-03-21 14:00,email,gas,billing,high_bill,Bill too high,,A9,residential,false
T-10,2025-06-04 10:00,letter,broadband,contract_and_switching,exit_fee,Charged an exit fee,low,A3,small_business,
"""  # noqa: E501
# T-01 safety → P1 · T-02 low P4, billing → P3 · T-03 low P4, vulnerable + billing + repeat
# (T-02 the day before) → would be P1, capped at P2 · T-04 high → P2 · T-05 medium P3,
# complaints handling → P2 · T-06 critical → P1 · T-07 medium → P3 (A2's earlier complaints
# are 119 days back) · T-08 low P4, repeat (T-01 17 days before) → P3 · T-09 no severity: not
# drawn · T-10 low P4, repeat (T-04 exactly 90 days before) → P3.
TRIAGE_EXPECTED = {"T-01": "P1", "T-02": "P3", "T-03": "P2", "T-04": "P2", "T-05": "P2",
                   "T-06": "P1", "T-07": "P3", "T-08": "P3", "T-10": "P3"}

# Root cause: January-March 2025; root causes 4/3/2/1 plus one blank.
ROOTCAUSE_LOG = """\
complaint_id,received_at,channel,product,category,root_cause
R-01,2025-01-06 09:00,phone,electricity,billing,billing_system_defect
R-02,2025-01-15 09:00,email,electricity,billing,billing_system_defect
R-03,2025-01-31 23:00,phone,gas,metering,estimated_meter_read
R-04,2025-02-03 09:00,letter,gas,metering,estimated_meter_read
R-05,2025-02-14 09:00,phone,electricity,billing,billing_system_defect
R-06,2025-02-28 17:00,email,broadband,customer_service,staff_error
R-07,2025-03-03 09:00,phone,electricity,billing,billing_system_defect
R-08,2025-03-10 09:00,web_form,gas,metering,estimated_meter_read
R-09,2025-03-17 09:00,phone,broadband,customer_service,staff_error
R-10,2025-03-24 09:00,letter,electricity,payments_and_debt,process_gap
R-11,2025-03-31 09:00,phone,electricity,billing,
"""

# Audit: March 2025 (no public holidays); policy targets ack 2, response 5 (vulnerable 3),
# decision 20 business days; safety acknowledged the same day and escalated to level >= 1.
AUDIT_LOG = """\
complaint_id,received_at,channel,product,category,vulnerable,description,acknowledged_at,first_response_at,resolved_at,closed_at,status,outcome,escalation_level
C-101,2025-03-03 09:00,letter,electricity,billing,false,Bill wrong,2025-03-05 09:00,2025-03-07 09:00,2025-03-14 09:00,2025-03-14 10:00,closed,upheld,0
C-102,2025-03-03 09:00,email,electricity,billing,false,Bill wrong again,2025-03-06 09:00,2025-03-06 10:00,2025-03-20 09:00,2025-03-20 10:00,closed,not_upheld,0
C-103,2025-03-04 09:00,phone,gas,safety,false,Smell of gas,2025-03-05 09:00,2025-03-05 10:00,,,responded,,0
C-104,2025-03-04 09:00,letter,gas,metering,true,Meter reads wrong,2025-03-04 12:00,2025-03-10 09:00,,,responded,,0
C-105,2025-03-05 09:00,chat,broadband,customer_service,false,Agent hung up,,,,2025-03-07 09:00,closed,withdrawn,0
C-106,2025-03-05 09:00,letter,electricity,billing,false,Call me on 07700 900123,2025-03-05 10:00,2025-03-06 09:00,2025-03-06 10:00,2025-03-06 11:00,closed,,0
C-107,2025-03-06 09:00,web_form,electricity,billing,false,Refund missing,2025-03-07 09:00,2025-03-07 10:00,2025-04-10 09:00,2025-04-10 10:00,closed,upheld,1
C-108,2025-03-07 09:00,phone,gas,safety,false,Boiler fumes,2025-03-07 11:00,2025-03-10 09:00,,,responded,,1
C-109,2025-03-10 09:00,email,electricity,billing,false,Direct debit taken twice,2025-03-11 09:00,2025-03-18 09:00,,,responded,,0
C-110,2025-03-10 09:00,letter,broadband,billing,false,Speed lower than sold,2025-03-10 10:00,,2025-03-12 09:00,2025-03-12 10:00,closed,not_upheld,0
"""  # noqa: E501
# Business days after receipt: C-102 acknowledged after 3 (ACK_LATE); C-103 safety
# acknowledged after 1 and level 0 (SAFETY_ACK_LATE, SAFETY_NOT_ESCALATED); C-104 vulnerable,
# first response Tue → Mon = 4 (VULNERABLE_RESPONSE_LATE); C-105 closed, never acknowledged
# (ACK_MISSING; withdrawn, so no response is owed); C-106 closed without outcome and a phone
# number in the description (CLOSED_WITHOUT_OUTCOME, PERSONAL_DATA_IN_DESCRIPTION); C-107
# decision 6 Mar → 10 Apr = 25 (RESOLVE_LATE); C-109 first response after 6 (RESPONSE_LATE);
# C-110 closed, not withdrawn, no response (CLOSED_WITHOUT_RESPONSE). C-101 and C-108 conform.
AUDIT_BREACHES = [
    ("C-102", "ACK_LATE"),
    ("C-103", "SAFETY_ACK_LATE"),
    ("C-103", "SAFETY_NOT_ESCALATED"),
    ("C-104", "VULNERABLE_RESPONSE_LATE"),
    ("C-105", "ACK_MISSING"),
    ("C-106", "CLOSED_WITHOUT_OUTCOME"),
    ("C-106", "PERSONAL_DATA_IN_DESCRIPTION"),
    ("C-107", "RESOLVE_LATE"),
    ("C-109", "RESPONSE_LATE"),
    ("C-110", "CLOSED_WITHOUT_RESPONSE"),
]


def load_log(text: str) -> pd.DataFrame:
    """Load a CSV text through the course loader (as every view does); no row may fail."""
    result = load_complaints(pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False))
    assert result.report.rows_rejected == 0, result.report.summary()
    return result.frame


# A tiny case over AUDIT_LOG (March 2025). Samples: S1 every letter (C-101, C-104, C-106,
# C-110), S2 every safety complaint (C-103, C-108), S3 the records flagged for the record rules
# (C-105 ACK_MISSING; C-106 CLOSED_WITHOUT_OUTCOME and PERSONAL_DATA_IN_DESCRIPTION; C-110
# CLOSED_WITHOUT_RESPONSE). ACK_LATE (C-102), RESPONSE_LATE (C-109) and RESOLVE_LATE (C-107)
# are in no planned sample, so their findings rest on the data test.
TINY_CASE = """
id: T-1
title: Tiny audit
organization: Test Ltd
programme_audit: A-1
dates: {start: 2025-04-07, end: 2025-04-08, report: 2025-04-10}
objectives: [Check the policy is followed]
scope:
  received_from: 2025-03-01
  received_to: 2025-03-31
  included: [Everything received in March 2025]
  excluded: [Ombudsman cases]
criteria:
  - {kind: policy, reference: The policy, note: Main criteria}
team:
  - {name: Ann, role: Lead auditor, from: Internal Audit, independence: Not in complaints}
auditees:
  - {name: Bob, role: Complaints manager}
plan:
  - {date: 2025-04-01, time: "10:00", step: "19011:6.2", activity: Call, who: Ann, covers: []}
  - {date: 2025-04-07, time: "09:00", step: "19011:6.4", activity: Examine, who: Ann,
     covers: [S1, S2, S3, PC-1, E1]}
checks:
  - id: PC-1
    policy: "6.1"
    clauses: ["8.4"]
    question: "Is acknowledgement within {acknowledge_days} for {acknowledge_share} monitored,
      with reopen rate at most {reopen_rate_max} and a mean of {satisfaction_mean_min}?"
    method: document
samples:
  - {id: S1, title: Letters, method: judgement, select: {channel: letter},
     rules: [ACK_LATE, VULNERABLE_RESPONSE_LATE, RESOLVE_LATE], rationale: Mailroom risk}
  - {id: S2, title: Safety, method: judgement, select: {category: safety},
     rules: [SAFETY_ACK_LATE, SAFETY_NOT_ESCALATED], rationale: Harm}
  - {id: S3, title: Flagged, method: flagged,
     rules: [ACK_MISSING, CLOSED_WITHOUT_OUTCOME, CLOSED_WITHOUT_RESPONSE,
             PERSONAL_DATA_IN_DESCRIPTION], rationale: Rare lapses}
evidence:
  - id: E1
    kind: document
    source: Monthly reports
    date: 2025-04-07
    notes: Organization-wide figures only.
    checks: [PC-1]
    verify: ack_by_channel
    finding: {title: Break figures down, kind: ofi, grade: ofi, criterion: Policy 6.1,
              evidence: The reports, statement: Show channels separately.}
opening_meeting: [Introduce]
closing_meeting: [Present findings]
report: {distribution: [Board], confidentiality: No personal data.}
follow_up: [Plan in 30 days]
"""

TINY_PROGRAMME = """
id: P-1
title: Tiny programme
owner: Head of Audit
approved_by: Board
objectives: [Assurance]
risks: [{kind: risk, text: Letters are slow, response: Sample letters}]
audits:
  - {id: A-1, title: Tiny audit, when: "2025-04", status: in_progress, scope: All, note: First}
resources: [Two auditors]
competence: [Trained]
cycle: [{step: Establish, what: Set objectives}]
grading:
  note: Certification-body practice.
  grades:
    - {id: major, label: Major nonconformity, meaning: Systemic}
    - {id: minor, label: Minor nonconformity, meaning: Occasional}
    - {id: ofi, label: Opportunity for improvement, meaning: Could be better}
  major_rules: [SAFETY_ACK_LATE, SAFETY_NOT_ESCALATED]
  systemic_share: 0.2
"""


# 2025Q4 (reviewed): R1 letter acknowledged Mon 6 -> Thu 9 Oct = 3 business days (ACK_LATE),
# first response 4, decision 10; R2 vulnerable, first response Tue 7 -> Mon 13 Oct = 4
# (VULNERABLE_RESPONSE_LATE), reopened; R3 open, awaiting everything but acknowledgement.
# 2025Q3 (previous): P1 all the same day, first-contact resolution; P2 acknowledged after 1,
# response and decision after 2, escalated, no survey answer. 2024Q4 (a year before): Y1.
REVIEW_LOG = "\n".join([
    "complaint_id,received_at,channel,category,vulnerable,acknowledged_at,first_response_at,"
    "resolved_at,closed_at,status,outcome,redress_amount,escalation_level,referred_externally,"
    "reopened,first_contact_resolution,satisfaction_score,root_cause,description",
    "R1,2025-10-06 09:00,letter,billing,false,2025-10-09 09:00,2025-10-10 09:00,"
    "2025-10-20 09:00,2025-10-20 10:00,closed,upheld,20.00,0,false,false,false,5,"
    "billing_system_defect,Bill wrong",
    "R2,2025-10-07 10:00,phone,metering,true,2025-10-07 10:05,2025-10-13 09:00,"
    "2025-10-13 09:00,2025-10-13 10:00,closed,not_upheld,0.00,0,false,true,false,2,"
    "customer_misunderstanding,Meter reads wrong",
    "R3,2025-12-22 09:00,email,billing,false,2025-12-22 10:00,,,,open,,,0,false,false,false,,,"
    "Refund missing",
    "P1,2025-07-07 09:00,phone,billing,false,2025-07-07 09:05,2025-07-07 09:10,2025-07-07 09:10,"
    "2025-07-07 09:20,closed,upheld,10.00,0,false,false,true,4,billing_system_defect,Bill high",
    "P2,2025-08-04 09:00,email,metering,false,2025-08-05 09:00,2025-08-06 09:00,"
    "2025-08-06 09:00,2025-08-06 10:00,closed,partially_upheld,5.00,1,false,false,false,,"
    "staff_error,Meter not exchanged",
    "Y1,2024-11-04 09:00,phone,billing,false,2024-11-04 09:05,2024-11-04 09:10,2024-11-04 09:10,"
    "2024-11-04 09:20,closed,upheld,0.00,0,false,false,true,3,billing_system_defect,Bill high",
]) + "\n"

REVIEW_CONTENT = """
chair: Director
attendees: [Director, Complaints manager]
reviews:
  - {quarter: 2025Q2, meeting: 2025-07-22, held: true, note: ""}
  - {quarter: 2025Q3, meeting: 2025-10-21, held: false, note: Diary clash}
  - {quarter: 2025Q4, meeting: 2026-02-03, held: true, note: ""}
changes:
  - {date: 2025-07-01, kind: internal, text: Before the last review held}
  - {date: 2025-09-15, kind: external, text: Regulator letter}
  - {date: 2026-02-10, kind: internal, text: After the meeting}
actions:
  - {id: A1, decided: 2025-04-22, action: Old and done, owner: Ann, due: 2025-05-30,
     done: 2025-05-20, input: trends}
  - {id: A2, decided: 2025-07-22, action: Queues, owner: Bob, due: 2025-10-31, done: null,
     input: analysis}
  - {id: A3, decided: 2025-07-22, action: Training, owner: Cy, due: 2026-03-31, done: null,
     input: audit}
  - {id: A4, decided: 2025-07-22, action: Letters, owner: Di, due: 2025-09-30,
     done: 2025-09-26, input: analysis}
outputs:
  quarter: 2025Q4
  decisions: [Keep the process]
  actions:
    - {id: O1, action: Fix queues, owner: Bob, due: 2026-03-31, input: audit,
       resources: IT time}
  resources: [A temporary handler]
corrective_action:
  id: CA-1
  nonconformity: Letters acknowledged late
  reaction: Acknowledge the backlog
  root_cause: Scanning waits for the mailroom
  similar: Meter cards take the same route
  action: Scan letters in the complaints team
  owner: Facilities
  due: 2025-08-31
  effectiveness:
    measure: time_to_acknowledge
    filter: {channel: letter}
    baseline: {from: 2025-07-01, to: 2025-09-30}
    after: {from: 2025-10-01, to: 2025-12-31}
    target: 0.95
    check_date: 2026-01-15
"""
