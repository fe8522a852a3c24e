"""Sorting drills: one case at a time, the learner says which category it belongs to.

Why: recognising a principle or a responsibility in a real situation is the skill the modules
teach, and it is learned by doing many short cases with immediate feedback rather than by
reading a list. Four drills use this one engine, each a YAML file under widgets/content/:

* ``complaint-cases``       is it a complaint, not a complaint, or outside the scope (1, 3)?
* ``principle-cases``       which guiding principle of clause 4 is most at stake (4.1-4.15)?
* ``principle-editions``    which 2018 principles were kept, renamed or added since 2004/2014?
* ``responsibility-cases``  who is responsible under 5.4: top management, the representative, …

A case names its one best answer and may name other categories that are ``also`` relevant,
with the reason: real situations rarely touch only one principle, and a learner who picks a
defensible second choice deserves to hear why it is defensible and what matters most. Only
the best answer scores, so the score stays comparable between learners.

A drill is data (a trainer adds a case by editing one file) and :func:`load_drill` rejects a
malformed file with a message naming the file, the entry and the field. The order of cases is
shuffled reproducibly from a seed, so a test (or a trainer demonstrating) sees the same run.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from widgets.core.common.paths import CONTENT_DIR
from widgets.core.common.reader import read_yaml
from widgets.core.course.clauses import Clause, load_clauses

DRILL_IDS = ("complaint-cases", "principle-cases", "principle-editions", "responsibility-cases")
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
_DRILL_KEYS = ("id", "title", "instructions", "categories", "cases")
_CATEGORY_KEYS = ("id", "label", "clauses", "summary")
_CASE_KEYS = ("id", "text", "answer", "explanation", "clauses", "also")


class DrillError(ValueError):
    """A drill file is malformed; the message names the file, the entry and the field."""


class DrillStateError(RuntimeError):
    """A drill run was used out of turn (checking twice, moving on before checking, …)."""


@dataclass(frozen=True)
class Category:
    """One answer a learner can give, e.g. 'Accessibility (4.5)'."""

    id: str
    label: str
    clauses: tuple[str, ...]
    summary: str


@dataclass(frozen=True)
class Case:
    """One situation to sort; ``answer`` is the best category, ``also`` maps other defensible
    categories to why they are defensible."""

    id: str
    text: str
    answer: str
    explanation: str
    clauses: tuple[str, ...]
    also: dict[str, str]


@dataclass(frozen=True)
class Drill:
    id: str
    title: str
    instructions: str
    categories: tuple[Category, ...]
    cases: tuple[Case, ...]
    source: str

    def category(self, category_id: str) -> Category:
        for category in self.categories:
            if category.id == category_id:
                return category
        known = ", ".join(c.id for c in self.categories)
        raise KeyError(f"drill {self.id!r} has no category {category_id!r}; categories: {known}")


# ----------------------------------------------------------------------------- loading


class _Reader:
    def __init__(self, source: str, catalogue: dict[str, Clause]) -> None:
        self.source = source
        self.catalogue = catalogue

    def fail(self, where: str, message: str) -> DrillError:
        return DrillError(f"{self.source}: {where}: {message}")

    def mapping(self, value: Any, where: str, allowed: tuple[str, ...]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(where, f"must be a mapping with the keys {', '.join(allowed)}")
        unknown = sorted(str(key) for key in value if key not in allowed)
        if unknown:
            raise self.fail(where, f"unknown key(s) {', '.join(unknown)}; allowed: "
                            f"{', '.join(allowed)}")
        return value

    def text(self, entry: dict[str, Any], key: str, where: str) -> str:
        value = entry.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{where}.{key}", "must be a non-empty text")
        return " ".join(value.split())

    def slug(self, entry: dict[str, Any], where: str) -> str:
        value = entry.get("id")
        if not isinstance(value, str) or not _SLUG.fullmatch(value):
            raise self.fail(f"{where}.id", f"must be lowercase letters, digits and '-' "
                            f"(got {value!r})")
        return value

    def clauses(self, entry: dict[str, Any], where: str, required: bool) -> tuple[str, ...]:
        value = entry.get("clauses")
        if value is None and not required:
            return ()
        if not isinstance(value, list) or not value:
            raise self.fail(f"{where}.clauses", "must list at least one clause id, e.g. ['4.5']")
        for clause_id in value:
            if not isinstance(clause_id, str):
                raise self.fail(f"{where}.clauses", f"{clause_id!r} must be quoted text, e.g. "
                                "'4.5' not 4.5")
            if clause_id not in self.catalogue:
                raise self.fail(f"{where}.clauses", f"{clause_id!r} is not in clauses.yaml")
        return tuple(value)

    def unique(self, ids: list[str], where: str) -> None:
        seen: set[str] = set()
        for value in ids:
            if value in seen:
                raise self.fail(where, f"the id {value!r} is used twice")
            seen.add(value)


def _category(reader: _Reader, raw: Any, where: str) -> Category:
    entry = reader.mapping(raw, where, _CATEGORY_KEYS)
    category_id = reader.slug(entry, where)
    where = f"category {category_id!r}"
    clauses = reader.clauses(entry, where, required=True)
    if "summary" in entry:
        summary = reader.text(entry, "summary", where)
    else:  # a principle or clause explains itself: its summary from clauses.yaml
        summary = reader.catalogue[clauses[0]].summary
    return Category(category_id, reader.text(entry, "label", where), clauses, summary)


def _case(reader: _Reader, raw: Any, where: str, categories: dict[str, Category]) -> Case:
    entry = reader.mapping(raw, where, _CASE_KEYS)
    case_id = reader.slug(entry, where)
    where = f"case {case_id!r}"
    known = ", ".join(categories)
    answer = entry.get("answer")
    if answer not in categories:
        raise reader.fail(f"{where}.answer", f"{answer!r} is not a category; use one of {known}")
    also_raw = entry.get("also", {})
    if not isinstance(also_raw, dict):
        raise reader.fail(f"{where}.also", "must map category ids to the reason they are also "
                          "relevant")
    also: dict[str, str] = {}
    for category_id, reason in also_raw.items():
        if category_id not in categories or category_id == answer:
            raise reader.fail(f"{where}.also", f"{category_id!r} must be a category other than "
                              f"the answer; use one of {known}")
        if not isinstance(reason, str) or not reason.strip():
            raise reader.fail(f"{where}.also.{category_id}", "must be a non-empty text")
        also[category_id] = " ".join(reason.split())
    clauses = reader.clauses(entry, where, required=False) or categories[answer].clauses
    return Case(case_id, reader.text(entry, "text", where), answer,
                reader.text(entry, "explanation", where), clauses, also)


def parse_drill(document: Any, source: str, catalogue: dict[str, Clause] | None = None) -> Drill:
    """Build a Drill from parsed YAML; ``source`` names the file in error messages."""
    reader = _Reader(source, catalogue if catalogue is not None else load_clauses())
    top = reader.mapping(document, "top level", _DRILL_KEYS)
    drill_id = reader.slug(top, "top level")
    raw_categories = top.get("categories")
    if not isinstance(raw_categories, list) or len(raw_categories) < 2:
        raise reader.fail("categories", "must list at least 2 categories")
    categories = [_category(reader, raw, f"categories[{n}]")
                  for n, raw in enumerate(raw_categories, start=1)]
    reader.unique([c.id for c in categories], "categories")
    by_id = {c.id: c for c in categories}
    raw_cases = top.get("cases")
    if not isinstance(raw_cases, list) or not raw_cases:
        raise reader.fail("cases", "must list at least one case")
    cases = [_case(reader, raw, f"cases[{n}]", by_id) for n, raw in enumerate(raw_cases, start=1)]
    reader.unique([c.id for c in cases], "cases")
    return Drill(drill_id, reader.text(top, "title", "top level"),
                 reader.text(top, "instructions", "top level"), tuple(categories), tuple(cases),
                 source)


def drill_path(drill_id_or_path: str | Path) -> Path:
    """A drill file from a path, or from a drill id (widgets/content/<id>.yaml)."""
    text = str(drill_id_or_path)
    if isinstance(drill_id_or_path, Path) or "/" in text or text.endswith(".yaml"):
        return Path(drill_id_or_path)
    if text not in DRILL_IDS:
        raise KeyError(f"no drill {text!r}; drills: {', '.join(DRILL_IDS)}")
    return CONTENT_DIR / f"{text}.yaml"


def load_drill(drill_id_or_path: str | Path) -> Drill:
    """Read and validate a drill: an id from :data:`DRILL_IDS` or a path to a YAML file."""
    path = drill_path(drill_id_or_path)
    drill = parse_drill(read_yaml(path, DrillError, "drill"), str(path))
    if path.stem != drill.id:
        raise DrillError(f"{path}: top level.id: is {drill.id!r} but the file is "
                         f"{path.stem}.yaml; a drill's id must match its file name")
    return drill


# ----------------------------------------------------------------------------- running


@dataclass(frozen=True)
class CaseOutcome:
    """The learner's choice for one case and what it means."""

    case: Case
    chosen: Category
    best: Category

    @property
    def correct(self) -> bool:
        return self.chosen.id == self.case.answer

    @property
    def verdict(self) -> str:
        """'correct', 'defensible' (an ``also`` category) or 'incorrect'."""
        if self.correct:
            return "correct"
        return "defensible" if self.chosen.id in self.case.also else "incorrect"

    @property
    def comment(self) -> str:
        """Why the choice is right, defensible or wrong, in words for the learner."""
        if self.correct:
            return self.case.explanation
        if self.verdict == "defensible":
            return (f"{self.chosen.label} is relevant too: {self.case.also[self.chosen.id]} "
                    f"But the best answer is {self.best.label}. {self.case.explanation}")
        return (f"Not quite. {self.chosen.label} means: {self.chosen.summary} "
                f"The best answer is {self.best.label}. {self.case.explanation}")


