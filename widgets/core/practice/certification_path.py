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

from widgets.core.common.paths import CONTENT_DIR
from widgets.core.common.reader import read_yaml
from widgets.core.course.clauses import Clause, load_clauses
from widgets.core.course.questions import Item, Question, QuestionResult, check_answer

CERTIFICATION_FILE = CONTENT_DIR / "certification-path.yaml"
STAGES = ("preparation", "external audit", "certificate cycle")
_STEP_KEYS = ("id", "title", "stage", "who", "what", "clauses")


class CertificationPathError(ValueError):
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
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(f"the certification path has no step {step_id!r}")


def _fail(source: str, where: str, message: str) -> CertificationPathError:
    return CertificationPathError(f"{source}: {where}: {message}")


def _text(entry: Mapping[str, Any], key: str, where: str, source: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _fail(source, f"{where}.{key}", "must be a non-empty text")
    return " ".join(value.split())


def _step(raw: Any, where: str, source: str, catalogue: Mapping[str, Clause]) -> Step:
    if not isinstance(raw, dict) or set(raw) != set(_STEP_KEYS):
        found = sorted(raw) if isinstance(raw, dict) else raw
        raise _fail(source, where, f"needs exactly the keys {', '.join(_STEP_KEYS)}; "
                    f"found {found!r}")
    where = f"step {raw['id']!r}"
    if raw["stage"] not in STAGES:
        raise _fail(source, f"{where}.stage", f"must be one of {', '.join(STAGES)} "
                    f"(got {raw['stage']!r})")
    clauses = raw["clauses"]
    if not isinstance(clauses, list) or not all(c in catalogue for c in clauses):
        raise _fail(source, f"{where}.clauses", f"must be a list of quoted clause ids from "
                    f"clauses.yaml (got {clauses!r})")
    return Step(_text(raw, "id", where, source), _text(raw, "title", where, source),
                raw["stage"], _text(raw, "who", where, source), _text(raw, "what", where, source),
                tuple(clauses))


def parse_certification_path(document: Any, source: str,
                             catalogue: Mapping[str, Clause] | None = None) -> CertificationPath:
    """Build the path from parsed YAML. Stages must not go backwards, surveillance years must
    fall inside the certificate's validity, and step ids must be unique."""
    catalogue = catalogue if catalogue is not None else load_clauses()
    if not isinstance(document, dict):
        raise _fail(source, "top level", "must be a mapping with title, note, "
                    "certificate_years, surveillance_years and steps")
    years = document.get("certificate_years")
    if isinstance(years, bool) or not isinstance(years, int) or years < 1:
        raise _fail(source, "certificate_years", f"must be a whole number of years (got {years!r})")
    surveillance = document.get("surveillance_years")
    if (not isinstance(surveillance, list)
            or not all(isinstance(y, int) and not isinstance(y, bool) and 0 < y < years
                       for y in surveillance)
            or list(surveillance) != sorted(set(surveillance))):
        raise _fail(source, "surveillance_years", f"must list increasing years between 1 and "
                    f"{years - 1} (got {surveillance!r})")
    raw_steps = document.get("steps")
    if not isinstance(raw_steps, list) or len(raw_steps) < 3:
        raise _fail(source, "steps", "must list at least 3 steps, in the order they happen")
    steps = tuple(_step(raw, f"steps[{n}]", source, catalogue)
                  for n, raw in enumerate(raw_steps, start=1))
    ids = [step.id for step in steps]
    if len(set(ids)) != len(ids):
        raise _fail(source, "steps", "every step id must be unique")
    stage_numbers = [STAGES.index(step.stage) for step in steps]
    if stage_numbers != sorted(stage_numbers):
        raise _fail(source, "steps", f"stages must follow the order {' → '.join(STAGES)}")
    return CertificationPath(_text(document, "title", "top level", source),
                             _text(document, "note", "top level", source), years,
                             tuple(surveillance), steps)


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
