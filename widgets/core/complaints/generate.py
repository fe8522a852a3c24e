"""Deterministic synthetic complaint log of the fictional Harbourside Energy Ltd.

Why synthetic: a course cannot ship real complainants' personal data, and a real log has no
answer key. This log is realistic in shape (weekday and seasonal rhythms, channel mix, skewed
handling times, repeat complainants) and carries planted, documented patterns — a spike after
a billing-system change, a slow channel, a team with many reopenings, a vital-few set of root
causes, vulnerable customers waiting longer, a few records that break the organization's own
policy — so that learners' analyses and auditors' samples have something true to find, and
datasets/README.md can state the numbers they should find. The shares, weights and pattern
sizes are data in :mod:`widgets.core.complaints.generate_tables`; this module is how they
are drawn.

Why numpy's PCG64 and vectorized code only: the same seed must give byte-identical CSV files
on every machine (tests compare datasets/complaints.csv with a fresh generation), and the
benchmarks generate a million rows, which a per-row Python loop could not do in seconds.

All personal data is invented: e-mail addresses use the reserved example.com / .org / .net
domains (RFC 2606) and phone numbers Ofcom's ranges reserved for drama. At the default size
the 3,000 customers have 3,000 different numbers; larger logs reuse numbers across customers.
"""

from __future__ import annotations

import datetime as dt
import os
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.random import PCG64, Generator

from widgets.core.complaints import schema
from widgets.core.complaints.generate_tables import (
    AMOUNT_MEDIANS,
    BILLING_AFTERMATH,
    BILLING_SPIKE,
    BUSINESS_HOURS,
    CATEGORY_SHARES,
    CHANNEL_AFFINITY,
    CHANNEL_SHARES,
    CLOSERS,
    COMPLAINTS_HANDLING_PRESSURE_POWER,
    EMAIL_DOMAIN_WEIGHTS,
    EMAIL_DOMAINS,
    FAULT_CAUSES,
    FCR_CHANCE,
    FCR_SEVERITY,
    FIRST_NAMES,
    GO_LIVE_MONTHS,
    GOODWILL_AMOUNTS,
    GOODWILL_WEIGHTS,
    HANDLERS_PER_TEAM,
    HOLIDAY_FACTORS,
    HOUR_WEIGHTS,
    LAST_NAMES,
    MONTH_PRESSURE,
    NO_FAULT_CAUSES,
    NOT_UPHELD_REMEDIES,
    OPENERS,
    OUTCOME_WEIGHTS,
    PARTIAL_EXTRA_REMEDIES,
    PLANTED_BREACHES,
    PRODUCT_LABELS,
    REOPEN_CHANCE,
    REOPEN_CHANCE_OTHER,
    SATISFACTION_BASE,
    SEASONALITY,
    SEVERITY_WEIGHTS,
    SMALL_BUSINESS_SHARE,
    SUBCATEGORIES,
    SUBCATEGORY_TEAMS,
    SURVEY_RESPONSE,
    TEAM_WEIGHTS,
    UPHELD_REMEDIES,
    VULNERABLE_FCR_FACTOR,
    VULNERABLE_RESPONSE_FACTOR,
    VULNERABLE_SHARE,
    WEEKDAY_FACTORS,
)
from widgets.core.complaints.policy import Policy, load_policy

DEFAULT_SEED = 10002
DEFAULT_COMPLAINTS = 4800
DEFAULT_CUSTOMERS = 3000
DEFAULT_START = dt.date(2024, 1, 1)
DEFAULT_MONTHS = 24
SECONDS_PER_DAY = 86_400


def drama_phone_numbers() -> list[str]:
    """The 3,000 UK numbers Ofcom reserves for drama, as written in the log.

    07700 900000–900999 (mobile), 01632 960000–960999 (geographic, fictional area) and
    020 7946 0000–0999 (London): they reach nobody, so a learner who dials one bothers no one.
    """
    return ([f"07700 900{i:03d}" for i in range(1000)]
            + [f"01632 960{i:03d}" for i in range(1000)]
            + [f"020 7946 {i:04d}" for i in range(1000)])


def _scaled(count: int, n_complaints: int) -> int:
    return max(1, round(count * n_complaints / DEFAULT_COMPLAINTS))


def _weights(mapping: dict[str, float], values: tuple[str, ...]) -> np.ndarray:
    """A probability vector over `values` (schema order) from a sparse weight mapping."""
    unknown = set(mapping) - set(values)
    if unknown:
        raise ValueError(f"unknown values {sorted(unknown)}; allowed: {values}")
    weights = np.array([mapping.get(v, 0.0) for v in values], dtype=float)
    return weights / weights.sum()


