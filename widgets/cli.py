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
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from widgets.core.course import CourseMap


def _cmd_load(args: argparse.Namespace) -> int:
    from widgets.core.complaints import compute_kpis, kpi_table, load_complaints, load_policy

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
    from widgets.core.complaints import (
        breach_counts,
        find_policy_breaches,
        load_complaints,
        load_policy,
    )

    result = load_complaints(args.file)
    breaches = find_policy_breaches(result.frame, load_policy(args.policy))
    print(breach_counts(breaches).to_string())
    if args.out:
        breaches.to_csv(args.out, index=False)
        print(f"{len(breaches)} breaches written to {args.out}")
    return 0


def _cmd_generate(args: argparse.Namespace) -> int:
    from widgets.core.complaints import generate_complaints, write_complaints_csv

    frame = generate_complaints(seed=args.seed, n_complaints=args.rows)
    write_complaints_csv(frame, args.out)
    print(f"{len(frame)} complaints written to {args.out} (seed {args.seed})")
    return 0


def _cmd_syllabus(args: argparse.Namespace) -> int:
    from widgets.core.common import course_root
    from widgets.core.course import SYLLABUS_FILE, syllabus_markdown

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


def _cmd_settings(args: argparse.Namespace) -> int:
    from widgets.core.common import current_settings

    shown = current_settings()
    width = max(len(name) for name, _ in shown)
    for name, value in shown:
        print(f"{name:<{width}}  {value}")
    return 0


def _cmd_paths(args: argparse.Namespace) -> int:
    from widgets.core.course import duration_text, load_course_map

    course_map = load_course_map()
    if args.path:
        try:
            path = course_map.path(args.path)
        except KeyError as error:
            print(f"iso10002 paths: {error.args[0]}", file=sys.stderr)
            return 2
        print("\n".join(path.exercises))  # one per line, for a shell loop over assignments
        return 0
    for path in course_map.paths:
        print(f"{path.id}: {path.title} ({duration_text(course_map.path_minutes(path))})\n"
              f"    modules:   {', '.join(path.modules)}\n"
              f"    exercises: {', '.join(path.exercises)}\n"
              f"    certificate: {path.certificate}")
    return 0


def _cmd_start(args: argparse.Namespace) -> int:
    from widgets.core.common import course_root
    from widgets.launch import lab_command

    argv = lab_command(args.notebook, port=args.port, open_browser=not args.no_browser)
    # nbgrader's Formgrader reads nbgrader_config.py from the working directory
    os.chdir(course_root())
    os.execvp(argv[0], argv)
    return 0  # not reached: exec replaces this process


def _cmd_grades(args: argparse.Namespace) -> int:
    from widgets.core.common import course_root
    from widgets.core.course import load_course_map
    from widgets.core.grading import (
        CONFIG_FILE,
        GRADEBOOK,
        cohort_grades,
        gradebook_url,
        report_summary,
        write_grades_csv,
    )

    here = Path.cwd()
    root = (args.root or (here if (here / CONFIG_FILE).is_file() else course_root())).resolve()
    if not (root / GRADEBOOK).is_file():
        raise FileNotFoundError(f"no gradebook at {root / GRADEBOOK}: autograde the "
                                "submissions first (see course/trainer-guide.md)")
    course_map = load_course_map()
    pass_mark = course_map.pass_rules.exercise_pass_mark
    report = cohort_grades(gradebook_url(root), pass_mark)
    if args.progress:
        report = _by_path(report, args.progress, course_map)
    with pd.option_context("display.width", 200, "display.max_rows", 500):
        print(report.to_string(index=False))
    print(f"\npass mark {pass_mark:.0%} of an exercise's points: {report_summary(report)}")
    if args.progress:
        from widgets.core.grading import NO_PATH, path_summary

        counted = report[report["on_path"]]
        print("\nby learning path (each learner on their own path's exercises):")
        for row in path_summary(report, course_map).itertuples(index=False):
            mine = counted[counted["path"] == ("" if row.path == NO_PATH else row.path)]
            print(f"  {row.path}: {row.learners} learner{'' if row.learners == 1 else 's'}, "
                  f"{row.completed} passed every exercise of the path; {report_summary(mine)}")
    if args.out:
        print(f"written to {write_grades_csv(report, args.out)}")
    return 0


def _chosen_paths(folder: Path) -> dict[str, str]:
    """Each learner's chosen path from the progress files in `folder` (skipped files said)."""
    from widgets.core.grading import read_progress_folder

    progress = read_progress_folder(folder)
    for problem in progress.problems:
        print(f"progress file skipped: {problem}")
    return {learner: choice.id for learner, choice in progress.paths.items()}


def _by_path(report: pd.DataFrame, folder: Path, course_map: CourseMap) -> pd.DataFrame:
    """The grades sorted by path then learner, with each learner's path and whether a row
    counts for it."""
    from widgets.core.grading import with_paths

    graded = with_paths(report, _chosen_paths(folder), course_map)
    return graded.sort_values(["path", "student_id", "assignment"]).reset_index(drop=True)


