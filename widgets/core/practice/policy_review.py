"""Judging a complaints policy against a checklist: items, ratings, a score, gaps, a reference.

Why: clause 5.3 (Policy, following ISO 10002:2018) asks for a documented complaints policy
that staff and customers know and that fits the organization's other policies and the law,
and clauses 5.1-6.4 say what the framework and the plan behind it should settle. ISO 10002
is guidance, so there is no official list to tick off; the course's checklist
(widgets/content/policy-checklist.yaml) turns those clauses into questions a reader asks of a
real policy. Each item is rated met / partly / missing (2 / 1 / 0 points) because policies
are rarely all-or-nothing, and the score is the share of points, kept as an exact fraction.

The checklist carries the trainers' reference assessment of Harbourside Energy's policy
(datasets/complaints-policy.md), so a learner can compare their judgement item by item with
reasons. For any policy, :func:`find_passages` points to the sections worth reading for an
item (by keyword): a reading aid, never an automatic rating — judging a policy is the skill.

Objectives (6.2) are measurable targets; :func:`policy_objectives` lists Harbourside's from
the KPI core (one KPI definition) with how the sample log performs against each.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import pandas as pd

from widgets.core.common.errors import ContentError
from widgets.core.common.paths import CONTENT_DIR, datasets_dir
from widgets.core.common.reader import ContentReader, by_id, read_yaml
from widgets.core.complaints.kpis import compute_kpis, kpi_table
from widgets.core.complaints.loader import load_complaints
from widgets.core.complaints.policy import Policy, load_policy
from widgets.core.course.clauses import Clause, load_clauses

CHECKLIST_FILE = CONTENT_DIR / "policy-checklist.yaml"
RATINGS = ("met", "partly", "missing")
RATING_LABELS = {"met": "Met", "partly": "Partly", "missing": "Missing"}
POINTS = {"met": 2, "partly": 1, "missing": 0}
# Score bands: at 85% a policy has at most a few partial items; below 60% more than a third
# of the points are missing and the policy needs rework rather than patches.
BANDS = ((Fraction(85, 100), "strong"), (Fraction(60, 100), "adequate, with gaps to close"),
         (Fraction(0), "weak: rework the policy"))
_ITEM_KEYS = ("id", "clauses", "question", "look_for", "advice", "keywords", "reference")
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")


class PolicyCheckError(ContentError):
    """The checklist file is malformed, a policy file cannot be read, or ratings are wrong."""


@dataclass(frozen=True)
class ChecklistItem:
    id: str
    clauses: tuple[str, ...]
    question: str
    look_for: str
    advice: str
    keywords: tuple[str, ...]
    reference_rating: str
    reference_evidence: str


@dataclass(frozen=True)
class PolicyChecklist:
    title: str
    reference_policy: str  # file name in datasets/
    items: tuple[ChecklistItem, ...]
    source: str

    def item(self, item_id: str) -> ChecklistItem:
        return by_id(self.items, item_id, "item", owner="the checklist")

    @property
    def reference_ratings(self) -> dict[str, str]:
        return {item.id: item.reference_rating for item in self.items}


# ----------------------------------------------------------------------------- loading


def _item(r: ContentReader, e: dict, w: str, catalogue: Mapping[str, Clause]) -> ChecklistItem:
    r.keys(e, w, _ITEM_KEYS)
    item_id = r.slug(e, "id", w)
    clauses = r.members(e, "clauses", w, catalogue, "quoted clause ids from clauses.yaml, e.g. "
                        "['5.3']")
    keywords = r.get(e, "keywords", w)
    if (not isinstance(keywords, list) or not keywords
            or not all(isinstance(k, str) and k.strip() and k == k.lower() for k in keywords)):
        raise r.fail(f"{w}keywords", f"must be a non-empty list of lowercase word stems; "
                     f"found {keywords!r}")
    reference = r.mapping(r.get(e, "reference", w), f"{w}reference")
    r.keys(reference, f"{w}reference.", ("rating", "evidence"))
    return ChecklistItem(
        id=item_id,
        clauses=clauses,
        question=r.text(e, "question", w),
        look_for=r.text(e, "look_for", w),
        advice=r.text(e, "advice", w),
        keywords=tuple(keywords),
        reference_rating=r.choice(reference, "rating", f"{w}reference.", RATINGS),
        reference_evidence=r.text(reference, "evidence", f"{w}reference."),
    )


def parse_checklist(document: Any, source: str,
                    catalogue: Mapping[str, Clause] | None = None) -> PolicyChecklist:
    """Build the checklist from parsed YAML; errors name ``source``, the item and the key, and
    every broken item is reported at once."""
    catalogue = catalogue if catalogue is not None else load_clauses()
    r = ContentReader(source, PolicyCheckError, collect=True)
    top = r.mapping(document, "(top level)")
    title, reference_policy = r.text(top, "title", ""), r.text(top, "reference_policy", "")
    items = r.each(top, "items", "", lambda e, w: _item(r, e, w, catalogue))
    r.unique([item.id for item in items], "items")
    r.done()
    return PolicyChecklist(title=title, reference_policy=reference_policy, items=tuple(items),
                           source=source)


def load_checklist(path: str | Path | None = None) -> PolicyChecklist:
    """Read and validate the checklist (default: widgets/content/policy-checklist.yaml)."""
    path = Path(path) if path is not None else CHECKLIST_FILE
    return parse_checklist(read_yaml(path, PolicyCheckError, "policy checklist"), str(path))


# ----------------------------------------------------------------------------- the policy text


@dataclass(frozen=True)
class Section:
    """A part of a policy under one heading; ``heading`` is its text ('4.2 Acknowledgement')."""

    heading: str
    text: str


@dataclass(frozen=True)
class PolicyDocument:
    path: Path
    title: str
    text: str
    sections: tuple[Section, ...]


def split_sections(text: str) -> tuple[Section, ...]:
    """Split Markdown at its headings. Text before the first heading, or a file without
    headings, becomes one section headed '(start)'."""
    sections: list[Section] = []
    heading, lines = "(start)", []

    def flush() -> None:
        body = "\n".join(lines).strip()
        if heading != "(start)" or body:
            sections.append(Section(heading, body))

    for line in text.splitlines():
        match = _HEADING.match(line)
        if match:
            flush()
            heading, lines = match.group(2).strip(), []
        else:
            lines.append(line)
    flush()
    return tuple(sections)


def reference_policy_path(checklist: PolicyChecklist | None = None) -> Path:
    """Where the checklist's reference policy is (datasets/complaints-policy.md)."""
    checklist = checklist if checklist is not None else load_checklist()
    return datasets_dir() / checklist.reference_policy


