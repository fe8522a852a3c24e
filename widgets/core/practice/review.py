"""Management review, corrective action and the closing reflection of module 07.

Why: clause 8.6 (Management review of the complaints-handling process, following
ISO 10002:2018) recommends reviews at planned intervals whose inputs are audit results,
complaint analysis, satisfaction results, trends and changes, and whose outputs are decisions
on improvement and resources; 8.7 asks for continual improvement, with corrective action at its
heart. A review is only as good as its pack, and a pack typed by hand drifts from the data. So:

* the review pack is computed from the log and the policy with the course's one KPI definition
  (compute_kpis) and breach rules (find_policy_breaches), and the audit results come from the
  audit case of module 06 — only the fictional meetings, changes and earlier actions are
  content (widgets/content/management-review.yaml);
* outputs follow a template (decisions; improvement actions with owners, dates and the input
  they answer; resources) that a checker validates;
* a corrective action record follows ISO 9001 10.2 — which applies to Harbourside because it is
  certified, never because ISO 10002 says so: reaction, root cause, whether it could happen
  elsewhere, action, and an effectiveness check measured on the data with the same KPIs;
* the closing reflection is saved atomically under the learner's work folder.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from widgets.core.common.paths import CONTENT_DIR, work_dir
from widgets.core.common.reader import read_yaml
from widgets.core.common.storage import atomic_write_json, read_json
from widgets.core.complaints.breaches import RULES, breach_counts, find_policy_breaches
from widgets.core.complaints.kpis import DECIDED_OUTCOMES, Kpi, compute_kpis, pareto, satisfaction
from widgets.core.complaints.policy import Policy
from widgets.core.complaints.schema import CATEGORIES, CHANNELS, PRODUCTS, SEGMENTS, TEAMS
from widgets.core.course.clauses import load_clauses
from widgets.core.practice.audit_case import CaseResult, ContentReader

REVIEW_FILE = CONTENT_DIR / "management-review.yaml"
GUIDE_FILE = CONTENT_DIR / "review-improvement.yaml"
REFLECTION_FILE = "closing-reflection.json"
REFLECTION_FORMAT = 1

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
# How much a KPI with a target may slip against the previous quarter before the pack flags it.
SLIP = {"share": 0.02, "of 5": 0.1}
FILTER_VALUES: dict[str, tuple] = {
    "channel": CHANNELS, "category": CATEGORIES, "product": PRODUCTS, "assigned_team": TEAMS,
    "customer_segment": SEGMENTS, "vulnerable": (True, False),
}
BLAME = re.compile(r"\b(human error|staff error|user error|mistake|careless\w*|forgot|"
                   r"did not follow|didn't follow)\b", re.IGNORECASE)
_QUARTER = re.compile(r"\d{4}Q[1-4]")
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")


class ReviewContentError(ValueError):
    """management-review.yaml or review-improvement.yaml is malformed."""


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


# --------------------------------------------------------------------------- periods


@dataclass(frozen=True)
class Period:
    """Complaints received from `start` to `end`, both days included."""

    start: dt.date
    end: dt.date

    @classmethod
    def quarter(cls, label: str) -> Period:
        if not _QUARTER.fullmatch(label):
            raise ValueError(f"{label!r} is not a quarter; write it like 2025Q4")
        period = pd.Period(label, freq="Q")
        return cls(period.start_time.date(), period.end_time.date())

    @property
    def label(self) -> str:
        start = pd.Period(self.start, freq="Q")
        if start.start_time.date() == self.start and start.end_time.date() == self.end:
            return str(start)
        return f"{_day(self.start)} – {_day(self.end)}"

    def shifted(self, quarters: int) -> Period:
        """The quarter `quarters` before (negative) or after this one."""
        period = pd.Period(self.start, freq="Q") + quarters
        return Period(period.start_time.date(), period.end_time.date())

    def select(self, frame: pd.DataFrame) -> pd.DataFrame:
        day = frame["received_at"].dt.normalize()
        keep = ((day >= pd.Timestamp(self.start)) & (day <= pd.Timestamp(self.end))).fillna(False)
        return frame[keep.to_numpy(dtype=bool)]


# --------------------------------------------------------------------------- content


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
        for review in self.reviews:
            if review.quarter == quarter:
                return review
        raise KeyError(f"no review of {quarter!r}; the reviews cover "
                       f"{', '.join(r.quarter for r in self.reviews)}")

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
        if not isinstance(quarter, str) or not _QUARTER.fullmatch(quarter):
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


# --------------------------------------------------------------------------- the guide


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


# --------------------------------------------------------------------------- the review pack


def _change(kpi: Kpi, before: Kpi) -> str:
    if not (kpi.available and before.available):
        return "—"
    delta = kpi.value - before.value
    if kpi.unit == "share":
        text = f"{delta * 100:+.1f} pts"
    elif kpi.unit == "GBP":
        text = f"{delta:+,.2f}"
    else:
        text = f"{delta:+.2f}"
    direction = MEASURES.get(kpi.key)
    if direction is None or abs(delta) < 1e-12:
        return text
    better = (delta > 0) == (direction == "higher")
    return f"{text} ({'better' if better else 'worse'})"


def _shown(kpi: Kpi) -> str:
    return kpi.formatted() if kpi.available else "—"


def markdown_table(frame: pd.DataFrame, index: bool = True) -> str:
    """A DataFrame as a Markdown table (pipes in cells escaped, empty cells blank)."""
    table = frame.reset_index() if index else frame
    cells = table.astype(object).where(table.notna(), "")
    header = "| " + " | ".join(str(c) for c in table.columns) + " |"
    rule = "|" + "---|" * len(table.columns)
    rows = ["| " + " | ".join(str(v).replace("|", "\\|") for v in row) + " |"
            for row in cells.itertuples(index=False)]
    return "\n".join([header, rule, *rows])


@dataclass(frozen=True)
class AuditInput:
    title: str
    report_date: dt.date
    counts: dict[str, int]
    findings: pd.DataFrame


@dataclass(frozen=True)
class ReviewPack:
    """Everything the review of one quarter looks at, computed from the data."""

    meeting: ReviewMeeting
    since: dt.date
    period: Period
    previous: Period
    year_before: Period
    complaints: int
    kpis: dict[str, Kpi]
    kpis_previous: dict[str, Kpi]
    kpis_year_before: dict[str, Kpi]
    breaches: pd.Series
    breaches_previous: pd.Series
    root_causes: pd.DataFrame
    categories: pd.DataFrame
    satisfaction_by_outcome: pd.DataFrame
    audit: AuditInput | None
    changes: tuple[Change, ...]
    actions: tuple[tuple[PriorAction, str], ...]
    attention: tuple[str, ...] = field(default=())

    def kpi_table(self) -> pd.DataFrame:
        rows = []
        for key in MEASURES:
            kpi = self.kpis[key]
            rows.append({"KPI": kpi.label, "target": kpi.target or "",
                         f"{self.year_before.label}": _shown(self.kpis_year_before[key]),
                         f"{self.previous.label}": _shown(self.kpis_previous[key]),
                         f"{self.period.label}": _shown(kpi),
                         "change on previous quarter": _change(kpi, self.kpis_previous[key]),
                         "target met": {True: "yes", False: "NO", None: ""}[kpi.met]})
        return pd.DataFrame(rows).set_index("KPI")

    def breach_table(self) -> pd.DataFrame:
        table = pd.DataFrame({"policy": [RULES[r].policy_section for r in RULES],
                              "breach": [RULES[r].summary for r in RULES],
                              self.previous.label: self.breaches_previous.to_numpy(),
                              self.period.label: self.breaches.to_numpy()}, index=list(RULES))
        table["change"] = table[self.period.label] - table[self.previous.label]
        table.index.name = "rule"
        return table

    def actions_table(self) -> pd.DataFrame:
        return pd.DataFrame([{"action": a.id, "decided": f"{a.decided:%d %b %Y}",
                              "what": a.action, "owner": a.owner, "due": f"{a.due:%d %b %Y}",
                              "status": status} for a, status in self.actions],
                            columns=["action", "decided", "what", "owner", "due", "status"])

    def changes_table(self) -> pd.DataFrame:
        return pd.DataFrame([{"date": f"{c.date:%d %b %Y}", "kind": c.kind, "change": c.text}
                             for c in self.changes], columns=["date", "kind", "change"])

    def inputs_table(self) -> pd.DataFrame:
        """Which part of the pack answers which input of 8.6."""
        audit = (f"{self.audit.title}, reported {_day(self.audit.report_date)}"
                 if self.audit else "no audit reported since the last review")
        rows = {
            "audit": audit,
            "analysis": f"{self.complaints:,} complaints received in {self.period.label}: "
                        "categories, root causes (Pareto), policy breaches",
            "satisfaction": "satisfaction with the handling and survey response, overall and "
                            "by outcome",
            "trends": f"KPIs for {self.period.label} against {self.previous.label} and "
                      f"{self.year_before.label}",
            "changes": f"{len(self.changes)} change(s) since {_day(self.since)}",
            "actions": f"{len(self.actions)} action(s) from earlier reviews",
        }
        return pd.DataFrame([{"input": INPUTS[k], "in this pack": v} for k, v in rows.items()]
                            ).set_index("input")

    def to_markdown(self) -> str:
        """The pack as a document to circulate before the meeting."""
        held = "" if self.meeting.held else f" — **not held**: {self.meeting.note}"
        lines = [f"## Complaints-handling review of {self.period.label}",
                 f"Meeting {_day(self.meeting.meeting)}{held}. Inputs since {_day(self.since)}.",
                 "", "### Needs a decision", *([f"- {a}" for a in self.attention] or ["- none"]),
                 "", "### Trends in performance",
                 markdown_table(self.kpi_table()), "", "### Breaches of the policy",
                 markdown_table(self.breach_table()), "", "### Analysis: root causes",
                 markdown_table(self.root_causes.assign(
                     share=self.root_causes["share"].map("{:.1%}".format),
                     cumulative_share=self.root_causes["cumulative_share"].map("{:.1%}".format))),
                 "", "### Satisfaction by outcome",
                 markdown_table(satisfaction_shown(self.satisfaction_by_outcome)),
                 "", "### Audit results"]
        if self.audit is None:
            lines.append("No audit reported since the last review.")
        else:
            lines += [f"{self.audit.title}, reported {_day(self.audit.report_date)}.",
                      markdown_table(self.audit.findings)]
        lines += ["", "### Changes", markdown_table(self.changes_table(), index=False), "",
                  "### Actions from earlier reviews",
                  markdown_table(self.actions_table(), index=False), ""]
        return "\n".join(lines)


def _slice(frame: pd.DataFrame, policy: Policy, period: Period) -> tuple[pd.DataFrame,
                                                                       dict[str, Kpi]]:
    part = period.select(frame)
    return part, compute_kpis(part, policy)


def _satisfaction_by_outcome(part: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    rows = []
    for outcome in DECIDED_OUTCOMES:
        mean, rate = satisfaction(part[(part["outcome"] == outcome).fillna(False)
                                       .to_numpy(bool)], policy)
        rows.append({"outcome": outcome.replace("_", " "),
                     "response rate": rate.value if rate.available else float("nan"),
                     "mean score": mean.value if mean.available else float("nan"),
                     "scores": mean.n if mean.available else 0})
    return pd.DataFrame(rows).set_index("outcome")


def satisfaction_shown(table: pd.DataFrame) -> pd.DataFrame:
    """The satisfaction-by-outcome table formatted for reading ('46.0%', '4.25 of 5')."""
    return table.assign(**{
        "response rate": table["response rate"].map(
            lambda v: "—" if pd.isna(v) else f"{v:.1%}"),
        "mean score": table["mean score"].map(lambda v: "—" if pd.isna(v) else f"{v:.2f} of 5"),
    })


def _attention(pack: ReviewPack) -> tuple[str, ...]:
    items = []
    if not pack.meeting.held:
        items.append(f"This review was not held ({pack.meeting.note}) — its inputs went "
                     "unreviewed.")
    for key in MEASURES:
        kpi, before = pack.kpis[key], pack.kpis_previous[key]
        if kpi.met is False:
            items.append(f"{kpi.label} is {kpi.formatted()}: it misses its target "
                         f"({kpi.target}).")
        elif (kpi.met and before.available and MEASURES[key] and kpi.unit in SLIP
              and (kpi.value - before.value) * (1 if MEASURES[key] == "higher" else -1)
              < -SLIP[kpi.unit]):
            items.append(f"{kpi.label} still meets its target but slipped from "
                         f"{before.formatted()} to {kpi.formatted()}.")
    awaiting = pack.kpis["time_to_resolve"].details.get("awaiting", 0)
    if awaiting:
        items.append(f"{int(awaiting)} complaint(s) received in {pack.period.label} still await "
                     "a decision: the decided ones are the quicker ones, so time to resolve "
                     "will look worse once they close.")
    for rule in RULES:
        now, then = int(pack.breaches[rule]), int(pack.breaches_previous[rule])
        if now > then:
            items.append(f"Breaches of policy {RULES[rule].policy_section} "
                         f"({RULES[rule].summary}) rose from {then} to {now}.")
    if pack.audit is not None and pack.audit.counts.get("major"):
        items.append(f"{pack.audit.title}: {pack.audit.counts['major']} major "
                     "nonconformities need corrective action and, possibly, resources.")
    for action, status in pack.actions:
        if status == "overdue":
            items.append(f"Action {action.id} ({action.owner}) is overdue since "
                         f"{_day(action.due)}.")
    return tuple(items)


def build_review_pack(frame: pd.DataFrame, policy: Policy, quarter: str, *,
                      content: ReviewContent | None = None,
                      audit: CaseResult | None = None) -> ReviewPack:
    """The review pack for one quarter's review: KPIs against the previous quarter and the same
    quarter a year before, breaches, root causes, satisfaction by outcome, the audit reported
    since the last review held, changes since then and the status of earlier actions."""
    content = content if content is not None else load_review_content()
    meeting = content.review(quarter)
    last = content.last_held_before(meeting.meeting)
    period = Period.quarter(quarter)
    since = last.meeting if last is not None else period.start
    part, kpis = _slice(frame, policy, period)
    before, kpis_previous = _slice(frame, policy, period.shifted(-1))
    _, kpis_year_before = _slice(frame, policy, period.shifted(-4))
    audit_input = None
    if audit is not None and since < audit.case.report_date <= meeting.meeting:
        findings = audit.findings_table()[["grade", "title", "source"]]
        audit_input = AuditInput(audit.case.title, audit.case.report_date, audit.grade_counts(),
                                 findings)
    root_causes = pareto(part, "root_cause")[["count", "share", "cumulative_share",
                                              "vital_few"]]
    categories = pd.DataFrame({
        period.shifted(-4).label: period.shifted(-4).select(frame)["category"].value_counts(),
        period.shifted(-1).label: before["category"].value_counts(),
        period.label: part["category"].value_counts(),
    }).reindex(list(CATEGORIES)).fillna(0).astype(int)
    categories.index.name = "category"
    actions = tuple((a, a.status(meeting.meeting)) for a in content.actions
                    if a.decided < meeting.meeting
                    and not (a.done is not None and a.done <= since))
    pack = ReviewPack(
        meeting, since, period, period.shifted(-1), period.shifted(-4), len(part), kpis,
        kpis_previous, kpis_year_before, breach_counts(find_policy_breaches(part, policy)),
        breach_counts(find_policy_breaches(before, policy)), root_causes, categories,
        _satisfaction_by_outcome(part, policy), audit_input,
        tuple(c for c in content.changes if since < c.date <= meeting.meeting), actions)
    return dataclasses.replace(pack, attention=_attention(pack))


# --------------------------------------------------------------------------- outputs


def check_outputs(outputs: ReviewOutputs, meeting: dt.date) -> list[str]:
    """What is missing from a review's outputs: decisions, and actions that each have an
    owner, a due date after the meeting and the input they answer."""
    problems = []
    if not any(d.strip() for d in outputs.decisions):
        problems.append("no decision recorded: a review ends in decisions on the process, "
                        "improvements and resources (8.6)")
    ids = [a.id for a in outputs.actions]
    for repeated in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(f"action id {repeated} is used twice")
    for action in outputs.actions:
        name = action.id or "an action"
        if not action.action.strip():
            problems.append(f"{name}: say what will be done")
        if not action.owner.strip():
            problems.append(f"{name}: needs a named owner")
        if action.due is None:
            problems.append(f"{name}: needs a due date")
        elif action.due <= meeting:
            problems.append(f"{name}: is due {_day(action.due)}, not after the meeting of "
                            f"{_day(meeting)}")
        if action.input not in INPUTS:
            problems.append(f"{name}: input {action.input!r} is not one of "
                            f"{', '.join(INPUTS)}")
    return problems


def outputs_markdown(outputs: ReviewOutputs | None = None) -> str:
    """The outputs as minutes, or (None) the empty template to fill in."""
    if outputs is None:
        return ("### Decisions\n- …\n\n### Improvement actions\n| id | action | owner | due | "
                "input | resources |\n|---|---|---|---|---|---|\n| … | … | … | … | one of "
                f"{', '.join(INPUTS)} | … |\n\n### Resources\n- …\n")
    rows = "\n".join(f"| {a.id} | {a.action} | {a.owner} | "
                     f"{a.due:%d %b %Y} | {INPUTS[a.input]} | {a.resources} |"
                     for a in outputs.actions)
    return ("### Decisions\n" + "\n".join(f"- {d}" for d in outputs.decisions)
            + "\n\n### Improvement actions\n| id | action | owner | due | input | resources |\n"
            "|---|---|---|---|---|---|\n" + rows + "\n\n### Resources\n"
            + "\n".join(f"- {x}" for x in outputs.resources) + "\n")


# --------------------------------------------------------------------------- corrective action


@dataclass(frozen=True)
class CorrectiveActionCheck:
    problems: tuple[str, ...]
    notes: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def check_corrective_action(record: CorrectiveAction) -> CorrectiveActionCheck:
    """Check a record against the shape of ISO 9001 10.2: every part present, an action that
    removes a cause rather than repeating the correction, and an effectiveness check that is
    measurable and falls after the action is due."""
    problems, notes = [], []
    parts = (("nonconformity", "say what went wrong, with its evidence"),
             ("reaction", "say how the nonconformity was controlled and corrected, and its "
                          "consequences dealt with"),
             ("root_cause", "say why it happened — ask why until you reach a cause you can "
                            "remove"),
             ("action", "say what will remove the cause"),
             ("owner", "name who owns the action"))
    for name, advice in parts:
        if not getattr(record, name).strip():
            problems.append(f"{name.replace('_', ' ')} is empty: {advice}")
    if record.due is None:
        problems.append("due date is missing: a corrective action needs a date")
    if record.action.strip() and _words(record.action) == _words(record.reaction):
        problems.append("the action repeats the reaction: correcting this case is not a "
                        "corrective action; remove the cause so it does not happen again")
    check = record.effectiveness
    if check is None:
        problems.append("no effectiveness check: say how and when you will know the action "
                        "worked (ISO 9001 10.2 asks for this review)")
    else:
        if check.measure not in MEASURES or MEASURES[check.measure] is None:
            usable = ", ".join(k for k, v in MEASURES.items() if v)
            problems.append(f"effectiveness measure {check.measure!r} cannot show improvement; "
                            f"use one of {usable}")
        if check.target is None:
            problems.append("effectiveness check has no target: say what result counts as "
                            "'worked'")
        if check.check_date is None:
            problems.append("effectiveness check has no date")
        elif record.due is not None and check.check_date <= record.due:
            problems.append(f"the effectiveness check ({_day(check.check_date)}) must come "
                            f"after the action is due ({_day(record.due)}), once it has had "
                            "time to work")
    if BLAME.search(record.root_cause):
        notes.append("the root cause blames a person or a slip: ask why the process let it "
                     "happen (training, design, workload, tools) — that is the cause to remove")
    if not record.similar.strip():
        notes.append("say whether the same problem exists or could occur elsewhere — other "
                     "channels, teams or products (ISO 9001 10.2)")
    return CorrectiveActionCheck(tuple(problems), tuple(notes))


@dataclass(frozen=True)
class EffectivenessResult:
    check: EffectivenessCheck
    baseline: Kpi
    after: Kpi
    improved: bool | None
    effective: bool | None
    message: str


def _target_text(kpi_unit: str, direction: str, target: float) -> str:
    sign = "≥" if direction == "higher" else "≤"
    return f"{sign} {target:.0%}" if kpi_unit == "share" else f"{sign} {target:g}"


def apply_filter(frame: pd.DataFrame, chosen: Mapping[str, object]) -> pd.DataFrame:
    """The complaints matching every column → value of the filter."""
    keep = pd.Series(True, index=frame.index)
    for column, value in chosen.items():
        if column not in FILTER_VALUES:
            raise ValueError(f"cannot filter on {column!r}; use {', '.join(FILTER_VALUES)}")
        keep &= (frame[column] == value).fillna(False)
    return frame[keep.to_numpy(dtype=bool)]


def evaluate_effectiveness(check: EffectivenessCheck, frame: pd.DataFrame,
                           policy: Policy) -> EffectivenessResult:
    """Measure the check's KPI on its slice of the log before and after the action, with the
    course's one KPI definition, and compare the result with the target."""
    direction = MEASURES.get(check.measure)
    if direction is None:
        raise ValueError(f"{check.measure!r} cannot show improvement; use one of "
                         f"{', '.join(k for k, v in MEASURES.items() if v)}")
    part = apply_filter(frame, check.filter)
    baseline = compute_kpis(check.baseline.select(part), policy)[check.measure]
    after = compute_kpis(check.after.select(part), policy)[check.measure]
    where = (" for complaints with " + ", ".join(f"{k} = {v}" for k, v in check.filter.items())
             if check.filter else "")
    if not (baseline.available and after.available):
        missing = baseline if not baseline.available else after
        return EffectivenessResult(check, baseline, after, None, None,
                                   f"{missing.label}{where} cannot be measured: "
                                   f"{missing.reason}")
    sign = 1 if direction == "higher" else -1
    improved = (after.value - baseline.value) * sign > 0
    target = check.target
    effective = None if target is None else (after.value - target) * sign >= -1e-12
    target_text = ("no target set" if target is None
                   else f"target {_target_text(after.unit, direction, target)}")
    verdict = {None: "Set a target to judge it.",
               True: "The action worked: the target is met.",
               False: ("Not effective yet: the target is missed"
                       + (" although the measure improved" if improved else
                          " and the measure did not improve")
                       + ". Find the cause the action did not remove.")}[effective]
    message = (f"{after.label}{where}: {baseline.formatted()} ({check.baseline.label}, "
               f"n = {baseline.n}) → {after.formatted()} ({check.after.label}, n = {after.n}); "
               f"{target_text}. {verdict}")
    return EffectivenessResult(check, baseline, after, improved, effective, message)


