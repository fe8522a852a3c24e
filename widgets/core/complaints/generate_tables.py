"""The distributions the synthetic complaint log is drawn from, as data.

Why a module of its own: these tables say what Harbourside Energy's complaints look like —
channel mix, weekday and hour rhythms, category shares and seasons, subcategories with their
description templates, teams and handlers, severities, outcomes, root causes, remedies,
survey behaviour, names — and the sizes of the planted patterns (the billing-system spike,
workload pressure, the metering team's reopenings, vulnerable customers waiting longer, the
records that break the policy). Tuning what the data says
is a change here; how it is drawn (vectorized, seeded, byte-identical) is a change in
:mod:`widgets.core.complaints.generate`. The numbers learners should find are stated in
datasets/README.md, and a test checks them against a fresh generation.

All names are invented or common; e-mail domains are the ones reserved for examples
(RFC 2606), so no address reaches anyone.
"""

from __future__ import annotations

# Complaints that deliberately break the policy, per 4,800 complaints (scaled for other sizes).
PLANTED_BREACHES = {
    "ack_missing": 12,
    "closed_without_outcome": 8,
    "closed_without_response": 6,
    "personal_data": 14,
    "safety_not_escalated": 4,
    "safety_ack_late": 3,
}

# The new billing system goes live on the first Monday 14 months and 2 days after the start
# (2025-03-03 for the default period); billing complaints run at BILLING_SPIKE × the usual
# level until the end of the third calendar month (May 2025), then ease off for a month.
GO_LIVE_MONTHS = 14
BILLING_SPIKE = 3.3
BILLING_AFTERMATH = 1.5

# Workload pressure per month offset from the start: a mailroom staff shortage (Oct-Nov 2024),
# Christmas staffing (December) and the billing spike (Mar-May 2025). Pressure slows
# acknowledgements and responses, and complaints about complaints handling follow it.
MONTH_PRESSURE = {9: 1.6, 10: 1.5, 11: 1.25, 14: 1.8, 15: 1.8, 16: 1.6, 23: 1.25}

CHANNEL_SHARES = {"phone": 0.40, "email": 0.20, "web_form": 0.18, "chat": 0.10,
                  "letter": 0.07, "social_media": 0.05}
# Relative volume Monday..Sunday, and on a public holiday, per channel.
WEEKDAY_FACTORS = {
    "phone": (1.35, 1.15, 1.05, 1.0, 0.9, 0.25, 0.0),
    "email": (1.3, 1.1, 1.0, 1.0, 0.9, 0.45, 0.4),
    "web_form": (1.15, 1.05, 1.0, 1.0, 0.95, 0.8, 0.75),
    "chat": (1.15, 1.05, 1.0, 1.0, 0.95, 0.75, 0.6),
    "letter": (1.6, 1.1, 1.0, 1.0, 0.9, 0.0, 0.0),
    "social_media": (1.1, 1.0, 1.0, 1.0, 1.0, 0.9, 0.9),
}
HOLIDAY_FACTORS = {"phone": 0.15, "email": 0.45, "web_form": 0.7, "chat": 0.5, "letter": 0.0,
                   "social_media": 0.8}
# Hour-of-day weights (0..23) on business days and on weekends/holidays.
_DAYTIME = (0.1, 0.05, 0.05, 0.05, 0.05, 0.1, 0.3, 0.6, 0.9, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0,
            1.0, 1.0, 1.0, 1.1, 1.2, 1.2, 1.0, 0.6, 0.3)