def read_policy(path: str | Path | None = None) -> PolicyDocument:
    """A policy as sections (default: the checklist's reference policy). Markdown headings
    split it; a plain-text policy is one section."""
    path = Path(path) if path is not None else reference_policy_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise PolicyCheckError(f"policy file {path} not found; give the path of a Markdown or "
                               "text file holding the policy") from error
    except UnicodeDecodeError as error:
        raise PolicyCheckError(f"{path}: not a UTF-8 text file; save the policy as Markdown or "
                               "plain text (UTF-8) and try again") from error
    sections = split_sections(text)
    if not sections:
        raise PolicyCheckError(f"{path}: the file is empty; it should hold the policy's text")
    return PolicyDocument(path, sections[0].heading, text, sections)


def find_passages(document: PolicyDocument, item: ChecklistItem,
                  limit: int = 3) -> tuple[str, ...]:
    """Headings of the (at most ``limit``) sections that mention most of the item's keywords,
    most first, ties in document order: where a reader should look first for this item.

    A keyword matches at the start of a word, case-insensitively ("regulat" finds
    "regulator" and "regulation"). Sections that mention none are never listed.
    """
    patterns = [re.compile(rf"\b{re.escape(keyword)}", re.IGNORECASE) for keyword in item.keywords]
    hits = []
    for position, section in enumerate(document.sections):
        text = f"{section.heading}\n{section.text}"
        found = sum(1 for pattern in patterns if pattern.search(text))
        if found:
            hits.append((-found, position, section.heading))
    return tuple(heading for _, _, heading in sorted(hits)[:limit])


