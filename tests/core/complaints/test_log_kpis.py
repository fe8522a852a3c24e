"""The complaint-data section's core: headers and the detected mapping (in step with the
loader), uploads that fail with a sentence, editable targets, KPI tiles and the charts."""

from __future__ import annotations

import pytest

from widgets.core.complaints import compute_kpis, load_complaints_bytes
from widgets.core.complaints.log_kpis import (
    MAPPING_TARGETS,
    MET,
    MISSED,
    NO_TARGET,
    NOT_AVAILABLE,
    apply_targets,
    category_pareto_chart,
    channel_chart,
    monthly_volume_chart,
    read_headers,
    read_upload,
    resolve_time_chart,
    suggest_mapping,
    target_fields,
    tile,
    tiles,
)
from widgets.core.complaints.uploads import MAX_UPLOAD_BYTES, upload_problem

TINY = b"""complaint_id,received_at,channel,category,resolved_at
C1,2025-01-06 09:00,phone,billing,2025-01-07 10:00
C2,2025-01-15 09:00,email,billing,2025-01-15 16:00
C3,2025-02-03 09:00,phone,metering,2025-03-10 09:00
C4,2025-04-01 09:00,chat,billing,
C5,2025-04-02 09:00,phone,safety,2025-04-04 09:00
"""
CFPB_TITLE_CASE = (
    b"Date received,Product,Sub-product,Issue,Sub-issue,Consumer complaint narrative,"
    b"Company public response,Company,State,ZIP code,Tags,Consumer consent provided?,"
    b"Submitted via,Date sent to company,Company response to consumer,Timely response?,"
    b"Consumer disputed?,Complaint ID\n"
    b"08/30/2013,Mortgage,Other mortgage,Loan servicing,,,,Bank A,CA,95993,,,Referral,"
    b"09/03/2013,Closed with explanation,Yes,No,511074\n"
    b"08/30/2013,Debt collection,,Communication tactics,,,,Bank B,NY,10001,,,Web,"
    b"08/30/2013,Closed with relief,No,Yes,511075\n")


@pytest.fixture(scope="module")
def tiny():
    upload = read_upload(TINY, "tiny.csv")
    assert upload.error is None
    return upload.result.frame


# ----------------------------------------------------------------------------- reading


def test_read_headers_follows_the_loaders_delimiter_and_encoding():
    assert read_headers(b"Ref;Opened;Channel\n1;2;3\n") == ["Ref", "Opened", "Channel"]
    assert read_headers(b"\xef\xbb\xbfcomplaint_id,received_at\n") == ["complaint_id",
                                                                       "received_at"]
    assert read_headers(b"R\xe9f\tOpened\n") == ["R\u00e9f", "Opened"]
    assert read_headers(b'"a,b"|c\n') == ["a,b", "c"]
    assert read_headers(b"") == []
    assert read_headers(b"PK\x03\x04\x00\x00 a spreadsheet") == []


def test_mapping_of_the_course_layout(tiny):
    headers = read_headers(TINY)
    suggestion = suggest_mapping(headers)
    assert suggestion.layout == "course"
    assert suggestion.columns == {h: h for h in headers}
    assert suggestion.missing_required == ()


@pytest.mark.parametrize("data", [TINY, CFPB_TITLE_CASE], ids=["course", "cfpb-title-case"])
def test_the_suggestion_is_what_the_loader_does(data):
    headers = read_headers(data)
    loaded = load_complaints_bytes(data, "x.csv").report
    suggestion = suggest_mapping(headers)
    assert suggestion.layout == loaded.layout
    assert {h: t for h, t in suggestion.columns.items() if t} == loaded.column_mapping
    assert [h for h, t in suggestion.columns.items() if not t] == loaded.ignored_columns


def test_the_suggestion_matches_the_loader_on_the_real_cfpb_sample(cfpb_sample):
    data = cfpb_sample.read_bytes()
    loaded = load_complaints_bytes(data, cfpb_sample.name).report
    suggestion = suggest_mapping(read_headers(data))
    assert suggestion.layout == "cfpb" == loaded.layout
    assert {h: t for h, t in suggestion.columns.items() if t} == loaded.column_mapping
    assert suggestion.columns["submitted_via"] == "channel"
    assert suggestion.columns["issue"] == "category"