def _pick(rng: Generator, table: np.ndarray, group: np.ndarray) -> np.ndarray:
    """For each row, a column index of `table` drawn with the probabilities in row `group`.

    Vectorized per distinct group (a few dozen at most), not per row.
    """
    cumulative = np.cumsum(table, axis=1)
    cumulative /= cumulative[:, -1:]
    draws = rng.random(group.shape[0])
    result = np.zeros(group.shape[0], dtype=np.int64)
    for g in np.unique(group):
        rows = group == g
        result[rows] = np.searchsorted(cumulative[g], draws[rows], side="right")
    return np.minimum(result, table.shape[1] - 1)


def _lognormal(rng: Generator, median: np.ndarray | float, sigma: float, size: int):
    return np.asarray(median) * np.exp(sigma * rng.standard_normal(size))


class _Calendar:
    """The data period day by day: weekday, business day, month offset, pressure, spike."""

    def __init__(self, start: dt.date, months: int, policy: Policy):
        end = (pd.Timestamp(start) + pd.DateOffset(months=months)).date()
        self.start = np.datetime64(start, "D")
        self.end = np.datetime64(end, "D")
        self.as_of = self.end.astype("datetime64[s]") - np.timedelta64(1, "s")
        self.days = np.arange(self.start, self.end, dtype="datetime64[D]")
        self.weekmask = policy.weekmask
        self.holidays = np.array(policy.holidays, dtype="datetime64[D]")
        self.weekday = (self.days.astype(np.int64) - 4) % 7  # 1970-01-01 was a Thursday
        self.is_holiday = np.isin(self.days, self.holidays)
        self.is_business = np.is_busday(self.days, weekmask=self.weekmask,
                                        holidays=self.holidays)
        years = self.days.astype("datetime64[Y]").astype(np.int64) + 1970
        month_of_year = self.days.astype("datetime64[M]").astype(np.int64) % 12 + 1
        self.month_offset = (years - start.year) * 12 + month_of_year - start.month
        self.day_of_year = (self.days - self.days.astype("datetime64[Y]")).astype(np.int64)
        self.pressure = np.array([MONTH_PRESSURE.get(int(m), 1.0) for m in
                                  range(months + 1)])[self.month_offset]
        go_live = (pd.Timestamp(start) + pd.DateOffset(months=GO_LIVE_MONTHS, days=2)).date()
        go_live += dt.timedelta(days=(7 - go_live.weekday()) % 7)
        self.go_live = np.datetime64(go_live, "D")
        go_live_offset = (go_live.year - start.year) * 12 + go_live.month - start.month
        self.spike = (self.days >= self.go_live) & (self.month_offset <= go_live_offset + 2)
        self.aftermath = self.month_offset == go_live_offset + 3

    def business_days_after(self, days: np.ndarray, k: np.ndarray) -> np.ndarray:
        """The day `k` business days after `days` (k = 0: the same day), matching
        Policy.business_days_elapsed exactly."""
        later = np.busday_offset(days + np.timedelta64(1, "D"), np.maximum(k - 1, 0),
                                 roll="forward", weekmask=self.weekmask,
                                 holidays=self.holidays)
        return np.where(k == 0, days, later)


