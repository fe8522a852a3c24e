"""Sorting drills (widgets.core.practice.drills) and their widget (widgets.drills.DrillCard): the
shipped drills' answer keys, running a drill case by case, validation messages, and the widget
driven from Python as a learner would."""

from __future__ import annotations

import re
from collections import Counter
from fractions import Fraction
from pathlib import Path

import pytest
import yaml

from widgets.core.course.clauses import load_clauses
from widgets.core.course.questions import load_bank
from widgets.core.practice.drills import (
    DRILL_IDS,
    DrillError,
    DrillRun,
    DrillStateError,
    load_drill,
    parse_drill,
)
from widgets.drills import DrillCard

PRINCIPLE_IDS = [f"4.{n}" for n in range(1, 16)]


# ----------------------------------------------------------------------------- shipped drills


@pytest.mark.parametrize("drill_id", DRILL_IDS)
def test_shipped_drills_load_and_cite_known_clauses(drill_id):
    drill = load_drill(drill_id)
    catalogue = load_clauses()
    assert drill.id == drill_id and drill.title and drill.instructions
    for case in drill.cases:
        assert set(case.clauses) <= set(catalogue), case.id
        assert case.explanation and case.text
    used = {case.answer for case in drill.cases}
    assert used == {c.id for c in drill.categories}, "every category is the answer somewhere"


def test_principle_drill_has_one_case_for_4_1_and_each_of_the_fourteen_principles():
    drill = load_drill("principle-cases")
    assert [c.clauses for c in drill.categories] == [(clause,) for clause in PRINCIPLE_IDS]
    assert sorted(case.clauses for case in drill.cases) == sorted(
        (clause,) for clause in PRINCIPLE_IDS)
    assert all("Harbourside" in case.text for case in drill.cases)
    # A category without its own summary explains itself with the clause's summary.
    assert drill.category("charges").summary == load_clauses()["4.8"].summary
    assert drill.category("charges").label == "Charges (4.8)"


def test_edition_drill_answer_key_matches_the_content_map_and_the_bank():
    drill = load_drill("principle-editions")
    key: dict[str, set[str]] = {}
    for case in drill.cases:
        key.setdefault(case.answer, set()).add(case.id)
    assert key == {
        "new": {"commitment", "capability", "information-integrity", "competence", "timeliness"},
        "renamed": {"transparency", "improvement"},
        "kept": {"accessibility", "responsiveness", "objectivity", "charges", "confidentiality",
                 "customer-focus", "accountability"},
        "retired-name": {"visibility", "continual-improvement"},
    }
    # The 2004/2014 list of the content map: nine principles, seven kept and two renamed.
    assert len(key["kept"]) + len(key["retired-name"]) == 9
    # The knowledge check agrees: the "new in 2018" options it marks correct are new here.
    question = load_bank("principles").question("pr-new-principles-2018")
    assert {o.id for o in question.correct_options} <= key["new"]
    assert {o.id for o in question.options if not o.correct} <= key["kept"]


def test_complaint_and_responsibility_drills_answer_keys():
    complaints = Counter(case.answer for case in load_drill("complaint-cases").cases)
    assert complaints == {"complaint": 4, "not-a-complaint": 3, "out-of-scope": 2}
    assert load_drill("complaint-cases").cases[3].id == "complaint-ignored"  # about handling
    roles = load_drill("responsibility-cases")
    assert [c.id for c in roles.categories] == [
        "top-management", "representative", "managers", "front-line", "all-personnel"]
    assert all("5.4" in c.clauses for c in roles.categories)
    assert Counter(case.answer for case in roles.cases) == {
        "top-management": 3, "representative": 2, "managers": 2, "front-line": 2,
        "all-personnel": 1}


# ----------------------------------------------------------------------------- running


@pytest.fixture
def drill():
    return load_drill("principle-cases")


