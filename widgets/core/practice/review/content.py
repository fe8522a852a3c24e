"""What management-review.yaml may say: meetings, changes, earlier actions, the outputs of the
last review and a corrective action record, read and checked.

Why a module of its own: only the fictional meetings, changes and earlier actions are content;
everything measured is computed from the log. The vocabulary the content is checked against
lives here too — the inputs of a review, the KPIs a review tracks and the columns an
effectiveness check may filter on — as do the records' types the other modules work on.
Every error names the file, the key and the fix.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from widgets.core.common.errors import ContentError
from widgets.core.common.paths import CONTENT_DIR
from widgets.core.common.reader import ContentReader, by_id, read_yaml
from widgets.core.complaints.schema import CATEGORIES, CHANNELS, PRODUCTS, SEGMENTS, TEAMS
from widgets.core.practice.review.periods import QUARTER_LABEL, Period

REVIEW_FILE = CONTENT_DIR / "management-review.yaml"

# The inputs of a review of complaints handling: ISO 10002 8.6, plus the status of earlier
# actions (an ISO 9001 9.3.2 input for a certified organization).
INPUTS = {
    "audit": "Audit results",
    "analysis": "Analysis of complaints",
    "satisfaction": "Satisfaction with the handling",
    "trends": "Trends in performance",
    "changes": "Changes inside and outside the organization",
    "actions": "Status of actions from earlier reviews",
}
CHANGE_KINDS = ("internal", "external")
# KPIs a review tracks and an effectiveness check may use, with the direction that is better
# (None: neither direction is better in itself, e.g. the uphold rate).
MEASURES: dict[str, str | None] = {
    "time_to_acknowledge": "higher",
    "time_to_first_response": "higher",
    "time_to_resolve": "higher",
    "first_contact_resolution": "higher",
    "reopen_rate": "lower",
    "escalation_rate": "lower",
    "external_referral_rate": "lower",
    "uphold_rate": None,
    "satisfaction_mean": "higher",
    "satisfaction_response_rate": "higher",
    "complaints_per_1000_customers": "lower",
    "redress_paid": None,
}
FILTER_VALUES: dict[str, tuple] = {
    "channel": CHANNELS, "category": CATEGORIES, "product": PRODUCTS, "assigned_team": TEAMS,
    "customer_segment": SEGMENTS, "vulnerable": (True, False),
}


class ReviewContentError(ContentError):
    """management-review.yaml or review-improvement.yaml is malformed."""


@dataclass(frozen=True)
class ReviewMeeting:
    quarter: str
    meeting: dt.date
    held: bool
    note: str


@dataclass(frozen=True)
class Change:
    date: dt.date
    kind: str
    text: str


@dataclass(frozen=True)
class PriorAction:
    """An improvement action decided at an earlier review."""

    id: str
    decided: dt.date
    action: str
    owner: str
    due: dt.date
    done: dt.date | None
    input: str

    def status(self, on: dt.date) -> str:
        """'done', 'overdue' or 'open' on a given day."""
        if self.done is not None and self.done <= on:
            return "done"
        return "overdue" if self.due < on else "open"


@dataclass(frozen=True)
class ReviewAction:
    """An improvement action decided at a review (an output of 8.6)."""

    id: str
    action: str
    owner: str
    due: dt.date | None
    input: str
    resources: str = ""


@dataclass(frozen=True)
class ReviewOutputs:
    quarter: str
    decisions: tuple[str, ...]
    actions: tuple[ReviewAction, ...]
    resources: tuple[str, ...]


@dataclass(frozen=True)
class EffectivenessCheck:
    """How to tell whether a corrective action worked: a KPI on a slice of the log, before
    and after, against a target, checked on a date after the action is due."""

    measure: str
    filter: dict[str, object]
    baseline: Period
    after: Period
    target: float | None
    check_date: dt.date | None


@dataclass(frozen=True)
class CorrectiveAction:
    """A corrective action record in the shape of ISO 9001 10.2."""

    id: str
    nonconformity: str
    reaction: str
    root_cause: str
    similar: str
    action: str
    owner: str
    due: dt.date | None
    effectiveness: EffectivenessCheck | None


@dataclass(frozen=True)
class ReviewContent:
    chair: str
    attendees: tuple[str, ...]
    reviews: tuple[ReviewMeeting, ...]
    changes: tuple[Change, ...]
    actions: tuple[PriorAction, ...]
    outputs: ReviewOutputs
    corrective_action: CorrectiveAction

    def review(self, quarter: str) -> ReviewMeeting:
        return by_id(self.reviews, quarter, "review of", known="the reviews cover",
                     attr="quarter")

    def last_held_before(self, meeting: dt.date) -> ReviewMeeting | None:
        """The most recent review actually held before `meeting`."""
        earlier = [r for r in self.reviews if r.held and r.meeting < meeting]
        return max(earlier, key=lambda r: r.meeting) if earlier else None


def _optional_date(r: ContentReader, mapping: dict, key: str, where: str) -> dt.date | None:
    return None if mapping.get(key) is None else r.date(mapping, key, where)


def _filter(r: ContentReader, value: object, where: str) -> dict[str, object]:
    chosen = r.mapping(value, where)
    for column, wanted in chosen.items():
        if column not in FILTER_VALUES:
            raise r.fail(f"{where}.{column}", f"is not a column a check can filter on; use "
                         f"{', '.join(FILTER_VALUES)}")
        if wanted not in FILTER_VALUES[column]:
            raise r.fail(f"{where}.{column}", f"must be one of "
                         f"{', '.join(map(str, FILTER_VALUES[column]))}; found {wanted!r}")
    return dict(chosen)


def _period(r: ContentReader, value: object, where: str) -> Period:
    span = r.mapping(value, where)
    r.known(span, f"{where}.", ("from", "to"))
    period = Period(r.date(span, "from", f"{where}."), r.date(span, "to", f"{where}."))
    if period.start > period.end:
        raise r.fail(where, "starts after it ends; swap the dates")
    return period


def parse_effectiveness(r: ContentReader, value: object, where: str) -> EffectivenessCheck:
    e = r.mapping(value, where)
    w = f"{where}."
    r.known(e, w, ("measure", "filter", "baseline", "after", "target", "check_date"))
    measure = r.choice(e, "measure", w, tuple(MEASURES))
    if MEASURES[measure] is None:
        raise r.fail(f"{w}measure", f"{measure} has no better direction, so it cannot show "
                     "that an action worked; choose another measure")
    target = e.get("target")
    if isinstance(target, bool) or not isinstance(target, int | float):
        raise r.fail(f"{w}target", f"must be a number; found {target!r}")
    baseline, after = _period(r, r.get(e, "baseline", w), f"{w}baseline"), _period(
        r, r.get(e, "after", w), f"{w}after")
    if after.start <= baseline.end:
        raise r.fail(f"{w}after", "must start after the baseline period ends")
    return EffectivenessCheck(measure, _filter(r, e.get("filter", {}), f"{w}filter"), baseline,
                              after, float(target), r.date(e, "check_date", w))


def _review_action(r: ContentReader, e: dict, w: str) -> ReviewAction:
    r.known(e, w, ("id", "action", "owner", "due", "input", "resources"))
    return ReviewAction(r.text(e, "id", w), r.text(e, "action", w), r.text(e, "owner", w),
                        r.date(e, "due", w), r.choice(e, "input", w, tuple(INPUTS)),
                        r.text(e, "resources", w))


def parse_review_content(data: object, source: Path) -> ReviewContent:
    """Build and check the review content (errors name the file, the key and the fix)."""
    r = ContentReader(source, ReviewContentError)
    top = r.mapping(data, "(top level)")
    r.known(top, "", ("chair", "attendees", "reviews", "changes", "actions", "outputs",
                      "corrective_action"))
    reviews = []
    for w, e in r.entries(top, "reviews", ""):
        r.known(e, w, ("quarter", "meeting", "held", "note"))
        quarter = r.get(e, "quarter", w)
        if not isinstance(quarter, str) or not QUARTER_LABEL.fullmatch(quarter):
            raise r.fail(f"{w}quarter", f"must be a quarter like 2025Q4; found {quarter!r}")
        held = r.get(e, "held", w)
        if not isinstance(held, bool):
            raise r.fail(f"{w}held", f"must be true or false; found {held!r}")
        meeting = r.date(e, "meeting", w)
        if meeting <= Period.quarter(quarter).end:
            raise r.fail(f"{w}meeting", f"must come after the quarter it reviews ends "
                         f"({Period.quarter(quarter).end})")
        note = r.get(e, "note", w)
        if not isinstance(note, str) or (not held and not note.strip()):
            raise r.fail(f"{w}note", "must be text, and say why when a review was not held")
        reviews.append(ReviewMeeting(quarter, meeting, held, " ".join(note.split())))
    quarters = [x.quarter for x in reviews]
    if quarters != sorted(set(quarters)):
        raise r.fail("reviews", "must list each quarter once, in order")
    changes = tuple(Change(r.date(e, "date", w), r.choice(e, "kind", w, CHANGE_KINDS),
                           r.text(e, "text", w)) for w, e in r.entries(top, "changes", ""))
    actions = []
    for w, e in r.entries(top, "actions", ""):
        r.known(e, w, ("id", "decided", "action", "owner", "due", "done", "input"))
        action = PriorAction(r.text(e, "id", w), r.date(e, "decided", w),
                             r.text(e, "action", w), r.text(e, "owner", w), r.date(e, "due", w),
                             _optional_date(r, e, "done", w), r.choice(e, "input", w,
                                                                      tuple(INPUTS)))
        if action.due < action.decided:
            raise r.fail(f"{w}due", "is before the action was decided")
        actions.append(action)
    r.unique([a.id for a in actions], "actions")
    o = r.mapping(r.get(top, "outputs", ""), "outputs")
    r.known(o, "outputs.", ("quarter", "decisions", "actions", "resources"))
    outputs = ReviewOutputs(r.choice(o, "quarter", "outputs.", tuple(quarters)),
                            r.texts(o, "decisions", "outputs."),
                            tuple(_review_action(r, e, w)
                                  for w, e in r.entries(o, "actions", "outputs.")),
                            r.texts(o, "resources", "outputs."))
    c = r.mapping(r.get(top, "corrective_action", ""), "corrective_action")
    w = "corrective_action."
    r.known(c, w, ("id", "nonconformity", "reaction", "root_cause", "similar", "action",
                   "owner", "due", "effectiveness"))
    similar = c.get("similar", "")
    if not isinstance(similar, str):
        raise r.fail(f"{w}similar", "must be text (it may be empty)")
    corrective = CorrectiveAction(
        r.text(c, "id", w), r.text(c, "nonconformity", w), r.text(c, "reaction", w),
        r.text(c, "root_cause", w), " ".join(similar.split()), r.text(c, "action", w),
        r.text(c, "owner", w), r.date(c, "due", w),
        parse_effectiveness(r, r.get(c, "effectiveness", w), f"{w}effectiveness"))
    return ReviewContent(r.text(top, "chair", ""), r.texts(top, "attendees", ""),
                         tuple(reviews), changes, tuple(actions), outputs, corrective)


def load_review_content(path: str | Path | None = None) -> ReviewContent:
    path = Path(path) if path is not None else REVIEW_FILE
    return parse_review_content(read_yaml(path, ReviewContentError, "review content"), path)
