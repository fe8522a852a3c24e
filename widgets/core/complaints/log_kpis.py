"""The dashboard's "Our complaint data" section without the widgets: reading an upload, the
column mapping, editable policy targets, KPI tiles and the four charts.

Why: a manager's own export is as likely to be a CFPB download (either header style), a
spreadsheet save with odd headers or the wrong file as our clean sample, and every one of
those must end in either KPIs or a sentence saying what to do. All loading goes through the
course's one loader (load_complaints_bytes, with a column map when the user corrects the
detected mapping) and every KPI through the one definition (compute_kpis); this module adds
only what the dashboard needs around them:

- the mapping the loader will detect, shown before or after a load so the user can correct it
  (:func:`suggest_mapping` applies the loader's own rules; a test keeps them in step);
- targets edited on screen, applied with Policy.with_time_target / with_rate_target, so the
  tiles compare against the manager's numbers without touching datasets/policy.yaml;
- one tile per KPI: value, target, met or missed, or "not available" with the reason the KPI
  carries (a CFPB export has no acknowledgement dates, for instance), never a guess;
- charts on bare matplotlib Figures: monthly volume, the Pareto of categories (the root-cause
  explorer's chart), the distribution of business days to resolve, and complaints by channel.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from widgets.core.complaints import schema
from widgets.core.complaints.kpis import Kpi, business_days_to, complaints_per_period
from widgets.core.complaints.loader import DELIMITERS, LoadResult, load_complaints_bytes
from widgets.core.complaints.policy import RATE_TARGETS, TIMELINESS_STEPS, Policy
from widgets.core.complaints.rootcause import pareto_chart, pareto_table
from widgets.core.complaints.uploads import upload_problem

CFPB_ONLY_TARGETS = tuple(sorted(set(schema.CFPB_COLUMNS.values()) - set(schema.COLUMN_NAMES)))
MAPPING_TARGETS = (*schema.COLUMN_NAMES, *CFPB_ONLY_TARGETS)
PARETO_TOP = 12
LABEL_CHARS = 28
RESOLVE_DAYS_SHOWN = 60
MET = "meets target"
MISSED = "misses target"
NO_TARGET = "no target"
NOT_AVAILABLE = "not available"


# ----------------------------------------------------------------------------- reading


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def read_headers(data: bytes) -> list[str]:
    """The header row of a CSV file's bytes, split on the delimiter the loader would pick
    (the one giving the most fields). Empty for an empty file and for binary data (a NUL byte
    near the start, the loader's test for a spreadsheet or other non-text file)."""
    if b"\x00" in data[:4096]:
        return []
    text = _decode(data[:65536])
    lines = text.splitlines()
    if not lines:
        return []
    counts = {d: len(next(csv.reader([lines[0]], delimiter=d), [])) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    delimiter = best if counts[best] > 1 else ","
    return next(csv.reader([lines[0]], delimiter=delimiter), [])


@dataclass(frozen=True)
class MappingSuggestion:
    """What the loader will do with a file's headers: its layout, the course column each
    header fills (None: not used) and the required columns nothing fills."""

    layout: str  # "course" or "cfpb"
    columns: Mapping[str, str | None]
    missing_required: tuple[str, ...]


def suggest_mapping(headers: Sequence[str],
                    column_map: Mapping[str, str] | None = None) -> MappingSuggestion:
    """The loader's detection rules applied to ``headers`` (plus a user's ``column_map``,
    which wins): CFPB layout when two of its signature headers appear, then each header maps
    to the first free course column it names."""
    column_map = column_map or {}
    normalized = {header: schema.normalize_header(header) for header in headers}
    cfpb = len(set(normalized.values()) & schema.CFPB_SIGNATURE) >= 2
    lookup = schema.CFPB_COLUMNS if cfpb else {c: c for c in schema.COLUMN_NAMES}
    columns: dict[str, str | None] = {}
    for header in headers:
        target = column_map.get(header) or lookup.get(normalized[header])
        columns[header] = target if target and target not in columns.values() else None
    missing = tuple(c for c in schema.REQUIRED_COLUMNS if c not in columns.values())
    return MappingSuggestion("cfpb" if cfpb else "course", columns, missing)


@dataclass(frozen=True)
class Upload:
    """A file put through the loader: its headers and detected mapping, and either the
    loaded result or the message to show (never an exception)."""

    name: str
    headers: tuple[str, ...]
    suggestion: MappingSuggestion
    result: LoadResult | None
    error: str | None


def read_upload(data: bytes, name: str,
                column_map: Mapping[str, str] | None = None) -> Upload:
    """Check the size, read the headers and load the file with the course loader."""
    empty = MappingSuggestion("course", {}, schema.REQUIRED_COLUMNS)
    problem = upload_problem(name, len(data))
    if problem is not None:
        return Upload(name, (), empty, None, problem)
    headers = tuple(read_headers(data))
    suggestion = suggest_mapping(headers, column_map)
    try:
        result = load_complaints_bytes(data, name, column_map=dict(column_map or {}))
    except (ValueError, csv.Error) as error:  # ComplaintDataError is a ValueError
        return Upload(name, headers, suggestion, None,
                      f"{name} could not be loaded as a complaint log: {error}")
    return Upload(name, headers, suggestion, result, None)


# ----------------------------------------------------------------------------- targets


@dataclass(frozen=True)
class TargetField:
    """One editable target as the screen shows it: shares in percent, days, scores."""

    key: str  # "resolve.within_business_days", "resolve.min_share", or a rate name
    label: str
    unit: str  # "business days", "%" or "of 5"
    value: float
    minimum: float
    maximum: float


_STEP_LABELS = {"acknowledge": "Acknowledge", "first_response": "First response",
                "resolve": "Resolve"}
_RATE_LABELS = {
    "first_contact_resolution": "First-contact resolution",
    "reopen_rate": "Reopen rate",
    "external_referral_rate": "External referral rate",
    "satisfaction_mean": "Satisfaction with handling",
    "satisfaction_response_rate": "Survey response rate",
}


def target_fields(policy: Policy) -> list[TargetField]:
    """Every target a manager may change on screen, with its current value."""
    fields = []
    for step in TIMELINESS_STEPS:
        target = policy.timeliness[step]
        fields += [
            TargetField(f"{step}.within_business_days", f"{_STEP_LABELS[step]} within",
                        "business days", target.within_business_days, 0, 250),
            TargetField(f"{step}.min_share", f"{_STEP_LABELS[step]}: at least", "%",
                        round(target.min_share * 100, 6), 0, 100),
        ]
    for name in RATE_TARGETS:
        rule = policy.rates[name]
        bound = "at least" if rule.min is not None else "at most"
        limit = rule.min if rule.min is not None else rule.max
        if name == "satisfaction_mean":
            fields.append(TargetField(name, f"{_RATE_LABELS[name]}: {bound}", "of 5", limit,
                                      1, 5))
        else:
            fields.append(TargetField(name, f"{_RATE_LABELS[name]}: {bound}", "%",
                                      round(limit * 100, 6), 0, 100))
    return fields


def apply_targets(policy: Policy, values: Mapping[str, float]) -> Policy:
    """A copy of ``policy`` with the targets in ``values`` (keys and units of
    :func:`target_fields`); a value out of range raises ValueError naming the target."""
    fields = {field.key: field for field in target_fields(policy)}
    for key, value in values.items():
        if key not in fields:
            raise KeyError(f"no editable target {key!r}; targets: {', '.join(fields)}")
        field = fields[key]
        if not isinstance(value, int | float) or isinstance(value, bool) \
                or not math.isfinite(value) or not field.minimum <= value <= field.maximum:
            raise ValueError(f"{field.label} must be between {field.minimum:g} and "
                             f"{field.maximum:g} {field.unit} (got {value!r})")
        if "." in key:
            step, part = key.split(".")
            if part == "within_business_days":
                if float(value) != int(value):
                    raise ValueError(f"{field.label} must be a whole number of business days "
                                     f"(got {value!r})")
                policy = policy.with_time_target(step, within_business_days=int(value))
            else:
                policy = policy.with_time_target(step, min_share=value / 100)
        else:
            scaled = value if field.unit == "of 5" else value / 100
            bound = "min" if policy.rates[key].min is not None else "max"
            policy = policy.with_rate_target(key, **{bound: scaled})
    return policy


# ----------------------------------------------------------------------------- tiles


@dataclass(frozen=True)
class Tile:
    key: str
    label: str
    value: str
    target: str
    status: str  # MET, MISSED, NO_TARGET or NOT_AVAILABLE
    note: str
    clause: str


def tile(kpi: Kpi) -> Tile:
    """A KPI as a tile: the value as people read it, the target, and either the base
    (n, median) or the reason it is not available."""
    if not kpi.available:
        return Tile(kpi.key, kpi.label, "Not available", kpi.target or "", NOT_AVAILABLE,
                    kpi.reason or "", kpi.clause)
    status = NO_TARGET if kpi.met is None else (MET if kpi.met else MISSED)
    note = f"n = {kpi.n:,}"
    if "median_business_days" in kpi.details:
        note += f"; median {kpi.details['median_business_days']:g} business days"
    return Tile(kpi.key, kpi.label, kpi.formatted(), kpi.target or "", status, note,
                kpi.clause)


def tiles(kpis: Mapping[str, Kpi]) -> list[Tile]:
    return [tile(kpi) for kpi in kpis.values()]


# ----------------------------------------------------------------------------- charts


def _frame_axes(title: str, size: tuple[float, float] = (6.4, 3.6)) -> tuple[Figure, object]:
    figure = Figure(figsize=size, layout="constrained")
    axes = figure.add_subplot()
    axes.set_title(title, fontsize=11)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    return figure, axes


def monthly_volume_chart(frame: pd.DataFrame) -> Figure:
    """Complaints received per calendar month (months without complaints show as 0)."""
    counts = complaints_per_period(frame, "M")
    figure, axes = _frame_axes(f"Complaints received per month (n = {int(counts.sum()):,})")
    if counts.empty:
        axes.text(0.5, 0.5, "No complaint has a date received", ha="center",
                  transform=axes.transAxes)
        return figure
    axes.bar(range(len(counts)), counts.to_numpy(), color="#1f4e79")
    step = max(1, len(counts) // 12)
    ticks = list(range(0, len(counts), step))
    axes.set_xticks(ticks, [f"{counts.index[i]:%b %Y}" for i in ticks], rotation=45,
                    ha="right", fontsize=8)
    axes.set_ylabel("complaints")
    return figure


def _short_label(value: object) -> str:
    text = str(value)
    return text if len(text) <= LABEL_CHARS else text[:LABEL_CHARS - 1].rstrip(" ,") + "…"


def category_pareto_chart(frame: pd.DataFrame, top: int = PARETO_TOP) -> Figure | None:
    """The Pareto of complaint categories (the root-cause explorer's chart), limited to the
    ``top`` most frequent; the cumulative line still counts every category. None when the
    data has no category column."""
    if "category" not in frame.columns:
        return None
    table = pareto_table(frame, "category")
    total = int(table["count"].sum())
    title = f"Pareto of complaints by category (n = {total:,})"
    if len(table) > top:
        title = f"Top {top} of {len(table)} categories (n = {total:,})"
        table = table.head(top)
    # Real exports have sentence-long categories ("Loan modification,collection,…"): shorten
    # the labels so the bars keep their room; the order and counts are unchanged.
    table = table.rename(index=_short_label)
    figure = pareto_chart(table, title=title)
    figure.set_size_inches(6.4, 4.2)
    return figure


def resolve_time_chart(frame: pd.DataFrame, policy: Policy) -> Figure | None:
    """How many complaints were resolved after 0, 1, 2, … business days (the one
    business-day rule), the policy's target as a line, the longest ones in a last "60+" bar.
    None when the data has no resolution dates (the time-to-resolve KPI says why)."""
    if "resolved_at" not in frame.columns or not frame["resolved_at"].notna().any():
        return None
    days = business_days_to(frame, "resolved_at", policy).dropna().astype(int)
    target = policy.timeliness["resolve"].within_business_days
    capped = np.minimum(days.to_numpy(), RESOLVE_DAYS_SHOWN)
    counts = np.bincount(capped, minlength=RESOLVE_DAYS_SHOWN + 1)
    within = float((days <= target).mean())
    figure, axes = _frame_axes(f"Business days to resolve (n = {len(days):,}; "
                               f"{within:.0%} within {target})")
    colours = ["#2e7d32" if day <= target else "#c55a11" for day in range(len(counts))]
    axes.bar(range(len(counts)), counts, color=colours, width=0.9)
    axes.axvline(target + 0.5, color="#444444", linestyle="--", linewidth=1)
    axes.text(target + 0.7, counts.max() * 0.95, f"target: within {target}", fontsize=8,
              color="#444444")
    axes.set_xticks([0, 10, 20, 30, 40, 50, RESOLVE_DAYS_SHOWN],
                    ["0", "10", "20", "30", "40", "50", f"{RESOLVE_DAYS_SHOWN}+"])
    axes.set_xlabel("business days from receipt to resolution")
    axes.set_ylabel("complaints")
    return figure


def channel_chart(frame: pd.DataFrame) -> Figure | None:
    """Complaints per channel, largest first. None when the data has no channel column."""
    if "channel" not in frame.columns or not frame["channel"].notna().any():
        return None
    counts = frame["channel"].dropna().value_counts().sort_values()
    figure, axes = _frame_axes(f"Complaints by channel (n = {int(counts.sum()):,})")
    axes.barh([str(v).replace("_", " ") for v in counts.index], counts.to_numpy(),
              color="#1f4e79")
    for position, value in enumerate(counts.to_numpy()):
        axes.text(value, position, f" {value:,}", va="center", fontsize=8)
    axes.set_xlabel("complaints")
    return figure
