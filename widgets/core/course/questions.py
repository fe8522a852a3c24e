"""Knowledge checks: question banks loaded from YAML, answer checking, scoring and attempts.

Why it is built this way:

- Questions are data (``widgets/content/questions/<bank>.yaml``) so a trainer can add or fix
  one by editing a file. :func:`validate_bank` checks a bank the way a careful reviewer would
  and names the file, the question id and the field of every problem, so a typo fails a test
  with a message that says what to fix instead of confusing a learner.
- Five question types cover what a knowledge check on ISO 10002 needs:

  ``single``      one correct option among several;
  ``multiple``    several options, one or more correct, at least one wrong;
  ``true_false``  a statement, with feedback for both answers;
  ``ordering``    items listed in the correct order in the file, shown shuffled;
  ``scenario``    a vignette (a situation at Harbourside Energy) plus one correct option,
                  typically "which principle or step is at stake?".

  Every option (and every ordering item) carries its own feedback, and every question an
  explanation and at least one clause reference that must exist in clauses.yaml — except a
  question marked ``navigation: true``: it is about finding one's way around the course (where
  the dashboard is, what counts as completing a module), cites no clause, and so counts for no
  clause in the syllabus's coverage or the dashboard's self-test on the standard.
- ``multiple``: the learner is told how many options are correct ("Choose the 2 correct
  answers."). The count is derived from the data, so the prompt can never disagree with the
  answer key, and the question tests knowledge rather than guessing how many to tick.
- Partial credit, so a near miss is not marked like a blank:

  ``multiple``  (correct options ticked − wrong options ticked) / number of correct options,
                never below 0: ticking everything earns nothing, one of two right earns 1/2;
  ``ordering``  items in their correct position / number of items (the same ✓/✗ the
                learner sees per position, so score and feedback always agree);
  others        1 or 0.

  A bank's score is the mean of its question scores, kept as an exact fraction so that 4/5
  meets a pass mark of 0.8 without floating-point doubt.
- Shuffling is reproducible: options (and the starting order of ordering items) are shuffled
  with a seed made by SHA-256 from the learner, the bank id and the attempt number. A layout
  can always be reproduced from those three, each new attempt gets a new one, and nothing
  depends on Python's per-process ``hash()`` randomisation. Question order stays as the
  trainer wrote it: a bank is a designed sequence. True/false options always read True, False.
"""

from __future__ import annotations

import dataclasses
import hashlib
import random
import re
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml

from widgets.core.common.errors import ContentError
from widgets.core.common.paths import CONTENT_DIR
from widgets.core.common.reader import by_id
from widgets.core.course.clauses import Clause, load_clauses

BANKS_DIR = CONTENT_DIR / "questions"
QUESTION_TYPES = ("single", "multiple", "true_false", "ordering", "scenario")
CHOICE_TYPES = ("single", "multiple", "scenario")
BANK_FIELDS = ("id", "title", "module", "pass_mark", "description", "questions")
COMMON_FIELDS = ("id", "type", "prompt", "clauses", "explanation", "navigation")
TYPE_FIELDS = {
    "single": ("options",),
    "multiple": ("options",),
    "scenario": ("vignette", "options"),
    "true_false": ("answer", "feedback"),
    "ordering": ("items",),
}
OPTION_FIELDS = ("id", "text", "correct", "feedback")
ITEM_FIELDS = ("id", "text", "feedback")
MIN_ORDERING_ITEMS = 3
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a bank file, located precisely enough to fix it."""

    file: str
    question: str | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"question {self.question}" if self.question else "bank"
        return f"{self.file}: {where}, field '{self.field}': {self.message}"


class BankError(ContentError):
    """A bank failed validation; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("invalid question bank:\n" + "\n".join(f"  - {p}" for p in problems),
                         problems)


class AnswerError(ValueError):
    """An answer of the wrong shape, or an attempt used out of turn."""


@dataclass(frozen=True)
class Option:
    id: str
    text: str
    correct: bool
    feedback: str