HOUR_WEIGHTS = {
    "phone": ((0,) * 8 + (0.6, 1.3, 1.4, 1.2, 1.0, 1.1, 1.1, 1.0, 0.9, 0.7, 0.5, 0.35)
              + (0,) * 4, (0,) * 9 + (1.0,) * 4 + (0,) * 11),
    "chat": ((0,) * 8 + (1.0,) * 10 + (1.2,) * 4 + (0,) * 2,
             (0,) * 9 + (1.0,) * 9 + (0,) * 6),
    "email": (_DAYTIME, _DAYTIME),
    "web_form": (_DAYTIME, _DAYTIME),
    "social_media": (_DAYTIME, _DAYTIME),
    "letter": ((0,) * 9 + (1.0, 1.0, 0.8, 0.4) + (0,) * 11, (0,) * 9 + (1.0,) + (0,) * 14),
}

# Base share of complaints per category, and winter seasonality (amplitude of a yearly cosine
# peaking in mid-January).
CATEGORY_SHARES = {
    "billing": 0.34, "metering": 0.15, "payments_and_debt": 0.11, "supply_and_service": 0.09,
    "customer_service": 0.1, "contract_and_switching": 0.08, "safety": 0.018,
    "data_protection": 0.015, "complaints_handling": 0.035,
}
SEASONALITY = {"billing": 0.25, "supply_and_service": 0.3, "payments_and_debt": 0.15,
               "metering": 0.1}
COMPLAINTS_HANDLING_PRESSURE_POWER = 2.2
# How much more (or less) likely a category is to arrive by a channel.
CHANNEL_AFFINITY = {
    "safety": {"phone": 3.0, "letter": 0.3, "social_media": 0.3, "email": 0.8, "web_form": 0.8},
    "data_protection": {"email": 1.5, "letter": 2.0},
}

PRODUCT_LABELS = {"electricity": "electricity", "gas": "gas", "dual_fuel": "dual fuel",
                  "broadband": "broadband", "smart_meter": "smart meter",
                  "boiler_cover": "boiler cover"}
_ENERGY = {"electricity": 0.35, "gas": 0.25, "dual_fuel": 0.4}
_ANY = {"electricity": 0.3, "gas": 0.2, "dual_fuel": 0.35, "broadband": 0.15}
_METER = {"electricity": 0.3, "gas": 0.25, "smart_meter": 0.45}
_WIDE = {"electricity": 0.25, "gas": 0.15, "dual_fuel": 0.3, "broadband": 0.15,
         "smart_meter": 0.07, "boiler_cover": 0.08}

