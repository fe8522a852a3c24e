"""Monitoring the complaints-handling process: the tools of module 05 (clauses 8.3 and 8.4).

Clause 8.4 (Monitoring of the complaints-handling process, following ISO 10002:2018) asks for
continuous monitoring against the objectives the organization set itself; clause 8.3 asks how
satisfied complainants are with the handling, measured with the methods of ISO 10004. This
module answers the monitoring questions of module 05 and the dashboard:

- monthly KPIs against targets: `compute_kpis` — the course's ONE KPI definition — applied to
  each month's complaints, never a second formula;
- a p-chart (control chart for a share) with 3-sigma limits, to tell a month that is really
  different (a special cause) from ordinary month-to-month noise;
- a fairness comparison between groups of complainants (do vulnerable customers wait longer?)
  with the same KPI functions run on each group;
- the satisfaction survey's response rate per group and what the mean would be if every group
  answered equally often — an illustration of response bias.

Figures are built on a bare matplotlib Figure, not pyplot, so nothing is kept in a global
figure list and the core runs under any backend (Agg in tests and Voilà).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from widgets.core.complaints.kpis import (
    business_days_to,
    compute_kpis,
    first_contact_resolution,
    satisfaction,
    time_to,
)
from widgets.core.complaints.policy import TIMELINESS_STEPS, Policy

SIGMAS = 3.0
RUN_LENGTH = 8  # points in a row on one side of the centre line (a Western Electric rule)
_STEP_COLUMN = {"acknowledge": "acknowledged_at", "first_response": "first_response_at",
                "resolve": "resolved_at"}


# --------------------------------------------------------------------------- monthly KPIs


def monthly_kpis(frame: pd.DataFrame, policy: Policy,
                 keys: Iterable[str] | None = None) -> pd.DataFrame:
    """compute_kpis on the complaints received in each calendar month, one row per month and
    KPI (`keys`, default all).

    A month's time KPI describes the complaints *received* that month (a cohort), so a slow
    complaint counts against the month it arrived in. Columns: month, key, label, unit,
    value (NaN where not available), n, target, met, awaiting (time KPIs: complaints of the
    month still waiting for the event — recent months look better than they will be), reason
    (why a value is not available, e.g. a month where no complaint has been acknowledged yet).
    """
    months = frame["received_at"].dt.to_period("M")
    wanted = list(keys) if keys is not None else None
    rows = []
    if months.dropna().empty:
        return pd.DataFrame(columns=["month", "key", "label", "unit", "value", "n", "target",
                                     "met", "awaiting", "reason"])
    for month in pd.period_range(months.min(), months.max(), freq="M"):
        chosen = frame[(months == month).fillna(False).to_numpy(dtype=bool)]
        results = compute_kpis(chosen, policy)
        if wanted is not None:
            unknown = [k for k in wanted if k not in results]
            if unknown:
                raise KeyError(f"no KPI {', '.join(unknown)}; KPIs are {', '.join(results)}")
        for key in wanted if wanted is not None else results:
            kpi = results[key]
            rows.append({
                "month": month, "key": key, "label": kpi.label, "unit": kpi.unit,
                "value": kpi.value if kpi.available else np.nan,
                "n": kpi.n, "target": kpi.target or "", "met": kpi.met,
                "awaiting": int(kpi.details.get("awaiting", 0)), "reason": kpi.reason or "",
            })
    return pd.DataFrame(rows)


def kpi_series(monthly: pd.DataFrame, key: str) -> pd.DataFrame:
    """One KPI's rows of `monthly_kpis`, indexed by month."""
    rows = monthly[monthly["key"] == key]
    if rows.empty:
        raise KeyError(f"the monthly table has no KPI {key!r}; it has "
                       f"{', '.join(monthly['key'].unique())}")
    return rows.drop(columns="key").set_index("month")


def target_level(policy: Policy, key: str) -> tuple[float, str] | None:
    """The policy's numeric target for a KPI as (level, 'min' or 'max'), None without one.

    Time KPIs have a floor on the share within the deadline (timeliness.<step>.min_share);
    rate targets are a floor or a ceiling (rates.<key>).
    """
    step = key.removeprefix("time_to_")
    if key.startswith("time_to_") and step in policy.timeliness:
        return policy.timeliness[step].min_share, "min"
    rule = policy.rates.get(key)
    if rule is None:
        return None
    return (rule.min, "min") if rule.min is not None else (rule.max, "max")