@dataclass(frozen=True)
class Item:
    """An ordering item; ``feedback`` explains why it belongs where it does."""

    id: str
    text: str
    feedback: str


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    prompt: str
    clauses: tuple[str, ...]
    explanation: str
    options: tuple[Option, ...] = ()
    items: tuple[Item, ...] = ()  # ordering: in the correct order
    vignette: str = ""
    navigation: bool = False  # about the course itself, not the standard: cites no clause

    @property
    def correct_options(self) -> tuple[Option, ...]:
        return tuple(o for o in self.options if o.correct)

    @property
    def instruction(self) -> str:
        """What the learner is asked to do, shown under the prompt."""
        if self.type == "multiple":
            count = len(self.correct_options)
            return f"Choose the {count} correct answer{'s' if count > 1 else ''}."
        if self.type == "true_false":
            return "Is this statement true or false?"
        if self.type == "ordering":
            return f"Put the {len(self.items)} items in order: position 1 comes first."
        return "Choose one answer."


@dataclass(frozen=True)
class Bank:
    id: str
    title: str
    module: str
    pass_mark: float
    description: str
    questions: tuple[Question, ...]
    source: Path

    def question(self, question_id: str) -> Question:
        return by_id(self.questions, question_id, "question", owner=f"bank {self.id!r}")


# ----------------------------------------------------------------------------- YAML reading


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key given twice in one mapping: PyYAML would silently keep
    the last one, hiding a trainer's copy-paste slip (two 'correct:' lines, say)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key {key!r} appears twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def bank_path(path_or_id: str | Path) -> Path:
    """A bank file from a path, or from a bank id looked up in ``widgets/content/questions``."""
    text = str(path_or_id)
    if isinstance(path_or_id, Path) or "/" in text or text.endswith((".yaml", ".yml")):
        return Path(path_or_id)
    path = BANKS_DIR / f"{text}.yaml"
    if not path.is_file():
        known = ", ".join(bank_ids()) or "none"
        raise FileNotFoundError(
            f"no question bank {text!r} in {BANKS_DIR}; available banks: {known}"
        )
    return path


def bank_ids() -> list[str]:
    """Ids of the banks shipped with the course."""
    return sorted(p.stem for p in BANKS_DIR.glob("*.yaml"))


def _read_document(path: Path) -> tuple[Any, Problem | None]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        return None, Problem(str(path), None, "(file)", f"cannot be read: {exc.strerror or exc}")
    except UnicodeDecodeError:
        return None, Problem(str(path), None, "(file)", "cannot be read: it is not UTF-8 text; "
                             "save it as UTF-8")
    try:
        return yaml.load(text, Loader=_StrictLoader), None  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        detail = str(exc).replace("\n", " ")
        return None, Problem(str(path), None, "(file)", f"is not valid YAML: {detail}")


# ----------------------------------------------------------------------------- validation