# category -> subcategory -> (weight, product weights, description templates).
# Templates are short sentences; {product} becomes the product's label. They hold no digits
# and no '@', so that only the planted records look like personal data to the policy checks.
SUBCATEGORIES: dict[str, dict[str, tuple[float, dict[str, float], tuple[str, ...]]]] = {
    "billing": {
        "incorrect_bill": (0.28, _ANY, (
            "My latest {product} bill is far higher than usual and does not match my usage.",
            "The {product} bill charges me for more than I have used.",
            "I have been billed twice for the same period on my {product} account.",
        )),
        "estimated_bill": (0.22, _ENERGY, (
            "My {product} bills keep being estimated even though I send meter readings.",
            "You estimated my {product} usage again and the estimate is much too high.",
            "I submitted a reading but the {product} bill still shows an estimate.",
        )),
        "direct_debit_amount": (0.18, _ANY, (
            "My {product} direct debit was increased without any explanation.",
            "The new {product} direct debit is more than double what I was paying.",
            "You took the wrong amount from my bank account for {product}.",
        )),
        "refund_delay": (0.12, _ANY, (
            "I was promised a refund of my {product} credit weeks ago and it has not arrived.",
            "My account is in credit and my refund request for {product} has been ignored.",
            "The refund for my closed {product} account still has not been paid.",
        )),
        "wrong_tariff": (0.12, _ANY, (
            "I am on the wrong {product} tariff, not the one I signed up for.",
            "My {product} bill uses a higher rate than my contract says.",
            "You moved me to a standard variable {product} tariff without asking.",
        )),
        "back_billing": (0.08, _ENERGY, (
            "I have received a catch-up {product} bill going back more than a year.",
            "A large back-bill for {product} arrived with no warning.",
            "You are charging me now for {product} used a long time ago.",
        )),
    },
    "metering": {
        "smart_meter_not_communicating": (0.3, {"smart_meter": 1.0}, (
            "My smart meter stopped sending readings and my bills are estimated again.",
            "The in-home display for my smart meter has been blank for weeks.",
            "My smart meter works in dumb mode and I have to send readings myself.",
        )),
        "meter_exchange_delay": (0.2, _METER, (
            "I have waited months for my {product} meter to be exchanged.",
            "The engineer never came to replace my old {product} meter.",
            "My {product} meter exchange appointment was cancelled again.",
        )),
        "faulty_meter": (0.18, _METER, (
            "My {product} meter is running fast and I think it is faulty.",
            "The {product} meter display shows an error and the readings jump.",
            "I reported a faulty {product} meter and nobody has tested it.",
        )),
        "missed_meter_appointment": (0.14, _METER, (
            "I took a day off work and the meter engineer did not turn up.",
            "Nobody came to the {product} meter appointment and nobody called.",
            "The installer arrived outside the booked slot and left without fitting the "
            "{product} meter.",
        )),
        "disputed_meter_reading": (0.18, _ENERGY, (
            "The reading on my {product} bill is not what my meter shows.",
            "You used someone else's {product} meter reading on my account.",
            "My opening {product} reading after switching is wrong.",
        )),
    },
    "payments_and_debt": {
        "payment_not_applied": (0.25, _ANY, (
            "A payment I made for {product} is not showing on my account.",
            "You say my {product} account is in arrears but I paid in full.",
            "My card payment for {product} was taken but not credited.",
        )),
        "debt_collection_contact": (0.2, _ANY, (
            "A debt collector contacted me about a {product} balance I do not owe.",
            "I keep receiving threatening letters about my {product} account.",
            "You passed my {product} account to collections while I was on a payment plan.",
        )),
        "payment_plan": (0.2, _ENERGY, (
            "You refused a reasonable payment plan for my {product} arrears.",
            "My agreed {product} payment plan was cancelled without notice.",
            "The repayment amount you set for {product} is more than I can afford.",
        )),
        "prepayment_top_up": (0.2, _ENERGY, (
            "My prepayment {product} top-up did not reach the meter and I was cut off.",
            "I topped up my {product} prepayment meter but the credit never appeared.",
            "Emergency credit on my prepayment {product} meter did not work.",
        )),
        "credit_balance": (0.15, _ANY, (
            "You are holding a large credit balance on my {product} account and will not "
            "return it.",
            "My {product} credit balance disappeared from my account.",
        )),
    },
    "supply_and_service": {
        "power_cut": (0.15, {"electricity": 0.6, "dual_fuel": 0.4}, (
            "We had a power cut lasting most of the day and nobody gave us updates.",
            "Our electricity keeps cutting out and the fault has not been fixed.",
            "I was not told how long the {product} supply interruption would last.",
        )),
        "gas_supply_interruption": (0.1, {"gas": 0.6, "dual_fuel": 0.4}, (
            "Our gas supply was off for several days after the works outside.",
            "The gas was cut off and reconnection was delayed again and again.",
        )),
        "broadband_outage": (0.25, {"broadband": 1.0}, (
            "My broadband has been down for days and I work from home.",
            "The broadband connection drops every evening.",
            "My broadband was disconnected during the upgrade and never came back.",
        )),
        "slow_broadband_speed": (0.15, {"broadband": 1.0}, (
            "My broadband speed is far below the speed I was promised.",
            "The broadband is too slow to use for video calls.",
        )),
        "boiler_breakdown_repair": (0.2, {"boiler_cover": 1.0}, (
            "My boiler broke down and the repair under my boiler cover took weeks.",
            "The engineer could not fix my boiler and has not come back.",
            "I was left without heating and hot water although I pay for boiler cover.",
        )),
        "engineer_missed_appointment": (0.15, {"boiler_cover": 0.5, "broadband": 0.5}, (
            "The {product} engineer missed the appointment twice.",
            "I waited in all day for a {product} engineer who never came.",
        )),
    },
    "customer_service": {
        "long_call_wait": (0.25, _WIDE, (
            "I waited over an hour on the phone to speak to someone about my {product} "
            "account.",
            "Your phone lines are always busy and the call drops before I get through.",
        )),
        "rude_staff": (0.15, _WIDE, (
            "The adviser I spoke to about my {product} account was rude and dismissive.",
            "A member of your staff hung up on me.",
        )),
        "promised_callback_not_made": (0.25, _WIDE, (
            "I was promised a call back about my {product} account and nobody rang.",
            "Three call backs were promised and none of them happened.",
        )),
        "wrong_information_given": (0.2, _WIDE, (
            "Your adviser gave me wrong information about my {product} contract.",
            "I was told different things by different advisers about my {product} account.",
        )),
        "account_change_not_made": (0.15, _WIDE, (
            "I asked you to update my contact details and it was never done.",
            "The change of tenancy on my {product} account was not processed.",
        )),
    },
    "contract_and_switching": {
        "switching_delay": (0.25, _ANY, (
            "My switch of {product} supplier to Harbourside has taken far too long.",
            "The switch of my {product} supply has stalled and nobody can tell me why.",
        )),
        "exit_fee_dispute": (0.2, _ANY, (
            "You charged me an exit fee for {product} although my fixed term had ended.",
            "I was charged a {product} cancellation fee I was never told about.",
        )),
        "contract_terms_changed": (0.2, _WIDE, (
            "You changed the terms of my {product} contract without telling me.",
            "My fixed {product} price went up before the end of the fixed term.",
        )),
        "erroneous_transfer": (0.15, _ENERGY, (
            "My {product} supply was transferred to you without my agreement.",
            "You took over the {product} supply at the wrong address.",
        )),
        "renewal_price": (0.2, _ANY, (
            "The {product} renewal price is much higher than the price offered to new "
            "customers.",
            "I was not sent a renewal notice before my {product} deal ended.",
        )),
    },
    "safety": {
        "gas_smell_reported": (0.25, {"gas": 0.6, "dual_fuel": 0.2, "smart_meter": 0.2}, (
            "I smelled gas after your engineer's visit and reported it straight away.",
            "There is a smell of gas near the meter since it was changed.",
        )),
        "unsafe_meter_installation": (0.25, {"smart_meter": 0.7, "electricity": 0.3}, (
            "The new {product} meter was left with exposed wires.",
            "The {product} meter installation left the cupboard unsafe.",
        )),
        "carbon_monoxide_concern": (0.15, {"boiler_cover": 1.0}, (
            "The carbon monoxide alarm went off after the boiler service.",
            "I am worried about fumes from the boiler since the repair.",
        )),
        "electrical_hazard_after_work": (0.2, {"electricity": 0.5, "smart_meter": 0.5}, (
            "The engineer left a socket sparking after the meter work.",
            "Cables were left loose after the electricity meter exchange.",
        )),
        "boiler_safety_defect": (0.15, {"boiler_cover": 1.0}, (
            "The boiler was marked unsafe but the repair under my cover was refused.",
            "The boiler pressure valve has leaked since your engineer's visit.",
        )),
    },
    "data_protection": {
        "letter_sent_to_wrong_address": (0.3, _ANY, (
            "My {product} bill was sent to my old address after I had told you I moved.",
            "A neighbour received a letter with my account details.",
        )),
        "marketing_without_consent": (0.25, _WIDE, (
            "I keep getting marketing calls although I opted out.",
            "You sent me marketing messages I never agreed to.",
        )),
        "subject_access_request_delay": (0.25, _WIDE, (
            "I asked for a copy of my personal data and have had no reply.",
            "My subject access request is well past the legal time limit.",
        )),
        "account_details_disclosed": (0.2, _WIDE, (
            "Your adviser discussed my account with my ex-partner without my permission.",
            "My account details were given to someone else on the phone.",
        )),
    },
    "complaints_handling": {
        "no_acknowledgement": (0.3, _WIDE, (
            "I complained weeks ago and never received any acknowledgement.",
            "Nobody confirmed that my complaint had been received.",
        )),
        "no_response_to_complaint": (0.25, _WIDE, (
            "My complaint has had no response at all.",
            "I was promised a reply to my complaint and it never came.",
        )),
        "complaint_not_resolved": (0.2, _WIDE, (
            "My complaint was closed but the problem is still not fixed.",
            "You marked my complaint as resolved without asking me.",
        )),
        "poor_complaint_handling": (0.15, _WIDE, (
            "Every time I call I have to explain my complaint from the beginning.",
            "My complaint was passed between departments and nobody owns it.",
        )),
        "not_told_ombudsman_rights": (0.1, _WIDE, (
            "Nobody told me I could take my complaint to the ombudsman.",
            "I asked about the ombudsman and was told I could not go there.",
        )),
    },
}
OPENERS = ("", "", "", "", "I am writing to complain. ",
           "This is not the first time I have raised this. ", "I am very unhappy. ",
           "I have been a customer for years. ")
