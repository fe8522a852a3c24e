"""Scoring a learner's findings against the breaches the examined records really hold.

Why a module of its own: the rules for what counts as a valid finding (cited records examined
and breaching the criterion), which criteria there were to find, and how the planted
record-keeping breaches of the sample log (datasets/README.md f.) are reported are the
learner-facing judgement of module 06, and change apart from how the case is run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from widgets.core.complaints.breaches import RULES
from widgets.core.practice.audit_case.content import GRADES
from widgets.core.practice.audit_case.result import CaseResult

# The record breaches planted in the sample log for auditors to find (datasets/README.md f.);
# the other rules catch slow handling, which the generator's timings produce on their own.
PLANTED_RULES = ("ACK_MISSING", "SAFETY_ACK_LATE", "SAFETY_NOT_ESCALATED",
                 "CLOSED_WITHOUT_OUTCOME", "CLOSED_WITHOUT_RESPONSE",
                 "PERSONAL_DATA_IN_DESCRIPTION")
_ID_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]")


@dataclass(frozen=True)
class LearnerFinding:
    """A finding a learner records: the criterion (breach rule), the complaint IDs cited as
    evidence, and the grade proposed under the programme's convention."""

    rule: str
    ids: tuple[str, ...]
    grade: str | None = None


@dataclass(frozen=True)
class FindingScore:
    rule: str
    title: str
    confirmed: tuple[str, ...]
    wrong: tuple[tuple[str, str], ...]
    missed: tuple[str, ...]
    grade: str | None
    expected_grade: str | None

    @property
    def valid(self) -> bool:
        """A finding stands if it cites at least one breaching record and no wrong one."""
        return bool(self.confirmed) and not self.wrong

    @property
    def grade_agrees(self) -> bool:
        return self.grade is not None and self.grade == self.expected_grade


@dataclass(frozen=True)
class FindingsScore:
    findings: tuple[FindingScore, ...]
    expected_rules: tuple[str, ...]

    @property
    def found_rules(self) -> tuple[str, ...]:
        valid = {f.rule for f in self.findings if f.valid}
        return tuple(r for r in self.expected_rules if r in valid)

    @property
    def missed_rules(self) -> tuple[str, ...]:
        return tuple(r for r in self.expected_rules if r not in self.found_rules)

    @property
    def planted_expected(self) -> tuple[str, ...]:
        return tuple(r for r in self.expected_rules if r in PLANTED_RULES)

    @property
    def planted_found(self) -> tuple[str, ...]:
        return tuple(r for r in self.found_rules if r in PLANTED_RULES)

    @property
    def grades_agreed(self) -> int:
        return sum(f.valid and f.grade_agrees for f in self.findings)

    def summary(self) -> str:
        if not self.findings:
            return (f"no findings recorded yet; the examined records break "
                    f"{len(self.expected_rules)} criteria")
        return (f"You found {len(self.found_rules)} of the {len(self.expected_rules)} criteria "
                f"the examined records break, including {len(self.planted_found)} of the "
                f"{len(self.planted_expected)} planted record-keeping breaches; the "
                f"programme's grade matches on {self.grades_agreed} of your "
                f"{sum(f.valid for f in self.findings)} valid findings.")


def ids_in(text: str, known: Iterable[str]) -> tuple[str, ...]:
    """Complaint IDs of `known` mentioned in free text, upper-cased, in order, once each."""
    known_upper = {k.upper() for k in known}
    found: list[str] = []
    for token in _ID_TOKEN.findall(text):
        upper = token.upper()
        if upper in known_upper and upper not in found:
            found.append(upper)
    return tuple(found)


def score_findings(findings: Iterable[LearnerFinding], result: CaseResult) -> FindingsScore:
    """Score a learner's findings against the breaches the examined records really hold.

    A cited record counts if it was examined (in any set) and breaches the finding's criterion;
    a record not examined, or one that meets the criterion, is wrong — with the reason. The
    criteria to find are those the planned tests show breached; grades are compared with the
    programme's grade for the case.
    """
    by_rule = {c.rule: c for c in result.criteria}
    marks = pd.concat([s.marks for s in result.examined], ignore_index=True)
    marks = marks.drop_duplicates(["complaint_id", "rule"])
    lookup = {(row.complaint_id.upper(), row.rule): (row.reference, row.detail)
              for row in marks.itertuples()}
    planned = pd.concat([s.nonconformities() for s in result.examined], ignore_index=True)
    expected_rules = tuple(r for r in RULES if r in set(planned["rule"]))
    scores = []
    for finding in findings:
        if finding.rule not in by_rule:
            raise ValueError(f"{finding.rule!r} is not an audit criterion; use one of "
                             f"{', '.join(by_rule)}")
        if finding.grade is not None and finding.grade not in GRADES:
            raise ValueError(f"grade {finding.grade!r} is not one of {', '.join(GRADES)}")
        confirmed, wrong = [], []
        for complaint_id in dict.fromkeys(i.upper() for i in finding.ids):
            mark = lookup.get((complaint_id, finding.rule))
            if mark is None:
                wrong.append((complaint_id, "not among the records examined: a finding rests "
                                            "only on evidence the auditors saw"))
            elif mark[0] == "nonconforms":
                confirmed.append(complaint_id)
            else:
                why = ("the criterion does not apply: " if mark[0] == "not_applicable"
                       else "the record meets the criterion: ")
                wrong.append((complaint_id, why + mark[1]))
        should = planned.loc[planned["rule"] == finding.rule, "complaint_id"].str.upper()
        missed = tuple(i for i in dict.fromkeys(should) if i not in confirmed)
        scores.append(FindingScore(finding.rule, by_rule[finding.rule].title, tuple(confirmed),
                                   tuple(wrong), missed, finding.grade,
                                   result.expected_grade(finding.rule)))
    return FindingsScore(tuple(scores), expected_rules)