# --------------------------------------------------------------------------- reflection


@dataclass(frozen=True)
class LoadedReflection:
    answers: dict[str, str]
    message: str | None


def reflection_path(folder: str | Path | None = None) -> Path:
    """Where the closing reflection is saved: the learner's work folder
    ($ISO10002_WORK_DIR, default ~/.iso10002-course/work)."""
    return (Path(folder) if folder is not None else work_dir()) / REFLECTION_FILE


def save_reflection(answers: Mapping[str, str], prompts: Sequence[tuple[str, str]],
                    folder: str | Path | None = None) -> Path:
    """Save the answers atomically (a killed kernel never leaves half a file)."""
    known = [prompt_id for prompt_id, _ in prompts]
    unknown = sorted(set(answers) - set(known))
    if unknown:
        raise ValueError(f"no reflection prompt {', '.join(unknown)}; prompts: "
                         f"{', '.join(known)}")
    document = {"format": REFLECTION_FORMAT,
                "saved_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "answers": {k: str(answers.get(k, "")).strip() for k in known}}
    return atomic_write_json(reflection_path(folder), document)


def _reflection_problem(data: object) -> str | None:
    if not isinstance(data, dict) or data.get("format") != REFLECTION_FORMAT:
        return f"it is not a reflection file of format {REFLECTION_FORMAT}"
    answers = data.get("answers")
    if not isinstance(answers, dict) or not all(isinstance(v, str) for v in answers.values()):
        return "its 'answers' is not a mapping of texts"
    return None


def load_reflection(folder: str | Path | None = None) -> LoadedReflection:
    """The saved answers, or none with a message when the file was damaged (moved aside)."""
    result = read_json(reflection_path(folder), validate=_reflection_problem)
    if result.ok:
        return LoadedReflection(dict(result.data["answers"]), None)
    return LoadedReflection({}, result.message)
