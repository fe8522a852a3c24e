"""The loader: every kind of bad input gives a clear problem and the counts reconcile."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from widgets.core.complaints import ComplaintDataError, load_complaints, load_complaints_bytes

HEADER = "complaint_id,received_at,channel,category,acknowledged_at,closed_at,vulnerable\n"


def write(tmp_path: Path, text: str | bytes, name: str = "log.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def assert_reconciles(report) -> None:
    assert report.rows_accepted + report.rows_rejected == report.rows_read


def test_clean_course_file_is_typed(tmp_path):
    path = write(tmp_path, HEADER
                 + "C1,2025-04-16 10:00:00,phone,billing,2025-04-17 09:00:00,,false\n"
                 + "C2,2025-04-17,Web form,Billing,,2025-05-01 12:00:00,yes\n")
    result = load_complaints(path)
    frame, report = result.frame, result.report
    assert (report.rows_read, report.rows_accepted, report.rows_rejected) == (2, 2, 0)
    assert report.layout == "course"
    assert str(frame["received_at"].dtype) == "datetime64[ns]"
    assert frame.loc[1, "received_at"] == pd.Timestamp("2025-04-17")
    # category values are normalized, so "Web form" and "Billing" are accepted
    assert list(frame["channel"]) == ["phone", "web_form"]
    assert list(frame["category"]) == ["billing", "billing"]
    assert list(frame["vulnerable"]) == [False, True]
    assert pd.isna(frame.loc[0, "closed_at"])


def test_missing_file_names_it(tmp_path):
    with pytest.raises(ComplaintDataError, match=r"nope\.csv not found"):
        load_complaints(tmp_path / "nope.csv")


@pytest.mark.parametrize("content", [b"", b"  \n\n"])
def test_empty_file(tmp_path, content):
    with pytest.raises(ComplaintDataError, match="is empty"):
        load_complaints(write(tmp_path, content))


def test_binary_file_is_refused_with_advice(tmp_path):
    with pytest.raises(ComplaintDataError, match="CSV UTF-8"):
        load_complaints(write(tmp_path, b"PK\x03\x04\x00\x00binary", "log.xlsx"))


def test_missing_required_columns_says_which_and_what_was_found(tmp_path):
    path = write(tmp_path, "id,date,channel\n1,2025-01-01,phone\n")
    with pytest.raises(ComplaintDataError) as error:
        load_complaints(path)
    message = str(error.value)
    assert "missing required column(s) complaint_id, received_at" in message
    assert "'id', 'date', 'channel'" in message
    assert "column_map" in message


def test_column_map_rescues_an_unknown_layout(tmp_path):
    path = write(tmp_path, "Ref,Opened,Channel\nR1,2025-01-02,phone\n")
    result = load_complaints(path, column_map={"Ref": "complaint_id", "Opened": "received_at"})
    assert result.frame.loc[0, "complaint_id"] == "R1"
    assert result.report.column_mapping["Channel"] == "channel"


def test_semicolon_delimiter_is_detected(tmp_path):
    path = write(tmp_path, HEADER.replace(",", ";")
                 + "C1;2025-04-16;phone;billing;2025-04-17;;false\n")
    result = load_complaints(path)
    assert result.report.delimiter == ";"
    assert result.report.rows_accepted == 1
    assert any("separated by ';'" in note for note in result.report.notes)


def test_utf8_with_bom(tmp_path):
    path = write(tmp_path, ("\ufeff" + HEADER + "C1,2025-04-16,phone,billing,,,false\n")
                 .encode("utf-8"))
    result = load_complaints(path)
    assert result.report.encoding == "UTF-8 with BOM"
    assert result.frame.loc[0, "complaint_id"] == "C1"


def test_latin1_file_is_read_and_flagged(tmp_path):
    text = "complaint_id,received_at,description\nC1,2025-04-16,Facture erronée\n"
    result = load_complaints(write(tmp_path, text.encode("latin-1")))
    assert result.frame.loc[0, "description"] == "Facture erronée"
    assert "not UTF-8" in result.report.encoding
    assert any("not UTF-8" in note for note in result.report.notes)


def test_row_problems_name_row_column_and_value(tmp_path):
    path = write(tmp_path, HEADER
                 + "C1,2025-04-16,phone,billing,,,false\n"         # row 2: fine
                 + "C2,16th April,phone,billing,,,false\n"         # row 3: bad date
                 + "C1,2025-04-17,phone,billing,,,false\n"         # row 4: duplicate of row 2
                 + "C4,2025-04-17,phone,billing,,2025-04-01,false\n"  # row 5: closed before
                 + "C5,2025-04-17,phone,Bilings,,,false\n"         # row 6: unknown category
                 + "C6,2025-04-17,pigeon,billing,,,maybe\n"        # row 7: channel + bool
                 + ",2025-04-17,phone,billing,,,false\n"           # row 8: no ID
                 + "C8,2025-04-17,phone,billing,,,false,extra\n"   # row 9: ragged
                 + "C9,4/18/2025,email,safety,4/18/2025,,no\n")    # row 10: US dates, fine
    report = load_complaints(path).report
    assert_reconciles(report)
    assert (report.rows_read, report.rows_accepted, report.rows_rejected) == (9, 2, 7)
    problems = {(p.row, p.column): p for p in report.problems}
    assert "unparseable date '16th April'" in problems[(3, "received_at")].problem
    assert "duplicate complaint ID 'C1' (first seen in row 2)" in problems[
        (4, "complaint_id")].problem
    assert "closed_at '2025-04-01' is before received_at '2025-04-17'" in problems[
        (5, "closed_at")].problem
    assert "unknown category 'Bilings'" in problems[(6, "category")].problem
    assert "allowed: billing, metering" in problems[(6, "category")].problem
    assert "unknown channel 'pigeon'" in problems[(7, "channel")].problem
    assert "'maybe' is not a yes/no value" in problems[(7, "vulnerable")].problem
    assert "missing complaint ID" in problems[(8, "complaint_id")].problem
    assert "has 8 fields, the header has 7" in problems[(9, "(whole row)")].problem
    # the missing date is reported once, as unparseable, not twice
    assert sum(1 for p in report.problems if p.row == 3) == 1
    summary = report.summary()
    assert "9 rows read, 2 accepted, 7 rejected" in summary
    assert "row 5, column 'closed_at'" in summary


def test_accepted_rows_are_the_valid_ones(tmp_path):
    path = write(tmp_path, HEADER
                 + "C1,2025-04-16,phone,billing,,,false\n"
                 + "C1,2025-04-17,phone,billing,,,false\n"
                 + "C9,4/18/2025,email,safety,4/18/2025 13:30,,no\n")
    frame = load_complaints(path).frame
    assert list(frame["complaint_id"]) == ["C1", "C9"]
    assert frame.loc[0, "received_at"] == pd.Timestamp("2025-04-16")
    assert frame.loc[1, "acknowledged_at"] == pd.Timestamp("2025-04-18 13:30")


def test_numbers_out_of_range_are_rejected(tmp_path):
    path = write(tmp_path, "complaint_id,received_at,escalation_level,satisfaction_score,"
                           "redress_amount\n"
                 + "C1,2025-01-02,1,5,12.50\n"
                 + "C2,2025-01-02,3,0,-1\n"
                 + "C3,2025-01-02,1.5,four,\n")
    result = load_complaints(path)
    assert result.report.rows_accepted == 1
    assert result.frame.loc[0, "redress_amount"] == 12.5
    messages = [str(p) for p in result.report.problems]
    assert "row 3, column 'escalation_level': '3' is not a whole number from 0 to 2" in messages
    assert "row 3, column 'satisfaction_score': '0' is not a whole number from 1 to 5" in messages
    assert "row 3, column 'redress_amount': '-1' is not ≥ 0" in messages
    assert "row 4, column 'escalation_level': '1.5' is not a whole number from 0 to 2" in messages
    assert ("row 4, column 'satisfaction_score': 'four' is not a whole number from 1 to 5"
            in messages)


def test_bytes_upload_and_dataframe_sources_agree(tmp_path):
    text = HEADER + "C1,2025-04-16,phone,billing,2025-04-17,,false\n"
    from_bytes = load_complaints_bytes(text.encode(), "upload.csv")
    assert from_bytes.report.source == "upload.csv"
    from_frame = load_complaints(from_bytes.frame)
    pd.testing.assert_frame_equal(from_bytes.frame, from_frame.frame)
    assert from_frame.report.rows_accepted == 1


def test_error_renders_without_traceback_in_notebooks(tmp_path):
    with pytest.raises(ComplaintDataError) as error:
        load_complaints(tmp_path / "missing.csv")
    assert error.value._render_traceback_() == [f"Cannot load the complaint log: {error.value}"]


def test_sample_log_loads_cleanly(sample_result):
    report = sample_result.report
    assert report.layout == "course"
    assert report.rows_rejected == 0
    assert report.rows_read == len(sample_result.frame) >= 3000
