"""The audit sampler driven from Python: set the sample controls and draw, mark records with
the dropdowns and compare, fill the three-part statement and check it."""

from __future__ import annotations

import datetime as dt

import ipywidgets as widgets
import pandas as pd
import pytest
from support.practice_logs import AUDIT_LOG, load_log

from widgets.audit_sampler import AuditSampler
from widgets.core.practice.audit_sampler import draw_sample


@pytest.fixture(scope="module")
def log() -> pd.DataFrame:
    return load_log(AUDIT_LOG)


@pytest.fixture
def sampler(log) -> AuditSampler:
    return AuditSampler(log, size=4, seed=5)


def records_table(sampler: AuditSampler) -> str:
    (output,) = sampler.records.outputs
    return output["data"]["text/html"]


def test_initial_random_sample(sampler, log):
    assert isinstance(sampler, widgets.VBox)
    assert sampler.sample.ids == draw_sample(log, "random", size=4, seed=5).ids
    assert "Population: 10 complaints. Method: random, seed 5. Sample: 4 records." in \
        sampler.sample_info.value
    assert "probability 60%" in sampler.sample_info.value
    table = records_table(sampler)
    assert all(f"<td>{cid}</td>" in table for cid in sampler.sample.ids)
    assert [d.description for d in sampler.mark_box.children] == list(sampler.sample.ids)
    assert sampler.criteria_box.layout.display == "none"
    assert sampler.size.max == 10
    assert sampler.requirement.value == (
        "<p><strong>Requirement:</strong> Every complaint other than a safety complaint is "
        "acknowledged within 2 business days of receipt.</p>")


def test_judgement_sample_from_the_controls(sampler):
    sampler.method.value = "judgement"
    assert sampler.criteria_box.layout.display == ""
    sampler.channel.value = "letter"
    sampler.take_all.value = True
    sampler.draw_button.click()
    assert sampler.sample.ids == ("C-101", "C-104", "C-106", "C-110")
    assert "4 of 10 complaints meet channel = letter; all of them examined" in \
        sampler.sample_info.value
    sampler.closed_to.value = dt.date(2025, 3, 14)
    sampler.draw_button.click()
    assert sampler.sample.ids == ("C-101", "C-106", "C-110")
    sampler.take_all.value = False
    sampler.size.value = 2
    sampler.draw_button.click()
    assert sampler.sample.size == 2
    assert "2 of them chosen at random with seed 5" in sampler.sample_info.value


def test_bad_sample_choices_are_explained_and_the_sample_kept(sampler):
    kept = sampler.sample.ids
    sampler.method.value = "judgement"
    sampler.draw_button.click()
    assert "a judgement sample needs at least one criterion" in sampler.sample_info.value
    assert "The previous sample is kept." in sampler.sample_info.value
    sampler.closed_from.value = dt.date(2025, 3, 20)
    sampler.closed_to.value = dt.date(2025, 3, 1)
    sampler.draw_button.click()
    assert "swap the dates" in sampler.sample_info.value
    assert sampler.sample.ids == kept


def test_marking_per_criterion_and_comparing(log):
    sampler = AuditSampler(log, size=10, seed=0)
    dropdowns = sampler.mark_dropdowns
    assert [label for label, _ in dropdowns["C-101"].options] == [
        "— not marked —", "conforms", "nonconforms", "not applicable"]
    dropdowns["C-102"].value = "nonconforms"
    dropdowns["C-101"].value = "nonconforms"
    sampler.criterion.value = "RESPONSE_LATE"
    assert dropdowns["C-102"].value is None  # marks belong to one criterion
    dropdowns["C-109"].value = "conforms"
    sampler.criterion.value = "ACK_LATE"
    assert (dropdowns["C-102"].value, dropdowns["C-109"].value) == ("nonconforms", None)
    assert sampler.marks == {("C-102", "ACK_LATE"): "nonconforms",
                             ("C-101", "ACK_LATE"): "nonconforms",
                             ("C-109", "RESPONSE_LATE"): "conforms"}
    sampler.compare_button.click()
    assert sampler.marking.agreed == 1
    feedback = sampler.marking_feedback.value
    assert ("1 of 3 marks agree with the reference (3 of 100 pairs marked); you found 1 of the "
            "10 nonconformities the sample holds") in feedback
    assert "missed nonconformity against policy 4.4, ISO 10002 7.7: first response after 6 " \
        "business days (policy: 5)" in feedback
    assert feedback.count(">differs<") == 2 and feedback.count(">agrees<") == 1
    sampler.draw_button.click()  # a new sample starts unmarked
    assert sampler.marks == {} and sampler.marking_feedback.value == ""


def test_checking_a_statement(log):
    sampler = AuditSampler(log, size=10, seed=0)
    sampler.nc_criterion.value = "Complaints policy 4.2 (ISO 10002:2018 clause 7.4)"
    sampler.nc_evidence.value = "C-102: received Mon 3 March, acknowledged Thu 6 March"
    sampler.nc_statement.value = "C-102 was not acknowledged within 2 business days."
    sampler.check_button.click()
    assert sampler.statement_check.ok
    assert "No problems found in the three parts." in sampler.statement_feedback.value
    assert "Advice:" in sampler.statement_feedback.value
    sampler.nc_evidence.value = "Letters were acknowledged late"
    sampler.nc_statement.value = "A major nonconformity under ISO 19011."
    sampler.check_button.click()
    assert sampler.statement_check.codes == ("no_evidence_ids", "no_shortfall", "no_requirement",
                                             "grading_as_iso19011")
    feedback = sampler.statement_feedback.value
    assert "4 problem(s) to fix:" in feedback
    assert "the evidence cites no complaint IDs" in feedback
    assert "are not ISO 19011 terms" in feedback


def test_record_text_is_escaped(log):
    hostile = log.copy()
    hostile.loc[0, "description"] = "<script>alert(1)</script>"
    sampler = AuditSampler(hostile, size=10, seed=0)
    table = records_table(sampler)
    assert "<script>" not in table and "&lt;script&gt;" in table
    assert "<td>Mon 03 Mar 2025 09:00</td>" in table  # weekday shown, to count business days


def test_sampler_on_the_course_sample_log():
    sampler = AuditSampler(size=20, seed=3)
    assert sampler.sample.size == 20 and sampler.sample.population_size > 1000
    assert all(cid.startswith("CMP-") for cid in sampler.sample.ids)
