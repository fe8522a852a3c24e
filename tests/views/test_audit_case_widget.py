"""The audit case views driven from Python: the sampling-risk explorer's numbers follow its
controls; the findings register shows each sample's records, refuses a finding without
evidence, and scores what the learner recorded."""

from __future__ import annotations

from pathlib import Path

import ipywidgets as widgets
import pytest
import yaml
from support.practice_logs import AUDIT_LOG, TINY_CASE, TINY_PROGRAMME, load_log

from widgets.audit_case import GRADE_OPTIONS, FindingsRegister, SamplingRiskExplorer
from widgets.core.practice.audit_case import (
    GRADES,
    parse_audit_case,
    parse_audit_programme,
    run_case,
)


@pytest.fixture(scope="module")
def tiny(policy):
    programme = parse_audit_programme(yaml.safe_load(TINY_PROGRAMME), Path("p.yaml"))
    case = parse_audit_case(yaml.safe_load(TINY_CASE), Path("c.yaml"), programme)
    return run_case(load_log(AUDIT_LOG), policy, case, programme)


def test_explorer_follows_its_controls(tiny):
    explorer = SamplingRiskExplorer(tiny, size=3)
    assert isinstance(explorer, widgets.VBox)
    assert explorer.rule.options[0] == ("Acknowledgement on time — 1 records", "ACK_LATE")
    # N = 10, K = 1, n = 3: miss = C(9,3)/C(10,3) = 84/120 = 70%; 95% needs n = 10
    assert "none at all with probability 70%</strong> (at least one: 30%)" in \
        explorer.output.value
    assert "a random sample needs <strong>10</strong> records" in explorer.output.value
    explorer.size.value = 5
    assert "probability 50%" in explorer.output.value  # C(9,5)/C(10,5) = 126/252
    explorer.confidence.value = 0.90
    assert "needs <strong>9</strong> records" in explorer.output.value  # miss(9) = 1/10


def test_register_shows_each_sample(tiny):
    register = FindingsRegister(tiny)
    assert "<td>C-104</td>" in register.records.value
    assert "Planned tests:</strong> acknowledgement on time, first response on time for " \
           "vulnerable customers, decision on time" in register.set_info.value
    register.set_choice.value = "S2"
    assert "<td>C-103</td>" in register.records.value and "C-104" not in register.records.value
    assert "No findings recorded yet" in register.register.value


def test_register_refuses_a_finding_without_ids_then_scores(tiny):
    register = FindingsRegister(tiny)
    register.criterion.value = "SAFETY_NOT_ESCALATED"
    register.ids.value = "the gas one"
    register.add_button.click()
    assert register.findings == []
    assert "Cite at least one complaint ID" in register.message.value
    register.ids.value = "c-103"
    register.grade.value = "major"
    register.add_button.click()
    register.criterion.value = "ACK_MISSING"
    register.ids.value = "C-105 and C-106"
    register.grade.value = "minor"
    register.add_button.click()
    assert [(f.rule, f.ids, f.grade) for f in register.findings] == [
        ("SAFETY_NOT_ESCALATED", ("C-103",), "major"),
        ("ACK_MISSING", ("C-105", "C-106"), "minor")]
    assert register.ids.value == ""
    assert "<td>Acknowledgement recorded</td><td>C-105, C-106</td><td>Minor</td>" in \
        register.register.value
    register.score_button.click()
    assert register.score.found_rules == ("SAFETY_NOT_ESCALATED",)
    html = register.score_output.value
    assert "You found 1 of the 7 criteria" in html
    assert "C-106: the record meets the criterion: acknowledgement recorded" in html
    assert "Still to find: Acknowledgement recorded, Safety complaint acknowledged the same day" \
        in html
    register.clear_button.click()
    assert register.findings == [] and register.score is None and register.score_output.value == ""


def test_grade_options_are_the_programme_grades():
    assert tuple(value for _, value in GRADE_OPTIONS) == GRADES
