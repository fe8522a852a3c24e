"""The root-cause explorer driven from Python: move the filters and watch the chart and the
Pareto table follow; fill, check, save and load both worksheets."""

from __future__ import annotations

import base64

import ipywidgets as widgets
import pandas as pd
import pytest
from support.practice_logs import ROOTCAUSE_LOG, load_log

from widgets.core.complaints.rootcause import worksheet_path
from widgets.rootcause import RootCauseExplorer


@pytest.fixture(scope="module")
def log() -> pd.DataFrame:
    return load_log(ROOTCAUSE_LOG)


@pytest.fixture
def explorer(log, tmp_path) -> RootCauseExplorer:
    return RootCauseExplorer(log, folder=tmp_path)


def chart_png(explorer: RootCauseExplorer) -> bytes:
    (output,) = explorer.chart.outputs
    return base64.b64decode(output["data"]["image/png"])


def test_initial_view_shows_the_whole_log(explorer):
    assert [label for label, _ in explorer.months.options] == ["Jan 2025", "Feb 2025",
                                                               "Mar 2025"]
    assert explorer.months.description == "Months received"
    assert [value for _, value in explorer.channels.options] == ["email", "letter", "phone",
                                                                 "web_form"]
    assert explorer.channels.options[3][0] == "web form"
    assert explorer.products.description == "Products (none = all)"
    assert len(explorer.filtered) == 11
    assert list(explorer.table["count"]) == [4, 3, 2, 1]
    assert explorer.summary.value == (
        "<p>11 complaints received from Jan 2025 to Mar 2025; 3 of 4 root cause values make up "
        "90%: billing system defect (40%), estimated meter read (30%), staff error (20%).</p>")
    assert chart_png(explorer).startswith(b"\x89PNG")


def test_filters_redraw_the_chart(explorer):
    before = chart_png(explorer)
    explorer.channels.value = ("phone",)
    assert list(explorer.filtered["complaint_id"]) == ["R-01", "R-03", "R-05", "R-07", "R-09",
                                                       "R-11"]
    assert int(explorer.table["count"].sum()) == 5
    assert len(explorer.chart.outputs) == 1 and chart_png(explorer) != before
    explorer.products.value = ("electricity",)
    assert list(explorer.filtered["complaint_id"]) == ["R-01", "R-05", "R-07", "R-11"]
    assert list(explorer.table["count"]) == [3]
    february = explorer.months.options[1][1]
    explorer.channels.value = ()
    explorer.products.value = ()
    explorer.months.value = (february, february)
    assert list(explorer.filtered["complaint_id"]) == ["R-04", "R-05", "R-06"]
    assert explorer.summary.value.startswith("<p>3 complaints received in Feb 2025;")
    explorer.column.value = "category"
    assert explorer.table.index.name == "category"
    assert list(explorer.table["count"]) == [1, 1, 1]


def test_a_filter_that_leaves_nothing(explorer):
    explorer.channels.value = ("web_form",)
    explorer.products.value = ("broadband",)
    assert explorer.filtered.empty
    assert "0 complaints received" in explorer.summary.value
    assert "no complaint in the selection has a value to count" in explorer.summary.value
    assert chart_png(explorer).startswith(b"\x89PNG")


def fill_five_whys(form) -> None:
    form.title.value = "Estimated bills"
    form.problem.value = "Three of ten complaints are about estimated reads"
    answers = [("Why estimated?", "No reading"), ("Why no reading?", "Meter offline"),
               ("Why offline?", "Firmware update failed")]
    for (why, because), why_box, because_box in zip(answers, form.whys, form.becauses,
                                                    strict=False):
        why_box.value, because_box.value = why, because
    form.root_cause.value = "Updates are released without a connectivity test"


def test_five_whys_check_save_and_load(explorer, tmp_path):
    form = explorer.five_whys
    assert isinstance(explorer.worksheets, widgets.Tab)
    assert explorer.worksheets.titles == ("5 whys", "Fishbone")
    assert [w.description for w in form.whys] == ["Why 1?", "Why 2?", "Why 3?", "Why 4?",
                                                  "Why 5?"]
    form.check_button.click()
    assert "Not complete yet:" in form.message.value
    assert "0 answered why(s): ask at least 3" in form.message.value
    fill_five_whys(form)
    form.check_button.click()
    assert "Complete." in form.message.value
    assert "no action yet" in form.message.value
    form.save_button.click()
    path = tmp_path / "five-whys" / "estimated-bills.json"
    assert path.is_file()
    assert f"Saved to {path}." in form.message.value
    assert form.saved.options == ("estimated-bills",) and not form.load_button.disabled
    for box in (form.title, form.problem, form.root_cause, *form.whys, *form.becauses):
        box.value = ""
    form.load_button.click()
    assert form.title.value == "Estimated bills"
    assert [w.value for w in form.whys] == ["Why estimated?", "Why no reading?", "Why offline?",
                                           "", ""]
    assert form.becauses[2].value == "Firmware update failed"
    assert f'<p style="color:#1b6e20">Loaded {path}.' in form.message.value


def test_saving_needs_a_title_and_a_damaged_file_is_reported(explorer, tmp_path):
    form = explorer.five_whys
    form.title.value = "../.."
    form.save_button.click()
    assert "Not saved: the title &#x27;../..&#x27; has no letters or digits" in \
        form.message.value
    path = worksheet_path("five_whys", "broken", tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text("[1, 2", encoding="utf-8")
    form.refresh_saved()
    form.saved.value = "broken"
    form.load_button.click()
    assert "could not be read: it is not valid JSON" in form.message.value
    assert "moved to" in form.message.value
    assert form.saved.options == ()  # the damaged file was moved aside


def test_fishbone_save_and_load(explorer, tmp_path):
    form = explorer.fishbone
    assert list(form.bones) == ["people", "process", "policy", "product", "systems", "channel"]
    assert form.bones["systems"].description == "Systems"
    form.title.value = "Slow letters"
    form.problem.value = "Letter complaints wait longest"
    form.bones["channel"].value = "Post opened twice a week\n\nScanning backlog"
    form.check_button.click()
    assert "Complete." in form.message.value
    form.save_button.click()
    assert (tmp_path / "fishbone" / "slow-letters.json").is_file()
    form.bones["channel"].value = ""
    form.load_button.click()
    assert form.bones["channel"].value == "Post opened twice a week\nScanning backlog"


def test_worksheets_default_to_the_work_dir(log, tmp_path, monkeypatch):
    monkeypatch.setenv("ISO10002_WORK_DIR", str(tmp_path / "work"))
    explorer = RootCauseExplorer(log)
    fill_five_whys(explorer.five_whys)
    explorer.five_whys.save_button.click()
    assert (tmp_path / "work" / "five-whys" / "estimated-bills.json").is_file()


def test_an_undated_log_is_refused(log):
    with pytest.raises(ValueError, match="no complaint with a received date"):
        RootCauseExplorer(log.iloc[0:0])