def generate_complaints(
    seed: int = DEFAULT_SEED,
    *,
    n_complaints: int = DEFAULT_COMPLAINTS,
    start: dt.date = DEFAULT_START,
    months: int = DEFAULT_MONTHS,
    policy: Policy | None = None,
) -> pd.DataFrame:
    """The synthetic complaint log of Harbourside Energy Ltd, in the course schema.

    Columns are schema.COLUMN_NAMES in order; timestamps are datetime64 (NaT = not happened
    by the data's 'as of' moment, the last second of the period), flags pandas 'boolean',
    escalation_level and satisfaction_score Int64, redress_amount float (NaN = no decision
    yet). The same seed and arguments always give the same frame. Other sizes scale every
    count (customers, handlers, planted breaches) in proportion to 4,800 complaints.
    """
    if isinstance(n_complaints, bool) or not isinstance(n_complaints, int | np.integer):
        raise TypeError(f"n_complaints must be a whole number, got {n_complaints!r}")
    if n_complaints < 100:
        raise ValueError(f"n_complaints must be at least 100 (got {n_complaints}): the planted "
                         "patterns need that many records to show")
    if months < 1:
        raise ValueError(f"months must be at least 1 (got {months})")
    policy = policy if policy is not None else load_policy()
    rng = Generator(PCG64(seed))
    cal = _Calendar(start, months, policy)
    n = int(n_complaints)

    day, channel, category, received = _receipts(rng, cal, n)
    order = np.argsort(received, kind="stable")
    day, channel, category, received = day[order], channel[order], category[order], \
        received[order]
    received_day = cal.days[day]
    in_spike = cal.spike[day] & (category == schema.CATEGORIES.index("billing"))

    sub_index, sub_names, product = _subcategories(rng, category)
    severity = _pick(rng, np.array([SEVERITY_WEIGHTS.get(c, SEVERITY_WEIGHTS["default"])
                                    for c in schema.CATEGORIES]), category)
    team, handler = _teams_and_handlers(rng, category, sub_names, n)
    customers = _customers(rng, n)
    customer = _assign_customers(rng, n, len(customers["customer_id"]))
    vulnerable = customers["vulnerable"][customer]

    outcome_group = np.where(in_spike, 1, np.where(category == schema.CATEGORIES.index(
        "safety"), 2, 0))
    outcome = _pick(rng, np.array([OUTCOME_WEIGHTS[k] for k in
                                   ("default", "spike_billing", "safety")]), outcome_group)
    withdrawn = outcome == schema.OUTCOMES.index("withdrawn")
    escalation = _escalation(rng, category, severity)
    fcr_chance = (np.array([FCR_CHANCE[c] for c in schema.CHANNELS])[channel]
                  * np.array(FCR_SEVERITY)[severity])
    fcr_chance[in_spike] *= 0.5
    fcr_chance[vulnerable] *= VULNERABLE_FCR_FACTOR
    fcr = ((rng.random(n) < fcr_chance) & (escalation == 0) & ~withdrawn
           & (category != schema.CATEGORIES.index("safety")))

    safety = category == schema.CATEGORIES.index("safety")
    safety_ack_late = _choose(rng, safety & (received_day < cal.end - np.timedelta64(7, "D")),
                              _scaled(PLANTED_BREACHES["safety_ack_late"], n))
    times = _timeline(rng, cal, received, received_day, day, channel, category, severity,
                      escalation, vulnerable, fcr, withdrawn, team, safety_ack_late)

    closed = times["closed_at"] <= cal.as_of
    resolved = times["resolved_at"] <= cal.as_of
    responded = (times["first_response_at"] <= cal.as_of) & ~times["no_response"]
    for column in schema.EVENT_COLUMNS:
        times[column] = np.where(times[column] <= cal.as_of, times[column],
                                 np.datetime64("NaT"))
    times["first_response_at"][times["no_response"]] = np.datetime64("NaT")
    status = np.where(closed, 3, np.where(resolved, 2, np.where(responded, 1, 0)))
    decided = resolved

    root_cause = _root_causes(rng, category, outcome, in_spike)
    remedy, amount = _remedies(rng, category, outcome)
    reopened = times["reopened"] & closed
    fcr &= decided & ~reopened
    referral_chance = (0.006 + 0.05 * (escalation == 2) + 0.02 * (escalation == 1)
                       + 0.025 * (outcome == schema.OUTCOMES.index("not_upheld"))
                       + 0.04 * (times["resolve_days"] > 40))
    referred = closed & (rng.random(n) < referral_chance)
    satisfaction = _satisfaction(rng, outcome, times["resolve_days"], reopened, fcr, closed)

    ack_on_time = (policy.business_days_elapsed(received, times["acknowledged_at"])
                   <= policy.timeliness["acknowledge"].within_business_days)
    planted = _planted_sets(rng, {
        "ack_missing": closed & ~safety & ack_on_time,
        "closed_without_outcome": closed & ~safety & ~withdrawn,
        "closed_without_response": closed & ~safety & ~withdrawn & ~fcr,
        "personal_data": np.ones(n, dtype=bool),
        "safety_not_escalated": safety & ~safety_ack_late,
    }, safety_ack_late)
    escalation[planted["safety_not_escalated"]] = 0
    outcome_missing = ~decided | planted["closed_without_outcome"]
    times["acknowledged_at"][planted["ack_missing"]] = np.datetime64("NaT")
    times["first_response_at"][planted["closed_without_response"]] = np.datetime64("NaT")

    names = customers["customer_name"][customer]
    emails = customers["customer_email"][customer]
    phones = customers["customer_phone"][customer]
    description = _descriptions(rng, sub_index, product, planted["personal_data"], phones,
                                emails)
    year = received_day.astype("datetime64[Y]").astype(np.int64) + 1970
    sequence = pd.Series(year).groupby(year).cumcount().to_numpy() + 1
    complaint_id = pd.Series(year).astype(str).radd("CMP-").str.cat(
        pd.Series(sequence).astype(str).str.zfill(6), sep="-")

    columns = {
        "complaint_id": complaint_id.astype("str"),
        "received_at": _times(received),
        "channel": _labels(schema.CHANNELS, channel),
        "product": _labels(schema.PRODUCTS, product),
        "category": _labels(schema.CATEGORIES, category),
        "subcategory": pd.Series(sub_names, dtype="str"),
        "description": pd.Series(description, dtype="str"),
        "severity": _labels(schema.SEVERITIES, severity),
        "customer_id": pd.Series(customers["customer_id"][customer], dtype="str"),
        "customer_name": pd.Series(names, dtype="str"),
        "customer_email": pd.Series(emails, dtype="str"),
        "customer_phone": pd.Series(phones, dtype="str"),
        "customer_segment": _labels(schema.SEGMENTS, customers["segment"][customer]),
        "vulnerable": _flags(vulnerable),
        "acknowledged_at": _times(times["acknowledged_at"]),
        "assigned_team": _labels(schema.TEAMS, team),
        "handler_id": pd.Series(handler, dtype="str"),
        "first_response_at": _times(times["first_response_at"]),
        "resolved_at": _times(times["resolved_at"]),
        "closed_at": _times(times["closed_at"]),
        "status": _labels(schema.STATUSES, status),
        "outcome": _labels(schema.OUTCOMES, outcome, outcome_missing),
        "remedy": _labels(schema.REMEDIES, remedy, ~decided),
        "redress_amount": pd.Series(np.where(decided, amount, np.nan), dtype="float64"),
        "escalation_level": pd.Series(escalation, dtype="Int64"),
        "referred_externally": _flags(referred),
        "reopened": _flags(reopened),
        "root_cause": _labels(schema.ROOT_CAUSES, root_cause, ~decided | withdrawn),
        "first_contact_resolution": _flags(fcr),
        "satisfaction_score": pd.Series(satisfaction, dtype="Int64").mask(
            pd.Series(satisfaction == 0)),
    }
    frame = pd.DataFrame(columns)
    return frame[list(schema.COLUMN_NAMES)]


