"""The complaint-lifecycle simulator: one complaint walked through clause 7 of ISO 10002.

Why a simulator: learners remember the steps of clause 7 (receipt 7.2 to closing 7.9) far better
when they have to choose what to do at each one and see the consequences — a deadline missed
on a real calendar, a complainant losing patience, a case ending up with the ombudsman. The
scenarios are content (YAML under widgets/content/scenarios/), so a trainer can write a new case
without touching code; this module loads and validates them, naming the file, step and action
of every problem, and runs one learner's path through a scenario as a small state machine.

Time is real: the clock starts on the scenario's date of receipt and moves forward in business
days by the organization's own calendar (weekends and the policy's public holidays), using the
one business-day definition in widgets.core.complaints.policy. The deadlines are the policy's
targets (datasets/policy.yaml), never numbers written here, so editing the policy changes the game.

Step titles follow ISO 10002:2018; learners should check them against a licensed copy.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from widgets.core.common.errors import ContentError
from widgets.core.common.paths import CONTENT_DIR
from widgets.core.common.reader import by_id, read_yaml
from widgets.core.complaints.breaches import RULES as BREACH_RULES
from widgets.core.complaints.deadlines import plan_deadlines
from widgets.core.complaints.policy import Policy, load_policy
from widgets.core.complaints.schema import CATEGORIES, CHANNELS, ESCALATION_LEVELS, PRODUCTS
from widgets.core.course.clauses import CLAUSES_FILE, load_clauses

SCENARIO_DIR = CONTENT_DIR / "scenarios"


# The eight steps of clause 7 a scenario walks, in order (7.1 Communication happens before
# any complaint arrives). Their titles come from the course's one clause list.
STEP_CLAUSES = ("7.2", "7.3", "7.4", "7.5", "7.6", "7.7", "7.8", "7.9")

# What an action can complete, named as the policy's timeliness targets are.
MILESTONES = ("acknowledge", "first_response", "resolve")
MILESTONE_MEANING = {
    "acknowledge": "acknowledgement sent",
    "first_response": "first substantive response given",
    "resolve": "decision communicated",
}
SAFETY_ESCALATION_STEP = "7.5"  # the policy's safety review belongs to the initial assessment

MIN_ACTIONS, MAX_ACTIONS = 3, 4
MAX_ACTION_DAYS = 30
MAX_SATISFACTION_CHANGE = 50
SATISFACTION_RANGE = (0, 100)
MAX_LABEL_CHARS = 160

# Score weights: choosing well, keeping the policy's promises, and how the complainant feels.
SCORE_WEIGHTS = {"choices": 40, "deadlines": 30, "satisfaction": 30}

ESCALATION_NAMES = {0: "front line (level 0)", 1: "internal review (level 1)",
                    2: "executive review (level 2)"}


def step_title(clause: str) -> str:
    """The step's title as the course's clause list gives it (following ISO 10002:2018)."""
    return load_clauses()[clause].title


_ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_SCENARIO_KEYS = {
    "id": True, "title": True, "complainant": True, "category": True, "product": True,
    "channel": True, "received": True, "vulnerable": True, "safety": True,
    "start_satisfaction": True, "case": True, "steps": True,
}
_STEP_KEYS = {"clause": True, "situation": True, "actions": True}
_ACTION_KEYS = {
    "id": True, "label": True, "best": False, "business_days": True, "satisfaction": True,
    "escalate_to": False, "external_referral": False, "milestones": False, "feedback": True,
    "clauses": True,
}


class ScenarioError(ContentError):
    """A scenario file is not usable; `problems` lists every problem, each naming its place."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems), problems)


@dataclass(frozen=True)
class Action:
    """One choice a learner can make at a step, with its consequences."""

    id: str
    label: str
    best: bool
    business_days: int
    satisfaction: int
    escalate_to: int | None
    external_referral: bool
    milestones: tuple[str, ...]
    feedback: str
    clauses: tuple[str, ...]