CLOSERS = ("", "", "", " Please put this right.", " I want this sorted out quickly.",
           " Please reply in writing.", " This has caused me a lot of stress.",
           " I would like a call back.", " I am very disappointed.")

# Team that owns a complaint, per category; some subcategories belong elsewhere.
TEAM_WEIGHTS = {
    "billing": {"billing_team": 0.85, "customer_relations": 0.15},
    "metering": {"metering_team": 0.8, "field_services": 0.2},
    "payments_and_debt": {"billing_team": 0.6, "customer_relations": 0.4},
    "supply_and_service": {"network_operations": 0.7, "field_services": 0.3},
    "customer_service": {"customer_relations": 0.85, "billing_team": 0.15},
    "contract_and_switching": {"customer_relations": 0.6, "billing_team": 0.4},
    "safety": {"safety_team": 0.85, "field_services": 0.15},
    "data_protection": {"customer_relations": 1.0},
    "complaints_handling": {"customer_relations": 1.0},
}
SUBCATEGORY_TEAMS = {
    "boiler_breakdown_repair": {"field_services": 1.0},
    "engineer_missed_appointment": {"field_services": 1.0},
}
HANDLERS_PER_TEAM = {"billing_team": 14, "metering_team": 9, "field_services": 8,
                     "customer_relations": 14, "network_operations": 7, "safety_team": 4}