def _labels(values: tuple, index: np.ndarray, missing: np.ndarray | None = None) -> pd.Series:
    """Text column from value indexes into a schema tuple; `missing` rows become NA."""
    column = pd.Series(np.asarray(values, dtype=object)[index], dtype="str")
    return column.mask(pd.Series(missing)) if missing is not None else column


def _flags(values: np.ndarray) -> pd.Series:
    return pd.Series(values, dtype="boolean")


def _times(values: np.ndarray) -> pd.Series:
    return pd.Series(values.astype("datetime64[ns]"))


def _receipts(rng: Generator, cal: _Calendar, n: int):
    """Day, channel, category and receipt time of each complaint.

    One intensity per (day, channel, category) — weekday and holiday effects per channel,
    winter seasonality, the billing spike, complaints about handling that follow workload
    pressure — and n draws from it, so every effect is present at any size.
    """
    channels, categories = schema.CHANNELS, schema.CATEGORIES
    weekday = np.array([WEEKDAY_FACTORS[c] for c in channels]).T[cal.weekday]  # days × ch
    holiday = np.array([HOLIDAY_FACTORS[c] for c in channels])
    day_channel = np.where(cal.is_holiday[:, None], weekday * holiday, weekday)
    day_channel = day_channel / day_channel.mean(axis=0) * np.array(
        [CHANNEL_SHARES[c] for c in channels])
    season = np.cos(2 * np.pi * (cal.day_of_year - 15) / 365.25)
    day_category = np.empty((cal.days.size, len(categories)))
    for k, name in enumerate(categories):
        day_category[:, k] = CATEGORY_SHARES[name] * (1 + SEASONALITY.get(name, 0.0) * season)
    billing = categories.index("billing")
    day_category[cal.spike, billing] *= BILLING_SPIKE
    day_category[cal.aftermath, billing] *= BILLING_AFTERMATH
    day_category[:, categories.index("complaints_handling")] *= (
        cal.pressure ** COMPLAINTS_HANDLING_PRESSURE_POWER)
    affinity = np.ones((len(channels), len(categories)))
    for name, factors in CHANNEL_AFFINITY.items():
        for channel_name, factor in factors.items():
            affinity[channels.index(channel_name), categories.index(name)] = factor
    intensity = day_channel[:, :, None] * day_category[:, None, :] * affinity[None, :, :]
    flat = intensity.ravel()
    cell = rng.choice(flat.size, size=n, p=flat / flat.sum())
    day, channel, category = np.unravel_index(cell, intensity.shape)

    hours = np.zeros(n, dtype=np.int64)
    business = cal.is_business[day]
    for c, name in enumerate(channels):
        for kind, weights in ((True, HOUR_WEIGHTS[name][0]), (False, HOUR_WEIGHTS[name][1])):
            rows = (channel == c) & (business == kind)
            if rows.any():
                w = np.array(weights, dtype=float)
                hours[rows] = rng.choice(24, size=int(rows.sum()), p=w / w.sum())
    seconds = hours * 3600 + rng.integers(0, 3600, size=n)
    received = cal.days[day].astype("datetime64[s]") + seconds.astype("timedelta64[s]")
    return day, channel, category, received