@dataclass(frozen=True)
class ScenarioStep:
    clause: str
    title: str
    situation: str
    actions: tuple[Action, ...]

    @property
    def best_action(self) -> Action:
        return next(action for action in self.actions if action.best)

    def action(self, action_id: str) -> Action:
        return by_id(self.actions, action_id, "action", owner=f"step {self.clause}",
                     known="choose one of:")


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    complainant: str
    category: str
    product: str
    channel: str
    received: dt.date
    vulnerable: bool
    safety: bool
    start_satisfaction: int
    case: str
    steps: tuple[ScenarioStep, ...]
    source: str

    def best_path(self) -> tuple[str, ...]:
        """The id of the best action at every step, in order."""
        return tuple(step.best_action.id for step in self.steps)


# --------------------------------------------------------------------------- loading


def _where_step(number: int, clause: object) -> str:
    if clause in STEP_CLAUSES:
        return f"step {number} ({clause} {step_title(str(clause))})"
    return f"step {number}"


def _where_action(number: int, raw: object) -> str:
    action_id = raw.get("id") if isinstance(raw, dict) else None
    return f"action {number} '{action_id}'" if isinstance(action_id, str) else f"action {number}"


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_keys(raw: dict, spec: dict[str, bool], where: str, problems: list[str]) -> None:
    for key, required in spec.items():
        if required and key not in raw:
            problems.append(f"{where}: missing key '{key}'; add it (see an existing scenario)")
    for key in raw:
        if key not in spec:
            allowed = ", ".join(spec)
            problems.append(f"{where}: unknown key '{key}'; allowed keys are: {allowed}")


def _check_text(raw: dict, key: str, where: str, problems: list[str],
                max_chars: int | None = None) -> None:
    if key not in raw:
        return
    value = raw[key]
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{where}: '{key}' must be non-empty text, found {value!r}")
    elif max_chars is not None and len(value) > max_chars:
        problems.append(f"{where}: '{key}' is {len(value)} characters; keep it to {max_chars} "
                        "(it is a radio-button label) and move detail into 'feedback'")


def _check_int(raw: dict, key: str, low: int, high: int, where: str,
               problems: list[str]) -> None:
    if key not in raw:
        return
    value = raw[key]
    if not _is_int(value) or not low <= value <= high:
        problems.append(f"{where}: '{key}' must be a whole number from {low} to {high}, "
                        f"found {value!r}")


def _check_bool(raw: dict, key: str, where: str, problems: list[str]) -> None:
    if key in raw and not isinstance(raw[key], bool):
        problems.append(f"{where}: '{key}' must be true or false, found {raw[key]!r}")


def _check_choice(raw: dict, key: str, allowed: tuple[str, ...], where: str,
                  problems: list[str]) -> None:
    if key in raw and raw[key] not in allowed:
        problems.append(f"{where}: '{key}' is {raw[key]!r}; use one of: {', '.join(allowed)}")


def _clause_problem(value: object) -> str | None:
    """Why a clause reference is not usable, or None when it is. References are ids of the
    course's one clause list (widgets/content/clauses.yaml): "7.4", "4.10", "10003", ..."""
    if isinstance(value, float | int) and not isinstance(value, bool):
        return (f"clause {value!r} was read as a number (YAML drops trailing zeros: 4.10 "
                "becomes 4.1); write it in quotes, e.g. \"4.10\"")
    if not isinstance(value, str) or value not in load_clauses():
        return (f"clause {value!r} is not in the course's clause list ({CLAUSES_FILE.name}); "
                "use an id listed there, such as \"7.4\", \"4.10\" or \"10003\"")
    return None


