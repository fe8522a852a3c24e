"""The dashboard driven from Python, every interaction without a browser: tabs built on
demand; the self-test (start, unanswered, right and wrong answers, stored progress, a new
draw); the gap analysis (rating, evidence, target, save, load, upload, damaged and foreign
files, export); the complaint data (sample, CFPB upload, malformed file and mapping, targets,
the size limit)."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
import json
import re
from pathlib import Path

import ipywidgets as widgets
import pytest

from widgets.core.common.storage import corrupt_copies
from widgets.core.complaints.uploads import MAX_UPLOAD_BYTES
from widgets.core.course.progress import ProgressStore
from widgets.dashboard import Dashboard
from widgets.dashboard.assessment import NOT_RATED

MOMENT = dt.datetime(2025, 3, 14, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def store(tmp_path) -> ProgressStore:
    return ProgressStore("ann", tmp_path / "progress")


@pytest.fixture
def folder(tmp_path) -> Path:
    return tmp_path / "assessments"


@pytest.fixture
def dashboard(store, folder) -> Dashboard:
    return Dashboard(store=store, folder=folder)


def upload(widget: widgets.FileUpload, name: str, data: bytes, size: int | None = None) -> None:
    """What the browser does when a file is chosen: the widget's value becomes the file."""
    widget.value = ({"name": name, "type": "", "size": len(data) if size is None else size,
                     "content": memoryview(data), "last_modified": MOMENT},)