class _Checker:
    """Collects the problems of one bank document."""

    def __init__(self, file: str, clauses: dict[str, Clause], seen_ids: dict[str, str]) -> None:
        self.file = file
        self.clauses = clauses
        self.seen_ids = seen_ids
        self.problems: list[Problem] = []

    def add(self, question: str | None, field: str, message: str) -> None:
        self.problems.append(Problem(self.file, question, field, message))

    def unknown_fields(self, entry: dict[str, Any], allowed: Iterable[str], question: str | None,
                       where: str = "") -> None:
        allowed = tuple(allowed)
        for key in entry:
            if key not in allowed:
                self.add(question, f"{where}{key}",
                         f"unknown field (allowed here: {', '.join(allowed)})")

    def text(self, entry: dict[str, Any], field: str, question: str | None,
             where: str = "") -> None:
        value = entry.get(field)
        if not isinstance(value, str) or not value.strip():
            self.add(question, f"{where}{field}", "must be a non-empty text")

    def slug(self, value: Any, question: str | None, field: str) -> bool:
        if not isinstance(value, str) or not _SLUG.fullmatch(value):
            self.add(question, field,
                     f"must be lowercase letters, digits and '-' (got {value!r})")
            return False
        return True

    def bank(self, document: Any, expected_id: str | None) -> None:
        if not isinstance(document, dict):
            self.add(None, "(file)", "must be a mapping with id, title, module, pass_mark, "
                     "questions")
            return
        self.unknown_fields(document, BANK_FIELDS, None)
        if self.slug(document.get("id"), None, "id") and expected_id is not None \
                and document["id"] != expected_id:
            self.add(None, "id", f"is {document['id']!r} but the file is {expected_id}.yaml; "
                     "a bank's id must match its file name")
        self.text(document, "title", None)
        self.text(document, "module", None)
        if "description" in document:
            self.text(document, "description", None)
        mark = document.get("pass_mark")
        if isinstance(mark, bool) or not isinstance(mark, int | float) or not 0 < mark <= 1:
            self.add(None, "pass_mark", f"must be a number above 0 and at most 1 (got {mark!r})")
        questions = document.get("questions")
        if not isinstance(questions, list) or not questions:
            self.add(None, "questions", "must be a non-empty list of questions")
            return
        for position, question in enumerate(questions, start=1):
            self.question(question, position)

    def question(self, entry: Any, position: int) -> None:
        label = f"#{position}"
        if not isinstance(entry, dict):
            self.add(label, "(question)", "must be a mapping")
            return
        raw_id = entry.get("id")
        if self.slug(raw_id, label, "id"):
            label = raw_id
            if raw_id in self.seen_ids:
                self.add(label, "id", f"is already used in {self.seen_ids[raw_id]}; question ids "
                         "must be unique across all banks")
            else:
                self.seen_ids[raw_id] = self.file
        kind = entry.get("type")
        if kind not in QUESTION_TYPES:
            self.add(label, "type", f"must be one of {', '.join(QUESTION_TYPES)} (got {kind!r})")
            return
        self.unknown_fields(entry, COMMON_FIELDS + TYPE_FIELDS[kind], label)
        self.text(entry, "prompt", label)
        self.text(entry, "explanation", label)
        navigation = entry.get("navigation", False)
        if not isinstance(navigation, bool):
            self.add(label, "navigation", f"must be true or false (got {navigation!r})")
        elif navigation:
            if entry.get("clauses"):
                self.add(label, "clauses", "must be left out (or []) on a navigation question: "
                         "it is about the course, not a clause of the standard")
        else:
            self.references(entry.get("clauses"), label)
        if kind == "scenario":
            self.text(entry, "vignette", label)
        if kind in CHOICE_TYPES:
            self.options(entry.get("options"), kind, label)
        elif kind == "true_false":
            self.true_false(entry, label)
        else:
            self.items(entry.get("items"), label)

    def references(self, refs: Any, label: str) -> None:
        if not isinstance(refs, list) or not refs:
            self.add(label, "clauses", "must list at least one clause id, e.g. ['7.5']")
            return
        for ref in refs:
            if not isinstance(ref, str):
                self.add(label, "clauses", f"{ref!r} must be quoted text, e.g. '7.5' not 7.5")
            elif ref not in self.clauses:
                self.add(label, "clauses", f"{ref!r} is not in clauses.yaml")
        if len(set(map(str, refs))) != len(refs):
            self.add(label, "clauses", "lists the same clause twice")

    def options(self, options: Any, kind: str, label: str) -> None:
        if not isinstance(options, list) or len(options) < 2:
            self.add(label, "options", "must be a list of at least 2 options")
            return
        ids: set[str] = set()
        correct = 0
        for position, option in enumerate(options, start=1):
            where = f"options[{position}]."
            if not isinstance(option, dict):
                self.add(label, f"options[{position}]", "must be a mapping")
                continue
            self.unknown_fields(option, OPTION_FIELDS, label, where)
            if self.slug(option.get("id"), label, f"{where}id"):
                if option["id"] in ids:
                    self.add(label, f"{where}id", f"{option['id']!r} is used twice")
                ids.add(option["id"])
            self.text(option, "text", label, where)
            self.text(option, "feedback", label, where)
            if not isinstance(option.get("correct"), bool):
                self.add(label, f"{where}correct", "must be true or false")
            elif option["correct"]:
                correct += 1
        if kind == "multiple":
            if correct < 1 or correct == len(options):
                self.add(label, "options", f"a multiple question needs at least one correct and "
                         f"one wrong option (found {correct} correct of {len(options)})")
        elif correct != 1:
            self.add(label, "options", f"a {kind} question needs exactly 1 correct option "
                     f"(found {correct})")

    def true_false(self, entry: dict[str, Any], label: str) -> None:
        if not isinstance(entry.get("answer"), bool):
            self.add(label, "answer", "must be true or false")
        feedback = entry.get("feedback")
        if not isinstance(feedback, dict):
            self.add(label, "feedback", "must give feedback for both answers: true: ... false: ...")
            return
        normalised = {_bool_key(key): value for key, value in feedback.items()}
        if set(normalised) != {True, False} or len(feedback) != 2:
            self.add(label, "feedback", "must have exactly the keys true and false")
        for key in (True, False):
            value = normalised.get(key)
            if key in normalised and (not isinstance(value, str) or not value.strip()):
                self.add(label, f"feedback.{str(key).lower()}", "must be a non-empty text")

    def items(self, items: Any, label: str) -> None:
        if not isinstance(items, list) or len(items) < MIN_ORDERING_ITEMS:
            self.add(label, "items", f"must list at least {MIN_ORDERING_ITEMS} items, in the "
                     "correct order")
            return
        ids: set[str] = set()
        texts: set[str] = set()
        for position, item in enumerate(items, start=1):
            where = f"items[{position}]."
            if not isinstance(item, dict):
                self.add(label, f"items[{position}]", "must be a mapping")
                continue
            self.unknown_fields(item, ITEM_FIELDS, label, where)
            if self.slug(item.get("id"), label, f"{where}id"):
                if item["id"] in ids:
                    self.add(label, f"{where}id", f"{item['id']!r} is used twice")
                ids.add(item["id"])
            self.text(item, "text", label, where)
            self.text(item, "feedback", label, where)
            if isinstance(item.get("text"), str):
                if item["text"] in texts:
                    self.add(label, f"{where}text", "two items have the same text; the learner "
                             "could not tell them apart")
                texts.add(item["text"])


