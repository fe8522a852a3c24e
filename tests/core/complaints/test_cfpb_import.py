"""Import of real CFPB data (../shared/data, absent in a user's clone: then skipped)."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import datetime

import pandas as pd
import pytest

from widgets.cli import main
from widgets.core.complaints import compute_kpis, load_complaints

ORIGINAL_HEADERS = [
    "Date received", "Product", "Sub-product", "Issue", "Sub-issue",
    "Consumer complaint narrative", "Company public response", "Company", "State", "ZIP code",
    "Tags", "Consumer consent provided?", "Submitted via", "Date sent to company",
    "Company response to consumer", "Timely response?", "Consumer disputed?", "Complaint ID",
]
NOT_AVAILABLE = {
    "time_to_acknowledge", "time_to_first_response", "time_to_resolve",
    "first_contact_resolution", "reopen_rate", "escalation_rate", "external_referral_rate",
    "uphold_rate", "satisfaction_mean", "satisfaction_response_rate",
    "complaints_per_1000_customers", "redress_paid",
}


@pytest.fixture(scope="module")
def raw_rows(cfpb_sample):
    """The file read independently of the loader, with the csv module, to check against."""
    with cfpb_sample.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def loaded(cfpb_sample):
    return load_complaints(cfpb_sample)


def test_report_counts_and_layout(loaded, raw_rows):
    report = loaded.report
    print("\n" + report.summary())
    assert report.layout == "cfpb"
    assert report.rows_read == len(raw_rows) == 1000
    assert report.rows_accepted + report.rows_rejected == report.rows_read
    assert report.rows_rejected == 0
    # forwarded-before-received dates are real-world quirks: reported, kept
    assert report.warnings and all(p.column == "date_sent_to_company" for p in report.warnings)


def test_date_range_channel_mix_and_timely_rate(loaded, raw_rows):
    dates = [datetime.strptime(r["date_received"], "%m/%d/%Y") for r in raw_rows]
    frame = loaded.frame
    assert frame["received_at"].min() == pd.Timestamp(min(dates)) == pd.Timestamp("2013-08-30")
    assert frame["received_at"].max() == pd.Timestamp(max(dates))
    expected_mix = Counter(r["submitted_via"] for r in raw_rows)
    assert frame["channel"].value_counts().to_dict() == dict(expected_mix)
    assert frame["received_at"].max() == pd.Timestamp("2013-10-15")


def test_kpis_available_and_not(loaded, raw_rows, policy):
    kpis = compute_kpis(loaded.frame, policy)
    timely = sum(r["timely_response"] == "Yes" for r in raw_rows) / len(raw_rows)
    assert kpis["cfpb_timely_response_rate"].value == pytest.approx(timely)
    answered = [r["consumer_disputed?"] for r in raw_rows if r["consumer_disputed?"] in
                ("Yes", "No")]
    assert kpis["cfpb_dispute_rate"].value == pytest.approx(answered.count("Yes") / len(answered))
    unavailable = {key for key, kpi in kpis.items() if not kpi.available}
    assert unavailable == NOT_AVAILABLE
    assert "CFPB exports record when a complaint was sent" in kpis["time_to_acknowledge"].reason
    for key in NOT_AVAILABLE:
        assert kpis[key].value is None
        assert str(kpis[key]).split(": ", 1)[1].startswith("not available: ")


def test_original_header_style_loads_identically(cfpb_sample, loaded, tmp_path):
    frame = pd.read_csv(cfpb_sample, dtype=str, keep_default_na=False)
    frame.columns = ORIGINAL_HEADERS
    original = tmp_path / "cfpb-original-headers.csv"
    frame.to_csv(original, index=False)
    reloaded = load_complaints(original)
    assert reloaded.report.layout == "cfpb"
    assert reloaded.report.column_mapping["Date received"] == "received_at"
    assert reloaded.report.column_mapping["Consumer disputed?"] == "cfpb_consumer_disputed"
    pd.testing.assert_frame_equal(reloaded.frame, loaded.frame)


def test_cli_load_prints_report_and_kpis(cfpb_sample, capsys):
    assert main(["load", str(cfpb_sample)]) == 0
    out = capsys.readouterr().out
    assert "1000 rows read, 1000 accepted, 0 rejected (cfpb layout" in out
    assert "received 2013-08-30 … 2013-10-15" in out
    assert "Time to acknowledge" in out and "not available" in out