def text(html: str) -> str:
    """Visible text of an HTML fragment, tags dropped and whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# ----------------------------------------------------------------------------- the page


def test_three_tabs_built_when_first_shown(dashboard):
    assert dashboard.tabs.titles == ("My knowledge", "Our organization", "Our complaint data")
    assert not dashboard.organization.built and not dashboard.data.built
    dashboard.tabs.selected_index = 1  # what a click on the tab does
    assert dashboard.organization.built and not dashboard.data.built
    assert "Rate each statement" in text(dashboard.organization.children[3].value)
    dashboard.show(2)
    assert dashboard.data.built
    assert dashboard.data.kpis["time_to_resolve"].formatted() == "86.5%"


# ----------------------------------------------------------------------------- my knowledge


def correct_answer(question):
    if question.type == "multiple":
        return {option.id for option in question.correct_options}
    if question.type == "ordering":
        return [item.id for item in question.items]
    return question.correct_options[0].id


def wrong_answer(question):
    if question.type == "multiple":
        return {option.id for option in question.options if not option.correct}
    if question.type == "ordering":
        return list(reversed([item.id for item in question.items]))
    return next(option.id for option in question.options if not option.correct)


def answer(section, choose) -> None:
    """Set every control as a learner would: radio, checkboxes, one drop-down per position."""
    for question in section.test.questions:
        control, wanted = section.controls[question.id], choose(question)
        if question.type == "multiple":
            for option, box in zip(question.options, control, strict=True):
                box.value = option.id in wanted
        elif question.type == "ordering":
            for dropdown, item_id in zip(control, wanted, strict=True):
                dropdown.value = item_id  # swaps with the position that held it
        else:
            control.value = wanted


def test_self_test_all_right(dashboard):
    section = dashboard.knowledge
    section.start()
    questions = section.test.questions
    assert len(questions) == 16 and set(section.controls) == {q.id for q in questions}
    assert text(section.message.value).startswith("16 questions from ")
    assert section.submit() is None
    assert "Answer every question before submitting: questions 1, 2, 3" in section.results.value
    answer(section, correct_answer)
    outcome = section.submit()
    assert outcome.score == 1 and outcome.weak_topics == ()
    shown = text(section.results.value)
    assert "Your score: 100%" in shown and "No module needs revisiting." in shown
    assert all("✓ Correct" in feedback.value for feedback in section.feedback.values())
    assert section.submit_button.disabled
    first = section.controls[questions[0].id]
    assert (first[0] if isinstance(first, list) else first).disabled


def test_wrong_answers_and_stored_progress_point_to_modules(dashboard, store):
    section = dashboard.knowledge
    section.start()
    first_bank = section.test.bank_of[section.test.questions[0].id]
    store.record(first_bank.module, 0.4, check=first_bank.id)
    answer(section, wrong_answer)
    outcome = section.submit()
    assert outcome.score == 0 and outcome.strengths == ()
    advice = next(a for a in outcome.modules if a.module.id == first_bank.module)
    assert advice.check_status == "not passed yet (best 40%)"
    assert "its knowledge check is not passed yet (best 40%)" in advice.reasons
    shown = text(section.results.value)
    assert "Your score: 0%" in shown and "Modules to revisit, most urgent first:" in shown
    assert advice.module.title in shown
    assert all("✗ Not correct" in f.value for f in section.feedback.values())


def test_start_again_draws_a_new_set(dashboard):
    section = dashboard.knowledge
    section.start()
    first = [q.id for q in section.test.questions]
    old_control = section.controls[first[0]]
    old_control = old_control[0] if isinstance(old_control, list) else old_control
    section.start()
    assert old_control.comm is None, "the discarded questions' widgets are closed"
    assert section.attempt_number == 2
    assert [q.id for q in section.test.questions] != first
    assert section.start_button.description == "Start again with new questions"
    assert section.results.value == "" and not section.submit_button.disabled


# ----------------------------------------------------------------------------- our organization


@pytest.fixture
def organization(dashboard):
    dashboard.show(1)
    return dashboard.organization


def test_rating_updates_scores_chart_plan_and_titles(organization):
    assert "No statement rated yet." in organization.summary.value
    assert "Rate statements to see the gaps" in organization.plan.value
    assert "every-complaint-recorded" not in organization.rows  # group 7 not opened yet
    organization.open_group("4")
    chart = organization.chart.value
    row = organization.rows["leadership-visible-commitment"]
    row.rating.value = 1
    assert organization.assessment.answers["leadership-visible-commitment"].level == 1
    assert "Overall maturity 1.0 of 4 (1 of 48 statements rated)." in \
        text(organization.summary.value)
    assert bytes(organization.chart.value) != bytes(chart)
    assert bytes(organization.chart.value).startswith(b"\x89PNG")
    assert organization.groups.titles[0] == "4 Guiding principles — 1/14 rated, mean 1.0"
    plan = text(organization.plan.value)
    assert "1 Top management is visibly committed" in plan and "1 → 3 6 Name an executive" in plan
    organization.rows["enough-capacity"].rating.value = 4
    assert organization.groups.titles[0] == "4 Guiding principles — 2/14 rated, mean 2.5"
    organization.target.value = 4
    assert "1 → 4 9" in text(organization.plan.value)
    row.rating.value = NOT_RATED
    assert organization.assessment.answers["leadership-visible-commitment"].level is None
    assert "Overall maturity 4.0 of 4 (1 of 48" in text(organization.summary.value)
    organization.groups.selected_index = 3  # opening group 7 builds its statements
    assert "every-complaint-recorded" in organization.rows


def test_evidence_notes_and_names_are_kept(organization):
    organization.open_group("5")
    organization.rows["written-policy"].evidence.value = "Policy v3.1"
    organization.name.value = "Q1 review"
    organization.organization.value = "Harbourside"
    assessment = organization.assessment
    assert assessment.answers["written-policy"].evidence == "Policy v3.1"
    assert (assessment.name, assessment.organization) == ("Q1 review", "Harbourside")


def test_save_then_load_restores_the_answers(dashboard, store, folder):
    organization = dashboard.organization
    dashboard.show(1)
    organization.name.value = "Q1 review"
    organization.open_group("4")
    organization.rows["leadership-visible-commitment"].rating.value = 2
    organization.rows["leadership-visible-commitment"].evidence.value = "Board minutes"
    organization.open_group("8")
    organization.rows["regular-analysis"].rating.value = 0
    organization.target.value = 4
    path = organization.save()
    assert path == folder / "q1-review.json"
    assert text(organization.message.value) == f"Saved 2 rated statement(s) to {path}."
    assert organization.saved.options == ("q1-review",)

    fresh = Dashboard(store=store, folder=folder)
    fresh.show(1)
    section = fresh.organization
    assert section.saved.value == "q1-review"
    section.open_group("4")  # built before loading: the controls are updated in place
    loaded = section.load()
    assert loaded.answers["leadership-visible-commitment"].level == 2
    assert section.rows["leadership-visible-commitment"].rating.value == 2
    assert section.rows["leadership-visible-commitment"].evidence.value == "Board minutes"
    assert (section.name.value, section.target.value) == ("Q1 review", 4)
    section.open_group("8")  # built after loading: the controls start from the answers
    assert section.rows["regular-analysis"].rating.value == 0
    assert "Overall maturity 1.0 of 4 (2 of 48 statements rated)." in text(section.summary.value)
    assert text(section.message.value) == "Loaded q1-review. 2 of 48 statements are rated."


def test_load_with_nothing_saved_says_where_it_looked(organization, folder):
    assert organization.saved.options == () and organization.load_button.disabled
    assert organization.load() is None
    assert text(organization.message.value) == f"No saved assessment yet in {folder}."


def test_names_never_leave_the_folder(organization, folder, tmp_path):
    organization.name.value = "../../outside"
    assert organization.save() == folder / "outside.json"
    assert not (tmp_path / "outside.json").exists()
    organization.name.value = ""
    assert organization.save() is None
    assert "Not saved: give the assessment a name before saving it" in organization.message.value


def test_a_damaged_saved_file_is_reported_and_kept(organization, folder):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "broken.json").write_text("{half a file", encoding="utf-8")
    organization.refresh_saved()
    assert organization.load("broken") is None
    message = text(organization.message.value)
    assert "broken.json could not be read: it is not valid JSON" in message
    assert len(corrupt_copies(folder / "broken.json")) == 1
    assert organization.saved.options == ()  # moved aside, so no longer listed


def test_uploaded_files_foreign_damaged_too_big_and_good(organization):
    upload(organization.upload, "progress.json",
           json.dumps({"schema": "iso10002-course/progress"}).encode())
    assert "progress.json could not be read: it is valid JSON but not a self-assessment saved " \
        "by this course" in text(organization.message.value)
    assert organization.upload.value == ()  # ready for the next file
    upload(organization.upload, "half.json", b'{"schema": ')
    assert "half.json could not be read: it is not valid JSON" in organization.message.value
    # the size the browser reports is checked before the content is read
    upload(organization.upload, "huge.json", b"{}", size=MAX_UPLOAD_BYTES + 1024 * 1024)
    assert "huge.json is 21.0 MB; the dashboard accepts files up to 20.0 MB." in \
        organization.message.value
    organization.open_group("6")
    organization.rows["measurable-objectives"].rating.value = 3
    files = organization.export(MOMENT)
    saved = files["self-assessment-assessment.json"]
    organization.rows["measurable-objectives"].rating.value = 0
    upload(organization.upload, "mine.json", saved)
    assert organization.rows["measurable-objectives"].rating.value == 3
    assert text(organization.message.value) == "Opened mine.json. 1 of 48 statements are rated."


def test_export_offers_report_answers_and_assessment(organization):
    organization.name.value = "Q1 review"
    organization.open_group("5")
    organization.rows["written-policy"].rating.value = 1
    organization.rows["written-policy"].evidence.value = "=HYPERLINK(\"http://evil\")"
    files = organization.export(MOMENT)
    assert list(files) == ["q1-review-report.html", "q1-review-answers.csv",
                           "q1-review-assessment.json"]
    links = re.findall(r'<a download="([^"]+)" href="data:([^;]+);charset=utf-8;base64,([^"]+)"',
                       organization.downloads.value)
    assert [(name, mime) for name, mime, _ in links] == [
        ("q1-review-report.html", "text/html"), ("q1-review-answers.csv", "text/csv"),
        ("q1-review-assessment.json", "application/json")]
    decoded = {name: base64.b64decode(data) for name, _, data in links}
    assert decoded == files
    rows = {row["statement_id"]: row for row in
            csv.DictReader(io.StringIO(files["q1-review-answers.csv"].decode("utf-8-sig")))}
    assert rows["written-policy"]["evidence"] == "'=HYPERLINK(\"http://evil\")"
    report = files["q1-review-report.html"].decode()
    assert "Overall maturity: <strong>1.0</strong> of 4" in report
    assert "Report generated 2025-03-14 09:00 UTC" in report
    organization.rows["written-policy"].rating.value = 2
    assert organization.downloads.value == ""  # an outdated export is withdrawn


# ----------------------------------------------------------------------------- complaint data


@pytest.fixture
def data(dashboard):
    dashboard.show(2)
    return dashboard.data


def test_sample_log_kpis_and_charts(data):
    assert text(data.status.value) == "Showing: the sample log (datasets/complaints.csv) " \
                                      "(course layout)."
    assert "4,800 rows read, 4,800 accepted , 0 rejected" in text(data.validation.value)
    tiles = text(data.tiles.value)
    assert "First-contact resolution 31.4% Target ≥ 60% ✗ misses target" in tiles
    assert "Time to resolve 86.5% Target ≥ 85% within 20 business days ✓ meets target" in tiles
    assert [type(w).__name__ for w in data.chart_grid.children] == ["Image"] * 4
    assert set(data.mapping) == set(data.current.headers)
    assert data.mapping["channel"].options[0] == ("automatic (channel)", "")


def test_cfpb_upload_shows_kpis_and_what_is_not_available(data, cfpb_sample):
    upload(data.upload, cfpb_sample.name, cfpb_sample.read_bytes())
    assert text(data.status.value) == f"Showing: {cfpb_sample.name} (cfpb layout)."
    assert "1,000 rows read, 1,000 accepted , 0 rejected" in text(data.validation.value)
    assert "date_sent_to_company: date sent to company" in data.validation.value
    assert data.kpis["cfpb_timely_response_rate"].formatted() == "98.4%"
    tiles = text(data.tiles.value)
    assert tiles.count("Not available") == 12
    assert "Time to resolve Not available the data has no resolved_at column (CFPB exports " \
        "carry no resolution timestamp) · clause 7.8" in tiles
    kinds = [type(w).__name__ for w in data.chart_grid.children]
    assert kinds == ["Image", "Image", "HTML", "Image"]
    assert text(data.charts["resolve"].value) == (
        "No time-to-resolve distribution: the data has no resolved_at column (CFPB exports "
        "carry no resolution timestamp).")
    data.sample_button.click()
    assert "the sample log" in data.status.value


def test_malformed_file_then_mapping_fixes_it(data):
    file = b"Ref;Opened;Channel\nA1;2025-01-06 10:00;phone\nA2;2025-01-08 09:00;email\n"
    upload(data.upload, "export.csv", file)
    status = text(data.status.value)
    assert status.startswith("⚠ export.csv could not be loaded as a complaint log: export.csv is "
                             "missing required column(s) complaint_id, received_at.")
    assert status.endswith("Choose the columns under Column mapping and load again.")
    assert data.kpis == {} and data.tiles.value == "" and data.chart_grid.children == ()
    assert list(data.mapping) == ["Ref", "Opened", "Channel"]
    assert data.mapping["Ref"].options[0] == ("automatic (not used)", "")
    assert data.mapping["Channel"].options[0] == ("automatic (channel)", "")
    assert data.settings.selected_index == 0  # the mapping is opened for the user
    data.mapping["Ref"].value = "complaint_id"
    data.mapping["Opened"].value = "received_at"
    data.apply_mapping_button.click()
    assert text(data.status.value) == "Showing: export.csv (course layout)."
    assert data.kpis["time_to_resolve"].reason == "the data has no resolved_at column"
    assert data.mapping["Ref"].value == "complaint_id"
    assert data.mapping["Ref"].options[0] == ("automatic (complaint_id)", "")


def test_not_a_csv_and_too_big(data):
    upload(data.upload, "book.xlsx", b"PK\x03\x04\x00\x00\x00")
    assert "book.xlsx is not a text CSV file" in data.status.value
    assert "Choose the columns" not in data.status.value  # no headers to map
    upload(data.upload, "huge.csv", b"x" * (MAX_UPLOAD_BYTES + 1024 * 1024))
    assert text(data.status.value) == (
        "⚠ huge.csv is 21.0 MB; the dashboard accepts files up to 20.0 MB. Export a shorter "
        "period or fewer columns, or split the file, and upload it again.")


def test_editing_targets_recomputes_the_kpis(data):
    resolve_chart = data.charts["resolve"].value
    resolve_image = data.charts["resolve"]
    data.targets["resolve.within_business_days"].value = 10
    assert data.charts["resolve"] is resolve_image  # redrawn in place, not replaced
    kpi = data.kpis["time_to_resolve"]
    assert kpi.target == "≥ 85% within 10 business days" and not kpi.met
    assert kpi.formatted() == "64.3%"
    assert bytes(data.charts["resolve"].value) != bytes(resolve_chart)
    data.targets["first_contact_resolution"].value = 30
    assert data.kpis["first_contact_resolution"].met
    assert data.kpis["first_contact_resolution"].target == "≥ 30%"
    data.reset_targets_button.click()
    assert data.kpis["time_to_resolve"].formatted() == "86.5%"
    assert data.kpis["first_contact_resolution"].target == "≥ 60%"
    assert data.targets["resolve.within_business_days"].value == 20