def _subcategories(rng: Generator, category: np.ndarray):
    """Subcategory (global index and name) and product, the product drawn per subcategory."""
    names, owner, weights, products = [], [], [], []
    for k, name in enumerate(schema.CATEGORIES):
        for sub, (weight, product_weights, _) in SUBCATEGORIES[name].items():
            names.append(sub)
            owner.append(k)
            weights.append(weight)
            products.append(_weights(product_weights, schema.PRODUCTS))
    owner_arr = np.array(owner)
    table = np.zeros((len(schema.CATEGORIES), len(names)))
    table[owner_arr, np.arange(len(names))] = weights
    sub_index = _pick(rng, table / table.sum(axis=1, keepdims=True), category)
    product = _pick(rng, np.array(products), sub_index)
    return sub_index, np.array(names, dtype=object)[sub_index], product


def _teams_and_handlers(rng: Generator, category: np.ndarray, sub_names: np.ndarray, n: int):
    """Owning team (by category, some subcategories elsewhere) and a handler in that team.

    Handler IDs run H001… team by team; for bigger logs each team has proportionally more
    handlers. Within a team some handlers carry more cases than others.
    """
    table = np.array([_weights(TEAM_WEIGHTS[c], schema.TEAMS) for c in schema.CATEGORIES])
    team = _pick(rng, table, category)
    for sub, weights in SUBCATEGORY_TEAMS.items():
        rows = sub_names == sub
        team[rows] = _pick(rng, _weights(weights, schema.TEAMS)[None, :],
                           np.zeros(int(rows.sum()), dtype=np.int64))
    scale = max(1.0, n / DEFAULT_COMPLAINTS)
    sizes = [max(1, round(HANDLERS_PER_TEAM[t] * scale)) for t in schema.TEAMS]
    width = max(3, len(str(sum(sizes))))
    first = np.concatenate([[1], np.cumsum(sizes)[:-1] + 1])
    handler_number = np.zeros(n, dtype=np.int64)
    for t, size in enumerate(sizes):
        load = rng.lognormal(0.0, 0.4, size)
        rows = team == t
        handler_number[rows] = first[t] + rng.choice(size, size=int(rows.sum()),
                                                     p=load / load.sum())
    handler = pd.Series(handler_number).astype(str).str.zfill(width).radd("H").to_numpy()
    return team, handler


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return "".join(ch for ch in folded.lower() if ch.isalnum())


def _customers(rng: Generator, n: int) -> dict[str, np.ndarray]:
    """The pool of complainants: 3,000 for 4,800 complaints, in proportion otherwise.

    Each customer has one ID, name, e-mail, phone, segment and vulnerability flag, which every
    complaint of theirs repeats (information integrity, 4.9).
    """
    size = max(1, round(DEFAULT_CUSTOMERS * n / DEFAULT_COMPLAINTS))
    accounts = rng.choice(9_000_000, size=size, replace=False) + 1_000_000
    customer_id = pd.Series(accounts).astype(str).radd("HE").to_numpy()
    first = rng.integers(0, len(FIRST_NAMES), size)
    last = rng.integers(0, len(LAST_NAMES), size)
    first_names, last_names = np.array(FIRST_NAMES, dtype=object), np.array(LAST_NAMES,
                                                                            dtype=object)
    name = first_names[first] + " " + last_names[last]
    first_ascii = np.array([_ascii(f) for f in FIRST_NAMES], dtype=object)[first]
    last_ascii = np.array([_ascii(s) for s in LAST_NAMES], dtype=object)[last]
    initial = np.array([_ascii(f)[0] for f in FIRST_NAMES], dtype=object)[first]
    style = rng.integers(0, 4, size)
    local = np.select(
        [style == 0, style == 1, style == 2],
        [first_ascii + "." + last_ascii, initial + "." + last_ascii, first_ascii + last_ascii],
        first_ascii + "_" + last_ascii,
    ).astype(object)
    domain = np.array(EMAIL_DOMAINS, dtype=object)[
        rng.choice(len(EMAIL_DOMAINS), size=size, p=EMAIL_DOMAIN_WEIGHTS)]
    address = pd.Series(local + "@" + domain)
    repeat = address.groupby(address).cumcount().to_numpy()
    suffix = np.where(repeat > 0, (repeat + 1).astype(str), "").astype(object)
    email = local + suffix + "@" + domain
    numbers = np.array(drama_phone_numbers(), dtype=object)
    shuffled = numbers[rng.permutation(numbers.size)]
    phone = shuffled[np.arange(size) % numbers.size]
    return {
        "customer_id": customer_id,
        "customer_name": name,
        "customer_email": email,
        "customer_phone": phone,
        "segment": (rng.random(size) < SMALL_BUSINESS_SHARE).astype(np.int64),
        "vulnerable": rng.random(size) < VULNERABLE_SHARE,
    }


