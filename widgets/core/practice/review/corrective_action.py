"""Checking a corrective action record against the shape of ISO 9001 10.2.

Why a module of its own: ISO 10002 8.7 puts corrective action at the heart of continual
improvement; the record's shape comes from ISO 9001 10.2, which applies to Harbourside because
it is certified, never because ISO 10002 says so: reaction, root cause, whether it could
happen elsewhere, an action that removes the cause, and an effectiveness check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from widgets.core.practice.review.content import MEASURES, CorrectiveAction
from widgets.core.practice.review.periods import long_date

BLAME = re.compile(r"\b(human error|staff error|user error|mistake|careless\w*|forgot|"
                   r"did not follow|didn't follow)\b", re.IGNORECASE)


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
            problems.append(f"the effectiveness check ({long_date(check.check_date)}) must come "
                            f"after the action is due ({long_date(record.due)}), once it has had "
                            "time to work")
    if BLAME.search(record.root_cause):
        notes.append("the root cause blames a person or a slip: ask why the process let it "
                     "happen (training, design, workload, tools) — that is the cause to remove")
    if not record.similar.strip():
        notes.append("say whether the same problem exists or could occur elsewhere — other "
                     "channels, teams or products (ISO 9001 10.2)")
    return CorrectiveActionCheck(tuple(problems), tuple(notes))
