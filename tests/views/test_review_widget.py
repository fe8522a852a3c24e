"""Module 07's views driven from Python: the review-pack browser follows its quarter, the
corrective-action form checks and measures what is typed, the reflection saves and reloads."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pandas as pd
import pytest
import yaml
from support.practice_logs import REVIEW_CONTENT as CONTENT
from support.practice_logs import REVIEW_LOG as LOG

from widgets.core.complaints import load_complaints
from widgets.core.practice.review import parse_improvement_guide, parse_review_content
from widgets.review import CorrectiveActionForm, Reflection, ReviewPackView


@pytest.fixture(scope="module")
def log() -> pd.DataFrame:
    return load_complaints(pd.read_csv(io.StringIO(LOG), dtype=str, keep_default_na=False)).frame


@pytest.fixture(scope="module")
def content():
    return parse_review_content(yaml.safe_load(CONTENT), Path("review.yaml"))


def test_pack_view_follows_the_quarter(log, policy, content):
    view = ReviewPackView(log, policy, content=content)
    assert [label for label, _ in view.quarter.options] == [
        "2025Q2 — meeting 22 Jul 2025", "2025Q3 — meeting 21 Oct 2025 (not held)",
        "2025Q4 — meeting 03 Feb 2026"]
    assert view.pack.period.label == "2025Q4"
    assert "Action A2 (Bob) is overdue since 31 October 2025." in view.output.value
    assert "No audit reported since the last review." in view.output.value
    view.quarter.value = "2025Q3"
    assert view.pack.period.label == "2025Q3"
    assert "This review was not held:</strong> Diary clash" in view.output.value


def test_form_checks_and_measures_the_worked_example(log, policy, content):
    form = CorrectiveActionForm(log, policy, content=content)
    form.run_measure()
    assert "Give both periods" in form.feedback.value and form.effect is None
    form.run_check()
    assert not form.check.ok and "nonconformity is empty" in form.feedback.value
    form.example_button.click()
    assert form.root_cause.value == "Scanning waits for the mailroom"
    assert form.slice.value == {"channel": "letter"}
    form.check_button.click()
    assert form.check.ok and "Every part of the record is there." in form.feedback.value
    form.measure_button.click()
    # letters: R1 in 2025Q4, acknowledged after 3 business days; none in 2025Q3
    assert form.effect is not None and form.effect.effective is None
    assert "cannot be measured" in form.feedback.value
    form.slice.value = {}
    form.measure_button.click()
    assert form.effect.effective is False
    assert "100.0% (2025Q3, n = 2) → 66.7% (2025Q4, n = 3)" in form.feedback.value
    form.after_from.value = dt.date(2025, 8, 1)
    form.measure_button.click()
    assert "must start after the 'before' period" in form.feedback.value


def test_form_flags_an_action_that_repeats_the_reaction(log, policy, content):
    form = CorrectiveActionForm(log, policy, content=content)
    form.load_example()
    form.action.value = form.reaction.value
    form.check_date.value = form.due.value
    form.check_button.click()
    assert "the action repeats the reaction" in form.feedback.value
    assert "must come after the action is due" in form.feedback.value


def test_reflection_saves_and_reloads(tmp_path):
    guide = parse_improvement_guide(yaml.safe_load("""
iso9001: [{clause: "9001:10.2", requirement: R, guidance: ["8.7"], how: H}]
small_business: [{topic: T, larger: L, smaller: S, clauses: ["8.1"]}]
auditors_look_for: [{topic: T, evidence: E, clauses: ["7.2"]}]
reflection: [{id: first, prompt: "First?"}, {id: second, prompt: "Second?"}]
"""), Path("g.yaml"))
    reflection = Reflection(guide=guide, folder=tmp_path)
    assert list(reflection.boxes) == ["first", "second"]
    reflection.boxes["first"].value = "Fix the letters queue"
    reflection.save_button.click()
    assert reflection.saved_to == tmp_path / "closing-reflection.json"
    assert "Saved to" in reflection.status.value
    saved = json.loads(reflection.saved_to.read_text(encoding="utf-8"))
    assert saved["answers"] == {"first": "Fix the letters queue", "second": ""}
    again = Reflection(guide=guide, folder=tmp_path)
    assert again.boxes["first"].value == "Fix the letters queue"
    (tmp_path / "closing-reflection.json").write_text("[]", encoding="utf-8")
    damaged = Reflection(guide=guide, folder=tmp_path)
    assert "could not be read" in damaged.status.value
    assert damaged.boxes["first"].value == ""