def test_unseeded_run_keeps_file_order_and_seeded_run_is_reproducible(drill):
    assert [c.id for c in DrillRun(drill).cases] == [c.id for c in drill.cases]
    first = DrillRun(drill, seed=1)
    assert [c.id for c in first.cases] == [c.id for c in DrillRun(drill, seed=1).cases]
    assert first.cases[0].id == "weekly-sign-off-queue"
    assert [c.id for c in first.restart().cases] == [c.id for c in DrillRun(drill, 2).cases]
    assert [c.id for c in first.cases] != [c.id for c in first.restart().cases]
    assert sorted(c.id for c in first.cases) == sorted(c.id for c in drill.cases)


def test_outcomes_correct_defensible_and_incorrect(drill):
    run = DrillRun(drill)  # file order: general, commitment, capability, ...
    assert (run.position, run.total, run.current.id) == (1, 15, "new-system-ignores-principles")
    outcome = run.check("general")
    assert (outcome.correct, outcome.verdict) == (True, "correct")
    assert outcome.comment == run.cases[0].explanation
    run.advance()
    outcome = run.check("capability")  # listed under `also` for the commitment case
    assert (outcome.correct, outcome.verdict) == (False, "defensible")
    assert outcome.comment.startswith(
        "Capability (4.3) is relevant too: the team is short of people, but the root of it is "
        "that leadership will not engage. But the best answer is Commitment (4.2).")
    run.advance()
    outcome = run.check("charges")
    assert outcome.verdict == "incorrect"
    assert outcome.comment.startswith(
        "Not quite. Charges (4.8) means: Complaining costs the complainant nothing. "
        "The best answer is Capability (4.3).")
    assert run.correct == 1 and run.score == Fraction(1, 3)
    assert [o.case.id for o in run.missed] == ["director-declines-resources", "storm-overflow"]


def test_run_refuses_steps_out_of_turn(drill):
    run = DrillRun(drill)
    assert run.score == 0
    with pytest.raises(DrillStateError, match="check case 1 before moving on"):
        run.advance()
    run.check("general")
    with pytest.raises(DrillStateError, match="case 1 is already checked"):
        run.check("general")
    with pytest.raises(KeyError, match="no category 'visibility'"):
        DrillRun(drill).check("visibility")
    for _ in range(len(drill.cases)):
        if not run.checked:
            run.check(run.current.answer)
        run.advance()
    assert run.finished and run.current is None and run.position == 16
    assert run.correct == 15 and run.score == 1
    with pytest.raises(DrillStateError, match="finished"):
        run.check("general")
    with pytest.raises(DrillStateError, match="finished"):
        run.advance()


# ----------------------------------------------------------------------------- validation


def _document() -> dict:
    return {
        "id": "demo",
        "title": "Demo",
        "instructions": "Sort them.",
        "categories": [
            {"id": "a", "label": "Accessibility (4.5)", "clauses": ["4.5"]},
            {"id": "b", "label": "Charges (4.8)", "clauses": ["4.8"], "summary": "Free."},
        ],
        "cases": [
            {"id": "one", "text": "Phone only.", "answer": "a", "explanation": "Because.",
             "also": {"b": "Costs money too."}},
            {"id": "two", "text": "Premium line.", "answer": "b", "explanation": "Because.",
             "clauses": ["4.8", "4.5"]},
        ],
    }


