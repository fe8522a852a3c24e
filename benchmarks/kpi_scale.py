"""KPI computation at 10k, 100k and 1M complaints: wall time, peak memory, scaling ratios.

Why a script and not a test: timings on shared 2-core machines are noisy, so the suite never
asserts them. This prints a table a maintainer compares across changes, with two kinds of ratio
that survive a noisy machine: the scaling ratio between sizes (10× the rows should cost about
10× the time — more means something quadratic crept in) and the ratio to a baseline measured
in the same run on the same data (a plain pandas value_counts over one column).

Target (issue: foundation): the full KPI set on 1M rows in under 3 s and 2 GB peak.

Run: make bench   (or: .venv/bin/python benchmarks/kpi_scale.py [--sizes 10000 100000])
"""

from __future__ import annotations

import argparse
import gc
import resource
import time
import tracemalloc
from itertools import pairwise

import pandas as pd

from widgets.core.complaints import (
    compute_kpis,
    find_policy_breaches,
    generate_complaints,
    load_complaints,
    load_policy,
    pareto,
)

TARGET_SECONDS = 3.0
TARGET_PEAK_MB = 2048
REPEATS = 3


def best_time(function, repeats: int = REPEATS) -> float:
    """Best of several runs: the least disturbed by other work on the machine."""
    timings = []
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        function()
        timings.append(time.perf_counter() - start)
    return min(timings)


def peak_mb(function) -> float:
    """Peak memory allocated while `function` runs (numpy and pandas buffers included), on
    top of the data it reads; the whole process's high-water mark is printed at the end."""
    gc.collect()
    tracemalloc.start()
    function()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def full_kpi_set(frame: pd.DataFrame, policy) -> None:
    """What the dashboard computes for one view: every KPI, two Paretos, the breach list."""
    compute_kpis(frame, policy)
    pareto(frame, "category")
    pareto(frame, "root_cause")
    find_policy_breaches(frame, policy)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    args = parser.parse_args()
    policy = load_policy()
    largest = max(args.sizes)
    print(f"generating {largest:,} complaints …", flush=True)
    started = time.perf_counter()
    generated = load_complaints(generate_complaints(seed=10002, n_complaints=largest)).frame
    print(f"  done in {time.perf_counter() - started:.1f} s\n")

    rows = []
    for size in sorted(args.sizes):
        frame = generated.sample(n=size, random_state=1) if size < largest else generated
        baseline = best_time(lambda f=frame: f["category"].value_counts())
        load_seconds = best_time(lambda f=frame: load_complaints(f), repeats=1)
        kpi_seconds = best_time(lambda f=frame: full_kpi_set(f, policy))
        kpi_peak = peak_mb(lambda f=frame: full_kpi_set(f, policy))
        rows.append({
            "rows": size, "load s": load_seconds, "KPIs s": kpi_seconds,
            "KPIs peak MB": kpi_peak, "baseline s": baseline,
            "KPIs / baseline": kpi_seconds / baseline,
        })
    table = pd.DataFrame(rows).set_index("rows")
    sizes = list(table.index)
    table["time × vs previous size"] = [None] + [
        table.loc[b, "KPIs s"] / table.loc[a, "KPIs s"] for a, b in pairwise(sizes)]
    table["rows × vs previous size"] = [None] + [b / a for a, b in pairwise(sizes)]
    with pd.option_context("display.float_format", "{:,.3f}".format, "display.width", 160):
        print(table.to_string())
    top = table.loc[sizes[-1]]
    verdict = ("meets" if top["KPIs s"] < TARGET_SECONDS and top["KPIs peak MB"] < TARGET_PEAK_MB
               else "MISSES")
    print(f"\n{sizes[-1]:,} rows: {top['KPIs s']:.2f} s, {top['KPIs peak MB']:,.0f} MB peak — "
          f"{verdict} the target (< {TARGET_SECONDS:g} s, < {TARGET_PEAK_MB:,} MB)")
    process_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"whole process peak (generated data, copies and all sizes): {process_peak:,.0f} MB")


if __name__ == "__main__":
    main()
