"""Whether a corrective action worked: its KPI on a slice of the log, before and after.

Why a module of its own: the effectiveness check is measured on the data with the course's
one KPI definition and judged against the record's target, so it changes with the KPIs and
the log, not with the shape of the record.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from widgets.core.complaints.kpis import Kpi, compute_kpis
from widgets.core.complaints.policy import Policy
from widgets.core.practice.review.content import FILTER_VALUES, MEASURES, EffectivenessCheck


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