SEVERITY_WEIGHTS = {  # low, medium, high, critical
    "default": (0.37, 0.42, 0.18, 0.03),
    "customer_service": (0.5, 0.38, 0.1, 0.02),
    "supply_and_service": (0.2, 0.4, 0.3, 0.1),
    "safety": (0.0, 0.05, 0.45, 0.5),
    "data_protection": (0.1, 0.4, 0.4, 0.1),
}

OUTCOME_WEIGHTS = {  # upheld, partially_upheld, not_upheld, withdrawn
    "default": (0.33, 0.25, 0.37, 0.05),
    "spike_billing": (0.55, 0.25, 0.15, 0.05),
    "safety": (0.5, 0.2, 0.28, 0.02),
}

# Root causes the investigation finds: for upheld/partially upheld complaints (a fault of
# ours) per category, and for complaints not upheld.
FAULT_CAUSES = {
    "billing": {"billing_system_defect": 0.5, "estimated_meter_read": 0.42,
                "staff_error": 0.03, "data_entry_error": 0.03, "process_gap": 0.02},
    "spike_billing": {"billing_system_defect": 0.9, "estimated_meter_read": 0.06,
                      "staff_error": 0.02, "data_entry_error": 0.02},
    "metering": {"estimated_meter_read": 0.8, "contractor_performance": 0.1,
                 "supplier_delay": 0.04, "staff_error": 0.03, "data_entry_error": 0.03},
    "payments_and_debt": {"billing_system_defect": 0.8, "staff_error": 0.08,
                          "process_gap": 0.06, "data_entry_error": 0.06},
    "supply_and_service": {"network_fault": 0.5, "contractor_performance": 0.3,
                           "supplier_delay": 0.15, "communication_failure": 0.05},
    "customer_service": {"staff_error": 0.4, "communication_failure": 0.25,
                         "billing_system_defect": 0.2, "process_gap": 0.15},
    "contract_and_switching": {"billing_system_defect": 0.6, "process_gap": 0.15,
                               "supplier_delay": 0.1, "data_entry_error": 0.1,
                               "staff_error": 0.05},
    "safety": {"contractor_performance": 0.6, "network_fault": 0.2, "staff_error": 0.2},
    "data_protection": {"data_entry_error": 0.4, "process_gap": 0.3, "staff_error": 0.3},
    "complaints_handling": {"process_gap": 0.4, "staff_error": 0.3,
                            "communication_failure": 0.3},
}
NO_FAULT_CAUSES = {
    "default": {"customer_misunderstanding": 0.9, "policy_decision": 0.06,
                "no_fault_found": 0.04},
    "supply_and_service": {"customer_misunderstanding": 0.45, "no_fault_found": 0.45,
                           "policy_decision": 0.1},
    "safety": {"no_fault_found": 0.85, "customer_misunderstanding": 0.15},
}