def _bool_key(key: Any) -> Any:
    """YAML reads ``true:`` as the boolean True; a quoted "true" is accepted too."""
    return {"true": True, "false": False}.get(key, key) if isinstance(key, str) else key


def validate_bank(
    path_or_id: str | Path,
    *,
    clauses: dict[str, Clause] | None = None,
    seen_ids: dict[str, str] | None = None,
) -> list[Problem]:
    """Every problem in one bank file (empty list: the bank is valid).

    ``seen_ids`` maps question ids already used to the file that used them; pass the same
    dict for several banks to check that ids are unique across all of them (it is updated).
    """
    path = bank_path(path_or_id)
    document, problem = _read_document(path)
    if problem is not None:
        return [problem]
    checker = _Checker(str(path), clauses if clauses is not None else load_clauses(),
                       seen_ids if seen_ids is not None else {})
    checker.bank(document, path.stem)
    return checker.problems


def validate_all_banks(
    folder: str | Path | None = None, *, clauses: dict[str, Clause] | None = None
) -> list[Problem]:
    """Every problem in every bank of ``folder`` (default: the course's banks), including
    question ids used in more than one bank."""
    folder = Path(folder) if folder is not None else BANKS_DIR
    seen: dict[str, str] = {}
    catalogue = clauses if clauses is not None else load_clauses()
    problems: list[Problem] = []
    for path in sorted(folder.glob("*.yaml")):
        problems.extend(validate_bank(path, clauses=catalogue, seen_ids=seen))
    return problems


# ----------------------------------------------------------------------------- building


def _build_question(entry: dict[str, Any]) -> Question:
    kind = entry["type"]
    options: tuple[Option, ...] = ()
    items: tuple[Item, ...] = ()
    if kind in CHOICE_TYPES:
        options = tuple(
            Option(o["id"], o["text"].strip(), o["correct"], o["feedback"].strip())
            for o in entry["options"]
        )
    elif kind == "true_false":
        feedback = {_bool_key(k): v.strip() for k, v in entry["feedback"].items()}
        options = (
            Option("true", "True", entry["answer"] is True, feedback[True]),
            Option("false", "False", entry["answer"] is False, feedback[False]),
        )
    else:
        items = tuple(Item(i["id"], i["text"].strip(), i["feedback"].strip())
                      for i in entry["items"])
    return Question(
        id=entry["id"],
        type=kind,
        prompt=entry["prompt"].strip(),
        clauses=tuple(entry.get("clauses") or ()),
        explanation=entry["explanation"].strip(),
        options=options,
        items=items,
        vignette=(entry.get("vignette") or "").strip(),
        navigation=bool(entry.get("navigation", False)),
    )


