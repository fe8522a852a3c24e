"""Root-cause core (clause 8.2): filters, Pareto table and chart, worksheets and their files."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pandas as pd
import pytest
from support.practice_logs import ROOTCAUSE_LOG, load_log

from widgets.core.complaints.rootcause import (
    Fishbone,
    FishboneContentError,
    FiveWhys,
    WhyStep,
    filter_log,
    load_fishbone_categories,
    load_worksheet,
    log_months,
    pareto_chart,
    pareto_table,
    safe_filename,
    save_worksheet,
    saved_worksheets,
    work_dir,
    worksheet_path,
)


@pytest.fixture(scope="module")
def log() -> pd.DataFrame:
    return load_log(ROOTCAUSE_LOG)


def ids(frame: pd.DataFrame) -> list[str]:
    return list(frame["complaint_id"])


# --------------------------------------------------------------------------- filters


def test_months_cover_the_log(log):
    assert [str(m) for m in log_months(log)] == ["2025-01", "2025-02", "2025-03"]
    assert log_months(log.iloc[0:0]) == []


def test_filter_by_period_includes_both_end_days(log):
    february = filter_log(log, dt.date(2025, 2, 1), dt.date(2025, 2, 28))
    assert ids(february) == ["R-04", "R-05", "R-06"]  # R-03 is 31 Jan 23:00, R-06 28 Feb 17:00
    assert ids(filter_log(log, start=dt.date(2025, 3, 24))) == ["R-10", "R-11"]
    assert len(filter_log(log)) == 11


def test_filter_by_channel_and_product(log):
    assert ids(filter_log(log, channels=["phone"])) == ["R-01", "R-03", "R-05", "R-07", "R-09",
                                                         "R-11"]
    assert ids(filter_log(log, channels=["phone"], products=["electricity"])) == [
        "R-01", "R-05", "R-07", "R-11"]
    march_post = filter_log(log, dt.date(2025, 3, 1), dt.date(2025, 3, 31),
                            channels=("phone", "letter"))
    assert ids(march_post) == ["R-07", "R-09", "R-10", "R-11"]
    assert ids(filter_log(log, channels=[], products=())) == ids(log)


def test_filter_rejects_reversed_period_and_missing_columns(log):
    with pytest.raises(ValueError, match="starts 2025-03-01 after it ends 2025-02-01"):
        filter_log(log, dt.date(2025, 3, 1), dt.date(2025, 2, 1))
    with pytest.raises(ValueError, match="no product column"):
        filter_log(log.drop(columns="product"), products=["gas"])


# --------------------------------------------------------------------------- Pareto


def test_pareto_by_root_cause(log):
    table = pareto_table(log, "root_cause")
    assert list(table.index) == ["billing_system_defect", "estimated_meter_read",
                                 "staff_error", "process_gap"]
    assert list(table["count"]) == [4, 3, 2, 1]
    assert list(table["cumulative_share"].round(2)) == [0.4, 0.7, 0.9, 1.0]
    assert list(table["vital_few"]) == [True, True, True, False]
    assert table.attrs["missing"] == 1  # R-11 has no root cause


def test_pareto_follows_the_filters(log):
    phone = pareto_table(filter_log(log, channels=["phone"]), "root_cause")
    # billing_system_defect 3 (60%), then two causes of 1: the second reaches 80% and stops
    assert phone.loc["billing_system_defect", "count"] == 3
    assert int(phone["count"].sum()) == 5
    assert int(phone["vital_few"].sum()) == 2
    by_category = pareto_table(log, "category")
    assert list(by_category["count"]) == [5, 3, 2, 1]
    assert list(by_category["vital_few"]) == [True, True, True, False]
    with pytest.raises(ValueError, match="by root_cause or category, not 'channel'"):
        pareto_table(log, "channel")


def test_pareto_chart_draws_bars_cumulative_and_80_line(log):
    figure = pareto_chart(pareto_table(log, "root_cause"))
    bars_axes, line_axes = figure.axes
    colours = [bar.get_facecolor() for bar in bars_axes.patches]
    assert [bar.get_height() for bar in bars_axes.patches] == [4, 3, 2, 1]
    assert colours[0] == colours[2] != colours[3]  # vital few darker
    cumulative, eighty = line_axes.lines
    assert list(cumulative.get_ydata().round(6)) == [40.0, 70.0, 90.0, 100.0]
    assert list(eighty.get_ydata()) == [80, 80]
    assert bars_axes.get_title() == "Pareto of complaints by root cause (n = 10)"
    assert bars_axes.get_xlabel() == "1 complaint without a root cause left out"
    assert bars_axes.get_xticklabels()[0].get_text() == "billing system defect"
    png = io.BytesIO()
    figure.savefig(png, format="png")
    assert png.getvalue().startswith(b"\x89PNG")


def test_pareto_chart_of_nothing_says_so(log):
    figure = pareto_chart(pareto_table(filter_log(log, channels=["chat"]), "root_cause"))
    axes = figure.axes[0]
    assert [t.get_text() for t in axes.texts] == [
        "No complaints with a value match these filters"]
    assert not axes.axison


# --------------------------------------------------------------------------- worksheets


@pytest.mark.parametrize(("title", "name"), [
    ("Estimated bills – Q1 2025!", "estimated-bills-q1-2025.json"),
    ("../../etc/passwd", "etc-passwd.json"),
    ("C:\\Windows\\system32", "c-windows-system32.json"),
    ("Café réunion", "cafe-reunion.json"),
    ("CON", "con-worksheet.json"),
    ("x" * 70 + " tail", "x" * 60 + ".json"),
])
def test_safe_filename(title, name):
    assert safe_filename(title) == name


def test_safe_filename_needs_letters_or_digits():
    with pytest.raises(ValueError, match=r"no letters or digits .* give the worksheet a title"):
        safe_filename("../..")


def test_worksheet_path_stays_in_its_folder(tmp_path):
    path = worksheet_path("five_whys", "../../../outside", tmp_path)
    assert path == tmp_path / "five-whys" / "outside.json"
    assert path.resolve().is_relative_to(tmp_path.resolve())
    with pytest.raises(ValueError, match="unknown worksheet kind 'pdca'"):
        worksheet_path("pdca", "x", tmp_path)


def test_work_dir_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("ISO10002_WORK_DIR", str(tmp_path / "mine"))
    assert work_dir() == tmp_path / "mine"
    monkeypatch.delenv("ISO10002_WORK_DIR")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert work_dir() == tmp_path / ".iso10002-course" / "work"


def complete_five_whys() -> FiveWhys:
    return FiveWhys(
        title="Estimated bills",
        problem="40% of billing complaints in Q1 are about estimated bills",
        whys=[WhyStep("Why estimated?", "No meter reading arrived"),
              WhyStep("Why no reading?", "Smart meters lost connection"),
              WhyStep("Why lost?", "A firmware update failed on one meter model")],
        root_cause="Firmware updates are rolled out without a connectivity test",
    )


def test_five_whys_validation():
    empty = FiveWhys(title="Empty")
    assert empty.problems() == [
        "state the problem: what happened, how often, where (e.g. from the Pareto chart)",
        "0 answered why(s): ask at least 3 — the first answers are usually symptoms, not causes",
        "state the root cause the whys lead to",
    ]
    sheet = complete_five_whys()
    assert sheet.problems() == []
    assert sheet.notes() == ["no action yet: a root cause is only removed by an action with an "
                             "owner (8.2, 8.7)"]
    sheet.action = "Add a connectivity test to the firmware release checklist (owner: IT)"
    assert sheet.notes() == []
    sheet.whys[2] = WhyStep("Why lost?", "")
    assert sheet.problems() == [
        "why 3 has no 'because': answer it or clear the question",
        "2 answered why(s): ask at least 3 — the first answers are usually symptoms, not causes",
    ]
    sheet.whys = [WhyStep("w", "b")] * 6
    assert "6 whys: the worksheet holds at most 5" in sheet.problems()
    sheet.whys = [WhyStep("", "an answer")] + [WhyStep("w", "b")] * 3
    assert sheet.problems() == ["why 1 has an answer but no question"]


def test_five_whys_save_load_round_trip(monkeypatch, tmp_path):
    monkeypatch.setenv("ISO10002_WORK_DIR", str(tmp_path))
    sheet = complete_five_whys()
    path = save_worksheet(sheet)
    assert path == tmp_path / "five-whys" / "estimated-bills.json"
    assert json.loads(path.read_text(encoding="utf-8"))["kind"] == "five_whys"
    loaded = load_worksheet("five_whys", "Estimated bills")
    assert loaded.sheet == sheet and loaded.message is None
    assert load_worksheet("five_whys", "estimated-bills").sheet == sheet  # by file stem too
    assert saved_worksheets("five_whys") == ["estimated-bills"]
    assert saved_worksheets("fishbone") == []


def test_fishbone_validation_and_round_trip(tmp_path):
    categories = load_fishbone_categories()
    sheet = Fishbone(title="Slow letters", problem="Letter complaints wait 9 days",
                     causes={"channel": ["Post opened twice a week", "  "], "people": []})
    assert sheet.problems(categories) == []
    assert Fishbone(title="x").problems(categories) == [
        "state the problem at the head of the fishbone",
        "no causes yet: put at least one candidate cause on a bone",
    ]
    odd = Fishbone(title="x", problem="p", causes={"weather": ["rain"]})
    assert odd.problems(categories) == [
        "unknown bone(s) weather; the bones are people, process, policy, product, systems, "
        "channel"]
    save_worksheet(sheet, tmp_path)
    loaded = load_worksheet("fishbone", "Slow letters", tmp_path).sheet
    assert loaded == Fishbone(title="Slow letters", problem="Letter complaints wait 9 days",
                              causes={"channel": ["Post opened twice a week"], "people": []})


def test_missing_corrupt_and_wrong_kind_files_are_reported(tmp_path):
    missing = load_worksheet("five_whys", "nothing here", tmp_path)
    assert missing.sheet is None
    assert missing.message == (f"no saved worksheet named 'nothing-here' in "
                               f"{tmp_path / 'five-whys'}")
    path = worksheet_path("five_whys", "broken", tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text("{not json", encoding="utf-8")
    broken = load_worksheet("five_whys", "broken", tmp_path)
    assert broken.sheet is None and not path.exists()
    assert "is not valid JSON" in broken.message and "moved to" in broken.message
    assert Path(broken.result.moved_to).read_text(encoding="utf-8") == "{not json"
    save_worksheet(Fishbone(title="mixed", problem="p", causes={}), tmp_path)
    (tmp_path / "fishbone" / "mixed.json").rename(tmp_path / "five-whys" / "mixed.json")
    wrong = load_worksheet("five_whys", "mixed", tmp_path)
    assert wrong.sheet is None
    assert "it is not a five whys worksheet (kind: 'fishbone')" in wrong.message


def test_fishbone_content_is_valid_and_complete():
    categories = load_fishbone_categories()
    assert [c.key for c in categories] == ["people", "process", "policy", "product", "systems",
                                           "channel"]
    assert all(len(c.prompts) >= 2 and all(p.endswith("?") for p in c.prompts)
               for c in categories)


@pytest.mark.parametrize(("text", "message"), [
    ("categories: []", "'categories' must be a non-empty list"),
    ("categories:\n- {key: people, label: People}", "needs the keys key, label, prompts"),
    ("categories:\n- {key: People, label: P, prompts: [a, b]}", "must be lowercase"),
    ("categories:\n- {key: people, label: P, prompts: [a]}", "at least two questions"),
    ("categories:\n- {key: people, label: P, prompts: [a, b]}\n"
     "- {key: people, label: Q, prompts: [a, b]}", r"uses the id\(s\) people more than once"),
    ("categories: [", "not valid YAML"),
])
def test_fishbone_content_errors_name_the_file(tmp_path, text, message):
    path = tmp_path / "fishbone.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FishboneContentError, match=message) as error:
        load_fishbone_categories(path)
    assert str(path) in str(error.value)