def _check_action(raw: object, where: str, problems: list[str]) -> None:
    if not isinstance(raw, dict):
        problems.append(f"{where}: expected a mapping with id, label, feedback, ..., "
                        f"found {raw!r}")
        return
    _check_keys(raw, _ACTION_KEYS, where, problems)
    if "id" in raw and (not isinstance(raw["id"], str) or not _ID_PATTERN.match(raw["id"])):
        problems.append(f"{where}: 'id' must be lowercase-with-hyphens like 'ack-same-day', "
                        f"found {raw['id']!r}")
    _check_text(raw, "label", where, problems, MAX_LABEL_CHARS)
    _check_text(raw, "feedback", where, problems)
    _check_bool(raw, "best", where, problems)
    _check_bool(raw, "external_referral", where, problems)
    _check_int(raw, "business_days", 0, MAX_ACTION_DAYS, where, problems)
    _check_int(raw, "satisfaction", -MAX_SATISFACTION_CHANGE, MAX_SATISFACTION_CHANGE, where,
               problems)
    _check_int(raw, "escalate_to", 1, max(ESCALATION_LEVELS), where, problems)
    if "milestones" in raw:
        milestones = raw["milestones"]
        if not isinstance(milestones, list) or not all(m in MILESTONES for m in milestones):
            problems.append(f"{where}: 'milestones' must be a list drawn from "
                            f"{', '.join(MILESTONES)}, found {milestones!r}")
        elif len(set(milestones)) != len(milestones):
            problems.append(f"{where}: 'milestones' lists {milestones!r}; name each once")
    if "clauses" in raw:
        clauses = raw["clauses"]
        if not isinstance(clauses, list) or not clauses:
            problems.append(f"{where}: 'clauses' must be a non-empty list of clause numbers "
                            f"such as [\"7.4\", \"4.6\"], found {clauses!r}")
        else:
            for clause in clauses:
                reason = _clause_problem(clause)
                if reason:
                    problems.append(f"{where}: {reason}")


def _check_step(raw: object, number: int, problems: list[str]) -> None:
    if not isinstance(raw, dict):
        problems.append(f"step {number}: expected a mapping with clause, situation, actions, "
                        f"found {raw!r}")
        return
    where = _where_step(number, raw.get("clause"))
    _check_keys(raw, _STEP_KEYS, where, problems)
    _check_text(raw, "situation", where, problems)
    actions = raw.get("actions")
    if "actions" not in raw:
        return
    if not isinstance(actions, list) or not MIN_ACTIONS <= len(actions) <= MAX_ACTIONS:
        count = len(actions) if isinstance(actions, list) else "no list of"
        problems.append(f"{where}: has {count} actions; give {MIN_ACTIONS} to {MAX_ACTIONS}")
        if not isinstance(actions, list):
            return
    for index, action in enumerate(actions, start=1):
        _check_action(action, f"{where}, {_where_action(index, action)}", problems)
    ids = [a.get("id") for a in actions if isinstance(a, dict)]
    duplicates = sorted({i for i in ids if isinstance(i, str) and ids.count(i) > 1})
    if duplicates:
        problems.append(f"{where}: action ids {', '.join(duplicates)} are used more than once; "
                        "give every action of a step its own id")
    best = [a.get("id") for a in actions if isinstance(a, dict) and a.get("best") is True]
    if len(best) != 1:
        found = ", ".join(str(b) for b in best) if best else "none"
        problems.append(f"{where}: exactly one action must have 'best: true', found {found}")


def _check_step_order(steps: list, problems: list[str]) -> None:
    found = [s.get("clause") if isinstance(s, dict) else None for s in steps]
    if found == list(STEP_CLAUSES):
        return
    for index, clause in enumerate(found, start=1):
        if isinstance(clause, float):
            problems.append(f"step {index}: clause {clause!r} was read as a number; "
                            f"write it in quotes, e.g. \"{clause}\"")
    missing = [f"{c} {step_title(c)}" for c in STEP_CLAUSES if c not in found]
    unexpected = [str(c) for c in found if c not in STEP_CLAUSES]
    repeated = sorted({c for c in found if c in STEP_CLAUSES and found.count(c) > 1})
    expected = ", ".join(STEP_CLAUSES)
    shown = ", ".join(str(c) for c in found)
    if missing:
        problems.append(f"steps: missing {'; '.join(missing)}; a scenario walks all 8 steps "
                        f"of clause 7 in order ({expected})")
    if unexpected:
        problems.append(f"steps: {', '.join(unexpected)} is not one of the steps {expected}")
    if repeated:
        problems.append(f"steps: {', '.join(repeated)} appears more than once; keep one")
    if not (missing or unexpected or repeated):
        problems.append(f"steps: the steps are out of order ({shown}); put them in the order "
                        f"{expected}")