def _trainer_course(root: Path | None) -> Path:
    """The course folder of the trainers' commands: --root, else the current folder when it
    holds nbgrader_config.py (as nbgrader itself decides), else this course."""
    from widgets.core.common import course_root
    from widgets.core.grading import CONFIG_FILE

    here = Path.cwd()
    return (root or (here if (here / CONFIG_FILE).is_file() else course_root())).resolve()


def _cmd_grade(args: argparse.Namespace) -> int:
    import warnings

    from sqlalchemy.exc import SAWarning

    from widgets.core.grading import (
        ALREADY_GRADED,
        GradeError,
        ProgressLine,
        grade_assignment,
    )

    warnings.simplefilter("ignore", SAWarning)  # nbgrader on SQLAlchemy 2: harmless, noisy
    line = ProgressLine(sys.stdout)
    try:
        run = grade_assignment(_trainer_course(args.root), args.assignment,
                               workers=args.workers, force=args.force, student=args.student,
                               progress=line)
    except GradeError as error:
        print(f"iso10002 grade: {error}", file=sys.stderr)
        return 2
    finally:
        line.finish()
    print(run.summary())
    already = [outcome for outcome in run.skipped if outcome.message == ALREADY_GRADED]
    if already:
        print(f"{len(already)} already graded and not handed in again: use --force to grade "
              "them again")
    for outcome in run.skipped:
        if outcome not in already:
            print(f"skipped {outcome.student}: {outcome.message}")
    if run.failed:
        print(f"\n{len(run.failed)} submission{'s' if len(run.failed) > 1 else ''} could not be "
              "graded (the others were; their scores are in the gradebook):")
        for outcome in run.failed:
            print(f"\n--- {outcome.student}: {outcome.message}")
            if args.verbose and outcome.log:
                print(outcome.log.rstrip())
        if not args.verbose:
            print("\nRun again with --verbose to see nbgrader's messages for each.")
        return 1
    return 0


def _trainer_gradebook(root: Path | None) -> tuple[Path, str]:
    """(gradebook file, its URL) of the trainers' course; FileNotFoundError when missing."""
    from widgets.core.grading import GRADEBOOK, gradebook_url

    course = _trainer_course(root)
    if not (course / GRADEBOOK).is_file():
        raise FileNotFoundError(f"no gradebook at {course / GRADEBOOK}: autograde the "
                                "submissions first (see course/trainer-guide.md)")
    return course / GRADEBOOK, gradebook_url(course)


def _cmd_report(args: argparse.Namespace) -> int:
    from widgets.core.grading import ReportError, build_report, write_report

    database, url = _trainer_gradebook(args.root)
    paths = _chosen_paths(args.progress) if args.progress else None
    try:
        report = build_report(url, paths=paths)
    except ReportError as error:  # content errors (exercise-items.yaml) are main's
        print(f"iso10002 report: {error}", file=sys.stderr)
        return 2
    written = write_report(report, args.out, source=str(database))
    print(report.summary())
    print(f"report written to {written[0]}; tables as CSV: "
          + ", ".join(path.name for path in written[1:]))
    return 0


