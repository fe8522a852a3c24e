"""Typed answers (widgets/core/course/typed_answers.py): tolerant reading, helpful refusals.

Every accepted spelling must give the canonical value a hidden test compares with, and every
refusal must be an AnswerFormatError whose message names the question, repeats the value and
shows the expected form — what a learner sees instead of a traceback.
"""

from __future__ import annotations

import datetime as dt

import pytest

from widgets.core.course import (
    AnswerFormatError,
    choice,
    choices,
    date_answer,
    keyed,
    number,
    priority,
    yes_no,
)

APRIL_23 = dt.date(2025, 4, 23)


@pytest.mark.parametrize("typed", ["B", "b", " B ", "“B”", "'b'"])
def test_choice_ignores_case_spaces_and_stray_quotes(typed):
    assert choice(typed, ["A", "B", "C"], "Question 1") == "B"


@pytest.mark.parametrize(
    "typed", ["complaint about handling", "Complaint-about-handling", "COMPLAINT_ABOUT_HANDLING"]
)
def test_choice_matches_words_whatever_the_separators(typed):
    options = ["complaint", "complaint about handling", "enquiry"]
    assert choice(typed, options, "Q2") == "complaint about handling"


def test_choice_accepts_a_whole_number_for_a_numeric_option():
    assert choice(3, ["1", "2", "3"], "Q3") == "3"


def test_choice_refuses_a_decimal_number_and_says_to_use_quotes():
    with pytest.raises(AnswerFormatError) as caught:
        choice(4.10, ["4.2", "4.10"], "Question 4, A")
    message = str(caught.value)
    assert message.startswith("Question 4, A: 4.1 is not one of")
    assert "quotes" in message and "4.10" in message


def test_choice_refusal_lists_the_options():
    with pytest.raises(AnswerFormatError) as caught:
        choice("D", ["A", "B", "C"], "Question 1")
    assert str(caught.value) == 'Question 1: \'D\' is not one of "A", "B", "C".'


@pytest.mark.parametrize("typed", [None, True, ["A"], {"A": 1}])
def test_choice_refuses_other_types_with_a_message(typed):
    with pytest.raises(AnswerFormatError, match=r"^Q1: .* is not one of"):
        choice(typed, ["A", "B"], "Q1")


def test_choice_rejects_badly_written_options_as_a_programming_error():
    with pytest.raises(ValueError, match="not distinct"):
        choice("a", ["A", "a"], "Q1")
    with pytest.raises(ValueError, match="at least one option"):
        choice("a", [], "Q1")


@pytest.mark.parametrize("typed", [["c", "A"], ("A", "C"), {"C", "A"}, "a, c", "A C", "A;C;A"])
def test_choices_returns_each_option_once_in_option_order(typed):
    assert choices(typed, ["A", "B", "C", "D"], "Q5") == ("A", "C")


def test_choices_checks_the_count_and_says_how_many_were_given():
    assert choices(["B", "D"], ["A", "B", "C", "D"], "Q5", count=2) == ("B", "D")
    with pytest.raises(AnswerFormatError, match=r"exactly 2 of .* it names 3 different options"):
        choices(["A", "B", "C"], ["A", "B", "C", "D"], "Q5", count=2)
    with pytest.raises(AnswerFormatError, match="it is empty"):
        choices([], ["A", "B"], "Q5")


def test_choices_names_the_bad_item_and_refuses_a_number():
    with pytest.raises(AnswerFormatError, match=r"^Q5: 'E' is not one of"):
        choices(["A", "E"], ["A", "B"], "Q5")
    with pytest.raises(AnswerFormatError, match=r"square brackets"):
        choices(7, ["A", "B"], "Q5")


@pytest.mark.parametrize(
    "typed",
    [
        "2025-04-23",
        " 2025-4-23 ",
        "23/04/2025",
        "23/4/2025",
        "23-04-2025",
        "23.04.2025",
        "23 April 2025",
        "23rd April 2025",
        "Wednesday 23 April 2025",
        "Wed, 23 Apr 2025",
        "April 23, 2025",
        "apr 23 2025",
        APRIL_23,
    ],
)
def test_date_answer_reads_the_usual_ways_of_writing_a_date(typed):
    assert date_answer(typed, "Q2") == APRIL_23


def test_date_answer_reads_numeric_dates_day_first():
    assert date_answer("04/05/2025", "Q2") == dt.date(2025, 5, 4)