def _check_best_path_milestones(steps: list, problems: list[str]) -> None:
    """A scenario whose best path never acknowledges or decides would teach the wrong lesson."""
    reached: set[str] = set()
    for step in steps:
        actions = step.get("actions") if isinstance(step, dict) else None
        for action in actions if isinstance(actions, list) else []:
            if isinstance(action, dict) and action.get("best") is True:
                milestones = action.get("milestones", [])
                reached.update(m for m in milestones if isinstance(m, str))
    for milestone in MILESTONES:
        if milestone not in reached:
            problems.append(f"steps: no best action completes '{milestone}' "
                            f"({MILESTONE_MEANING[milestone]}); mark the best action that does "
                            f"with 'milestones: [{milestone}]'")


def validate_scenario_data(data: object, source: str, expected_id: str | None = None
                           ) -> list[str]:
    """Every problem with a parsed scenario, each starting with the file name and naming the
    step and action, so a trainer can fix a file in one pass. Empty when the data is usable."""
    problems: list[str] = []
    if not isinstance(data, dict):
        return [f"{source}: expected a mapping (id, title, steps, ...) at the top level"]
    _check_keys(data, _SCENARIO_KEYS, "scenario", problems)
    if expected_id is not None and data.get("id") != expected_id:
        problems.append(f"scenario: 'id' is {data.get('id')!r} but the file is named "
                        f"{expected_id}.yaml; make them the same")
    for key in ("title", "complainant", "case"):
        _check_text(data, key, "scenario", problems)
    _check_choice(data, "category", CATEGORIES, "scenario", problems)
    _check_choice(data, "product", PRODUCTS, "scenario", problems)
    _check_choice(data, "channel", CHANNELS, "scenario", problems)
    _check_bool(data, "vulnerable", "scenario", problems)
    _check_bool(data, "safety", "scenario", problems)
    _check_int(data, "start_satisfaction", *SATISFACTION_RANGE, "scenario", problems)
    if "received" in data and _as_date(data["received"]) is None:
        problems.append(f"scenario: 'received' must be a date written YYYY-MM-DD, "
                        f"found {data['received']!r}")
    steps = data.get("steps")
    if "steps" in data:
        if not isinstance(steps, list):
            problems.append(f"scenario: 'steps' must be a list of the {len(STEP_CLAUSES)} steps of "
                            "clause 7")
        else:
            _check_step_order(steps, problems)
            for number, step in enumerate(steps, start=1):
                _check_step(step, number, problems)
            _check_best_path_milestones(steps, problems)
    return [f"{source}: {problem}" for problem in problems]


def _as_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return None
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def parse_scenario(data: object, source: str, expected_id: str | None = None) -> Scenario:
    """Build a Scenario, or raise ScenarioError listing every problem."""
    problems = validate_scenario_data(data, source, expected_id)
    if problems:
        raise ScenarioError(problems)
    assert isinstance(data, dict)  # validated above; narrows the type for readers and mypy
    steps = []
    for raw_step, clause in zip(data["steps"], STEP_CLAUSES, strict=True):
        actions = tuple(
            Action(
                id=raw["id"],
                label=raw["label"].strip(),
                best=raw.get("best", False),
                business_days=raw["business_days"],
                satisfaction=raw["satisfaction"],
                escalate_to=raw.get("escalate_to"),
                external_referral=raw.get("external_referral", False),
                milestones=tuple(raw.get("milestones", [])),
                feedback=" ".join(raw["feedback"].split()),
                clauses=tuple(raw["clauses"]),
            )
            for raw in raw_step["actions"]
        )
        steps.append(ScenarioStep(clause, step_title(clause),
                                  " ".join(raw_step["situation"].split()), actions))
    received = _as_date(data["received"])
    assert received is not None
    return Scenario(
        id=data["id"], title=data["title"].strip(), complainant=data["complainant"].strip(),
        category=data["category"], product=data["product"], channel=data["channel"],
        received=received, vulnerable=data["vulnerable"], safety=data["safety"],
        start_satisfaction=data["start_satisfaction"], case=" ".join(data["case"].split()),
        steps=tuple(steps), source=source,
    )