def test_valid_document_parses_with_defaults():
    drill = parse_drill(_document(), "demo.yaml")
    assert drill.cases[0].clauses == ("4.5",)  # default: the answer category's clauses
    assert drill.cases[1].clauses == ("4.8", "4.5")
    assert drill.cases[0].also == {"b": "Costs money too."}
    assert drill.category("b").summary == "Free."


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["cases"][0].update(answer="z"),
         "demo.yaml: 'cases[1].answer' 'z' is not a category; use one of a, b"),
        (lambda d: d["cases"][0].update(also={"a": "Same."}),
         "'cases[1].also' 'a' must be a category other than the answer"),
        (lambda d: d["cases"][1].update(clauses=["4.16"]),
         "'cases[2].clauses' must be a non-empty list of quoted clause ids from clauses.yaml, "
         "e.g. ['4.5']; found ['4.16'] ('4.16' is not)"),
        (lambda d: d["cases"][1].update(clauses=[4.8]), "found [4.8] (4.8 is not)"),
        (lambda d: d["cases"][1].update(id="one"), "'cases' uses the id(s) one more than once"),
        (lambda d: d["categories"].pop(), "'categories' must list at least 2 categories"),
        (lambda d: d["cases"][0].update(hint="x"), "'cases[1]' has unknown key(s) hint"),
        (lambda d: d["cases"][0].update(text="  "), "'cases[1].text' must be non-empty text"),
        (lambda d: d.update(id="Demo Drill"), "'id' must be lowercase"),
        (lambda d: d.update(cases=[]), "'cases' must be a non-empty list"),
    ],
)
def test_malformed_drill_is_refused_with_a_located_message(change, message):
    document = _document()
    change(document)
    with pytest.raises(DrillError, match=re.escape(message)):
        parse_drill(document, "demo.yaml")


def test_file_name_must_match_the_drill_id(tmp_path: Path):
    path = tmp_path / "other.yaml"
    path.write_text(yaml.safe_dump(_document()), encoding="utf-8")
    with pytest.raises(DrillError, match=r"is 'demo' but the file is other\.yaml"):
        load_drill(path)
    good = tmp_path / "demo.yaml"
    good.write_text(yaml.safe_dump(_document()), encoding="utf-8")
    assert load_drill(good).id == "demo"
    with pytest.raises(DrillError, match="not found"):
        load_drill(tmp_path / "missing.yaml")
    with pytest.raises(KeyError, match="no drill 'nope'; drills: complaint-cases"):
        load_drill("nope")


# ----------------------------------------------------------------------------- the widget


def test_card_with_many_categories_uses_a_dropdown_and_walks_the_cases():
    card = DrillCard("principle-cases", seed=1)
    assert type(card.chooser).__name__ == "Dropdown"
    assert card.chooser.options[0] == ("— choose —", None)
    assert len(card.chooser.options) == 16
    assert "Case 1 of 15 · 0 correct so far" in card.status.value
    first = card.run.current
    assert first.id == "weekly-sign-off-queue"
    assert "weekly sign-off meeting" in card.case_html.value
    assert card.next_button.disabled and not card.check_button.disabled

    card.check_button.click()  # nothing chosen yet
    assert "Choose an answer first." in card.feedback.value and card.run.outcomes == []

    card.chooser.value = "responsiveness"  # defensible for this case
    card.check_button.click()
    assert "Defensible, but not the best answer" in card.feedback.value
    assert "ISO 10002:2018 4.15 Timeliness [R]" in card.feedback.value
    assert card.chooser.disabled and card.check_button.disabled
    assert not card.next_button.disabled

    card.next_button.click()
    assert "Case 2 of 15 · 0 correct so far" in card.status.value
    assert card.chooser.value is None and card.feedback.value == ""
    while not card.run.finished:
        card.chooser.value = card.run.current.answer
        card.check_button.click()
        card.next_button.click()
    assert "<h4>14 of 15 cases right (93%)</h4>" in card.status.value
    assert "best answer: <strong>Timeliness (4.15)</strong>" in card.status.value
    assert card.chooser.layout.display == "none" and card.check_button.disabled

    card.restart_button.click()
    assert card.run.seed == 2 and card.run.outcomes == []
    assert card.chooser.layout.display is None and "Case 1 of 15" in card.status.value


def test_card_with_few_categories_uses_radio_buttons_and_reports_a_perfect_round():
    card = DrillCard("complaint-cases", seed=None)
    assert type(card.chooser).__name__ == "RadioButtons"
    assert card.chooser.options[0] == ("A complaint to handle under ISO 10002", "complaint")
    for _ in range(card.run.total):
        card.chooser.value = card.run.current.answer
        assert card.check().correct
        card.advance()
    assert "9 of 9 cases right (100%)" in card.status.value
    assert "Every case right." in card.status.value
