"""The outputs of a review (ISO 10002 8.6): decisions, improvement actions and resources.

Why a module of its own: outputs follow a template — decisions; improvement actions with
owners, dates after the meeting and the input they answer; resources — that a checker
validates and that renders as minutes, apart from how the pack is computed.
"""

from __future__ import annotations

import datetime as dt

from widgets.core.practice.review.content import INPUTS, ReviewOutputs
from widgets.core.practice.review.periods import long_date


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
            problems.append(f"{name}: is due {long_date(action.due)}, not after the meeting of "
                            f"{long_date(meeting)}")
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
