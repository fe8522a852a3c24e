"""Typed answers: read what a learner typed into a graded cell, tolerantly, or say what to type.

Why: the practitioner and internal-auditor exercises ask for values, not programs
(``answer_q1 = "B"``, ``acknowledge_by = "2025-04-23"``, ``priority = "P2"``). People type
the same answer in many forms — ``"b"``, ``" B "``, ``"23/04/2025"``, ``"p2"`` — and none of
those should cost a point or show a Python traceback. Each function here turns one typed value
into its canonical form (an option as written in the question, a ``datetime.date``, ``"P2"``)
or raises :class:`AnswerFormatError`, whose message names the question, repeats the value and
says what form is expected. Notebooks show only that message (IPython calls
``_render_traceback_``), as they do for the complaint loader's errors.

Visible tests call these functions to check the form of an answer; hidden tests compare the
parsed answer with literal expected values, so grading never depends on code the learner's
kernel could recompute the key with.

Dates are read the British way (``04/05/2025`` is 4 May), as the course's case company is in
England; ISO ``YYYY-MM-DD`` is always accepted and is what the messages suggest.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import TypeVar

T = TypeVar("T")

_QUOTES = "\"'“”‘’`"
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_WEEKDAYS = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "mon",
    "tue",
    "tues",
    "wed",
    "thu",
    "thur",
    "thurs",
    "fri",
    "sat",
    "sun",
)
_YES = {"yes", "y", "true", "t", "1"}
_NO = {"no", "n", "false", "f", "0"}


class AnswerFormatError(ValueError):
    """A typed answer is not in a form the question accepts.

    The message is for the learner: which question, what they typed, what to type instead.
    """

    def _render_traceback_(self) -> list[str]:
        return [str(self)]


def _fail(question: str, value: object, expected: str) -> AnswerFormatError:
    return AnswerFormatError(f"{question}: {value!r} is not {expected}.")


def _clean_text(value: str) -> str:
    """Trim spaces and stray quotes (a learner may paste “B” with curly quotes inside the
    string) and collapse inner runs of spaces."""
    return " ".join(value.strip().strip(_QUOTES).split())


def _key(value: str) -> str:
    """Comparison key: case, spaces, hyphens and underscores do not matter
    ("Complaint about handling" == "complaint-about-handling")."""
    return re.sub(r"[\s_\-]+", "", _clean_text(value).casefold())


def _list_options(options: Sequence[str]) -> str:
    return ", ".join(f'"{option}"' for option in options)


def choice(value: object, options: Sequence[str], question: str) -> str:
    """The option the learner chose, spelled as in ``options``.

    Accepts any case and spacing (``" b "`` for ``"B"``, ``"ENQUIRY"`` for ``"enquiry"``) and
    a whole number for a numeric option (``3`` for ``"3"``). A decimal number is refused with
    a hint to use quotes, because Python reads ``4.10`` as ``4.1``: clause numbers must be
    strings.
    """
    if not options:
        raise ValueError(f"{question}: choice() needs at least one option")
    canonical = {_key(option): option for option in options}
    if len(canonical) != len(options):
        raise ValueError(f"{question}: options {list(options)} are not distinct")
    expected = f"one of {_list_options(options)}"
    if isinstance(value, bool):
        raise _fail(question, value, f"{expected}; type your choice as a string in quotes")
    if isinstance(value, float):
        raise _fail(
            question,
            value,
            f'{expected}; put it in quotes, for example "{options[0]}" (Python reads 4.10 '
            "as 4.1, so numbers with a point must be strings)",
        )
    if isinstance(value, int):
        value_text = str(value)
    elif isinstance(value, str):
        value_text = value
    else:
        raise _fail(question, value, f"{expected} (a string in quotes)")
    chosen = canonical.get(_key(value_text))
    if chosen is None:
        raise _fail(question, value, expected)
    return chosen


def _as_items(value: object, question: str, what: str) -> list[object]:
    """A list, tuple or set as a list; a string as its comma-, semicolon- or space-separated
    parts ("A, C" or "A C"), because some learners type several choices as one string."""
    if isinstance(value, str):
        return [part for part in re.split(r"[,;\s]+", _clean_text(value)) if part]
    if isinstance(value, list | tuple | set | frozenset):
        return list(value)
    raise _fail(question, value, f'{what} (a list in square brackets, for example ["A", "C"])')


def choices(
    value: object,
    options: Sequence[str],
    question: str,
    *,
    count: int | None = None,
) -> tuple[str, ...]:
    """The options the learner chose, each once, in the order of ``options``.

    Accepts a list, tuple or set of options, or one string that lists them (``"a, c"``).
    With ``count``, exactly that many must be chosen; the message says how many were given.
    """
    how_many = f"exactly {count} of" if count is not None else "some of"
    expected = f"{how_many} {_list_options(options)}"
    items = _as_items(value, question, f"a list of {expected}")
    chosen = {choice(item, options, question) for item in items}
    if not chosen:
        raise _fail(question, value, f"a list of {expected}; it is empty")
    if count is not None and len(chosen) != count:
        raise _fail(
            question,
            value,
            f"a list of {expected}; it names {len(chosen)} different "
            f"option{'s' if len(chosen) != 1 else ''}",
        )
    return tuple(option for option in options if option in chosen)


def yes_no(value: object, question: str) -> bool:
    """True or False, also from ``"yes"``, ``"no"``, ``"Y"``, ``"true"`` typed as text."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = _key(value)
        if text in _YES:
            return True
        if text in _NO:
            return False
    raise _fail(question, value, 'True or False (or "yes" / "no")')