def _assign_customers(rng: Generator, n: int, pool: int) -> np.ndarray:
    """Every customer complains at least once; the remaining complaints go to repeat
    complainants, a few of whom complain many times (lognormal propensity)."""
    first_time = rng.permutation(pool)[: min(pool, n)]
    propensity = rng.lognormal(0.0, 1.0, pool)
    repeats = rng.choice(pool, size=n - first_time.size, p=propensity / propensity.sum())
    return rng.permutation(np.concatenate([first_time, repeats]))


def _escalation(rng: Generator, category: np.ndarray, severity: np.ndarray) -> np.ndarray:
    """0 front line, 1 internal review, 2 executive (policy 4.7); safety at least 1 (4.3)."""
    level_one = np.array([0.03, 0.07, 0.16, 0.30])[severity]
    level_two = np.array([0.003, 0.01, 0.04, 0.12])[severity]
    for name, extra in (("complaints_handling", 0.25), ("data_protection", 0.2)):
        level_one[category == schema.CATEGORIES.index(name)] += extra
    draw = rng.random(category.size)
    level = np.where(draw < level_two, 2, np.where(draw < level_two + level_one, 1, 0))
    safety = category == schema.CATEGORIES.index("safety")
    critical_safety = safety & (severity == 3) & (rng.random(category.size) < 0.4)
    level[safety] = np.maximum(level[safety], 1)
    level[critical_safety] = 2
    return level


def _choose(rng: Generator, eligible: np.ndarray, count: int) -> np.ndarray:
    """A mask of `count` randomly chosen rows among the eligible ones (fewer if too few)."""
    rows = np.flatnonzero(eligible)
    mask = np.zeros(eligible.size, dtype=bool)
    mask[rng.permutation(rows)[:count]] = True
    return mask


def _planted_sets(rng: Generator, eligible: dict[str, np.ndarray],
                  already: np.ndarray) -> dict[str, np.ndarray]:
    """Disjoint sets of records that will break the policy (pattern f), each drawn from the
    records where the breach is the only thing wrong with that field: e.g. an acknowledgement
    is blanked only where it was on time, so ACK_MISSING and ACK_LATE never share a record."""
    n = already.size
    used = already.copy()
    sets = {"safety_ack_late": already}
    for name, mask in eligible.items():
        sets[name] = _choose(rng, mask & ~used, _scaled(PLANTED_BREACHES[name], n))
        used |= sets[name]
    return sets