def test_a_user_mapping_fixes_unknown_headers():
    data = b"Ref;Opened;Channel\nA1;2025-01-06;phone\nA2;2025-01-07;email\n"
    upload = read_upload(data, "export.csv")
    assert upload.result is None
    assert upload.suggestion.missing_required == ("complaint_id", "received_at")
    assert upload.suggestion.columns == {"Ref": None, "Opened": None, "Channel": "channel"}
    assert upload.error.startswith("export.csv could not be loaded as a complaint log: "
                                   "export.csv is missing required column(s) complaint_id, "
                                   "received_at. Columns found: 'Ref', 'Opened', 'Channel'.")
    fixed = read_upload(data, "export.csv", {"Ref": "complaint_id", "Opened": "received_at"})
    assert fixed.error is None
    assert fixed.suggestion.columns == {"Ref": "complaint_id", "Opened": "received_at",
                                        "Channel": "channel"}
    assert list(fixed.result.frame["complaint_id"]) == ["A1", "A2"]
    assert fixed.result.report.delimiter == ";"


def test_mapping_targets_are_what_the_loader_accepts():
    assert MAPPING_TARGETS[:2] == ("complaint_id", "received_at")
    assert "cfpb_timely_response" in MAPPING_TARGETS and "sent_to_company_at" in MAPPING_TARGETS
    assert len(set(MAPPING_TARGETS)) == len(MAPPING_TARGETS)


@pytest.mark.parametrize(("data", "name", "message"), [
    (b"", "empty.csv", "empty.csv is empty (0 bytes); choose the file again or export it anew."),
    (b"PK\x03\x04\x00\x00binary", "book.xlsx",
     "book.xlsx could not be loaded as a complaint log: book.xlsx is not a text CSV file (it "
     "contains binary data — an Excel workbook?). Save it as 'CSV UTF-8' and load that."),
    (b"\n\n", "blank.csv", "blank.csv could not be loaded as a complaint log: file blank.csv is "
     "empty. Export the complaint log again with a header row and at least one complaint."),
])
def test_bad_files_give_a_sentence_not_an_exception(data, name, message):
    upload = read_upload(data, name)
    assert upload.result is None and upload.error == message


def test_files_above_the_limit_are_refused_before_reading():
    data = b"x" * (MAX_UPLOAD_BYTES + 1024 * 1024)
    upload = read_upload(data, "huge.csv")
    assert upload.result is None and upload.headers == ()
    assert upload.error == ("huge.csv is 21.0 MB; the dashboard accepts files up to 20.0 MB. "
                            "Export a shorter period or fewer columns, or split the file, and "
                            "upload it again.")
    assert upload_problem("ok.csv", MAX_UPLOAD_BYTES) is None


# ----------------------------------------------------------------------------- targets


def test_target_fields_show_the_policy(policy):
    fields = {f.key: (f.label, f.unit, f.value) for f in target_fields(policy)}
    assert fields == {
        "acknowledge.within_business_days": ("Acknowledge within", "business days", 2),
        "acknowledge.min_share": ("Acknowledge: at least", "%", 95.0),
        "first_response.within_business_days": ("First response within", "business days", 5),
        "first_response.min_share": ("First response: at least", "%", 90.0),
        "resolve.within_business_days": ("Resolve within", "business days", 20),
        "resolve.min_share": ("Resolve: at least", "%", 85.0),
        "first_contact_resolution": ("First-contact resolution: at least", "%", 60.0),
        "reopen_rate": ("Reopen rate: at most", "%", 5.0),
        "external_referral_rate": ("External referral rate: at most", "%", 3.0),
        "satisfaction_mean": ("Satisfaction with handling: at least", "of 5", 3.8),
        "satisfaction_response_rate": ("Survey response rate: at least", "%", 25.0),
    }


def test_apply_targets(policy):
    edited = apply_targets(policy, {"resolve.within_business_days": 10.0,
                                    "resolve.min_share": 70, "reopen_rate": 2.5,
                                    "satisfaction_mean": 4.2})
    assert edited.timeliness["resolve"].within_business_days == 10
    assert edited.timeliness["resolve"].min_share == pytest.approx(0.70)
    assert (edited.rates["reopen_rate"].min, edited.rates["reopen_rate"].max) == (None, 0.025)
    assert (edited.rates["satisfaction_mean"].min, edited.rates["satisfaction_mean"].max) == \
        (4.2, None)
    assert policy.timeliness["resolve"].within_business_days == 20  # the original is unchanged
    assert apply_targets(policy, {}) == policy