UPHELD_REMEDIES = {
    "billing": {"bill_correction": 0.45, "refund": 0.25, "goodwill_payment": 0.2,
                "apology": 0.1},
    "metering": {"repair": 0.4, "bill_correction": 0.25, "goodwill_payment": 0.2,
                 "apology": 0.15},
    "payments_and_debt": {"refund": 0.35, "bill_correction": 0.3, "goodwill_payment": 0.2,
                          "apology": 0.15},
    "supply_and_service": {"repair": 0.35, "service_credit": 0.35, "goodwill_payment": 0.2,
                           "apology": 0.1},
    "customer_service": {"apology": 0.4, "goodwill_payment": 0.4, "process_change": 0.2},
    "contract_and_switching": {"refund": 0.35, "bill_correction": 0.3,
                               "goodwill_payment": 0.2, "apology": 0.15},
    "safety": {"repair": 0.7, "goodwill_payment": 0.15, "process_change": 0.15},
    "data_protection": {"apology": 0.4, "process_change": 0.35, "goodwill_payment": 0.25},
    "complaints_handling": {"apology": 0.45, "goodwill_payment": 0.35, "process_change": 0.2},
}
PARTIAL_EXTRA_REMEDIES = {"apology": 0.5, "explanation": 0.3, "goodwill_payment": 0.2}
NOT_UPHELD_REMEDIES = {"explanation": 0.85, "none": 0.15}
GOODWILL_AMOUNTS = (20.0, 25.0, 30.0, 50.0, 75.0, 100.0, 150.0)
GOODWILL_WEIGHTS = (0.12, 0.2, 0.18, 0.25, 0.12, 0.1, 0.03)
# median GBP and lognormal sigma of money remedies other than goodwill payments
AMOUNT_MEDIANS = {"bill_correction": (85.0, 0.8), "refund": (120.0, 0.9),
                  "service_credit": (15.0, 0.5)}

# First-contact resolution: chance per channel, scaled by severity.
FCR_CHANCE = {"phone": 0.7, "chat": 0.6, "email": 0.25, "web_form": 0.25,
              "social_media": 0.25, "letter": 0.02}