class DrillRun:
    """One pass through a drill's cases: check each case once, then move on.

    ``seed`` None keeps the file's order; an integer shuffles it reproducibly. :meth:`restart`
    returns a new run with the next seed, so each round brings the cases in a new order.
    """

    def __init__(self, drill: Drill, seed: int | None = None) -> None:
        self.drill = drill
        self.seed = seed
        cases = list(drill.cases)
        if seed is not None:
            random.Random(seed).shuffle(cases)
        self.cases: tuple[Case, ...] = tuple(cases)
        self.outcomes: list[CaseOutcome] = []
        self._index = 0

    @property
    def position(self) -> int:
        """1-based number of the current case (total + 1 once finished)."""
        return self._index + 1

    @property
    def total(self) -> int:
        return len(self.cases)

    @property
    def finished(self) -> bool:
        return self._index >= len(self.cases)

    @property
    def current(self) -> Case | None:
        return None if self.finished else self.cases[self._index]

    @property
    def checked(self) -> bool:
        """True when the current case has been checked and the run can move on."""
        return len(self.outcomes) > self._index

    def check(self, category_id: str) -> CaseOutcome:
        """Record the learner's choice for the current case and return the outcome."""
        case = self.current
        if case is None:
            raise DrillStateError("the drill is finished; start a new round with restart()")
        if self.checked:
            raise DrillStateError(f"case {self.position} is already checked; move on with "
                                  "advance()")
        outcome = CaseOutcome(case, self.drill.category(category_id),
                              self.drill.category(case.answer))
        self.outcomes.append(outcome)
        return outcome

    def advance(self) -> None:
        """Move to the next case; the current one must have been checked."""
        if self.finished:
            raise DrillStateError("the drill is finished; start a new round with restart()")
        if not self.checked:
            raise DrillStateError(f"check case {self.position} before moving on")
        self._index += 1

    @property
    def correct(self) -> int:
        return sum(outcome.correct for outcome in self.outcomes)

    @property
    def score(self) -> Fraction:
        """Share of the cases checked so far that got the best answer (0 before any)."""
        return Fraction(self.correct, len(self.outcomes)) if self.outcomes else Fraction(0)

    @property
    def missed(self) -> tuple[CaseOutcome, ...]:
        return tuple(outcome for outcome in self.outcomes if not outcome.correct)

    def restart(self) -> DrillRun:
        """A fresh round; a seeded run gets the next seed (a new order), an unseeded one the
        file order again."""
        return DrillRun(self.drill, None if self.seed is None else self.seed + 1)