@pytest.mark.parametrize(("values", "error", "message"), [
    ({"reopen_rate": 120}, ValueError, "Reopen rate: at most must be between 0 and 100 %"),
    ({"satisfaction_mean": 0.5}, ValueError, "must be between 1 and 5 of 5"),
    ({"acknowledge.within_business_days": 2.5}, ValueError, "a whole number of business days"),
    ({"acknowledge.min_share": float("nan")}, ValueError, "between 0 and 100"),
    ({"uphold_rate": 50}, KeyError, "no editable target 'uphold_rate'"),
])
def test_bad_targets_are_refused(policy, values, error, message):
    with pytest.raises(error, match=message):
        apply_targets(policy, values)


# ----------------------------------------------------------------------------- tiles


def test_tiles_of_a_small_log(tiny, policy):
    kpis = compute_kpis(tiny, policy)
    by_key = {t.key: t for t in tiles(kpis)}
    resolve = by_key["time_to_resolve"]
    # business days to resolve: 1, 0, 25, 2 (C4 not resolved): 3 of 4 within 20
    assert (resolve.value, resolve.status) == ("75.0%", MISSED)
    assert resolve.target == "≥ 85% within 20 business days"
    assert resolve.note == "n = 4; median 1.5 business days"
    acknowledge = by_key["time_to_acknowledge"]
    assert (acknowledge.value, acknowledge.status) == ("Not available", NOT_AVAILABLE)
    assert acknowledge.note == "the data has no acknowledged_at column"
    looser = compute_kpis(tiny, apply_targets(policy, {"resolve.within_business_days": 25}))
    assert tile(looser["time_to_resolve"]).status == MET
    assert tile(looser["time_to_resolve"]).value == "100.0%"


def test_tiles_of_a_cfpb_export(policy):
    frame = read_upload(CFPB_TITLE_CASE, "cfpb.csv").result.frame
    by_key = {t.key: t for t in tiles(compute_kpis(frame, policy))}
    assert by_key["time_to_resolve"].status == NOT_AVAILABLE
    assert by_key["time_to_resolve"].note == (
        "the data has no resolved_at column (CFPB exports carry no resolution timestamp)")
    assert by_key["complaints_per_1000_customers"].note.startswith("a CFPB export spans many")
    timely = by_key["cfpb_timely_response_rate"]
    assert (timely.value, timely.status, timely.note) == ("50.0%", NO_TARGET, "n = 2")
    assert sum(t.status == NOT_AVAILABLE for t in by_key.values()) == 12


# ----------------------------------------------------------------------------- charts


def bar_heights(figure) -> list[float]:
    return [patch.get_height() for patch in figure.axes[0].patches]


def test_monthly_volume(tiny):
    figure = monthly_volume_chart(tiny)
    assert bar_heights(figure) == [2, 1, 0, 2]  # Jan, Feb, Mar (none), Apr 2025
    assert figure.axes[0].get_title() == "Complaints received per month (n = 5)"
    labels = [t.get_text() for t in figure.axes[0].get_xticklabels()]
    assert labels == ["Jan 2025", "Feb 2025", "Mar 2025", "Apr 2025"]


def test_category_pareto(tiny):
    figure = category_pareto_chart(tiny)
    assert bar_heights(figure) == [3, 1, 1]
    assert figure.axes[0].get_title() == "Pareto of complaints by category (n = 5)"
    assert category_pareto_chart(tiny.drop(columns="category")) is None


def test_category_pareto_keeps_the_top_categories(cfpb_sample):
    frame = read_upload(cfpb_sample.read_bytes(), cfpb_sample.name).result.frame
    figure = category_pareto_chart(frame, top=12)
    assert len(figure.axes[0].patches) == 12
    assert figure.axes[0].get_title() == "Top 12 of 56 categories (n = 1,000)"
    labels = [t.get_text() for t in figure.axes[0].get_xticklabels()]
    assert all(len(label) <= 28 for label in labels)
    assert labels[0] == "Loan modification,collectio…"  # 27 characters and an ellipsis


def test_time_to_resolve_distribution(tiny, policy):
    figure = resolve_time_chart(tiny, policy)
    heights = bar_heights(figure)
    assert len(heights) == 61  # 0 … 59 and "60+"
    assert [day for day, count in enumerate(heights) if count] == [0, 1, 2, 25]
    assert figure.axes[0].get_title() == "Business days to resolve (n = 4; 75% within 20)"
    assert resolve_time_chart(tiny.drop(columns="resolved_at"), policy) is None


def test_by_channel(tiny):
    figure = channel_chart(tiny)
    widths = {label.get_text(): patch.get_width() for label, patch in
              zip(figure.axes[0].get_yticklabels(), figure.axes[0].patches, strict=True)}
    assert widths == {"chat": 1, "email": 1, "phone": 3}
    assert channel_chart(tiny.drop(columns="channel")) is None