# ----------------------------------------------------------------------------- scoring


@dataclass(frozen=True)
class ItemRating:
    item: ChecklistItem
    rating: str

    @property
    def points(self) -> int:
        return POINTS[self.rating]

    @property
    def agrees_with_reference(self) -> bool:
        return self.rating == self.item.reference_rating


@dataclass(frozen=True)
class ChecklistResult:
    ratings: tuple[ItemRating, ...]

    @property
    def points(self) -> int:
        return sum(r.points for r in self.ratings)

    @property
    def max_points(self) -> int:
        return POINTS["met"] * len(self.ratings)

    @property
    def score(self) -> Fraction:
        return Fraction(self.points, self.max_points)

    @property
    def band(self) -> str:
        return next(label for floor, label in BANDS if self.score >= floor)

    def count(self, rating: str) -> int:
        return sum(r.rating == rating for r in self.ratings)

    @property
    def gaps(self) -> tuple[ItemRating, ...]:
        """Items not met, missing ones first, each group in checklist order."""
        return (tuple(r for r in self.ratings if r.rating == "missing")
                + tuple(r for r in self.ratings if r.rating == "partly"))

    @property
    def gap_clauses(self) -> tuple[str, ...]:
        """Clause ids behind the gaps, each once, in the order the gaps list them."""
        return tuple(dict.fromkeys(c for r in self.gaps for c in r.item.clauses))

    @property
    def agreement(self) -> int:
        """Items rated as the reference assessment rates them."""
        return sum(r.agrees_with_reference for r in self.ratings)


def score_policy(checklist: PolicyChecklist, ratings: Mapping[str, str | None]) -> ChecklistResult:
    """Score a complete set of ratings (item id -> met | partly | missing).

    Every item must be rated: an unrated item is not the same as a missing one, and guessing
    would make the score meaningless. The error names the unrated items by number.
    """
    unknown = sorted(set(ratings) - {item.id for item in checklist.items})
    if unknown:
        raise PolicyCheckError(f"unknown checklist item(s) {', '.join(unknown)}")
    for item_id, rating in ratings.items():
        if rating is not None and rating not in RATINGS:
            raise PolicyCheckError(f"item {item_id}: rating {rating!r} must be one of "
                                   f"{', '.join(RATINGS)}")
    unrated = [n for n, item in enumerate(checklist.items, start=1)
               if ratings.get(item.id) is None]
    if unrated:
        listed = ", ".join(map(str, unrated))
        plural = len(unrated) > 1
        raise PolicyCheckError(f"Rate every item before scoring: item{'s' if plural else ''} "
                               f"{listed} {'are' if plural else 'is'} not rated yet.")
    return ChecklistResult(tuple(ItemRating(item, ratings[item.id]) for item in checklist.items))


# ----------------------------------------------------------------------------- objectives (6.2)


def policy_objectives(frame: pd.DataFrame | None = None,
                      policy: Policy | None = None) -> pd.DataFrame:
    """The policy's measurable objectives (KPIs that have a target), with the log's value and
    whether the target is met, as the KPI core defines and computes them (one definition).
    Defaults: the sample complaint log and the fictional organization's policy."""
    policy = policy if policy is not None else load_policy()
    if frame is None:
        frame = load_complaints(datasets_dir() / "complaints.csv").frame
    table = kpi_table(compute_kpis(frame, policy))
    objectives = table[table["target"] != ""]
    return objectives[["target", "value", "met", "clause"]]