def _read_yaml(path: Path) -> object:
    return read_yaml(path, lambda message: ScenarioError([message]), "scenario file")


def validate_scenario_file(path: str | Path) -> list[str]:
    """Every problem with one scenario file (empty list: the file is valid)."""
    path = Path(path)
    try:
        data = _read_yaml(path)
    except ScenarioError as error:
        return error.problems
    return validate_scenario_data(data, str(path), expected_id=path.stem)


def scenario_ids(directory: str | Path | None = None) -> list[str]:
    """The ids of the scenarios in a folder (default: the course's content), sorted."""
    folder = Path(directory) if directory is not None else SCENARIO_DIR
    return sorted(path.stem for path in folder.glob("*.yaml"))


def load_scenario(scenario: str | Path, directory: str | Path | None = None) -> Scenario:
    """Load a scenario by id (from `directory`, default the course's content) or by path."""
    folder = Path(directory) if directory is not None else SCENARIO_DIR
    path = Path(scenario)
    if path.suffix != ".yaml":
        path = folder / f"{scenario}.yaml"
        if not path.is_file():
            available = ", ".join(scenario_ids(folder)) or "none"
            raise ScenarioError([f"no scenario '{scenario}' in {folder}; available: "
                                 f"{available}"])
    return parse_scenario(_read_yaml(path), str(path), expected_id=path.stem)


def load_all_scenarios(directory: str | Path | None = None) -> dict[str, Scenario]:
    """Every scenario in a folder, by id; raises ScenarioError with all files' problems."""
    scenarios, problems = {}, []
    for scenario_id in scenario_ids(directory):
        try:
            scenarios[scenario_id] = load_scenario(scenario_id, directory)
        except ScenarioError as error:
            problems.extend(error.problems)
    if problems:
        raise ScenarioError(problems)
    return scenarios


# --------------------------------------------------------------------------- rules


@dataclass(frozen=True)
class Rule:
    """A promise of the policy this complaint is measured against."""

    key: str  # a milestone name, or "safety_escalation"
    description: str
    clauses: tuple[str, ...]
    policy_section: str
    within_business_days: int | None = None
    deadline: dt.date | None = None
    min_escalation_level: int | None = None


@dataclass(frozen=True)
class RuleStatus:
    """Where a rule stands: 'pending' until it is known to be 'met' or 'missed'."""

    rule: Rule
    state: str
    done_on: dt.date | None = None
    elapsed_business_days: int | None = None
    decided_after_step: int | None = None  # 1-based step number after which it was known
    explanation: str = ""


def business_days_text(days: int) -> str:
    """'1 business day', '3 business days'."""
    return f"{days} business day{'s' * (days != 1)}"


def _within(days: int) -> str:
    """A target in words: 'within 2 business days', or 'on the day of receipt' for 0."""
    return "on the day of receipt" if days == 0 else f"within {business_days_text(days)}"


def _after_receipt(days: int) -> str:
    return "on the day of receipt" if days == 0 else f"{business_days_text(days)} after receipt"


