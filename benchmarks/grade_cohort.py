"""A cohort autograded both ways: the `nbgrader autograde` command (one submission after
another) against `iso10002 grade` (several processes), wall time and ratio in one run.

Why: a trainer with a cohort of a hundred waits for autograding; `iso10002 grade` exists to cut
that wait, and must not change a single score. This builds one synthetic cohort from the real
release notebook (widgets.core.grading.cohort: varied correctness, a few blank, tampered and cut-off
notebooks — no endless loops, whose 30-second time-outs cost both ways the same fixed wait),
copies the course root so both ways grade identical files, runs both commands, and checks that
every learner's gradebook entry is the same. The target is twice as fast on 2 cores; it is
printed, never asserted (timings on a shared machine are noisy).

Everything happens in a temporary course root, never the real course/ folders; kernels run
with HOME and the Jupyter folders in the temporary folder.

Run: .venv/bin/python benchmarks/grade_cohort.py [--size 100] [--workers N]
     [--assignment ex01-principles]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

from widgets.core.grading import (
    Mix,
    course_api,
    gradebook_url,
    make_course_root,
    nbgrader_environment,
    plan_cohort,
    private_jupyter_homes,
    read_submission,
    write_cohort,
)

BIN = Path(sys.executable).parent
# The default cohort's accidents, without endless loops (see above) and with everyone handing in.
MIX = Mix(missing=0, blank=0.03, endless=0, tampered=0.02, broken=0.01)


def timed(command: list[str], cwd: Path) -> tuple[float, float, subprocess.CompletedProcess]:
    """(wall seconds, load average just before, the finished process): the load says how much
    of the machine other work was using when the timing started."""
    load = os.getloadavg()[0]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    return time.perf_counter() - started, load, done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100, help="submissions (default 100)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="iso10002 grade --workers (default: one per core)")
    parser.add_argument("--assignment", default="ex01-principles",
                        help="the assignment to grade (default ex01-principles)")
    args = parser.parse_args()
    from sqlalchemy.exc import SAWarning

    with tempfile.TemporaryDirectory(prefix="grade-cohort-bench-") as folder:
        base = Path(folder)
        homes = private_jupyter_homes(base)
        serial_root = make_course_root(base / "serial", [args.assignment])
        learners = plan_cohort(args.size)
        with warnings.catch_warnings(), nbgrader_environment(homes):
            warnings.simplefilter("ignore", SAWarning)  # nbgrader on SQLAlchemy 2: harmless
            result = course_api(serial_root).generate_assignment(args.assignment)
            if not result["success"]:
                raise RuntimeError(f"generate_assignment failed:\n{result.get('error')}")
            kinds = write_cohort(serial_root, args.assignment, learners, mix=MIX)
            parallel_root = base / "parallel"
            shutil.copytree(serial_root, parallel_root, symlinks=True)
            print(f"{args.size} submissions of {args.assignment} (synthetic cohort: "
                  + ", ".join(f"{sum(k == kind for k in kinds.values())} {kind}"
                              for kind in sorted(set(kinds.values()))) + f"); {os.cpu_count()} "
                  "cores\n")
            serial_seconds, serial_load, serial = timed(
                [str(BIN / "nbgrader"), "autograde", args.assignment], serial_root)
            parallel_seconds, parallel_load, parallel = timed(
                [str(BIN / "iso10002"), "grade", args.assignment, "--workers",
                 str(args.workers)], parallel_root)
            differences = [
                learner.id for learner in learners
                if read_submission(gradebook_url(serial_root), "iso10002", args.assignment,
                                   learner.id)
                != read_submission(gradebook_url(parallel_root), "iso10002", args.assignment,
                                   learner.id)]
    broken = sum(kind == "broken" for kind in kinds.values())
    print(f"{'way':<40}{'wall s':>9}{'s/submission':>14}{'exit':>6}{'load before':>13}")
    print("-" * 82)
    print(f"{'nbgrader autograde (serial command)':<40}{serial_seconds:>9.1f}"
          f"{serial_seconds / args.size:>14.2f}{serial.returncode:>6}{serial_load:>13.1f}")
    print(f"{f'iso10002 grade --workers {args.workers}':<40}{parallel_seconds:>9.1f}"
          f"{parallel_seconds / args.size:>14.2f}{parallel.returncode:>6}{parallel_load:>13.1f}")
    print("-" * 82)
    ratio = serial_seconds / parallel_seconds
    print(f"iso10002 grade is {ratio:.2f}× as fast (target ≥ 2× on 2 cores: "
          f"{'met' if ratio >= 2 else 'not met'} in this run)")
    print(f"gradebooks: {'identical' if not differences else 'DIFFERENT'} for all "
          f"{args.size} learners" + (f" (differ: {', '.join(differences)})" if differences
                                     else ""))
    print(f"exit status 1 both ways is expected: {broken} cut-off notebook(s) cannot be graded")
    print("\nlast lines of iso10002 grade:\n" + "\n".join(parallel.stdout.splitlines()[-4:]))


if __name__ == "__main__":
    main()