def _timeline(rng, cal, received, received_day, day, channel, category, severity, escalation,
              vulnerable, fcr, withdrawn, team, safety_ack_late) -> dict[str, np.ndarray]:
    """Acknowledgement, first response, decision and closing of every complaint.

    Durations are drawn in business days (Policy's definition), skewed (lognormal), and
    scaled by workload pressure; times of day chain on from the previous event when it falls
    on the same day. Returns the four timestamps (not yet cut at the 'as of' moment), the
    business days to the decision, which complaints were reopened and which were withdrawn
    before any response.
    """
    n = received.size
    ch = {name: channel == i for i, name in enumerate(schema.CHANNELS)}
    safety = category == schema.CATEGORIES.index("safety")
    pressure = cal.pressure[day]
    hour = (received - received_day.astype("datetime64[s]")).astype(np.int64) // 3600
    business_day = cal.is_business[day]

    # acknowledgement (policy 4.2: within 2 business days; 4.3: safety the same day)
    online = ch["email"] | ch["web_form"] | ch["social_media"]
    same_day = np.where(business_day & (hour < 16), 0.75, 0.25)
    backlog = np.floor(rng.exponential(0.4 * pressure ** 1.5)).astype(np.int64)
    online_days = np.where(rng.random(n) < same_day, 0, 1 + backlog)
    letter_days = 1 + np.floor(_lognormal(rng, 1.4 * pressure ** 1.5, 0.6, n)).astype(np.int64)
    ack_days = np.where(online, online_days, np.where(ch["letter"], letter_days, 0))
    ack_days[safety] = 0
    ack_days[safety_ack_late] = 1
    ack_days[fcr] = 0

    # first response (4.4: within 5 business days; 4.6: vulnerable within 3 — not kept)
    severity_factor = np.array([1.1, 1.0, 0.85, 0.6])[severity]
    response_median = (2.0 * np.sqrt(pressure) * severity_factor
                       * np.where(vulnerable, VULNERABLE_RESPONSE_FACTOR, 1.0)
                       * np.where(ch["letter"], 1.3, 1.0))
    response_days = ack_days + np.floor(_lognormal(rng, response_median, 0.7, n)).astype(
        np.int64)
    response_days[safety] = np.minimum(response_days[safety], 1)
    response_days[fcr] = ack_days[fcr]

    # decision (4.5: within 20 business days)
    category_factor = np.ones(n)
    for name, factor in (("metering", 1.3), ("supply_and_service", 0.8), ("safety", 0.8),
                         ("customer_service", 0.7), ("data_protection", 1.2)):
        category_factor[category == schema.CATEGORIES.index(name)] = factor
    resolve_median = (7.5 * pressure ** 0.6 * category_factor
                      * np.array([1.0, 1.5, 2.2])[escalation]
                      * np.array([0.9, 1.0, 1.1, 1.2])[severity])
    resolve_days = response_days + np.floor(_lognormal(rng, resolve_median, 0.75, n)).astype(
        np.int64)
    no_response = withdrawn & (rng.random(n) < 0.4)
    withdraw_days = ack_days + np.floor(_lognormal(rng, 3.0, 0.8, n)).astype(np.int64)
    resolve_days = np.where(withdrawn, withdraw_days, resolve_days)
    response_days = np.minimum(response_days, resolve_days)
    resolve_days[fcr] = response_days[fcr]

    # closing, and reopening when the fix did not hold (planted pattern c)
    close_days = resolve_days + np.floor(_lognormal(rng, 1.5, 1.0, n)).astype(np.int64)
    close_days[fcr] = resolve_days[fcr]
    reopen_chance = np.array([REOPEN_CHANCE.get(t, REOPEN_CHANCE_OTHER)
                              for t in schema.TEAMS])[team]
    reopened = (rng.random(n) < reopen_chance) & ~withdrawn
    close_days[reopened] += 5 + np.floor(
        _lognormal(rng, 8.0, 0.6, int(reopened.sum()))).astype(np.int64)

    # times of day: chained on the same day, business hours on a later day
    business_time = rng.integers(*BUSINESS_HOURS, size=(4, n))
    quick = ch["phone"] | ch["chat"] | fcr
    ack_gap = np.where(quick, rng.integers(30, 300, n),
                       _lognormal(rng, 5400.0, 0.9, n)).astype(np.int64)
    response_gap = np.where(fcr, rng.integers(300, 1800, n),
                            _lognormal(rng, 10800.0, 0.8, n)).astype(np.int64)
    resolve_gap = np.where(fcr, rng.integers(0, 90, n),
                           _lognormal(rng, 7200.0, 0.8, n)).astype(np.int64)
    close_gap = np.where(fcr, rng.integers(0, 180, n),
                         _lognormal(rng, 5400.0, 0.9, n)).astype(np.int64)

    def place(previous, k, gap, tod):
        event_day = cal.business_days_after(received_day, k)
        start_of_day = event_day.astype("datetime64[s]")
        chained = previous + gap.astype("timedelta64[s]")
        fresh = start_of_day + tod.astype("timedelta64[s]")
        same = previous.astype("datetime64[D]") == event_day
        moment = np.where(same, chained, fresh)
        end_of_day = start_of_day + np.timedelta64(SECONDS_PER_DAY - 1, "s")
        return np.maximum(np.minimum(moment, end_of_day), previous)

    acknowledged = place(received, ack_days, ack_gap, business_time[0])
    responded = place(acknowledged, response_days, response_gap, business_time[1])
    resolved = place(responded, resolve_days, resolve_gap, business_time[2])
    closed = place(resolved, close_days, close_gap, business_time[3])
    return {
        "acknowledged_at": acknowledged, "first_response_at": responded,
        "resolved_at": resolved, "closed_at": closed, "resolve_days": resolve_days,
        "reopened": reopened, "no_response": no_response,
    }


def _root_causes(rng: Generator, category: np.ndarray, outcome: np.ndarray,
                 in_spike: np.ndarray) -> np.ndarray:
    """Root cause per complaint: a fault of ours when upheld (in part), else why not."""
    keys = [*schema.CATEGORIES, "spike_billing"]
    fault = np.array([_weights(FAULT_CAUSES[k], schema.ROOT_CAUSES) for k in keys])
    fault_group = np.where(in_spike, len(schema.CATEGORIES), category)
    no_fault = np.array([_weights(NO_FAULT_CAUSES.get(k, NO_FAULT_CAUSES["default"]),
                                  schema.ROOT_CAUSES) for k in schema.CATEGORIES])
    fault_cause = _pick(rng, fault, fault_group)
    no_fault_cause = _pick(rng, no_fault, category)
    not_upheld = outcome == schema.OUTCOMES.index("not_upheld")
    return np.where(not_upheld, no_fault_cause, fault_cause)