def policy_rules(scenario: Scenario, policy: Policy) -> tuple[Rule, ...]:
    """The policy's targets that apply to this complaint, with their calendar deadlines.

    Which target applies (standard, safety, vulnerable) is decided once, by
    widgets.core.complaints.deadlines.plan_deadlines; this adds the simulator's wording and the
    safety escalation rule, which is about a level rather than a date.
    """
    plan = plan_deadlines(scenario.received, policy, vulnerable=scenario.vulnerable,
                          safety=scenario.safety)
    wording = {
        "acknowledge": "Acknowledge a safety complaint" if scenario.safety else "Acknowledge",
        "first_response": ("First response to a vulnerable customer" if scenario.vulnerable
                           else "First response"),
        "resolve": "Decision communicated",
    }
    rules = [Rule(d.step, f"{wording[d.step]} {_within(d.within_business_days)}", d.clauses,
                  d.policy_section, d.within_business_days, d.due) for d in plan.deadlines]
    if scenario.safety:
        level = policy.safety_min_escalation_level
        rules.append(Rule(
            "safety_escalation",
            f"Escalate a safety complaint to {ESCALATION_NAMES.get(level, f'level {level}')} "
            "or higher by the end of the initial assessment",
            (SAFETY_ESCALATION_STEP, "4.6"), BREACH_RULES["SAFETY_NOT_ESCALATED"].policy_section,
            min_escalation_level=level))
    return tuple(rules)


# --------------------------------------------------------------------------- simulation


@dataclass(frozen=True)
class StepOutcome:
    """What one choice did: the record behind the feedback the learner sees."""

    step_number: int
    step: ScenarioStep
    action: Action
    started_on: dt.date
    finished_on: dt.date
    elapsed_business_days: int  # since receipt, when the action was finished
    satisfaction_before: int
    satisfaction_after: int
    escalation_level: int
    external_referral: bool
    completed: tuple[str, ...]  # milestones this action reached first
    newly_decided: tuple[RuleStatus, ...]


@dataclass(frozen=True)
class PathStep:
    step: ScenarioStep
    chosen: Action

    @property
    def best(self) -> Action:
        return self.step.best_action

    @property
    def matched(self) -> bool:
        return self.chosen.best


@dataclass(frozen=True)
class Summary:
    """The end-of-case report: deadlines, satisfaction, escalation, path, clauses, score."""

    statuses: tuple[RuleStatus, ...]
    start_satisfaction: int
    final_satisfaction: int
    escalation_level: int
    external_referral: bool
    escalation_outcome: str
    path: tuple[PathStep, ...]
    clauses_touched: tuple[str, ...]
    finished_on: dt.date
    elapsed_business_days: int
    score_parts: dict[str, float]
    score: int
    best_path_score: int

    @property
    def met(self) -> tuple[RuleStatus, ...]:
        return tuple(s for s in self.statuses if s.state == "met")

    @property
    def missed(self) -> tuple[RuleStatus, ...]:
        return tuple(s for s in self.statuses if s.state == "missed")

    @property
    def best_choices(self) -> int:
        return sum(step.matched for step in self.path)


def total_score(parts: dict[str, float]) -> int:
    """The score out of 100: the parts added up, halves rounded up (79.5 -> 80)."""
    return math.floor(sum(parts.values()) + 0.5)


def clause_sort_key(clause: str) -> tuple:
    """Order references as a reader expects: ISO 10002 clauses by number (4.4 before 4.12),
    then its annexes, then other standards ("10003", "19011:6.4")."""
    standard, _, number = clause.rpartition(":")
    if not standard and number.isdigit() and len(number) > 2:  # a whole sibling standard
        standard, number = number, ""
    group = 2 if standard else (1 if number.isalpha() else 0)
    parts = tuple((0, int(p)) if p.isdigit() else (1, p) for p in number.split(".") if p)
    return (group, standard, parts)


def escalation_outcome(level: int, external: bool) -> str:
    """One sentence on how far the complaint went, inside and outside the organization."""
    inside = f"Highest internal level: {ESCALATION_NAMES.get(level, f'level {level}')}."
    if external:
        return (inside + " The complainant took it outside the organization (ombudsman / "
                "alternative dispute resolution, ISO 10003).")
    return inside + " Not referred outside the organization."