_DATE_HINT = 'a date; type it as "YYYY-MM-DD", for example "2025-04-23", or as "23/04/2025"'


def _date_from_parts(day: int, month: int, year: int, question: str, value: object) -> dt.date:
    if year < 1000:
        raise _fail(question, value, f"{_DATE_HINT} (with the year in four digits)")
    try:
        return dt.date(year, month, day)
    except ValueError as error:  # 31/02/2025, month 13 ...
        raise _fail(question, value, f"{_DATE_HINT} ({error})") from None


def date_answer(value: object, question: str) -> dt.date:
    """The calendar date the learner typed.

    Accepts ``"2025-04-23"``, ``"23/04/2025"`` (also with ``-`` or ``.``; day first, the
    British way), ``"23 April 2025"``, ``"Wed 23 Apr 2025"``, ``"April 23, 2025"`` and a
    ``datetime.date``. A time of day is refused: every deadline in the course is a date.
    """
    if isinstance(value, dt.datetime):
        raise _fail(question, value, f"{_DATE_HINT}; give the date only, without a time")
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise _fail(question, value, _DATE_HINT)
    text = _clean_text(value).casefold().replace(",", " ")
    words = text.split()
    if words and words[0].rstrip(".") in _WEEKDAYS:
        text = " ".join(words[1:])
    if match := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text):
        year, month, day = (int(part) for part in match.groups())
        return _date_from_parts(day, month, year, question, value)
    if match := re.fullmatch(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d+)", text):
        day, month, year = (int(part) for part in match.groups())
        return _date_from_parts(day, month, year, question, value)
    if match := re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?\s+(\d+)", text):
        day_text, month_name, year_text = match.groups()
        if month_name in _MONTHS:
            return _date_from_parts(
                int(day_text), _MONTHS[month_name], int(year_text), question, value
            )
    if match := re.fullmatch(r"([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?\s+(\d+)", text):
        month_name, day_text, year_text = match.groups()
        if month_name in _MONTHS:
            return _date_from_parts(
                int(day_text), _MONTHS[month_name], int(year_text), question, value
            )
    raise _fail(question, value, _DATE_HINT)


def priority(value: object, question: str) -> str:
    """A triage priority as the course writes it (``"P1"`` … ``"P4"``), also from ``"p2"``,
    ``"P 2"`` or the number ``2``."""
    # Imported here, not at the top: the triage module brings pandas, which a notebook that
    # asks for no priority should not wait for while it is graded.
    from widgets.core.practice.triage import PRIORITIES

    expected = f"a priority, one of {_list_options(PRIORITIES)}"
    if isinstance(value, int) and not isinstance(value, bool):
        value_text = f"P{value}"
    elif isinstance(value, str):
        value_text = _key(value)
        if value_text.isdigit():
            value_text = f"P{value_text}"
    else:
        raise _fail(question, value, expected)
    for option in PRIORITIES:
        if _key(option) == _key(value_text):
            return option
    raise _fail(question, value, expected)


def number(value: object, question: str, *, unit: str = "") -> float:
    """A number, also from text such as ``"1,250"``, ``"£40"``, ``"93.5%"`` or ``"12 days"``.

    ``unit`` only words the message (``"business days"``, ``"%"``); the value is returned as
    typed, so ``"93.5%"`` gives 93.5.
    """
    wanted = f"a number{f' of {unit}' if unit and unit != '%' else ''}"
    example = '93.5 or "93.5%"' if unit == "%" else '12 or "12"'
    expected = f"{wanted}, for example {example}"
    if isinstance(value, bool):
        raise _fail(question, value, expected)
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        text = _clean_text(value).casefold().replace(",", "").lstrip("£$€").rstrip("%").strip()
        if unit and unit != "%":
            text = text.removesuffix(unit.casefold()).strip()
        text = re.sub(r"\s*(business\s+)?days?$", "", text)
        try:
            return float(text)
        except ValueError:
            pass
    raise _fail(question, value, expected)


def keyed(
    value: object,
    keys: Collection[str] | Collection[int],
    question: str,
    parse: Callable[[object, str], T],
) -> dict:
    """A dictionary answer (one answer per situation ``"A"`` … or record), parsed item by item.

    Keys are matched tolerantly like options (``"a"`` for ``"A"``, ``"3"`` for ``3``); every
    key must be answered once and no other key given. ``parse(item, label)`` reads each value,
    with ``label`` naming the question and the key, so a message points at the one item to
    fix. Returns a dict from the canonical keys to the parsed values.
    """
    if not isinstance(value, Mapping):
        example = ", ".join(f"{key!r}: ..." for key in list(keys)[:2])
        raise _fail(question, value, f"a dictionary in curly brackets, {{{example}, ...}}")
    canonical = {_key(str(key)): key for key in keys}
    parsed: dict = {}
    for given, item in value.items():
        key = canonical.get(_key(str(given))) if isinstance(given, str | int) else None
        if key is None:
            raise AnswerFormatError(
                f"{question}: {given!r} is not one of the items to answer "
                f"({', '.join(repr(k) for k in keys)})."
            )
        if key in parsed:
            raise AnswerFormatError(f"{question}: {key!r} is answered twice; keep one answer.")
        parsed[key] = parse(item, f"{question}, {key}")
    missing = [key for key in keys if key not in parsed]
    if missing:
        raise AnswerFormatError(
            f"{question}: no answer yet for {', '.join(repr(key) for key in missing)}; "
            "answer every item."
        )
    return parsed