def _remedies(rng: Generator, category: np.ndarray, outcome: np.ndarray):
    """Remedy and redress amount consistent with the outcome: nothing paid unless upheld."""
    upheld_table = np.array([_weights(UPHELD_REMEDIES[c], schema.REMEDIES)
                             for c in schema.CATEGORIES])
    partial_table = 0.5 * upheld_table + 0.5 * _weights(PARTIAL_EXTRA_REMEDIES,
                                                        schema.REMEDIES)
    tables = np.vstack([upheld_table, partial_table,
                        _weights(NOT_UPHELD_REMEDIES, schema.REMEDIES)[None, :],
                        _weights({"none": 1.0}, schema.REMEDIES)[None, :]])
    n_categories = len(schema.CATEGORIES)
    group = np.select([outcome == 0, outcome == 1, outcome == 2],
                      [category, n_categories + category, 2 * n_categories],
                      2 * n_categories + 1)
    remedy = _pick(rng, tables, group)
    names = np.array(schema.REMEDIES, dtype=object)[remedy]
    amount = np.zeros(outcome.size)
    for name, (median, sigma) in AMOUNT_MEDIANS.items():
        rows = names == name
        amount[rows] = _lognormal(rng, median, sigma, int(rows.sum()))
    goodwill = names == "goodwill_payment"
    amount[goodwill] = rng.choice(GOODWILL_AMOUNTS, size=int(goodwill.sum()),
                                  p=GOODWILL_WEIGHTS)
    partial = outcome == schema.OUTCOMES.index("partially_upheld")
    amount[partial & np.isin(names, ("bill_correction", "refund", "service_credit"))] *= 0.6
    return remedy, np.round(amount, 2)


def _satisfaction(rng, outcome, resolve_days, reopened, fcr, closed) -> np.ndarray:
    """Survey score 1–5 for the closed complaints whose complainant answered, else 0.

    Response bias (documented in datasets/README.md): complainants whose complaint was upheld
    answer the survey more often, so the mean flatters the handling. Scores fall with the
    outcome, with waiting and with reopening, and rise with first-contact resolution.
    """
    n = outcome.size
    answered = closed & (rng.random(n) < np.array(
        [SURVEY_RESPONSE[o] for o in schema.OUTCOMES])[outcome])
    latent = (np.array([SATISFACTION_BASE[o] for o in schema.OUTCOMES])[outcome]
              - 0.03 * np.minimum(resolve_days, 60) - 0.6 * reopened + 0.3 * fcr
              + rng.normal(0.0, 0.8, n))
    score = np.clip(np.rint(latent), 1, 5).astype(np.int64)
    return np.where(answered, score, 0)


def _descriptions(rng, sub_index, product, personal_data, phones, emails) -> np.ndarray:
    """Short templated complaint texts; the planted records repeat a phone number or e-mail
    address (a confidentiality breach, policy section 7, clause 4.10)."""
    templates = [t for category in schema.CATEGORIES
                 for _, _, t in SUBCATEGORIES[category].values()]
    labels = [PRODUCT_LABELS[p] for p in schema.PRODUCTS]
    offsets = np.cumsum([0] + [len(t) * len(labels) for t in templates])
    sentences = np.array([sentence.format(product=label) for group in templates
                          for sentence in group for label in labels], dtype=object)
    counts = np.array([len(t) for t in templates])[sub_index]
    choice = np.floor(rng.random(sub_index.size) * counts).astype(np.int64)
    core = sentences[offsets[sub_index] + choice * len(labels) + product]
    opener = np.array(OPENERS, dtype=object)[rng.integers(0, len(OPENERS), sub_index.size)]
    closer = np.array(CLOSERS, dtype=object)[rng.integers(0, len(CLOSERS), sub_index.size)]
    text = opener + core + closer
    by_phone = rng.random(sub_index.size) < 0.5
    rows = personal_data & by_phone
    text[rows] = text[rows] + " Please call me on " + phones[rows] + "."
    rows = personal_data & ~by_phone
    text[rows] = text[rows] + " You can reach me at " + emails[rows] + "."
    return text


def complaints_csv_bytes(frame: pd.DataFrame) -> bytes:
    """The log as CSV bytes in the one published format.

    UTF-8 without BOM, '\\n' line endings, timestamps 'YYYY-MM-DD HH:MM:SS', flags
    'true'/'false', amounts with two decimals, an empty cell for anything missing. Fixing
    the format is what makes 'same seed, same bytes' testable and diffs of the committed
    file meaningful.
    """
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if isinstance(series.dtype, pd.BooleanDtype) or pd.api.types.is_bool_dtype(series):
            out[column] = series.astype("boolean").map(
                {True: "true", False: "false"}, na_action="ignore").astype(object)
    text = out.to_csv(index=False, lineterminator="\n", date_format="%Y-%m-%d %H:%M:%S",
                      float_format="%.2f", na_rep="")
    return text.encode("utf-8")


def write_complaints_csv(frame: pd.DataFrame, path: str | Path) -> None:
    """Write the log to `path` (see complaints_csv_bytes), replacing it only when complete,
    so an interrupted run never leaves half a file where the course expects data."""
    path = Path(path)
    data = complaints_csv_bytes(frame)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