def load_bank(path_or_id: str | Path, *, clauses: dict[str, Clause] | None = None) -> Bank:
    """Load and validate a bank: a bank id ("principles") or a path to a YAML file.

    Raises :class:`BankError` listing every problem when the file is not valid. Question ids
    are checked for uniqueness within the bank here; across banks by
    :func:`validate_all_banks` (the course's tests run it).
    """
    path = bank_path(path_or_id)
    problems = validate_bank(path, clauses=clauses)
    if problems:
        raise BankError(problems)
    document, _ = _read_document(path)
    return Bank(
        id=document["id"],
        title=document["title"].strip(),
        module=document["module"].strip(),
        pass_mark=float(document["pass_mark"]),
        description=(document.get("description") or "").strip(),
        questions=tuple(_build_question(q) for q in document["questions"]),
        source=path,
    )


# ----------------------------------------------------------------------------- checking


@dataclass(frozen=True)
class OptionOutcome:
    option: Option
    selected: bool

    @property
    def verdict(self) -> str:
        """How this option went, in words a screen reader reads well."""
        if self.selected:
            return "your choice: correct" if self.option.correct else "your choice: not correct"
        return "correct answer you did not choose" if self.option.correct else "not chosen"


@dataclass(frozen=True)
class PositionOutcome:
    position: int  # 1-based
    placed: Item
    expected: Item
    placed_belongs_at: int  # 1-based

    @property
    def correct(self) -> bool:
        return self.placed.id == self.expected.id


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    answer: Any
    score: Fraction
    options: tuple[OptionOutcome, ...] = ()
    positions: tuple[PositionOutcome, ...] = ()

    @property
    def verdict(self) -> str:
        if self.score == 1:
            return "correct"
        return "incorrect" if self.score == 0 else "partly correct"


def normalize_answer(question: Question, answer: Any) -> Any:
    """The canonical form of an answer, or :class:`AnswerError` saying what was expected.

    single/scenario: an option id; true_false: a bool (or "true"/"false"); multiple: a
    collection of option ids (a frozenset is returned); ordering: a sequence holding every
    item id once (a tuple is returned).
    """
    option_ids = [o.id for o in question.options]
    where = f"question {question.id}"
    if question.type == "true_false":
        if isinstance(answer, bool):
            return "true" if answer else "false"
        if answer in ("true", "false"):
            return answer
        raise AnswerError(f"{where}: answer True or False (got {answer!r})")
    if question.type in ("single", "scenario"):
        if answer not in option_ids:
            raise AnswerError(f"{where}: answer one of the option ids {option_ids} "
                              f"(got {answer!r})")
        return answer
    if isinstance(answer, str) or not isinstance(answer, Iterable):
        raise AnswerError(f"{where}: answer a list of ids (got {answer!r})")
    values = list(answer)
    if question.type == "multiple":
        unknown = [v for v in values if v not in option_ids]
        if unknown:
            raise AnswerError(f"{where}: unknown option ids {unknown}; options are {option_ids}")
        return frozenset(values)
    item_ids = [i.id for i in question.items]
    if sorted(values) != sorted(item_ids):
        raise AnswerError(f"{where}: an order must use each of {sorted(item_ids)} exactly once "
                          f"(got {values})")
    return tuple(values)


def check_answer(question: Question, answer: Any) -> QuestionResult:
    """Score an answer and pair every option (or position) with its feedback."""
    value = normalize_answer(question, answer)
    if question.type == "ordering":
        correct_index = {item.id: n for n, item in enumerate(question.items, start=1)}
        by_id = {item.id: item for item in question.items}
        positions = tuple(
            PositionOutcome(n, by_id[item_id], question.items[n - 1], correct_index[item_id])
            for n, item_id in enumerate(value, start=1)
        )
        score = Fraction(sum(p.correct for p in positions), len(positions))
        return QuestionResult(question, value, score, positions=positions)
    chosen = value if isinstance(value, frozenset) else frozenset({value})
    outcomes = tuple(OptionOutcome(o, o.id in chosen) for o in question.options)
    if question.type == "multiple":
        hits = sum(1 for o in outcomes if o.selected and o.option.correct)
        misses = sum(1 for o in outcomes if o.selected and not o.option.correct)
        score = max(Fraction(0), Fraction(hits - misses, len(question.correct_options)))
    else:
        score = Fraction(int(question.correct_options[0].id in chosen))
    return QuestionResult(question, value, score, options=outcomes)


