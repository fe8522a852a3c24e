"""The triage board driven from Python as a learner would: choose in the dropdowns, press
"Check my triage", read the verdicts; draw another batch."""

from __future__ import annotations

import ipywidgets as widgets
import pandas as pd
import pytest
from support.practice_logs import TRIAGE_EXPECTED, TRIAGE_LOG, load_log

from widgets.core.practice.triage import draw_batch
from widgets.triage import TriageBoard


@pytest.fixture(scope="module")
def log() -> pd.DataFrame:
    return load_log(TRIAGE_LOG)


@pytest.fixture
def board(log) -> TriageBoard:
    return TriageBoard(log, size=3, seed=2)


def answer(board: TriageBoard, complaint_id: str, **fields: str) -> None:
    for field, value in fields.items():
        board.dropdowns[complaint_id][field].value = value


def test_board_shows_the_seeded_batch_with_labelled_dropdowns(board, log):
    assert board.batch.ids == draw_batch(log, size=3, seed=2).ids
    assert isinstance(board, widgets.VBox)
    assert len(board.grid.children) == 4 * (1 + 3)  # header row + one row per complaint
    first = board.batch.ids[0]
    row = board.grid.children[4:8]
    assert f"<strong>{first}</strong>" in row[0].value
    assert [d.description for d in row[1:]] == ["Category", "Severity", "Priority"]
    assert row[1].tooltip == f"Category of complaint {first}"
    assert all(d.value is None for fields in board.dropdowns.values() for d in fields.values())
    assert [label for label, _ in board.dropdowns[first]["priority"].options] == [
        "— choose —", "P1 immediate", "P2 urgent", "P3 standard", "P4 routine"]
    assert "3 complaints drawn with seed 2 from 9 that can be triaged" in board.message.value
    assert board.batch.ids == ("T-01", "T-03", "T-06")
    assert ("<em>on the vulnerable-customer register; 1 earlier complaint in the 90 days "
            "before</em>") in board.grid.children[8].value
    assert "Mon 10 Mar 2025 08:00 · phone · smart meter · residential" in \
        board.grid.children[12].value
    # The answers (category, subcategory, severity) are not on the page before checking.
    for index, complaint_id in enumerate(board.batch.ids):
        shown = board.grid.children[4 * (index + 1)].value
        record = board.batch.record(complaint_id)
        for hidden in (record["category"], record["subcategory"], record["severity"]):
            assert hidden not in shown and hidden.replace("_", " ") not in shown


def test_checking_a_perfect_triage(board):
    for complaint_id in board.batch.ids:
        answer(board, complaint_id, **board.batch.reference(complaint_id))
    board.check_button.click()
    assert board.result.score == board.result.max_score == 9
    assert "9 of 9 answers match the reference (100%)" in board.feedback.value
    assert board.feedback.value.count("✓ matches") == 9
    assert "The reference priority rule" in board.feedback.value


def test_checking_shows_differences_with_explanations(log):
    board = TriageBoard(log, size=9, seed=0)
    answer(board, "T-03", category="billing", severity="low", priority="P4")
    answer(board, "T-01", category="metering", severity="medium", priority="P3")
    board.check_button.click()
    assert board.result.score == 2 + 1
    assert "3 of 27 answers match the reference (11%)" in board.feedback.value
    assert "Even with your own category and severity the rule gives P2, not P4" in \
        board.feedback.value
    assert "you chose metering; the log classes it safety, subcategory gas_smell" in \
        board.feedback.value
    assert board.feedback.value.count("✗ differs") == 27 - 3
    assert set(TRIAGE_EXPECTED) == set(board.batch.ids)


def test_drawing_a_new_batch_resets_and_bad_sizes_are_explained(board):
    answer(board, board.batch.ids[0], priority="P1")
    board.check_button.click()
    board.size_input.value = 4
    board.seed_input.value = 8
    board.draw_button.click()
    assert len(board.batch.ids) == 4 and board.feedback.value == ""
    assert all(d.value is None for fields in board.dropdowns.values() for d in fields.values())
    kept = board.batch.ids
    board.size_input.value = 12
    board.draw_button.click()
    assert "larger than the 9 complaints" in board.message.value
    assert board.batch.ids == kept


def test_board_on_the_course_sample_log():
    board = TriageBoard(size=5, seed=1)
    assert len(board.batch.ids) == 5
    assert all(cid.startswith("CMP-") for cid in board.batch.ids)
    assert board.batch.population > 1000
