"""The certification path (widgets.core.practice.certification_path): content, ordering scored as a
knowledge-check ordering question, the certificate's calendar, validation, and the
CertificationRoadmap widget driven from Python."""

from __future__ import annotations

import datetime as dt
import re
from fractions import Fraction

import pytest
import yaml

from widgets.certification_path import CertificationRoadmap
from widgets.core.course.questions import normalize_answer
from widgets.core.practice.certification_path import (
    CERTIFICATION_FILE,
    CertificationPathError,
    add_years,
    certificate_cycle,
    check_order,
    load_certification_path,
    ordering_question,
    parse_certification_path,
    start_order,
)

STEP_IDS = ["gap-analysis", "training", "internal-audit-team", "documentation", "implementation",
            "internal-review", "stage-1-audit", "stage-2-audit", "certificate", "surveillance",
            "recertification"]


@pytest.fixture(scope="module")
def path():
    return load_certification_path()


def test_path_follows_the_content_map(path):
    assert [step.id for step in path.steps] == STEP_IDS
    assert [step.stage for step in path.steps] == (
        ["preparation"] * 6 + ["external audit"] * 2 + ["certificate cycle"] * 3)
    assert (path.certificate_years, path.surveillance_years) == (3, (1, 2))
    assert "ISO certifies nobody" in path.note and "certification bodies" in path.note.lower()
    assert path.step("internal-audit-team").clauses == ("8.5", "19011:7")


def test_ordering_is_scored_like_a_knowledge_check_question(path):
    question = ordering_question(path)
    assert question.type == "ordering" and [i.id for i in question.items] == STEP_IDS
    assert question.items[0].feedback.startswith("Preparation: Compare today's complaints")
    assert normalize_answer(question, STEP_IDS) == tuple(STEP_IDS)
    assert check_order(path, STEP_IDS).score == 1
    swapped = list(STEP_IDS)
    swapped[6], swapped[7] = swapped[7], swapped[6]  # stage 2 before stage 1
    result = check_order(path, swapped)
    assert result.score == Fraction(9, 11)
    assert [(p.position, p.placed.id, p.placed_belongs_at) for p in result.positions
            if not p.correct] == [(7, "stage-2-audit", 8), (8, "stage-1-audit", 7)]
    reversed_order = check_order(path, STEP_IDS[::-1])
    assert reversed_order.score == Fraction(1, 11)  # only the middle step stays in place
    with pytest.raises(ValueError, match="exactly once"):
        check_order(path, STEP_IDS[:-1])


def test_start_order_is_shuffled_reproducibly_and_never_correct(path):
    assert start_order(path, 1) == start_order(path, 1)
    assert start_order(path, 1) != start_order(path, 2)
    for seed in range(40):
        order = start_order(path, seed)
        assert list(order) != STEP_IDS and sorted(order) == sorted(STEP_IDS)


def test_certificate_cycle_calendar(path):
    events = certificate_cycle(path, dt.date(2025, 3, 14))
    assert [(e.title, e.due) for e in events] == [
        ("Certificate issued", dt.date(2025, 3, 14)),
        ("Surveillance audit, year 1", dt.date(2026, 3, 14)),
        ("Surveillance audit, year 2", dt.date(2027, 3, 14)),
        ("Recertification audit", dt.date(2028, 3, 13)),
        ("Certificate expires", dt.date(2028, 3, 14)),
    ]
    assert events[0].detail == "valid for 3 years"
    assert add_years(dt.date(2024, 2, 29), 1) == dt.date(2025, 2, 28)
    assert add_years(dt.date(2024, 2, 29), 4) == dt.date(2028, 2, 29)


