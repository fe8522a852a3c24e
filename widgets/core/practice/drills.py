"""Sorting drills: one case at a time, the learner says which category it belongs to.

Why: recognising a principle or a responsibility in a real situation is the skill the modules
teach, and it is learned by doing many short cases with immediate feedback rather than by
reading a list. Five drills use this one engine, each a YAML file under widgets/content/:

* ``complaint-cases``       is it a complaint, not a complaint, or outside the scope (1, 3)?
* ``principle-cases``       which guiding principle of clause 4 is most at stake (4.1-4.15)?
* ``principle-editions``    which 2018 principles were kept, renamed or added since 2004/2014?
* ``responsibility-cases``  who is responsible under 5.4: top management, the representative, …
* ``conduct-code-cases``    is a sentence a promise worth putting in a customer code (ISO 10001)?

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
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from widgets.core.common.errors import ContentError
from widgets.core.common.paths import CONTENT_DIR
from widgets.core.common.reader import ContentReader, by_id, read_yaml
from widgets.core.course.clauses import Clause, load_clauses

DRILL_IDS = ("complaint-cases", "principle-cases", "principle-editions", "responsibility-cases",
             "conduct-code-cases")
_DRILL_KEYS = ("id", "title", "instructions", "categories", "cases")
_CATEGORY_KEYS = ("id", "label", "clauses", "summary")
_CASE_KEYS = ("id", "text", "answer", "explanation", "clauses", "also")


class DrillError(ContentError):
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
        return by_id(self.categories, category_id, "category", owner=f"drill {self.id!r}",
                     known="categories:")


# ----------------------------------------------------------------------------- loading


def _clauses(r: ContentReader, entry: dict, where: str, catalogue: dict[str, Clause]
             ) -> tuple[str, ...]:
    return r.members(entry, "clauses", where, catalogue,
                     "quoted clause ids from clauses.yaml, e.g. ['4.5']")


def _category(r: ContentReader, entry: dict, where: str, catalogue: dict[str, Clause]
              ) -> Category:
    r.known(entry, where, _CATEGORY_KEYS)
    category_id = r.slug(entry, "id", where)
    clauses = _clauses(r, entry, where, catalogue)
    # a principle or clause explains itself: its summary from clauses.yaml
    summary = r.optional_text(entry, "summary", where, catalogue[clauses[0]].summary)
    return Category(category_id, r.text(entry, "label", where), clauses, summary)


def _case(r: ContentReader, entry: dict, where: str, categories: dict[str, Category],
          catalogue: dict[str, Clause]) -> Case:
    r.known(entry, where, _CASE_KEYS)
    case_id = r.slug(entry, "id", where)
    known = ", ".join(categories)
    answer = r.get(entry, "answer", where)
    if answer not in categories:
        raise r.fail(f"{where}answer", f"{answer!r} is not a category; use one of {known}")
    also_raw = r.mapping(entry.get("also", {}), f"{where}also")
    also: dict[str, str] = {}
    for category_id in also_raw:
        if category_id not in categories or category_id == answer:
            raise r.fail(f"{where}also", f"{category_id!r} must be a category other than "
                         f"the answer; use one of {known}")
        also[category_id] = r.text(also_raw, category_id, f"{where}also.")
    clauses = (_clauses(r, entry, where, catalogue) if entry.get("clauses") is not None
               else categories[answer].clauses)
    return Case(case_id, r.text(entry, "text", where), answer, r.text(entry, "explanation", where),
                clauses, also)


def parse_drill(document: Any, source: str, catalogue: dict[str, Clause] | None = None) -> Drill:
    """Build a Drill from parsed YAML; ``source`` names the file in error messages, and every
    broken category and case is reported at once."""
    catalogue = catalogue if catalogue is not None else load_clauses()
    r = ContentReader(source, DrillError, collect=True)
    top = r.mapping(document, "(top level)")
    r.known(top, "", _DRILL_KEYS)
    drill_id = r.slug(top, "id", "")
    title, instructions = r.text(top, "title", ""), r.text(top, "instructions", "")
    categories = r.each(top, "categories", "", lambda e, w: _category(r, e, w, catalogue),
                        at_least=2, unit="categories")
    r.unique([c.id for c in categories], "categories")
    named = {c.id: c for c in categories}
    cases = r.each(top, "cases", "", lambda e, w: _case(r, e, w, named, catalogue))
    r.unique([c.id for c in cases], "cases")
    r.done()
    return Drill(drill_id, title, instructions, tuple(categories), tuple(cases), source)


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
        raise DrillError(f"{path}: 'id' is {drill.id!r} but the file is {path.stem}.yaml; a "
                         "drill's id must match its file name")
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