class LifecycleSimulation:
    """One learner's walk through a scenario: pick an action per step, watch the consequences.

    The clock starts on the day of receipt; an action taking N business days moves it to the
    N-th business day after the current date. Milestones an action completes happen on the day
    the action ends. A deadline is reported 'met' or 'missed' as soon as that is certain: when
    the milestone happens, when the clock passes the deadline without it, or at the end.
    """

    def __init__(self, scenario: Scenario, policy: Policy | None = None):
        self.scenario = scenario
        self.policy = policy if policy is not None else load_policy()
        self.rules = policy_rules(scenario, self.policy)
        self.restart()

    def restart(self) -> None:
        """Back to the day of receipt with nothing done."""
        self._clock = self.scenario.received
        self._satisfaction = self.scenario.start_satisfaction
        self._escalation = 0
        self._external = False
        self._done: dict[str, dt.date] = {}
        self._history: list[StepOutcome] = []
        self._statuses = {rule.key: RuleStatus(rule, "pending") for rule in self.rules}

    # state -----------------------------------------------------------------------------
    @property
    def step_number(self) -> int:
        """1-based number of the step to play; len(steps) + 1 when finished."""
        return len(self._history) + 1

    @property
    def finished(self) -> bool:
        return len(self._history) == len(self.scenario.steps)

    @property
    def current_step(self) -> ScenarioStep | None:
        return None if self.finished else self.scenario.steps[len(self._history)]

    @property
    def clock(self) -> dt.date:
        return self._clock

    @property
    def elapsed_business_days(self) -> int:
        return self._elapsed(self._clock)

    @property
    def satisfaction(self) -> int:
        return self._satisfaction

    @property
    def escalation_level(self) -> int:
        return self._escalation

    @property
    def external_referral(self) -> bool:
        return self._external

    @property
    def history(self) -> tuple[StepOutcome, ...]:
        return tuple(self._history)

    def statuses(self) -> tuple[RuleStatus, ...]:
        return tuple(self._statuses[rule.key] for rule in self.rules)

    def _elapsed(self, day: dt.date) -> int:
        value = self.policy.business_days_elapsed(np.array([self.scenario.received]),
                                                  np.array([day]))[0]
        return int(value)

    # play ------------------------------------------------------------------------------
    def choose(self, action_id: str) -> StepOutcome:
        """Take one action at the current step and advance the clock and the case."""
        step = self.current_step
        if step is None:
            raise RuntimeError("the scenario is finished; call restart() to play it again")
        action = step.action(action_id)
        started = self._clock
        self._clock = np.asarray(self.policy.deadline(started, action.business_days)).item()
        before = self._satisfaction
        low, high = SATISFACTION_RANGE
        self._satisfaction = min(high, max(low, before + action.satisfaction))
        if action.escalate_to is not None:
            self._escalation = max(self._escalation, action.escalate_to)
        self._external = self._external or action.external_referral
        completed = tuple(m for m in action.milestones if m not in self._done)
        for milestone in completed:
            self._done[milestone] = self._clock
        number = self.step_number
        newly = self._decide(number, step, final=number == len(self.scenario.steps))
        outcome = StepOutcome(number, step, action, started, self._clock,
                              self._elapsed(self._clock), before, self._satisfaction,
                              self._escalation, self._external, completed, newly)
        self._history.append(outcome)
        return outcome

    def _decide(self, number: int, step: ScenarioStep, final: bool) -> tuple[RuleStatus, ...]:
        newly = []
        for rule in self.rules:
            if self._statuses[rule.key].state != "pending":
                continue
            status = (self._decide_escalation(rule, number, step)
                      if rule.key == "safety_escalation"
                      else self._decide_deadline(rule, number, final))
            if status is not None:
                self._statuses[rule.key] = status
                newly.append(status)
        return tuple(newly)

    def _decide_deadline(self, rule: Rule, number: int, final: bool) -> RuleStatus | None:
        assert rule.deadline is not None and rule.within_business_days is not None
        done = self._done.get(rule.key)
        target = _within(rule.within_business_days)
        deadline = rule.deadline.isoformat()
        if done is not None:
            elapsed = self._elapsed(done)
            met = elapsed <= rule.within_business_days
            explanation = (f"{MILESTONE_MEANING[rule.key].capitalize()} on {done.isoformat()}, "
                           f"{_after_receipt(elapsed)} (target: {target}, by {deadline}).")
            return RuleStatus(rule, "met" if met else "missed", done, elapsed, number,
                              explanation)
        if self._clock > rule.deadline:
            return RuleStatus(rule, "missed", None, None, number,
                              f"Not done by the deadline {deadline} (target: {target}); it is "
                              f"now {self._clock.isoformat()}, "
                              f"{_after_receipt(self.elapsed_business_days)}.")
        if final:
            return RuleStatus(rule, "missed", None, None, number,
                              f"Never done: the case was closed without it (target: {target}, "
                              f"by {deadline}).")
        return None

    def _decide_escalation(self, rule: Rule, number: int,
                           step: ScenarioStep) -> RuleStatus | None:
        assert rule.min_escalation_level is not None
        if self._escalation >= rule.min_escalation_level:
            return RuleStatus(rule, "met", self._clock, self.elapsed_business_days, number,
                              f"Escalated to level {self._escalation} on "
                              f"{self._clock.isoformat()}, at step {step.clause} "
                              f"({step.title}).")
        if step.clause == SAFETY_ESCALATION_STEP:
            return RuleStatus(rule, "missed", None, None, number,
                              f"The initial assessment ({SAFETY_ESCALATION_STEP}) ended with the "
                              f"complaint at level {self._escalation}; the policy requires "
                              f"level {rule.min_escalation_level} or higher for a safety "
                              "complaint.")
        return None

    # result ----------------------------------------------------------------------------
    def score_parts(self) -> dict[str, float]:
        """Points per component (weights in SCORE_WEIGHTS), rounded to one decimal."""
        steps = len(self.scenario.steps)
        best = sum(outcome.action.best for outcome in self._history)
        statuses = self.statuses()
        met = sum(status.state == "met" for status in statuses)
        return {
            "choices": round(SCORE_WEIGHTS["choices"] * best / steps, 1),
            "deadlines": round(SCORE_WEIGHTS["deadlines"] * met / len(statuses), 1),
            "satisfaction": round(SCORE_WEIGHTS["satisfaction"] * self._satisfaction
                                  / SATISFACTION_RANGE[1], 1),
        }

    def summary(self) -> Summary:
        """The end-of-case report; only available once every step has been played."""
        if not self.finished:
            raise RuntimeError(f"the scenario is not finished: step {self.step_number} of "
                               f"{len(self.scenario.steps)} is still to play")
        clauses = {outcome.step.clause for outcome in self._history}
        for outcome in self._history:
            clauses.update(outcome.action.clauses)
        for status in self.statuses():
            clauses.update(status.rule.clauses)
        parts = self.score_parts()
        return Summary(
            statuses=self.statuses(),
            start_satisfaction=self.scenario.start_satisfaction,
            final_satisfaction=self._satisfaction,
            escalation_level=self._escalation,
            external_referral=self._external,
            escalation_outcome=escalation_outcome(self._escalation, self._external),
            path=tuple(PathStep(o.step, o.action) for o in self._history),
            clauses_touched=tuple(sorted(clauses, key=clause_sort_key)),
            finished_on=self._clock,
            elapsed_business_days=self.elapsed_business_days,
            score_parts=parts,
            score=total_score(parts),
            best_path_score=self._best_path_score(),
        )

    def _best_path_score(self) -> int:
        if all(outcome.action.best for outcome in self._history):
            return total_score(self.score_parts())
        best = play(self.scenario, self.scenario.best_path(), self.policy)
        return total_score(best.score_parts())


def play(scenario: Scenario, action_ids: list[str] | tuple[str, ...],
         policy: Policy | None = None) -> LifecycleSimulation:
    """Run a whole path of action ids (one per step, in order) and return the simulation."""
    simulation = LifecycleSimulation(scenario, policy)
    for action_id in action_ids:
        simulation.choose(action_id)
    return simulation
