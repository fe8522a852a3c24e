"""`iso10002` — the course's command line for trainers and maintainers.

Each subcommand is a thin shell over widgets.core so that what a trainer sees in a terminal is
exactly what the modules and the dashboard compute. Errors in a user's file print one clear
message and exit with status 2 (no traceback).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import pandas as pd


def _cmd_load(args: argparse.Namespace) -> int:
    from widgets.core.complaints import compute_kpis, kpi_table, load_complaints
    from widgets.core.policy import load_policy

    result = load_complaints(args.file)
    print(result.report.summary())
    if args.problems_csv:
        result.report.problems_frame().to_csv(args.problems_csv, index=False)
        print(f"all {len(result.report.problems)} problems written to {args.problems_csv}")
    if result.frame.empty:
        return 1
    frame = result.frame
    print(f"\nreceived {frame['received_at'].min():%Y-%m-%d} … "
          f"{frame['received_at'].max():%Y-%m-%d}")
    if "channel" in frame.columns:
        mix = frame["channel"].value_counts(normalize=True, dropna=False)
        print("channels: " + ", ".join(f"{name} {share:.0%}" for name, share in mix.items()))
    print()
    with pd.option_context("display.max_colwidth", 110, "display.width", 200):
        print(kpi_table(compute_kpis(frame, load_policy(args.policy))).to_string())
    return 0


def _cmd_breaches(args: argparse.Namespace) -> int:
    from widgets.core.complaints import breach_counts, find_policy_breaches, load_complaints
    from widgets.core.policy import load_policy

    result = load_complaints(args.file)
    breaches = find_policy_breaches(result.frame, load_policy(args.policy))
    print(breach_counts(breaches).to_string())
    if args.out:
        breaches.to_csv(args.out, index=False)
        print(f"{len(breaches)} breaches written to {args.out}")
    return 0


def _cmd_generate(args: argparse.Namespace) -> int:
    from widgets.core.generate import generate_complaints, write_complaints_csv

    frame = generate_complaints(seed=args.seed, n_complaints=args.rows)
    write_complaints_csv(frame, args.out)
    print(f"{len(frame)} complaints written to {args.out} (seed {args.seed})")
    return 0


def _cmd_syllabus(args: argparse.Namespace) -> int:
    from widgets.core.paths import course_root
    from widgets.core.syllabus import SYLLABUS_FILE, syllabus_markdown

    path = course_root() / SYLLABUS_FILE
    text = syllabus_markdown()
    if args.check:
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current != text:
            print(f"{SYLLABUS_FILE} is out of date: run `iso10002 syllabus`", file=sys.stderr)
            return 1
        print(f"{SYLLABUS_FILE} is up to date")
        return 0
    path.write_text(text, encoding="utf-8")
    print(f"{SYLLABUS_FILE} written")
    return 0


def _cmd_start(args: argparse.Namespace) -> int:
    from widgets.core.paths import course_root
    from widgets.launch import lab_command

    argv = lab_command(args.notebook, port=args.port, open_browser=not args.no_browser)
    # nbgrader's Formgrader reads nbgrader_config.py from the working directory
    os.chdir(course_root())
    os.execvp(argv[0], argv)
    return 0  # not reached: exec replaces this process


def _cmd_grades(args: argparse.Namespace) -> int:
    from widgets.core.course import load_course_map
    from widgets.core.grading import (
        CONFIG_FILE,
        GRADEBOOK,
        cohort_grades,
        gradebook_url,
        report_summary,
        write_grades_csv,
    )
    from widgets.core.paths import course_root

    here = Path.cwd()
    root = (args.root or (here if (here / CONFIG_FILE).is_file() else course_root())).resolve()
    if not (root / GRADEBOOK).is_file():
        raise FileNotFoundError(f"no gradebook at {root / GRADEBOOK}: autograde the "
                                "submissions first (see course/trainer-guide.md)")
    pass_mark = load_course_map().pass_rules.exercise_pass_mark
    report = cohort_grades(gradebook_url(root), pass_mark)
    with pd.option_context("display.width", 200, "display.max_rows", 500):
        print(report.to_string(index=False))
    print(f"\npass mark {pass_mark:.0%} of an exercise's points: {report_summary(report)}")
    if args.out:
        print(f"written to {write_grades_csv(report, args.out)}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="iso10002", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    load = commands.add_parser("load", help="validate a complaint log and print its KPIs")
    load.add_argument("file", type=Path, help="CSV: the course layout or a CFPB export")
    load.add_argument("--policy", type=Path, help="policy YAML (default datasets/policy.yaml)")
    load.add_argument("--problems-csv", type=Path, help="write every row problem to this CSV")
    load.set_defaults(handler=_cmd_load)

    breaches = commands.add_parser("breaches", help="list records that break the policy")
    breaches.add_argument("file", type=Path)
    breaches.add_argument("--policy", type=Path)
    breaches.add_argument("--out", type=Path, help="write one row per breach to this CSV")
    breaches.set_defaults(handler=_cmd_breaches)

    generate = commands.add_parser("generate", help="write the synthetic sample complaint log")
    generate.add_argument("--seed", type=int, default=10002)
    generate.add_argument("--rows", type=int, default=4800)
    generate.add_argument("--out", type=Path, default=Path("datasets/complaints.csv"))
    generate.set_defaults(handler=_cmd_generate)

    syllabus = commands.add_parser(
        "syllabus", help="write course/syllabus.md from the course map and question banks")
    syllabus.add_argument("--check", action="store_true",
                          help="only say whether the file is up to date (exit 1 if not)")
    syllabus.set_defaults(handler=_cmd_syllabus)

    start = commands.add_parser("start", help="open the course in JupyterLab (127.0.0.1)")
    start.add_argument("notebook", nargs="?", default="course/index.ipynb")
    start.add_argument("--port", type=int)
    start.add_argument("--no-browser", action="store_true")
    start.set_defaults(handler=_cmd_start)

    grades = commands.add_parser(
        "grades", help="trainers: each learner's exercise scores, pass status and answers "
                       "still to grade, from nbgrader's gradebook")
    grades.add_argument("--root", type=Path,
                        help="course folder holding nbgrader_config.py (default: the "
                             "current folder if it holds one, else this course)")
    grades.add_argument("--out", type=Path, help="also write the report to this CSV")
    grades.set_defaults(handler=_cmd_grades)
    return parser


def main(argv: list[str] | None = None) -> int:
    from widgets.core.complaints import ComplaintDataError
    from widgets.core.policy import PolicyError

    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except (ComplaintDataError, PolicyError, FileNotFoundError) as error:
        print(f"iso10002 {args.command}: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