@pytest.mark.parametrize(
    ("typed", "detail"),
    [
        ("04/23/2025", "month must be in 1..12"),
        ("31/02/2025", "day is out of range"),
        ("23/04/25", "four digits"),
        ("next Wednesday", "YYYY-MM-DD"),
        ("", "YYYY-MM-DD"),
        (20250423, "YYYY-MM-DD"),
        (dt.datetime(2025, 4, 23, 9, 0), "without a time"),
    ],
)
def test_date_answer_refusals_say_what_format_is_expected(typed, detail):
    with pytest.raises(AnswerFormatError) as caught:
        date_answer(typed, "Question 2 (acknowledge_by)")
    message = str(caught.value)
    assert message.startswith(f"Question 2 (acknowledge_by): {typed!r} is not a date")
    assert '"2025-04-23"' in message and detail in message


@pytest.mark.parametrize("typed", ["P2", "p2", " P 2 ", "2", 2, "“P2”"])
def test_priority_reads_any_spelling_of_p2(typed):
    assert priority(typed, "Q3") == "P2"


@pytest.mark.parametrize("typed", ["P5", "high", 0, True, None, 2.0])
def test_priority_refusal_lists_p1_to_p4(typed):
    with pytest.raises(AnswerFormatError) as caught:
        priority(typed, "Q3")
    assert str(caught.value) == f'Q3: {typed!r} is not a priority, one of "P1", "P2", "P3", "P4".'


@pytest.mark.parametrize(
    ("typed", "meaning"),
    [(True, True), ("yes", True), ("Y", True), (False, False), ("no", False), ("false", False)],
)
def test_yes_no(typed, meaning):
    assert yes_no(typed, "Q4") is meaning


def test_yes_no_refuses_maybe():
    with pytest.raises(AnswerFormatError, match=r"^Q4: 'maybe' is not True or False"):
        yes_no("maybe", "Q4")


@pytest.mark.parametrize(
    ("typed", "unit", "value"),
    [
        (12, "", 12.0),
        ("12", "", 12.0),
        ("1,250", "", 1250.0),
        ("£40", "", 40.0),
        ("93.5%", "%", 93.5),
        (" 93.5 % ", "%", 93.5),
        ("12 business days", "business days", 12.0),
        ("3 days", "", 3.0),
    ],
)
def test_number_strips_units_currency_and_thousands(typed, unit, value):
    assert number(typed, "Q6", unit=unit) == value


def test_number_refusal_gives_an_example_in_the_unit():
    with pytest.raises(AnswerFormatError) as caught:
        number("about ninety", "Q6", unit="%")
    assert str(caught.value) == "Q6: 'about ninety' is not a number, for example 93.5 or \"93.5%\"."
    with pytest.raises(AnswerFormatError, match="a number of business days"):
        number(None, "Q6", unit="business days")
    with pytest.raises(AnswerFormatError):
        number(True, "Q6")


def _letter(value, label):
    return choice(value, ["4.6", "4.10"], label)


def test_keyed_matches_keys_tolerantly_and_parses_each_item():
    assert keyed({"a": "4.6", " B ": "4.10"}, ["A", "B"], "Q1", _letter) == {
        "A": "4.6",
        "B": "4.10",
    }
    assert keyed({"1": "yes", 2: False}, [1, 2], "Q2", yes_no) == {1: True, 2: False}


def test_keyed_messages_point_at_the_one_item_to_fix():
    with pytest.raises(AnswerFormatError, match=r"^Q1, B: '4\.7' is not one of"):
        keyed({"A": "4.6", "B": "4.7"}, ["A", "B"], "Q1", _letter)
    with pytest.raises(AnswerFormatError, match=r"^Q1: no answer yet for 'B'; answer every item"):
        keyed({"A": "4.6"}, ["A", "B"], "Q1", _letter)
    with pytest.raises(AnswerFormatError, match=r"^Q1: 'C' is not one of the items"):
        keyed({"A": "4.6", "B": "4.6", "C": "4.6"}, ["A", "B"], "Q1", _letter)
    with pytest.raises(AnswerFormatError, match=r"^Q1: 'A' is answered twice"):
        keyed({"A": "4.6", "a": "4.6"}, ["A", "B"], "Q1", _letter)
    with pytest.raises(AnswerFormatError, match=r"^Q1: \['4\.6'\] is not a dictionary"):
        keyed(["4.6"], ["A", "B"], "Q1", _letter)


def test_a_notebook_shows_only_the_message_never_a_traceback():
    with pytest.raises(AnswerFormatError) as caught:
        priority("urgent", "Question 3 (priority)")
    assert caught.value._render_traceback_() == [str(caught.value)]
    assert isinstance(caught.value, ValueError)
