"""Public regulator timelines: the shipped file says what the content map says, every unit is
counted the way it is meant (hours, calendar days, business days, weeks, months), chained
milestones start where they should, and a broken file names the entry and key.

Dates are worked out by hand from the calendar; business days use the England and Wales
holidays of datasets/policy.yaml and count the days after the start day.
"""

from __future__ import annotations

import copy
import datetime as dt

import pytest
import yaml

from widgets.core.complaints.deadlines import plan_deadlines
from widgets.core.complaints.regulators import (
    REGULATORS_FILE,
    Milestone,
    RegulatorError,
    add_months,
    add_period,
    comparison_table,
    due_dates,
    load_regulators,
    parse_regulators,
)

D = dt.date
EASTER_THURSDAY = dt.datetime(2025, 4, 17, 15, 30)  # Good Friday 18, Easter Monday 21 April
RAW = yaml.safe_load(REGULATORS_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def regulators():
    return load_regulators()


def test_shipped_timelines_match_the_content_map(regulators):
    shape = {rid: [(m.id, m.amount, m.unit, m.start) for m in r.milestones]
             for rid, r in regulators.items()}
    assert shape == {
        "fca": [("summary-resolution", 3, "business_days", "receipt"),
                ("final-response", 8, "weeks", "receipt"),
                ("ombudsman-window", 6, "months", "final-response")],
        "asic": [("acknowledgement", 24, "hours", "receipt"),
                 ("final-response", 30, "calendar_days", "receipt")],
        "spso": [("stage-1-decision", 5, "business_days", "receipt"),
                 ("stage-2-acknowledgement", 3, "business_days", "stage-1-decision"),
                 ("stage-2-decision", 20, "business_days", "stage-1-decision")],
        "housing-ombudsman": [
            ("stage-1-acknowledgement", 5, "business_days", "receipt"),
            ("stage-1-response", 10, "business_days", "stage-1-acknowledgement"),
            ("stage-2-acknowledgement", 5, "business_days", "stage-1-response"),
            ("stage-2-response", 20, "business_days", "stage-2-acknowledgement")],
        "cfpb": [("response", 15, "calendar_days", "receipt"),
                 ("closed", 60, "calendar_days", "receipt")],
        # Harbourside's own regulators: the 8-week ombudsman / ADR point of its policy (4.8)
        "ofgem": [("ombudsman-open", 8, "weeks", "receipt")],
        "ofcom": [("adr-open", 8, "weeks", "receipt")],
    }
    assert regulators["asic"].jurisdiction == "Australia"
    assert "2008/1898" in regulators["ofgem"].source
    assert "C4" in regulators["ofcom"].name
    assert "Date sent to company" in regulators["cfpb"].note


def test_energy_and_broadband_ombudsman_points_are_eight_calendar_weeks(regulators, policy):
    # Easter Thursday 17 Apr 2025 + 56 days = Thu 12 Jun 2025 (holidays do not move weeks)
    for rid, milestone in (("ofgem", "ombudsman-open"), ("ofcom", "adr-open")):
        assert due_map(regulators[rid], EASTER_THURSDAY, policy) == {milestone: D(2025, 6, 12)}


def due_map(regulator, received, policy, happened=None) -> dict[str, object]:
    return {d.milestone.id: d.due_at or d.due
            for d in due_dates(regulator, received, policy, happened)}


def test_easter_2025_under_every_regime(regulators, policy):
    # FCA: 3 business days Tue 22 (1), Wed 23 (2), Thu 24 (3); 8 weeks = 56 days = Thu 12 Jun;
    # six months after 12 Jun = 12 Dec.
    assert due_map(regulators["fca"], EASTER_THURSDAY, policy) == {
        "summary-resolution": D(2025, 4, 24), "final-response": D(2025, 6, 12),
        "ombudsman-window": D(2025, 12, 12)}
    # ASIC: 24 hours runs through Good Friday; 30 calendar days = Sat 17 May.
    assert due_map(regulators["asic"], EASTER_THURSDAY, policy) == {
        "acknowledgement": dt.datetime(2025, 4, 18, 15, 30), "final-response": D(2025, 5, 17)}
    # SPSO: stage 1 Tue 22 ... Mon 28 (5); stage 2 from Mon 28: Tue 29, Wed 30, Thu 1 May (3);
    # 20: 29, 30, 1, 2 (4), Mon 5 holiday, 6-9 (8), 12-16 (13), 19-23 (18), Mon 26 holiday,
    # Tue 27 (19), Wed 28 May (20).
    assert due_map(regulators["spso"], EASTER_THURSDAY, policy) == {
        "stage-1-decision": D(2025, 4, 28), "stage-2-acknowledgement": D(2025, 5, 1),
        "stage-2-decision": D(2025, 5, 28)}
    # Housing Ombudsman: ack Mon 28 Apr (5); response 10 after: 29, 30, 1, 2 (4), 6-9 (8),
    # 12, Tue 13 May (10); stage 2 ack 14, 15, 16, 19, Tue 20 May (5); response 20 after:
    # 21-23 (3), Mon 26 holiday, 27-30 (7), 2-6 Jun (12), 9-13 (17), 16, 17, Wed 18 Jun (20).
    assert due_map(regulators["housing-ombudsman"], EASTER_THURSDAY, policy) == {
        "stage-1-acknowledgement": D(2025, 4, 28), "stage-1-response": D(2025, 5, 13),
        "stage-2-acknowledgement": D(2025, 5, 20), "stage-2-response": D(2025, 6, 18)}
    # CFPB: 17 Apr + 15 = Fri 2 May; + 60 = Mon 16 Jun (13 left in April, 31 in May, 16 in June).
    assert due_map(regulators["cfpb"], EASTER_THURSDAY, policy) == {
        "response": D(2025, 5, 2), "closed": D(2025, 6, 16)}


def test_chained_milestones_use_the_actual_date_when_given(regulators, policy):
    dates = due_dates(regulators["housing-ombudsman"], EASTER_THURSDAY, policy,
                      happened={"stage-1-acknowledgement": D(2025, 4, 22)})
    # Acknowledged Tue 22 Apr: 10 business days after are 23, 24, 25 (3), 28 Apr-2 May (8),
    # Mon 5 May holiday, Tue 6 (9), Wed 7 May (10).
    assert dates[1].due == D(2025, 5, 7)
    assert (dates[1].start, dates[1].start_assumed) == (dt.datetime(2025, 4, 22), False)
    assert (dates[2].start, dates[2].start_assumed) == (dt.datetime(2025, 5, 7), True)
    # A final response sent on 31 Aug: the six-month window ends on the last day of February.
    fca = due_map(regulators["fca"], dt.datetime(2025, 7, 10, 9, 0), policy,
                  happened={"final-response": dt.datetime(2025, 8, 31, 12, 0)})
    assert fca["ombudsman-window"] == D(2026, 2, 28)
    with pytest.raises(KeyError, match="fca has no milestone 'stage-1'; it has "
                                       "summary-resolution, final-response"):
        due_dates(regulators["fca"], EASTER_THURSDAY, policy, happened={"stage-1": D(2025, 5, 1)})
    with pytest.raises(ValueError, match="final-response happened at 2025-04-01 00:00:00 but "
                                         "its clock only started"):
        due_dates(regulators["fca"], EASTER_THURSDAY, policy,
                  happened={"final-response": D(2025, 4, 1)})


def test_units(policy):
    friday_evening = dt.datetime(2025, 3, 7, 17, 45)
    assert add_period(friday_evening, 24, "hours", policy) == (
        D(2025, 3, 8), dt.datetime(2025, 3, 8, 17, 45))  # hours ignore the weekend
    assert add_period(friday_evening, 30, "calendar_days", policy) == (D(2025, 4, 6), None)
    assert add_period(friday_evening, 8, "weeks", policy) == (D(2025, 5, 2), None)
    assert add_period(friday_evening, 3, "business_days", policy) == (D(2025, 3, 12), None)
    assert add_period(friday_evening, 1, "months", policy) == (D(2025, 4, 7), None)
    with pytest.raises(ValueError, match="unknown unit 'fortnights'"):
        add_period(friday_evening, 1, "fortnights", policy)


@pytest.mark.parametrize(("start", "months", "end"), [
    (D(2025, 8, 31), 6, D(2026, 2, 28)),
    (D(2027, 8, 31), 6, D(2028, 2, 29)),  # leap year
    (D(2025, 11, 15), 3, D(2026, 2, 15)),  # across a year end
    (D(2025, 1, 31), 12, D(2026, 1, 31)),
    (D(2025, 12, 12), 1, D(2026, 1, 12)),
])
def test_add_months(start, months, end):
    assert add_months(start, months) == end


def test_calendar_and_business_days_side_by_side(regulators, policy):
    plan = plan_deadlines(EASTER_THURSDAY, policy)
    table = comparison_table(plan, regulators)
    assert len(table) == 3 + 3 + 2 + 3 + 4 + 2 + 1 + 1  # Harbourside, FCA, …, CFPB, Ofgem, Ofcom
    assert list(table.columns) == ["regime", "milestone", "rule", "due", "calendar days",
                                   "business days", "note"]
    rows = table.set_index(["regime", "rule"])
    policy_name = "Harbourside Energy Ltd (fictional) policy"
    # Decision: 20 business days = Tue 20 May, 33 calendar days after 17 Apr.
    assert rows.loc[(policy_name, "within 20 business days")][
        ["due", "calendar days", "business days"]].tolist() == ["Tue 20 May 2025", 33, 20]
    # FCA 8 weeks: 56 calendar days; business days: 40 weekdays between 18 Apr and 12 Jun,
    # less 4 holidays (18 and 21 Apr, 5 and 26 May) = 36.
    assert rows.loc[("FCA complaint rules (DISP)", "within 8 weeks of receipt")][
        ["due", "calendar days", "business days"]].tolist() == ["Thu 12 Jun 2025", 56, 36]
    # ASIC 30 calendar days to Sat 17 May: 21 weekdays from 18 Apr to 16 May, less 3 holidays.
    assert rows.loc[("ASIC Regulatory Guide 271 (internal dispute resolution)",
                     "within 30 calendar days of receipt")][
        ["due", "calendar days", "business days"]].tolist() == ["Sat 17 May 2025", 30, 18]
    assert rows.loc[("ASIC Regulatory Guide 271 (internal dispute resolution)",
                     "within 24 hours of receipt"), "due"] == "Fri 18 Apr 2025 15:30"


def test_thirty_calendar_days_over_christmas_are_nineteen_business_days(regulators, policy):
    plan = plan_deadlines(dt.datetime(2025, 12, 22, 9, 0), policy)
    row = comparison_table(plan, {"asic": regulators["asic"]}).iloc[-1]
    # 30 days after Mon 22 Dec = Wed 21 Jan. Business days: 23, 24 (2), 29, 30, 31 (5),
    # Fri 2 Jan (6), 5-9 (11), 12-16 (16), 19, 20, 21 (19).
    assert (row["due"], row["calendar days"], row["business days"]) == \
        ("Wed 21 Jan 2026", 30, 19)
    # The same 30 days from Mon 2 Jun 2025 end on Wed 2 Jul: 3-6 Jun (4), 9-13 (9), 16-20 (14),
    # 23-27 (19), Mon 30 (20), 1-2 Jul (22) — three more business days than at Christmas.
    june = comparison_table(plan_deadlines(dt.datetime(2025, 6, 2, 9, 0), policy),
                            {"asic": regulators["asic"]}).iloc[-1]
    assert (june["due"], june["business days"]) == ("Wed 02 Jul 2025", 22)


def test_rule_wording():
    assert Milestone("x", "X", 8, "weeks", "receipt").rule == "within 8 weeks of receipt"
    assert Milestone("x", "X", 1, "business_days", "receipt").period == "1 business day"
    assert Milestone("y", "Y", 6, "months", "x", "the final response").rule == \
        "within 6 months of the final response"


def broken(change) -> dict:
    data = copy.deepcopy(RAW)
    change(data)
    return data


def _milestone(data: dict, regulator: int, milestone: int) -> dict:
    return data["regulators"][regulator]["milestones"][milestone]


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: _milestone(d, 0, 1).update(unit="fortnights"),
     r"'regulators\[1\]\.milestones\[2\]\.unit' must be one of hours, calendar_days, "
     r"business_days, weeks, months; found 'fortnights'"),
    (lambda d: _milestone(d, 1, 1).update(amount=0),
     r"'regulators\[2\]\.milestones\[2\]\.amount' must be a whole number of at least 1; "
     r"found 0"),
    (lambda d: _milestone(d, 1, 1).update(amount=30.5),
     r"'regulators\[2\]\.milestones\[2\]\.amount' must be a whole number of at least 1; "
     r"found 30.5"),
    (lambda d: _milestone(d, 0, 0).update({"from": "final-response"}),
     r"'regulators\[1\]\.milestones\[1\]\.from' must be 'receipt' or the id of an earlier "
     r"milestone \(none yet\); found 'final-response'"),
    (lambda d: _milestone(d, 2, 1).update(unit="hours"),
     r"'regulators\[3\]\.milestones\[2\]\.unit' a rule in hours must count from receipt"),
    (lambda d: _milestone(d, 4, 1).update(id="response"),
     r"'regulators\[5\]\.milestones\[2\]\.id' the id 'response' is used twice"),
    (lambda d: _milestone(d, 4, 0).pop("label"),
     r"'regulators\[5\]\.milestones\[1\]' needs the keys id, label, amount, unit, from"),
    (lambda d: _milestone(d, 4, 0).update(days=15),
     r"'regulators\[5\]\.milestones\[1\]' needs the keys .*; found .*, days"),
    (lambda d: d["regulators"][3].update(name="  "),
     r"'regulators\[4\]\.name' must be non-empty text"),
    (lambda d: d["regulators"][3].update(milestones=[]),
     r"'regulators\[4\]\.milestones' must be a non-empty list"),
    (lambda d: d["regulators"][3].update(id="fca"), "'regulators' uses the id\\(s\\) fca more "
     "than once"),
    (lambda d: d.update(regulators={}), r"'regulators' must be a non-empty list"),
])
def test_broken_file_names_the_entry_and_key(change, message):
    with pytest.raises(RegulatorError, match=f"^test.yaml: {message}"):
        parse_regulators(broken(change), "test.yaml")


def test_missing_or_unreadable_file_is_named(tmp_path):
    with pytest.raises(RegulatorError, match=r"regulators file .*absent\.yaml not found"):
        load_regulators(tmp_path / "absent.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("regulators: [\n", encoding="utf-8")
    with pytest.raises(RegulatorError, match=r"bad\.yaml: not valid YAML"):
        load_regulators(bad)
