"""Autograding time per submission for each assignment: nbgrader's in-process API against the
`nbgrader autograde` command, with a bare-kernel baseline measured in the same run.

Why: a trainer autogrades a cohort in one go, and the Formgrader's *Autograde* button uses the
in-process API while the trainer guide uses the command. This prints, per assignment, the
seconds per submission each way, the command's extra cost (a new Python process that imports
nbgrader and reads the configuration), and how many bare kernel runs one submission costs —
the ratio that survives a busy machine (starting a kernel is most of a small notebook's cost;
more means the exercise's own cells got slow). Nothing is asserted: timings on shared 2-core
machines are noisy.

Every run grades right answers (the source's solutions) in a temporary course root, never the
real course/ folders; kernels run with HOME and the Jupyter folders in the temporary folder.

Run: .venv/bin/python benchmarks/autograde.py [--learners 3] [--repeats 2]
     [--assignments ex03-kpis ...]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

from widgets.core.grading import (
    assignment_ids,
    course_api,
    is_test,
    make_course_root,
    nbgrader_environment,
    private_jupyter_homes,
    solved,
)


def kernel_baseline(repeats: int = 3) -> float:
    """Best time to start a python3 kernel, run one trivial cell and stop it."""
    timings = []
    for _ in range(repeats):
        notebook = new_notebook(cells=[new_code_cell("1 + 1")])
        started = time.perf_counter()
        NotebookClient(notebook, kernel_name="python3", timeout=60).execute()
        timings.append(time.perf_counter() - started)
    return min(timings)


def submit(root: Path, assignment: str, learners: int) -> None:
    """`learners` copies of the right answers in course/submitted/."""
    release = nbformat.read(root / "course" / "release" / assignment / f"{assignment}.ipynb",
                            as_version=4)
    source = nbformat.read(root / "exercises" / assignment / f"{assignment}.ipynb",
                           as_version=4)
    answers = solved(release, source)
    for number in range(1, learners + 1):
        folder = root / "course" / "submitted" / f"learner{number:02d}" / assignment
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(answers, folder / f"{assignment}.ipynb")


def with_api(api, assignment: str) -> float:
    started = time.perf_counter()
    result = api.autograde(assignment, "*", force=True)
    elapsed = time.perf_counter() - started
    if not result["success"]:
        raise RuntimeError(f"autograde {assignment} failed:\n{result.get('error')}")
    return elapsed


def with_command(root: Path, assignment: str) -> float:
    started = time.perf_counter()
    done = subprocess.run([str(Path(sys.executable).parent / "nbgrader"), "autograde",
                           assignment, "--force"], cwd=root, capture_output=True, text=True,
                          check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"nbgrader autograde {assignment} failed:\n{done.stderr[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=3,
                        help="submissions graded per assignment and per way (default 3)")
    parser.add_argument("--assignments", nargs="+", default=assignment_ids(),
                        help="assignments to time (default: all)")
    parser.add_argument("--repeats", type=int, default=2,
                        help="time each way this often and keep the best (default 2)")
    args = parser.parse_args()
    from sqlalchemy.exc import SAWarning

    with tempfile.TemporaryDirectory(prefix="autograde-bench-") as folder:
        base = Path(folder)
        homes = private_jupyter_homes(base)
        root = make_course_root(base / "root", args.assignments)
        with warnings.catch_warnings(), nbgrader_environment(homes):
            warnings.simplefilter("ignore", SAWarning)  # nbgrader on SQLAlchemy 2: harmless
            baseline = kernel_baseline()
            print(f"bare kernel (start, one cell, stop): {baseline:.2f} s, best of 3\n")
            api = course_api(root)
            rows = []
            for assignment in args.assignments:
                result = api.generate_assignment(assignment)
                if not result["success"]:
                    raise RuntimeError(f"generate {assignment} failed:\n{result.get('error')}")
                submit(root, assignment, args.learners)
                api_seconds = min(with_api(api, assignment)
                                  for _ in range(args.repeats)) / args.learners
                command_seconds = min(with_command(root, assignment)
                                      for _ in range(args.repeats)) / args.learners
                source = nbformat.read(root / "exercises" / assignment / f"{assignment}.ipynb",
                                       as_version=4)
                rows.append((assignment, sum(c.cell_type == "code" for c in source.cells),
                             sum(is_test(c) for c in source.cells), api_seconds,
                             command_seconds))
    print(f"seconds per submission: {args.learners} submissions per call, best of "
          f"{args.repeats} calls per assignment and way")
    header = (f"{'assignment':<26}{'code cells':>11}{'tests':>7}{'API':>8}{'command':>9}"
              f"{'extra':>8}{'× kernel':>10}")
    print(header)
    print("-" * len(header))
    for assignment, cells, tests, api_seconds, command_seconds in rows:
        print(f"{assignment:<26}{cells:>11}{tests:>7}{api_seconds:>8.2f}{command_seconds:>9.2f}"
              f"{command_seconds - api_seconds:>+8.2f}{api_seconds / baseline:>10.1f}")
    total_api = sum(row[3] for row in rows)
    total_command = sum(row[4] for row in rows)
    print("-" * len(header))
    print(f"{'one learner, all listed':<44}{total_api:>8.2f}{total_command:>9.2f}"
          f"{total_command - total_api:>+8.2f}{total_api / baseline:>10.1f}")
    print("\n'extra': what the command adds per submission (its own Python process, imports and "
          "configuration, spread over the submissions of one call); '× kernel': one "
          "submission by the API in bare-kernel runs.")


if __name__ == "__main__":
    main()