FCR_SEVERITY = (1.1, 1.0, 0.6, 0.25)
VULNERABLE_SHARE = 0.12
SMALL_BUSINESS_SHARE = 0.10
# Planted pattern e, against policy 4.6: vulnerable customers wait longer for a first response
# and are less often helped in the first contact.
VULNERABLE_RESPONSE_FACTOR = 1.5
VULNERABLE_FCR_FACTOR = 0.7
REOPEN_CHANCE = {"metering_team": 0.14}
REOPEN_CHANCE_OTHER = 0.03
SURVEY_RESPONSE = {"upheld": 0.45, "partially_upheld": 0.35, "not_upheld": 0.3,
                   "withdrawn": 0.12}
SATISFACTION_BASE = {"upheld": 4.5, "partially_upheld": 3.7, "not_upheld": 2.6,
                     "withdrawn": 3.2}

FIRST_NAMES = (
    "Oliver", "George", "Harry", "Jack", "Noah", "Leo", "Arthur", "Muhammad", "Oscar",
    "Charlie", "Jacob", "Thomas", "Henry", "William", "James", "Alfie", "Joshua", "Freddie",
    "Archie", "Ethan", "Isaac", "Alexander", "Joseph", "Edward", "Samuel", "Max", "Daniel",
    "Lucas", "Dylan", "Theo", "Ryan", "David", "Michael", "Paul", "Mark", "Andrew", "Richard",
    "Stephen", "Peter", "Christopher", "Anthony", "Kevin", "Gareth", "Rhys", "Aled", "Ciarán",
    "Rohan", "Arjun", "Kwame", "Tomasz", "Olivia", "Amelia", "Isla", "Ava", "Mia", "Ivy",
    "Lily", "Isabella", "Rosie", "Sophia", "Grace", "Freya", "Willow", "Emily", "Ella",
    "Poppy", "Evie", "Charlotte", "Sophie", "Jessica", "Hannah", "Lucy", "Chloë", "Zoë",
    "Siân", "Aoife", "Niamh", "Priya", "Aisha", "Fatima", "Amara", "Zainab", "Agnieszka",
    "Margaret", "Susan", "Sarah", "Karen", "Helen", "Julie", "Janet", "Patricia",
    "Elizabeth", "Mary", "Joanne", "Rachel", "Claire", "Nicola", "Angela", "Deborah", "Linda",
    "Dorothy", "Joan", "Brenda", "Eileen",
)
LAST_NAMES = (
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas",
    "Johnson", "Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards",
    "Hughes", "Green", "Hall", "Lewis", "Harris", "Clarke", "Patel", "Jackson", "Wood",
    "Turner", "Martin", "Cooper", "Hill", "Ward", "Morris", "Moore", "Clark", "Lee", "King",
    "Baker", "Harrison", "Morgan", "Allen", "James", "Scott", "Phillips", "Watson", "Davis",
    "Parker", "Price", "Bennett", "Young", "Griffiths", "Mitchell", "Kelly", "Cook", "Carter",
    "Richardson", "Bailey", "Collins", "Bell", "Shaw", "Murphy", "Miller", "Cox", "Richards",
    "Khan", "Marshall", "Anderson", "Simpson", "Ellis", "Adams", "Singh", "Begum", "Wilkinson",
    "Foster", "Chapman", "Powell", "Webb", "Rogers", "Gray", "Mason", "Ali", "Hunt",
    "Hussain", "Campbell", "Matthews", "Owen", "Palmer", "Holmes", "Mills", "Barnes",
    "Knight", "Lloyd", "Butler", "Russell", "Barker", "Fisher", "Stevens", "Jenkins",
    "Murray", "Dixon", "Harvey", "O'Brien", "O'Connor", "MacDonald", "Nowak", "Kowalski",
    "Okafor", "Mensah", "Chen", "Nguyen", "Ahmed", "Sharma",
)
EMAIL_DOMAINS = ("example.com", "example.org", "example.net")
EMAIL_DOMAIN_WEIGHTS = (0.5, 0.3, 0.2)

BUSINESS_HOURS = (8 * 3600, 18 * 3600)  # when staff send acknowledgements, responses, …
