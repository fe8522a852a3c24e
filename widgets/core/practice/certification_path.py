"""The path to third-party certification of complaints handling, and the certificate's cycle.

Why: managers ask "can we get certified?" long before they ask how to handle a complaint,
and the honest answer has two parts. ISO 10002:2018 is guidance, so ISO certifies nobody
against it; certification bodies run their own schemes on it, and those schemes follow a
familiar path (widgets/content/certification-path.yaml): prepare (gap analysis, training, an
internal audit team, documentation, running the process, internal review), a two-stage
external audit, a certificate for three years with surveillance audits in years one and two,
and recertification in year three.

Learners practise the path by putting its steps in order. That is an ordering question, so it
is scored by the knowledge checks' own rule (:func:`widgets.core.course.questions.check_answer`:
items in their correct position / number of items) rather than by a second scoring rule.
:func:`certificate_cycle` turns a certification date into the typical due dates, so the
three-year cycle becomes a calendar a manager can plan with.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from widgets.core.common.errors import ContentError
from widgets.core.common.paths import CONTENT_DIR
from widgets.core.common.reader import ContentReader, by_id, read_yaml
from widgets.core.course.clauses import Clause, load_clauses
from widgets.core.course.questions import Item, Question, QuestionResult, check_answer

CERTIFICATION_FILE = CONTENT_DIR / "certification-path.yaml"
STAGES = ("preparation", "external audit", "certificate cycle")
_STEP_KEYS = ("id", "title", "stage", "who", "what", "clauses")


class CertificationPathError(ContentError):
    """certification-path.yaml is malformed; the message names the file, step and key."""


@dataclass(frozen=True)
class Step:
    id: str
    title: str
    stage: str
    who: str
    what: str
    clauses: tuple[str, ...]


@dataclass(frozen=True)
class CertificationPath:
    """The steps in the order they happen, and the certificate's cycle in years."""

    title: str
    note: str
    certificate_years: int
    surveillance_years: tuple[int, ...]
    steps: tuple[Step, ...]

    def step(self, step_id: str) -> Step:
        return by_id(self.steps, step_id, "step", owner="the certification path")


def _step(r: ContentReader, e: dict, w: str, catalogue: Mapping[str, Clause]) -> Step:
    r.keys(e, w, _STEP_KEYS)
    return Step(r.text(e, "id", w), r.text(e, "title", w), r.choice(e, "stage", w, STAGES),
                r.text(e, "who", w), r.text(e, "what", w),
                r.members(e, "clauses", w, catalogue, "quoted clause ids from clauses.yaml",
                          allow_empty=True))


def parse_certification_path(document: Any, source: str,
                             catalogue: Mapping[str, Clause] | None = None) -> CertificationPath:
    """Build the path from parsed YAML. Stages must not go backwards, surveillance years must
    fall inside the certificate's validity, and step ids must be unique. Every broken step is
    reported at once."""
    catalogue = catalogue if catalogue is not None else load_clauses()
    r = ContentReader(source, CertificationPathError, collect=True)
    top = r.mapping(document, "(top level)")
    r.keys(top, "", ("title", "note", "certificate_years", "surveillance_years", "steps"))
    title, note = r.text(top, "title", ""), r.text(top, "note", "")
    years = int(r.number(top, "certificate_years", "", low=1, integer=True))
    surveillance = r.get(top, "surveillance_years", "")
    if (not isinstance(surveillance, list)
            or not all(isinstance(y, int) and not isinstance(y, bool) and 0 < y < years
                       for y in surveillance)
            or list(surveillance) != sorted(set(surveillance))):
        r.problem("surveillance_years", f"must list increasing years between 1 and "
                  f"{years - 1}; found {surveillance!r}")
    steps = r.each(top, "steps", "", lambda e, w: _step(r, e, w, catalogue), at_least=3,
                   unit="steps, in the order they happen")
    r.unique([step.id for step in steps], "steps")
    stage_numbers = [STAGES.index(step.stage) for step in steps]
    if stage_numbers != sorted(stage_numbers):
        r.problem("steps", f"stages must follow the order {' → '.join(STAGES)}")
    r.done()
    return CertificationPath(title, note, years, tuple(surveillance), tuple(steps))


def load_certification_path(path: str | Path | None = None) -> CertificationPath:
    """Read and validate the path (default: widgets/content/certification-path.yaml)."""
    path = Path(path) if path is not None else CERTIFICATION_FILE
    return parse_certification_path(read_yaml(path, CertificationPathError,
                                              "certification path"), str(path))


# ----------------------------------------------------------------------------- ordering


def ordering_question(path: CertificationPath) -> Question:
    """The path as an ordering question (items in the correct order, feedback per step)."""
    clauses = tuple(dict.fromkeys(c for step in path.steps for c in step.clauses))
    return Question(
        id="certification-path",
        type="ordering",
        prompt="Put the steps to a certificate in the order they happen.",
        clauses=clauses,
        explanation=path.note,
        items=tuple(Item(step.id, step.title, f"{step.stage.capitalize()}: {step.what}")
                    for step in path.steps),
    )


def start_order(path: CertificationPath, seed: int) -> tuple[str, ...]:
    """A reproducible shuffled order to start from, never the correct one."""
    correct = [step.id for step in path.steps]
    order = list(correct)
    rng = random.Random(seed)
    while order == correct:
        rng.shuffle(order)
    return tuple(order)


def check_order(path: CertificationPath, order: Sequence[str]) -> QuestionResult:
    """Score an order of step ids as the knowledge checks score an ordering question."""
    return check_answer(ordering_question(path), order)


# ----------------------------------------------------------------------------- the cycle


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class CycleEvent:
    title: str
    due: dt.date
    detail: str


def certificate_cycle(path: CertificationPath, decision: dt.date) -> tuple[CycleEvent, ...]:
    """The typical calendar of a certificate decided on ``decision``: a surveillance audit by
    each surveillance anniversary and recertification before the certificate expires.
    Schemes set their own windows, so these are planning dates, not deadlines."""
    expiry = add_years(decision, path.certificate_years)
    events = [CycleEvent("Certificate issued", decision,
                         f"valid for {path.certificate_years} years")]
    for year in path.surveillance_years:
        events.append(CycleEvent(f"Surveillance audit, year {year}", add_years(decision, year),
                                 "due by this date; checks the process is kept up and improved"))
    events.append(CycleEvent("Recertification audit", expiry - dt.timedelta(days=1),
                             "completed and decided before the certificate expires"))
    events.append(CycleEvent("Certificate expires", expiry,
                             "unless recertification renewed it for another cycle"))
    return tuple(events)