def months_meeting_target(series: pd.DataFrame) -> tuple[int, int]:
    """(months that met the target, months with a verdict) for one `kpi_series`."""
    verdicts = series["met"].dropna()
    return int(verdicts.astype(bool).sum()), int(verdicts.size)


# --------------------------------------------------------------------------- control chart


def p_chart(events: Sequence[float], totals: Sequence[float], index: Sequence | None = None,
            baseline: Sequence[bool] | None = None, sigmas: float = SIGMAS,
            run_length: int = RUN_LENGTH) -> pd.DataFrame:
    """A p-chart: each period's share events/totals against limits from the baseline.

    Centre line p̄ = Σ events ÷ Σ totals over the baseline periods (default all); each
    period's limits are p̄ ± sigmas·√(p̄(1 − p̄)/n), cut to 0…1 — wider when n is small.
    `signal` names why a period stands out: 'above' or 'below' the limits, or 'run' when it
    is the `run_length`-th (or later) point in a row on the same side of the centre line.
    Periods with no total get no share and no signal.
    """
    events = np.asarray(events, dtype=float)
    totals = np.asarray(totals, dtype=float)
    if events.shape != totals.shape:
        raise ValueError(f"events ({events.size}) and totals ({totals.size}) must have the "
                         "same length")
    if np.any(events < 0) or np.any(events > totals):
        raise ValueError("every period needs 0 ≤ events ≤ total")
    use = np.ones(totals.size, dtype=bool) if baseline is None else np.asarray(baseline,
                                                                              dtype=bool)
    if use.shape != totals.shape:
        raise ValueError("baseline must flag each period (True = part of the baseline)")
    if totals[use].sum() == 0:
        raise ValueError("the baseline periods hold no observations to set the centre line")
    centre = events[use].sum() / totals[use].sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(totals > 0, events / totals, np.nan)
        spread = np.where(totals > 0, np.sqrt(centre * (1 - centre) / totals), np.nan)
    upper = np.minimum(1.0, centre + sigmas * spread)
    lower = np.maximum(0.0, centre - sigmas * spread)
    signal = np.full(totals.size, "", dtype=object)
    signal[share > upper] = "above"
    signal[share < lower] = "below"
    side, run = 0, 0
    for position, value in enumerate(share):
        current = 0 if np.isnan(value) or value == centre else (1 if value > centre else -1)
        run = run + 1 if current != 0 and current == side else (1 if current else 0)
        side = current
        if run >= run_length and not signal[position]:
            signal[position] = "run"
    table = pd.DataFrame({"events": events, "total": totals, "share": share, "centre": centre,
                          "lower": lower, "upper": upper, "baseline": use, "signal": signal},
                         index=index)
    table.attrs["sigmas"], table.attrs["run_length"] = sigmas, run_length
    return table


def kpi_p_chart(monthly: pd.DataFrame, key: str,
                baseline: tuple[str, str] | None = None) -> pd.DataFrame:
    """A p-chart of a share KPI's monthly values (from `monthly_kpis`).

    A share KPI's value is events ÷ n, so the events are value × n: the chart plots exactly
    the KPI the policy measures. `baseline` = (first month, last month) sets the centre line
    and limits from a stable period (e.g. the year before a change), so the months after it
    are judged against how the process used to run.
    """
    series = kpi_series(monthly, key)
    if (series["unit"] != "share").any():
        raise ValueError(f"{key} is not a share, so a p-chart does not fit it; chart a share "
                         "KPI such as time_to_acknowledge or reopen_rate")
    values = series["value"].to_numpy(dtype=float)
    totals = np.where(np.isnan(values), 0, series["n"].to_numpy(dtype=float))
    events = np.round(np.nan_to_num(values) * totals)
    flags = None
    if baseline is not None:
        first, last = (pd.Period(m, freq="M") for m in baseline)
        flags = [(first <= month <= last) for month in series.index]
        if not any(flags):
            raise ValueError(f"no month of the data lies in the baseline {first}…{last}")
    chart = p_chart(events, totals, index=series.index, baseline=flags)
    chart.attrs.update(key=key, label=str(series["label"].iloc[0]))
    return chart


