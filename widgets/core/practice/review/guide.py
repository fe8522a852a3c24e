"""Module 07's reference tables (review-improvement.yaml): how ISO 10002 helps with ISO 9001,
scaled practice for a small business, what auditors look for, and the reflection prompts.

Why a module of its own: these tables are teaching content with their own schema and clause
checks, read by the views and by the reflection; they change apart from the review itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from widgets.core.common.paths import CONTENT_DIR
from widgets.core.common.reader import ContentReader, read_yaml
from widgets.core.course.clauses import load_clauses
from widgets.core.practice.review.content import ReviewContentError

GUIDE_FILE = CONTENT_DIR / "review-improvement.yaml"
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")


@dataclass(frozen=True)
class Iso9001Link:
    clause: str
    requirement: str
    guidance: tuple[str, ...]
    how: str


@dataclass(frozen=True)
class ScaledPractice:
    topic: str
    larger: str
    smaller: str
    clauses: tuple[str, ...]


@dataclass(frozen=True)
class LookFor:
    topic: str
    evidence: str
    clauses: tuple[str, ...]


@dataclass(frozen=True)
class ImprovementGuide:
    iso9001: tuple[Iso9001Link, ...]
    small_business: tuple[ScaledPractice, ...]
    auditors_look_for: tuple[LookFor, ...]
    reflection: tuple[tuple[str, str], ...]

    def iso9001_table(self) -> pd.DataFrame:
        clauses = load_clauses()
        return pd.DataFrame([{"ISO 9001:2015": clauses[x.clause].label.removeprefix(
            "ISO 9001:2015 "), "what a certified organization must do": x.requirement,
            "ISO 10002 guidance that helps": ", ".join(x.guidance), "how": x.how}
            for x in self.iso9001])

    def small_business_table(self) -> pd.DataFrame:
        return pd.DataFrame([{"topic": x.topic, "a large organization": x.larger,
                              "a small business": x.smaller, "clauses": ", ".join(x.clauses)}
                             for x in self.small_business]).set_index("topic")

    def look_for_table(self) -> pd.DataFrame:
        return pd.DataFrame([{"auditors look for": x.topic, "evidence they ask for": x.evidence,
                              "clauses": ", ".join(x.clauses)}
                             for x in self.auditors_look_for])


def _clause_list(r: ContentReader, e: dict, key: str, w: str, known: set[str]
                 ) -> tuple[str, ...]:
    values = r.texts(e, key, w)
    unknown = [c for c in values if c not in known]
    if unknown:
        raise r.fail(f"{w}{key}", f"names {', '.join(unknown)}, not in clauses.yaml")
    return values


def parse_improvement_guide(data: object, source: Path) -> ImprovementGuide:
    r = ContentReader(source, ReviewContentError)
    top = r.mapping(data, "(top level)")
    r.known(top, "", ("iso9001", "small_business", "auditors_look_for", "reflection"))
    known = set(load_clauses())
    links = []
    for w, e in r.entries(top, "iso9001", ""):
        r.known(e, w, ("clause", "requirement", "guidance", "how"))
        clause = r.text(e, "clause", w)
        if not clause.startswith("9001:") or clause not in known:
            raise r.fail(f"{w}clause", f"must be an ISO 9001 clause id of clauses.yaml such as "
                         f"'9001:10.2'; found {clause!r}")
        links.append(Iso9001Link(clause, r.text(e, "requirement", w),
                                 _clause_list(r, e, "guidance", w, known), r.text(e, "how", w)))
    practices = []
    for w, e in r.entries(top, "small_business", ""):
        r.known(e, w, ("topic", "larger", "smaller", "clauses"))
        practices.append(ScaledPractice(r.text(e, "topic", w), r.text(e, "larger", w),
                                        r.text(e, "smaller", w),
                                        _clause_list(r, e, "clauses", w, known)))
    look = []
    for w, e in r.entries(top, "auditors_look_for", ""):
        r.known(e, w, ("topic", "evidence", "clauses"))
        look.append(LookFor(r.text(e, "topic", w), r.text(e, "evidence", w),
                            _clause_list(r, e, "clauses", w, known)))
    prompts = []
    for w, e in r.entries(top, "reflection", ""):
        r.known(e, w, ("id", "prompt"))
        prompt_id = r.text(e, "id", w)
        if not _SLUG.fullmatch(prompt_id):
            raise r.fail(f"{w}id", f"must be lowercase letters, digits and '-'; found "
                         f"{prompt_id!r}")
        prompts.append((prompt_id, r.text(e, "prompt", w)))
    r.unique([p for p, _ in prompts], "reflection")
    return ImprovementGuide(tuple(links), tuple(practices), tuple(look), tuple(prompts))


def load_improvement_guide(path: str | Path | None = None) -> ImprovementGuide:
    path = Path(path) if path is not None else GUIDE_FILE
    return parse_improvement_guide(read_yaml(path, ReviewContentError, "improvement guide"),
                                   path)