# ----------------------------------------------------------------------------- attempts


def attempt_seed(learner: str, bank_id: str, attempt: int) -> int:
    """A 64-bit seed from SHA-256 of learner, bank and attempt number: stable across
    processes and Python versions, unlike ``hash()``."""
    digest = hashlib.sha256(f"{learner}\x1f{bank_id}\x1f{attempt}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


@dataclass(frozen=True)
class AttemptResult:
    bank: Bank
    number: int
    results: tuple[QuestionResult, ...]

    @property
    def score(self) -> Fraction:
        return sum((r.score for r in self.results), Fraction(0)) / len(self.results)

    @property
    def passed(self) -> bool:
        return self.score >= Fraction(str(self.bank.pass_mark))

    @property
    def fully_correct(self) -> int:
        return sum(1 for r in self.results if r.score == 1)


class QuizAttempt:
    """One attempt at a bank by one learner: the shuffled layout, the answers, the result.

    ``questions`` are the bank's questions with options in this attempt's order;
    :meth:`start_order` gives the shuffled order an ordering question starts from (never
    the correct one). :meth:`retry` starts the next attempt with a fresh layout.
    """

    def __init__(self, bank: Bank, learner: str, number: int = 1) -> None:
        if number < 1:
            raise ValueError(f"attempt numbers start at 1 (got {number})")
        self.bank = bank
        self.learner = learner
        self.number = number
        self.seed = attempt_seed(learner, bank.id, number)
        rng = random.Random(self.seed)
        questions = []
        self._start_orders: dict[str, tuple[str, ...]] = {}
        for question in bank.questions:
            if question.type in CHOICE_TYPES:
                options = list(question.options)
                rng.shuffle(options)
                question = dataclasses.replace(question, options=tuple(options))
            elif question.type == "ordering":
                correct = [item.id for item in question.items]
                order = list(correct)
                while order == correct:
                    rng.shuffle(order)
                self._start_orders[question.id] = tuple(order)
            questions.append(question)
        self.questions: tuple[Question, ...] = tuple(questions)
        self.answers: dict[str, Any] = {}
        self.result: AttemptResult | None = None

    def question(self, question_id: str) -> Question:
        return by_id(self.questions, question_id, "question", owner=f"bank {self.bank.id!r}")

    def start_order(self, question_id: str) -> tuple[str, ...]:
        return self._start_orders[question_id]

    def answer(self, question_id: str, value: Any) -> None:
        """Set (or, with None or an empty selection, clear) the answer to one question."""
        if self.result is not None:
            raise AnswerError("this attempt is already submitted; start a new one with retry()")
        question = self.question(question_id)
        if isinstance(value, Iterable) and not isinstance(value, str):
            value = list(value)  # read a generator once
        if value is None or (question.type == "multiple" and value == []):
            self.answers.pop(question_id, None)
        else:
            self.answers[question_id] = normalize_answer(question, value)

    def unanswered(self) -> list[int]:
        """1-based positions of the questions without an answer."""
        return [n for n, q in enumerate(self.questions, start=1) if q.id not in self.answers]

    def submit(self) -> AttemptResult:
        """Score every answer. Every question must be answered first."""
        if self.result is not None:
            raise AnswerError("this attempt is already submitted; start a new one with retry()")
        missing = self.unanswered()
        if missing:
            listed = ", ".join(map(str, missing))
            raise AnswerError(f"Answer every question before submitting: question"
                              f"{'s' if len(missing) > 1 else ''} {listed} "
                              f"{'are' if len(missing) > 1 else 'is'} not answered yet.")
        self.result = AttemptResult(
            self.bank,
            self.number,
            tuple(check_answer(q, self.answers[q.id]) for q in self.questions),
        )
        return self.result

    def retry(self) -> QuizAttempt:
        return QuizAttempt(self.bank, self.learner, self.number + 1)