def _legend_below(axes) -> None:
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=5, frameon=False,
                fontsize="small")


def _month_axis(axes, index: pd.Index) -> list[int]:
    positions = list(range(len(index)))
    step = max(1, len(index) // 12)
    axes.set_xticks(positions[::step], [f"{m:%b %Y}" for m in index[::step]], rotation=45,
                    ha="right")
    return positions


def control_chart_figure(chart: pd.DataFrame, title: str | None = None,
                         target: float | None = None) -> Figure:
    """The p-chart: monthly share, centre line, 3-sigma limits, signals circled in red, and
    the policy target for comparison (the voice of the customer next to the voice of the
    process)."""
    figure = Figure(figsize=(9, 4), layout="constrained")
    axes = figure.add_subplot()
    positions = _month_axis(axes, chart.index)
    axes.plot(positions, chart["share"] * 100, marker="o", color="#1f4e79", label="month")
    axes.plot(positions, chart["centre"] * 100, color="#555555", label="centre line")
    axes.step(positions, chart["upper"] * 100, where="mid", color="#c55a11", linestyle="--",
              label=f"{chart.attrs.get('sigmas', SIGMAS):g}-sigma limits")
    axes.step(positions, chart["lower"] * 100, where="mid", color="#c55a11", linestyle="--")
    flagged = chart["signal"] != ""
    if flagged.any():
        axes.scatter([p for p, f in zip(positions, flagged, strict=True) if f],
                     chart.loc[flagged, "share"] * 100, s=160, facecolors="none",
                     edgecolors="#b00020", linewidths=2, label="signal", zorder=3)
    if target is not None:
        axes.axhline(target * 100, color="#1b6e20", linestyle=":", label="policy target")
    axes.set_ylabel("% of the month's complaints")
    axes.set_title(title or f"Control chart (p-chart): {chart.attrs.get('label', 'share')}")
    _legend_below(axes)
    return figure


def kpi_trend_figure(series: pd.DataFrame, label: str,
                     target: tuple[float, str] | None = None) -> Figure:
    """A KPI month by month against its target line; months that miss it marked red."""
    figure = Figure(figsize=(9, 4), layout="constrained")
    axes = figure.add_subplot()
    positions = _month_axis(axes, series.index)
    scale = 100 if (series["unit"] == "share").all() else 1
    values = series["value"].to_numpy(dtype=float) * scale
    axes.plot(positions, values, marker="o", color="#1f4e79", label=label)
    missed = (series["met"] == False).to_numpy(dtype=bool)  # noqa: E712  (None = no target)
    if missed.any():
        axes.scatter(np.array(positions)[missed], values[missed], color="#b00020", zorder=3,
                     label="target missed")
    if target is not None:
        level, kind = target
        axes.axhline(level * scale, color="#1b6e20", linestyle=":",
                     label=f"target ({'at least' if kind == 'min' else 'at most'})")
        shown = np.append(values[~np.isnan(values)], level * scale)
        pad = max(0.05 * (shown.max() - shown.min()), 0.01 * scale)
        axes.set_ylim(shown.min() - pad, shown.max() + pad)
    axes.set_ylabel("%" if scale == 100 else str(series["unit"].iloc[0]))
    axes.set_title(f"{label}, month by month (complaints received that month)")
    _legend_below(axes)
    return figure


# --------------------------------------------------------------------------- fairness


def fairness_table(frame: pd.DataFrame, policy: Policy, by: str = "vulnerable",
                   step: str = "first_response", promise: int | None = None) -> pd.DataFrame:
    """Timeliness and first-contact resolution per group of complainants, with the KPI
    functions run on each group (ISO 10002 4.5, 4.7: equal access and objective handling).

    Columns: complaints; measured (the event happened); median and mean business days;
    within_target (time_to's share within the policy's deadline for `step`); within_promise
    (the same KPI with the deadline set to `promise` business days — by default, for the
    first response, the faster one the policy promises vulnerable customers); fcr (first-contact
    resolution). ``attrs`` hold the two deadlines.
    """
    if step not in TIMELINESS_STEPS:
        raise ValueError(f"step must be one of {', '.join(TIMELINESS_STEPS)}, not {step!r}")
    if promise is None and step == "first_response":
        promise = policy.vulnerable_first_response_business_days
    promised = policy.with_time_target(step, within_business_days=promise) if promise else None
    days = business_days_to(frame, _STEP_COLUMN[step], policy)
    rows = []
    for value, group in frame.groupby(by, sort=True, dropna=True):
        timely = time_to(group, step, policy)
        row = {by: value, "complaints": len(group), "measured": timely.n,
               "median": timely.details.get("median_business_days", np.nan),
               "mean": float(days.loc[group.index].mean()),
               "within_target": timely.value if timely.available else np.nan}
        if promised is not None:
            kept = time_to(group, step, promised)
            row["within_promise"] = kept.value if kept.available else np.nan
        fcr = first_contact_resolution(group, policy)
        row["fcr"] = fcr.value if fcr.available else np.nan
        rows.append(row)
    table = pd.DataFrame(rows).set_index(by)
    table.attrs.update(step=step, target_days=policy.timeliness[step].within_business_days,
                       promise_days=promise)
    return table


@dataclass(frozen=True)
class ShareDifference:
    """The difference of two shares with a 95% interval (normal approximation)."""

    difference: float
    low: float
    high: float

    @property
    def clear(self) -> bool:
        """True when the interval excludes 0: the gap is unlikely to be chance alone."""
        return self.low > 0 or self.high < 0


def share_difference(share_a: float, n_a: int, share_b: float, n_b: int,
                     z: float = 1.96) -> ShareDifference:
    """share_a − share_b with a z-interval (Wald). With small groups a visible gap can be
    noise; the interval says how large the gap could plausibly be."""
    if n_a <= 0 or n_b <= 0:
        raise ValueError("both groups need at least one complaint")
    spread = math.sqrt(share_a * (1 - share_a) / n_a + share_b * (1 - share_b) / n_b)
    difference = share_a - share_b
    return ShareDifference(difference, difference - z * spread, difference + z * spread)


# --------------------------------------------------------------------------- satisfaction


def survey_by_group(frame: pd.DataFrame, policy: Policy, by: str = "outcome") -> pd.DataFrame:
    """The satisfaction survey per group: closed complaints, responses, response rate and mean
    score, from the satisfaction KPIs (8.3) run on each group. Groups whose complaints have
    no score get NaN."""
    rows = []
    for value, group in frame.groupby(by, sort=True, dropna=True):
        mean, rate = satisfaction(group, policy)
        rows.append({by: value, "closed": int(group["closed_at"].notna().sum()),
                     "responses": mean.n,
                     "response_rate": rate.value if rate.available else np.nan,
                     "mean_score": mean.value if mean.available else np.nan})
    return pd.DataFrame(rows).set_index(by)


@dataclass(frozen=True)
class ReweightedSatisfaction:
    """The survey's mean score as answered, and as if every group had answered equally often."""

    respondents_mean: float
    reweighted_mean: float
    responses: int
    closed: int

    @property
    def flattery(self) -> float:
        """How much the answered mean exceeds the reweighted one (score points)."""
        return self.respondents_mean - self.reweighted_mean


def reweighted_satisfaction(survey: pd.DataFrame) -> ReweightedSatisfaction:
    """Weigh each group's mean score by its share of closed complaints instead of its share of
    responses (post-stratification), from a `survey_by_group` table.

    Assumes that within a group those who did not answer feel like those who did — an
    assumption, which is the lesson: a survey's mean describes those who answered.
    """
    answered = survey[survey["responses"] > 0]
    if answered.empty:
        raise ValueError("no group has a survey response to weigh")
    responses = answered["responses"].to_numpy(dtype=float)
    closed = answered["closed"].to_numpy(dtype=float)
    means = answered["mean_score"].to_numpy(dtype=float)
    return ReweightedSatisfaction(
        respondents_mean=float((means * responses).sum() / responses.sum()),
        reweighted_mean=float((means * closed).sum() / closed.sum()),
        responses=int(responses.sum()), closed=int(closed.sum()),
    )