def _raw() -> dict:
    return yaml.safe_load(CERTIFICATION_FILE.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(certificate_years=0),
         "'certificate_years' must be a whole number of at least 1; found 0"),
        (lambda d: d.update(surveillance_years=[2, 1]),
         "'surveillance_years' must list increasing years between 1 and 2; found [2, 1]"),
        (lambda d: d.update(surveillance_years=[1, 3]),
         "'surveillance_years' must list increasing years between 1 and 2; found [1, 3]"),
        (lambda d: d["steps"][0].update(stage="planning"),
         "'steps[1].stage' must be one of preparation, external audit, certificate cycle; "
         "found 'planning'"),
        (lambda d: d["steps"][1].update(clauses=["6.9"]),
         "'steps[2].clauses' must be a list of quoted clause ids from clauses.yaml"),
        (lambda d: d["steps"][2].pop("who"), "'steps[3]' needs the keys id, title, stage, "
         "who, what, clauses; found id, title, stage, what, clauses"),
        (lambda d: d["steps"][3].update(id="training"),
         "'steps' uses the id(s) training more than once"),
        (lambda d: d["steps"].insert(0, d["steps"].pop(8)),
         "'steps' stages must follow the order preparation → external audit → certificate "
         "cycle"),
        (lambda d: d["steps"][4].update(what=" "), "'steps[5].what' must be non-empty text"),
    ],
)
def test_malformed_path_is_refused_with_a_located_message(change, message):
    document = _raw()
    change(document)
    with pytest.raises(CertificationPathError, match=re.escape(f"path.yaml: {message}")):
        parse_certification_path(document, "path.yaml")


def test_every_broken_step_is_reported_at_once():
    document = _raw()
    document["steps"][0].update(stage="planning")
    document["steps"][4].update(what=" ")
    with pytest.raises(CertificationPathError) as raised:
        parse_certification_path(document, "path.yaml")
    assert raised.value.problems == [
        "path.yaml: 'steps[1].stage' must be one of preparation, external audit, certificate "
        "cycle; found 'planning'",
        "path.yaml: 'steps[5].what' must be non-empty text; found ' '",
    ]
    assert str(raised.value).startswith("path.yaml: 2 problems\n- path.yaml: 'steps[1].stage'")


def test_roadmap_widget_swaps_checks_and_plans_the_cycle():
    roadmap = CertificationRoadmap(seed=1)
    start = list(start_order(roadmap.path, 1))
    assert roadmap.order() == start
    assert [d.description for d in roadmap.dropdowns][:2] == ["Step 1", "Step 2"]
    # Choosing the step another position holds swaps the two: every step stays used once.
    holder = start.index("gap-analysis")
    previous_first = roadmap.dropdowns[0].value
    roadmap.dropdowns[0].value = "gap-analysis"
    assert roadmap.dropdowns[holder].value == previous_first
    assert sorted(roadmap.order()) == sorted(STEP_IDS)

    roadmap.set_order(STEP_IDS)
    roadmap.check_button.click()
    assert roadmap.result.score == 1
    assert "<h4>11 of 11 steps in the right place</h4>" in roadmap.feedback.value
    assert "<strong>External audit, stage 1: documents and readiness</strong>" in \
        roadmap.feedback.value
    assert "ISO 19011:2018 7 Competence and evaluation of auditors" in roadmap.feedback.value

    roadmap.retry_button.click()
    assert roadmap.order() == list(start_order(roadmap.path, 2))
    assert roadmap.feedback.value == "" and roadmap.result is None
    roadmap.check_button.click()
    assert roadmap.result.score < 1 and "✗ belongs at" in roadmap.feedback.value

    assert "14 March 2026</td><td><strong>Surveillance audit, year 1" in roadmap.calendar.value
    roadmap.decision_date.value = dt.date(2024, 2, 29)
    assert "28 February 2025</td><td><strong>Surveillance audit, year 1" in \
        roadmap.calendar.value
    assert "27 February 2027</td><td><strong>Recertification audit" in roadmap.calendar.value
    roadmap.decision_date.value = None
    assert roadmap.calendar.value == "<p>Choose a date to see the cycle.</p>"
