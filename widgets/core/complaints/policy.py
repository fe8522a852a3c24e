"""The organization's complaints policy as the KPIs and audit checks read it.

ISO 10002 says "should"; it sets no numbers. The numbers a complaint is measured against come
from the organization's own policy (clause 5.3, objectives in 6.2), which is why they live in
a file a trainer or manager can edit (datasets/policy.yaml) and not in code. This module
parses that file into immutable objects and owns the one definition of "business days".
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from widgets.core.common.errors import ContentError
from widgets.core.common.paths import datasets_dir
from widgets.core.common.reader import ContentReader, read_yaml

TIMELINESS_STEPS = ("acknowledge", "first_response", "resolve")
RATE_TARGETS = (
    "first_contact_resolution",
    "reopen_rate",
    "external_referral_rate",
    "satisfaction_mean",
    "satisfaction_response_rate",
)


class PolicyError(ContentError):
    """The policy file is missing a key or holds a value of the wrong kind."""


@dataclass(frozen=True)
class TimeTarget:
    """'Do X within N business days for at least min_share of complaints'."""

    within_business_days: int
    min_share: float
    policy_section: str
    clause: str


@dataclass(frozen=True)
class RateTarget:
    """A floor (min) or a ceiling (max) for a rate or mean."""

    min: float | None
    max: float | None
    policy_section: str
    clause: str

    def is_met(self, value: float) -> bool:
        if self.min is not None and value < self.min:
            return False
        return not (self.max is not None and value > self.max)

    def describe(self, as_percent: bool = False) -> str:
        """'≥ 3.8', or '≤ 5%' for a share."""
        limit = self.min if self.min is not None else self.max
        text = f"{limit:.0%}" if as_percent else f"{limit:g}"
        return f"≥ {text}" if self.min is not None else f"≤ {text}"


@dataclass(frozen=True)
class Policy:
    organization: str
    version: str
    customer_base: int | None
    currency: str
    weekmask: str
    holidays: tuple[dt.date, ...]
    timeliness: dict[str, TimeTarget]
    vulnerable_first_response_business_days: int
    safety_acknowledge_business_days: int
    safety_min_escalation_level: int
    rates: dict[str, RateTarget]
    source: str = "datasets/policy.yaml"

    def with_time_target(self, step: str, **changes: float) -> Policy:
        """A copy with one timeliness target changed (the dashboard's editable targets)."""
        timeliness = dict(self.timeliness)
        timeliness[step] = dataclasses.replace(timeliness[step], **changes)
        return dataclasses.replace(self, timeliness=timeliness)

    def with_rate_target(self, name: str, **changes: float | None) -> Policy:
        """A copy with one rate target changed."""
        rates = dict(self.rates)
        rates[name] = dataclasses.replace(rates[name], **changes)
        return dataclasses.replace(self, rates=rates)

    @property
    def _holiday_array(self) -> np.ndarray:
        return np.array(self.holidays, dtype="datetime64[D]")

    def business_days_elapsed(self, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        """Business days after the day of `start` up to and including the day of `end`.

        Received Friday and acknowledged Monday is 1; the same day is 0. Returns floats with
        NaN where either timestamp is missing, so callers can tell "not yet" from "zero".
        """
        start_days = np.asarray(start, dtype="datetime64[ns]").astype("datetime64[D]")
        end_days = np.asarray(end, dtype="datetime64[ns]").astype("datetime64[D]")
        result = np.full(start_days.shape, np.nan)
        present = ~(np.isnat(start_days) | np.isnat(end_days))
        if present.any():
            one_day = np.timedelta64(1, "D")
            result[present] = np.busday_count(
                start_days[present] + one_day,
                end_days[present] + one_day,
                weekmask=self.weekmask,
                holidays=self._holiday_array,
            )
        return result

    def deadline(self, received: dt.date | np.ndarray, business_days: int) -> np.ndarray:
        """The last business day that still meets an 'within N business days' target.

        N = 0 means the day of receipt itself.
        """
        days = np.asarray(received, dtype="datetime64[D]")
        if business_days == 0:
            return days + np.timedelta64(0, "D")  # same type as busday_offset gives below
        return np.busday_offset(
            days + np.timedelta64(1, "D"),
            business_days - 1,
            roll="forward",
            weekmask=self.weekmask,
            holidays=self._holiday_array,
        )


def parse_policy(data: dict, source: str = "policy") -> Policy:
    """Build a Policy from the parsed YAML mapping, naming the key that is wrong."""
    r = ContentReader(source, PolicyError)
    top = r.mapping(data, "(top level)")
    business = r.mapping(r.get(top, "business_days", ""), "business_days")
    holidays = []
    for raw in r.get(business, "holidays", "business_days.") or []:
        try:
            holidays.append(raw if isinstance(raw, dt.date) else dt.date.fromisoformat(str(raw)))
        except ValueError:
            raise r.fail("business_days.holidays", f"{raw!r} is not a YYYY-MM-DD date"
                         ) from None
    timeliness = {}
    steps = r.mapping(r.get(top, "timeliness", ""), "timeliness")
    for step in TIMELINESS_STEPS:
        where = f"timeliness.{step}."
        entry = r.mapping(r.get(steps, step, "timeliness."), where.rstrip("."))
        timeliness[step] = TimeTarget(
            within_business_days=int(r.number(entry, "within_business_days", where,
                                              integer=True)),
            min_share=float(r.number(entry, "min_share", where)),
            policy_section=str(entry.get("policy_section", "")),
            clause=str(entry.get("clause", "")),
        )
    rates = {}
    targets = r.mapping(r.get(top, "rates", ""), "rates")
    for name in RATE_TARGETS:
        where = f"rates.{name}."
        entry = r.mapping(r.get(targets, name, "rates."), where.rstrip("."))
        if ("min" in entry) == ("max" in entry):
            raise r.fail(where.rstrip("."), "needs exactly one of 'min' or 'max'")
        rates[name] = RateTarget(
            min=float(r.number(entry, "min", where)) if "min" in entry else None,
            max=float(r.number(entry, "max", where)) if "max" in entry else None,
            policy_section=str(entry.get("policy_section", "")),
            clause=str(entry.get("clause", "")),
        )
    priority = r.mapping(r.get(top, "priority_rules", ""), "priority_rules")
    return Policy(
        organization=str(r.get(top, "organization", "")),
        version=str(top.get("version", "")),
        customer_base=(None if top.get("customer_base") is None
                       else int(r.number(top, "customer_base", "", integer=True))),
        currency=str(top.get("currency", "")),
        weekmask=str(business.get("weekmask", "Mon Tue Wed Thu Fri")),
        holidays=tuple(sorted(holidays)),
        timeliness=timeliness,
        vulnerable_first_response_business_days=int(r.number(
            priority, "vulnerable_first_response_business_days", "priority_rules.",
            integer=True)),
        safety_acknowledge_business_days=int(r.number(
            priority, "safety_acknowledge_business_days", "priority_rules.", integer=True)),
        safety_min_escalation_level=int(r.number(
            priority, "safety_min_escalation_level", "priority_rules.", integer=True)),
        rates=rates,
        source=source,
    )


def load_policy(path: str | Path | None = None) -> Policy:
    """Read the policy file (default: the course's datasets/policy.yaml)."""
    path = Path(path) if path is not None else datasets_dir() / "policy.yaml"
    return parse_policy(read_yaml(path, PolicyError, "policy file"), source=str(path))
