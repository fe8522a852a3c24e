"""The review pack: everything the review of one quarter looks at, computed from the data.

Why a module of its own: a review is only as good as its pack, and a pack typed by hand drifts
from the data. So the pack is computed from the log and the policy with the course's one KPI
definition (compute_kpis) and breach rules (find_policy_breaches), and the audit results come
from the audit case of module 06; it lists what needs a decision, and renders as Markdown.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from widgets.core.complaints.breaches import RULES, breach_counts, find_policy_breaches
from widgets.core.complaints.kpis import DECIDED_OUTCOMES, Kpi, compute_kpis, pareto, satisfaction
from widgets.core.complaints.policy import Policy
from widgets.core.complaints.schema import CATEGORIES
from widgets.core.practice.audit_case import CaseResult
from widgets.core.practice.review.content import (
    INPUTS,
    MEASURES,
    Change,
    PriorAction,
    ReviewContent,
    ReviewMeeting,
    load_review_content,
)
from widgets.core.practice.review.periods import Period, long_date

# How much a KPI with a target may slip against the previous quarter before the pack flags it.
SLIP = {"share": 0.02, "of 5": 0.1}


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
        audit = (f"{self.audit.title}, reported {long_date(self.audit.report_date)}"
                 if self.audit else "no audit reported since the last review")
        rows = {
            "audit": audit,
            "analysis": f"{self.complaints:,} complaints received in {self.period.label}: "
                        "categories, root causes (Pareto), policy breaches",
            "satisfaction": "satisfaction with the handling and survey response, overall and "
                            "by outcome",
            "trends": f"KPIs for {self.period.label} against {self.previous.label} and "
                      f"{self.year_before.label}",
            "changes": f"{len(self.changes)} change(s) since {long_date(self.since)}",
            "actions": f"{len(self.actions)} action(s) from earlier reviews",
        }
        return pd.DataFrame([{"input": INPUTS[k], "in this pack": v} for k, v in rows.items()]
                            ).set_index("input")

    def to_markdown(self) -> str:
        """The pack as a document to circulate before the meeting."""
        held = "" if self.meeting.held else f" — **not held**: {self.meeting.note}"
        lines = [f"## Complaints-handling review of {self.period.label}",
                 f"Meeting {long_date(self.meeting.meeting)}{held}. "
                 f"Inputs since {long_date(self.since)}.",
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
            lines += [f"{self.audit.title}, reported {long_date(self.audit.report_date)}.",
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
                         f"{long_date(action.due)}.")
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
