"""The synthetic complaint log: deterministic, valid, realistic, with its planted patterns.

These tests read the generated frame and the CSV with pandas and numpy directly (not through
the course's loader or KPI code), so they check the generator on its own terms; the answer key
in datasets/README.md is checked through the course's code in test_datasets_readme.py.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import numpy as np
import pandas as pd
import pytest
from support.sample_data import REPO

from widgets.core.complaints import schema
from widgets.core.complaints.generate import (
    complaints_csv_bytes,
    drama_phone_numbers,
    generate_complaints,
    write_complaints_csv,
)

SAMPLE = REPO / "datasets" / "complaints.csv"
AS_OF = pd.Timestamp("2025-12-31 23:59:59")
PHONE = re.compile(r"^(07700 900\d{3}|01632 960\d{3}|020 7946 0\d{3})$")
EMAIL = re.compile(r"^[a-z0-9._]+@example\.(com|org|net)$")
PLANTED_AT_DEFAULT = {"ack_missing": 12, "closed_without_outcome": 8,
                      "closed_without_response": 6, "personal_data": 14,
                      "safety_not_escalated": 4, "safety_ack_late": 3}


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return generate_complaints()


@pytest.fixture(scope="module")
def csv_bytes(frame) -> bytes:
    return complaints_csv_bytes(frame)


def business_days(frame: pd.DataFrame, column: str, policy) -> np.ndarray:
    return policy.business_days_elapsed(frame["received_at"].to_numpy(),
                                        frame[column].to_numpy())


def planted_counts(frame: pd.DataFrame, policy) -> dict[str, int]:
    """The planted record breaches, counted straight from their definitions."""
    closed = frame["status"] == "closed"
    safety = frame["category"] == "safety"
    withdrawn = (frame["outcome"] == "withdrawn").fillna(False)
    contact = frame["description"].str.contains(
        r"@|07700 900\d{3}|01632 960\d{3}|020 7946 0\d{3}", regex=True)
    return {
        "ack_missing": int((closed & frame["acknowledged_at"].isna()).sum()),
        "closed_without_outcome": int((closed & frame["outcome"].isna()).sum()),
        "closed_without_response": int(
            (closed & frame["first_response_at"].isna() & ~withdrawn).sum()),
        "personal_data": int(contact.sum()),
        "safety_not_escalated": int((safety & (frame["escalation_level"] == 0)).sum()),
        "safety_ack_late": int((safety & (business_days(frame, "acknowledged_at", policy) > 0))
                               .sum()),
    }


# --- determinism and the committed file --------------------------------------------------

def test_same_seed_gives_identical_bytes(csv_bytes):
    assert complaints_csv_bytes(generate_complaints(10002)) == csv_bytes


def test_different_seed_gives_different_data(frame):
    other = generate_complaints(10003)
    assert len(other) == len(frame)
    assert not other["received_at"].equals(frame["received_at"])
    assert (other["customer_id"] != frame["customer_id"]).mean() > 0.9


def test_committed_sample_equals_a_fresh_generation(csv_bytes):
    assert SAMPLE.read_bytes() == csv_bytes, (
        "datasets/complaints.csv is not what the generator makes now: run "
        "`iso10002 generate --seed 10002 --out datasets/complaints.csv`, then update the "
        "answer key in datasets/README.md (tests/content/test_datasets_readme.py prints it)")


def test_write_complaints_csv_writes_the_same_bytes_and_nothing_else(tmp_path, frame,
                                                                     csv_bytes):
    target = tmp_path / "out" / "complaints.csv"
    write_complaints_csv(frame, target)
    assert target.read_bytes() == csv_bytes
    assert [p.name for p in target.parent.iterdir()] == ["complaints.csv"]


# --- the CSV format ------------------------------------------------------------------------

def test_csv_format(csv_bytes):
    assert not csv_bytes.startswith(b"\xef\xbb\xbf")
    assert b"\r" not in csv_bytes
    text = csv_bytes.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == list(schema.COLUMN_NAMES)
    assert len(rows) == 4801 and all(len(r) == len(schema.COLUMN_NAMES) for r in rows)
    cells = pd.DataFrame(rows[1:], columns=rows[0])
    patterns = {
        "datetime": r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d",
        "bool": r"true|false",
        "int": r"\d",
        "float": r"\d+\.\d\d",
    }
    for column in schema.COLUMNS:
        if column.kind in patterns:
            values = cells[column.name]
            ok = values.str.fullmatch(patterns[column.kind]) | (values == "")
            assert ok.all(), (column.name, values[~ok].head().tolist())
    assert (cells["received_at"] != "").all()
    assert (cells["redress_amount"] == "").sum() == (cells["outcome"] == "").sum() - 8


def test_frame_types(frame):
    assert list(frame.columns) == list(schema.COLUMN_NAMES)
    for column in schema.COLUMNS:
        dtype = frame[column.name].dtype
        if column.kind == "datetime":
            assert dtype == "datetime64[ns]", column.name
        elif column.kind == "bool":
            assert dtype == "boolean", column.name
        elif column.kind == "int":
            assert dtype == "Int64", column.name
        elif column.kind == "float":
            assert dtype == "float64", column.name
        else:
            assert pd.api.types.is_string_dtype(dtype), column.name


# --- validity ------------------------------------------------------------------------------

def test_row_count_ids_and_period(frame):
    assert len(frame) == 4800
    assert frame["complaint_id"].is_unique
    assert frame["complaint_id"].str.fullmatch(r"CMP-20(24|25)-\d{6}").all()
    assert frame["complaint_id"].iloc[0] == "CMP-2024-000001"
    year = frame["received_at"].dt.year.astype(str)
    assert (frame["complaint_id"].str[4:8] == year).all()
    assert frame["received_at"].is_monotonic_increasing
    assert frame["received_at"].min() >= pd.Timestamp("2024-01-01")
    assert frame["received_at"].max() <= AS_OF
    assert frame["received_at"].dt.to_period("M").nunique() == 24
    for column in schema.EVENT_COLUMNS:
        assert (frame[column].dropna() <= AS_OF).all()


def test_every_categorical_value_is_allowed(frame):
    for column in schema.COLUMNS:
        if column.allowed is not None:
            values = set(frame[column.name].dropna().tolist())
            assert values <= set(column.allowed), (column.name, values - set(column.allowed))
    assert set(frame["channel"]) == set(schema.CHANNELS)
    assert set(frame["root_cause"].dropna()) == set(schema.ROOT_CAUSES)
    owners = frame.groupby("subcategory")["category"].nunique()
    assert (owners == 1).all(), owners[owners > 1]


def test_events_never_precede_receipt_and_follow_each_other(frame):
    previous = frame["received_at"]
    for column in schema.EVENT_COLUMNS:
        assert not (frame[column] < frame["received_at"]).any(), column
        assert not (frame[column] < previous).any(), column
        previous = frame[column].fillna(previous)


def test_status_agrees_with_timestamps_and_outcome(frame):
    status = frame["status"]
    assert (frame["closed_at"].notna() == (status == "closed")).all()
    assert frame.loc[status == "resolved", "resolved_at"].notna().all()
    assert frame.loc[status == "resolved", "closed_at"].isna().all()
    assert frame.loc[status == "responded", "first_response_at"].notna().all()
    assert frame.loc[status.isin(["open", "responded"]), "resolved_at"].isna().all()
    assert frame.loc[status.isin(["open", "responded"]), "outcome"].isna().all()
    # outcome is missing only before a decision, and on the planted closed records
    missing = frame[frame["outcome"].isna()]
    assert missing["status"].value_counts().get("closed", 0) == 8
    assert missing["status"].value_counts().get("resolved", 0) == 0
    # complaints still open at the 'as of' moment are recent
    assert frame.loc[status != "closed", "received_at"].min() >= pd.Timestamp("2025-09-01")


def test_remedy_and_redress_agree_with_outcome(frame):
    not_upheld = frame["outcome"] == "not_upheld"
    assert set(frame.loc[not_upheld, "remedy"]) == {"none", "explanation"}
    assert (frame.loc[not_upheld, "redress_amount"] == 0).all()
    withdrawn = frame["outcome"] == "withdrawn"
    assert set(frame.loc[withdrawn, "remedy"]) == {"none"}
    assert (frame.loc[withdrawn, "redress_amount"] == 0).all()
    assert frame.loc[withdrawn, "root_cause"].isna().all()
    upheld = frame["outcome"] == "upheld"
    assert (frame.loc[upheld, "redress_amount"] > 0).mean() > 0.5
    money = frame["remedy"].isin(["refund", "bill_correction", "goodwill_payment",
                                  "service_credit"])
    assert (frame.loc[money, "redress_amount"] > 0).all()
    assert (frame.loc[~money & frame["remedy"].notna(), "redress_amount"] == 0).all()
    assert (frame["redress_amount"].dropna() * 100).round(6).mod(1).eq(0).all()


def test_flags_scores_and_escalation_are_consistent(frame, policy):
    closed = frame["status"] == "closed"
    assert not frame.loc[~closed, "reopened"].any()
    assert not frame.loc[~closed, "referred_externally"].any()
    assert frame.loc[~closed, "satisfaction_score"].isna().all()
    scores = frame["satisfaction_score"].dropna()
    assert scores.between(1, 5).all() and set(scores) == {1, 2, 3, 4, 5}
    fcr = frame["first_contact_resolution"]
    assert (frame.loc[fcr, "resolved_at"].dt.normalize()
            == frame.loc[fcr, "received_at"].dt.normalize()).all()
    assert not (fcr & frame["reopened"]).any()
    assert (frame.loc[fcr, "escalation_level"] == 0).all()
    phone_or_chat = frame["channel"].isin(["phone", "chat"])
    assert phone_or_chat[fcr].mean() > 0.75
    safety = frame["category"] == "safety"
    assert (frame.loc[safety, "escalation_level"] >= 1).sum() == safety.sum() - 4
    handlers = frame.groupby("handler_id")["assigned_team"].nunique()
    assert (handlers == 1).all()
    assert frame["handler_id"].str.fullmatch(r"H\d{3}").all()


# --- synthetic personal data ---------------------------------------------------------------

def test_customers_keep_one_identity(frame):
    assert frame["customer_id"].nunique() == 3000
    assert frame["customer_id"].str.fullmatch(r"HE\d{7}").all()
    identity = ["customer_name", "customer_email", "customer_phone", "customer_segment",
                "vulnerable"]
    assert (frame.groupby("customer_id")[identity].nunique() == 1).all().all()
    per_customer = frame["customer_id"].value_counts()
    assert per_customer.max() >= 5 and (per_customer >= 2).sum() > 500


def test_contact_details_are_reserved_fictional_ones(frame):
    assert frame["customer_phone"].str.fullmatch(PHONE).all()
    assert frame["customer_email"].str.fullmatch(EMAIL).all()
    assert frame.groupby("customer_phone")["customer_id"].nunique().max() == 1
    assert frame.groupby("customer_email")["customer_id"].nunique().max() == 1
    assert frame["customer_name"].str.fullmatch(r"\S+ \S+").all()


def test_drama_numbers_are_the_three_ofcom_ranges():
    numbers = drama_phone_numbers()
    assert len(numbers) == len(set(numbers)) == 3000
    assert all(PHONE.match(n) for n in numbers)
    assert numbers[0] == "07700 900000" and numbers[-1] == "020 7946 0999"


def test_descriptions_hold_no_personal_data_except_the_planted_records(frame):
    own = [row.description.endswith((f"{row.customer_phone}.", f"{row.customer_email}."))
           for row in frame.itertuples()]
    with_contact = frame["description"].str.contains(r"@|\d{4}", regex=True)
    assert with_contact.sum() == PLANTED_AT_DEFAULT["personal_data"]
    assert all(o for o, c in zip(own, with_contact, strict=True) if c)
    assert frame["description"].nunique() > 1000


# --- realism -------------------------------------------------------------------------------

def test_mix_of_channels_severities_outcomes_and_customers(frame):
    channels = frame["channel"].value_counts(normalize=True)
    for name, share in {"phone": 0.40, "email": 0.20, "web_form": 0.18, "chat": 0.10,
                        "letter": 0.07, "social_media": 0.05}.items():
        assert abs(channels[name] - share) < 0.02, name
    severity = frame["severity"].value_counts(normalize=True)
    for name, share in {"low": 0.35, "medium": 0.40, "high": 0.20, "critical": 0.05}.items():
        assert abs(severity[name] - share) < 0.03, name
    outcome = frame["outcome"].value_counts(normalize=True)
    for name, share in {"upheld": 0.35, "partially_upheld": 0.25, "not_upheld": 0.35,
                        "withdrawn": 0.05}.items():
        assert abs(outcome[name] - share) < 0.03, name
    assert abs(frame["vulnerable"].mean() - 0.12) < 0.02
    assert abs((frame["customer_segment"] == "small_business").mean() - 0.10) < 0.02
    closed = frame[frame["status"] == "closed"]
    assert 0.30 <= closed["satisfaction_score"].notna().mean() <= 0.40


def test_weekly_and_daily_rhythm(frame, policy):
    weekday = frame["received_at"].dt.day_of_week
    per_weekday = weekday.value_counts()
    assert per_weekday.idxmax() == 0 and per_weekday.idxmin() == 6
    weekend = frame[weekday >= 5]
    assert weekend["channel"].isin(["web_form", "chat", "social_media"]).mean() > 0.55
    assert not (weekend["channel"] == "letter").any()
    assert not (weekday == 6)[frame["channel"] == "phone"].any()
    phone = frame[frame["channel"] == "phone"]
    hours = phone["received_at"].dt.hour
    assert hours[phone["received_at"].dt.day_of_week < 5].between(8, 19).all()
    assert hours[phone["received_at"].dt.day_of_week == 5].between(9, 12).all()
    days = pd.date_range("2024-01-01", "2025-12-31")
    per_day = frame["received_at"].dt.normalize().value_counts().reindex(days, fill_value=0)
    holiday = days.isin(pd.to_datetime(list(policy.holidays)))
    business = (days.day_of_week < 5) & ~holiday
    assert per_day[holiday].mean() < 0.6 * per_day[business].mean()


def test_winter_brings_more_billing_and_supply_complaints(frame):
    month = frame["received_at"].dt.month
    for category in ("billing", "supply_and_service"):
        counts = frame[(frame["category"] == category) & (frame["received_at"] < "2025-01-01")
                       ].groupby(month).size()
        assert counts[[1, 2, 11, 12]].mean() > 1.2 * counts[[6, 7, 8]].mean(), category


def test_handling_times_are_skewed(frame, policy):
    ack = business_days(frame, "acknowledged_at", policy)
    ack = ack[~np.isnan(ack)]
    assert (ack <= 1).mean() > 0.9
    resolved = business_days(frame, "resolved_at", policy)
    resolved = resolved[~np.isnan(resolved)]
    assert 6 <= np.median(resolved) <= 9
    assert np.percentile(resolved, 99) > 3 * np.median(resolved)


# --- planted patterns ----------------------------------------------------------------------

@pytest.fixture(scope="module", params=[10002, 1])
def seeded(request) -> pd.DataFrame:
    """The default log and one other seed: the patterns are properties of the generator,
    not luck of one seed."""
    return generate_complaints(request.param)


def test_a_billing_spike_after_go_live(seeded):
    billing = seeded[seeded["category"] == "billing"]
    month = billing["received_at"].dt.to_period("M").astype(str)
    before = month.isin(["2024-03", "2024-04", "2024-05"]).sum() / 3
    after = month.isin(["2025-03", "2025-04", "2025-05"]).sum() / 3
    assert 2.5 <= after / before <= 3.6
    spike = billing[(billing["received_at"] >= "2025-03-03")
                    & (billing["received_at"] < "2025-06-01")]
    assert (spike["root_cause"].dropna() == "billing_system_defect").mean() > 0.6


def test_b_letters_are_acknowledged_slowly(seeded, policy):
    ack = business_days(seeded, "acknowledged_at", policy)
    letter = (seeded["channel"] == "letter").to_numpy()
    present = ~np.isnan(ack)
    assert np.median(ack[letter & present]) >= 2
    assert np.median(ack[~letter & present]) == 0
    assert (ack[letter & present] <= 2).mean() < 0.7
    assert (ack[~letter & present] <= 2).mean() > 0.97


def test_c_metering_team_reopens_about_four_times_as_often(seeded):
    closed = seeded[seeded["status"] == "closed"]
    rate = closed.groupby(closed["assigned_team"] == "metering_team")["reopened"].mean()
    assert 3.0 <= rate[True] / rate[False] <= 5.5


def test_d_three_root_causes_are_the_vital_few(seeded):
    shares = seeded["root_cause"].value_counts(normalize=True)
    assert 0.70 <= shares.head(3).sum() <= 0.80
    assert set(shares.index[:3]) == {"customer_misunderstanding", "billing_system_defect",
                                     "estimated_meter_read"}


def test_e_vulnerable_customers_wait_longer(seeded, policy):
    response = business_days(seeded, "first_response_at", policy)
    vulnerable = seeded["vulnerable"].to_numpy(dtype=bool)
    present = ~np.isnan(response)
    mine, others = response[vulnerable & present], response[~vulnerable & present]
    assert mine.mean() > others.mean() + 0.8
    assert (mine <= 3).mean() < (others <= 3).mean() - 0.1


def test_f_planted_record_breaches(seeded, policy):
    assert planted_counts(seeded, policy) == PLANTED_AT_DEFAULT


def test_g_handling_complaints_follow_late_acknowledgements(seeded, policy):
    ack = business_days(seeded, "acknowledged_at", policy)
    month = seeded["received_at"].dt.to_period("M")
    late = pd.Series((ack > 2) & (seeded["category"] != "safety").to_numpy(), index=seeded.index)
    acknowledged = pd.Series(~np.isnan(ack), index=seeded.index)
    late_share = late.groupby(month).sum() / acknowledged.groupby(month).sum()
    handling = (seeded["category"] == "complaints_handling").groupby(month).sum()
    assert np.corrcoef(late_share, handling)[0, 1] >= 0.6


# --- other sizes and periods ---------------------------------------------------------------

def test_larger_logs_scale_counts_in_proportion(policy):
    big = generate_complaints(5, n_complaints=20_000)
    assert len(big) == 20_000 and big["complaint_id"].is_unique
    assert big["customer_id"].nunique() == 12_500
    # 4,800 → 20,000 is ×4.1667: 12→50, 8→33, 6→25, 14→58, 4→17, 3→12 (12.5 rounds to even)
    assert planted_counts(big, policy) == {
        "ack_missing": 50, "closed_without_outcome": 33, "closed_without_response": 25,
        "personal_data": 58, "safety_not_escalated": 17, "safety_ack_late": 12}
    # more customers than drama numbers: numbers repeat, each customer still has one
    assert big["customer_phone"].str.fullmatch(PHONE).all()
    assert big.groupby("customer_id")["customer_phone"].nunique().max() == 1
    assert big["customer_phone"].nunique() == 3000


def test_other_period(policy):
    short = generate_complaints(3, n_complaints=600, start=dt.date(2024, 7, 15), months=6)
    assert len(short) == 600
    assert short["received_at"].min() >= pd.Timestamp("2024-07-15")
    assert short["received_at"].max() < pd.Timestamp("2025-01-15")
    assert (short["closed_at"].dropna() < pd.Timestamp("2025-01-15")).all()
    assert set(short["status"]) <= set(schema.STATUSES)


@pytest.mark.parametrize(("options", "error", "message"), [
    ({"n_complaints": 50}, ValueError, "at least 100"),
    ({"n_complaints": 1.5}, TypeError, "whole number"),
    ({"n_complaints": True}, TypeError, "whole number"),
    ({"months": 0}, ValueError, "months must be at least 1"),
])
def test_bad_arguments_are_explained(options, error, message):
    with pytest.raises(error, match=message):
        generate_complaints(**options)