def _cmd_certificates(args: argparse.Namespace) -> int:
    import datetime as dt

    from widgets.core.grading import eligibility, read_progress_folder, write_certificates

    try:
        issued = dt.date.fromisoformat(args.date) if args.date else dt.date.today()
    except ValueError:
        print(f"iso10002 certificates: --date {args.date!r} is not a date; write it as "
              "YYYY-MM-DD", file=sys.stderr)
        return 2
    path = None
    if args.path:
        from widgets.core.course import load_course_map

        course_map = load_course_map()
        try:
            path = course_map.path(args.path)
        except KeyError as error:
            print(f"iso10002 certificates: --path: {error.args[0]}", file=sys.stderr)
            return 2
    _, url = _trainer_gradebook(args.root)
    progress = read_progress_folder(args.progress)
    for problem in progress.problems:
        print(f"progress file skipped: {problem}")
    results = eligibility(url, progress, folder_name=str(args.progress), path=path)
    written = write_certificates(results, args.out, issued, issuer=args.issuer or "")
    elsewhere = []
    if path:
        print(f"learning path {path.id} ({path.title}): certificate '{path.certificate}'")
    for result in results:
        who = f"{result.student_id} ({result.name})" if result.name else result.student_id
        if result.qualified:
            print(f"certificate: {who}")
        elif result.on_another_path:
            elsewhere.append(f"{result.student_id} ({result.chosen_path})")
        else:
            print(f"not yet: {who}")
            for reason in result.reasons:
                print(f"    - {reason}")
    if elsewhere:
        print(f"on another path, not checked in detail: {', '.join(elsewhere)}")
    print(f"\n{len(written)} of {len(results)} learners qualify; certificates and "
          f"certificates.csv written to {args.out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="iso10002", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    # Options several subcommands share, declared once (argparse parents) so that their
    # meaning and help cannot drift apart between subcommands.
    policy_option = argparse.ArgumentParser(add_help=False)
    policy_option.add_argument("--policy", type=Path,
                               help="policy YAML (default datasets/policy.yaml)")
    course_option = argparse.ArgumentParser(add_help=False)
    course_option.add_argument("--root", type=Path,
                               help="course folder holding nbgrader_config.py (default: the "
                                    "current folder if it holds one, else this course)")

    load = commands.add_parser("load", parents=[policy_option],
                               help="validate a complaint log and print its KPIs")
    load.add_argument("file", type=Path, help="CSV: the course layout or a CFPB export")
    load.add_argument("--problems-csv", type=Path, help="write every row problem to this CSV")
    load.set_defaults(handler=_cmd_load)

    breaches = commands.add_parser("breaches", parents=[policy_option],
                                   help="list records that break the policy")
    breaches.add_argument("file", type=Path, help="CSV: the course layout or a CFPB export")
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

    settings = commands.add_parser(
        "settings", help="the environment variables the course reads, with the values in force")
    settings.set_defaults(handler=_cmd_settings)

    paths = commands.add_parser(
        "paths", help="the learning paths of the course map; with a path id, that path's "
                      "assignments, one per line")
    paths.add_argument("path", nargs="?", help="a path id, e.g. internal-auditor")
    paths.set_defaults(handler=_cmd_paths)

    start = commands.add_parser("start", help="open the course in JupyterLab (127.0.0.1)")
    start.add_argument("notebook", nargs="?", default="course/index.ipynb")
    start.add_argument("--port", type=int)
    start.add_argument("--no-browser", action="store_true")
    start.set_defaults(handler=_cmd_start)

    grades = commands.add_parser(
        "grades", parents=[course_option],
        help="trainers: each learner's exercise scores, pass status and answers still to grade, "
             "from nbgrader's gradebook")
    grades.add_argument("--out", type=Path, help="also write the report to this CSV")
    grades.add_argument("--progress", type=Path,
                        help="folder of the learners' progress files: show each learner's "
                             "learning path and results per path")
    grades.set_defaults(handler=_cmd_grades)

    grade = commands.add_parser(
        "grade", parents=[course_option],
        help="trainers: autograde every submission of an assignment with several processes (the "
             "scores `nbgrader autograde` gives)")
    grade.add_argument("assignment", help="the assignment id, e.g. ex01-principles")
    grade.add_argument("--workers", type=int,
                       help=f"grading processes at once (default: one per core, "
                            f"{os.cpu_count()} here)")
    grade.add_argument("--force", action="store_true",
                       help="grade again submissions that were already graded")
    grade.add_argument("--student", default="*",
                       help="only learners whose id matches this pattern (default: all)")
    grade.add_argument("--verbose", action="store_true",
                       help="print nbgrader's messages for each submission that failed")
    grade.set_defaults(handler=_cmd_grade)

    report = commands.add_parser(
        "report", parents=[course_option],
        help="trainers: cohort report from the gradebook (HTML with charts, and CSV): scores per "
             "exercise, question difficulty and discrimination, mastery per clause and objective, "
             "learners at risk")
    report.add_argument("--out", type=Path, required=True,
                        help="folder for report.html and the CSV files (keep it outside the "
                             "repository: it holds personal data)")
    report.add_argument("--progress", type=Path,
                        help="folder of the learners' progress files: show each learner's "
                             "learning path, judge them on its exercises, sum results per path")
    report.set_defaults(handler=_cmd_report)

    certificates = commands.add_parser(
        "certificates", parents=[course_option],
        help="trainers: a printable certificate for each learner who meets the pass rules of "
             "course/syllabus.md, and why the others do not")
    certificates.add_argument("--progress", type=Path, required=True,
                              help="folder holding the learners' progress files (*.json)")
    certificates.add_argument("--out", type=Path, required=True,
                              help="folder for the certificates (HTML, one per learner) and "
                                   "certificates.csv")
    certificates.add_argument("--date", help="date printed on the certificates, YYYY-MM-DD "
                                             "(default: today)")
    certificates.add_argument("--issuer", help="who signs, e.g. 'Jane Smith, Training Lead'")
    certificates.add_argument("--path", help="a learning path id (course/syllabus.md): issue "
                                             "that path's certificate under its rules "
                                             "(default: the whole course's)")
    certificates.set_defaults(handler=_cmd_certificates)
    return parser


def main(argv: list[str] | None = None) -> int:
    from widgets.core.common.errors import ContentError

    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except (ContentError, FileNotFoundError) as error:
        print(f"iso10002 {args.command}: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
