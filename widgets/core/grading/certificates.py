"""Certificates of completion for the learners who meet the course's pass rules.

Why: a trainer hands out certificates at the end of a cohort, and each one must be backed by
the results the course records — never by a list typed by hand. The pass rules are the
syllabus's (course/syllabus.md, from the course map's pass_rules): every module's knowledge
check passed, and every exercise passed with the exercise pass mark. Knowledge-check results
live in each learner's progress file (widgets.core.course.progress; the trainer collects the files
into one folder), exercise results in nbgrader's gradebook (read with
widgets.core.grading.cohort_grades, the same figures as `iso10002 grades` and the report).

Each learner who qualifies gets one print-ready HTML page (A4 landscape, @media print rules;
opens in any browser, "Print → Save as PDF" gives the PDF) with their name, the date, the
modules and their score. Each learner who does not gets a message that lists every rule not
met yet, so the trainer can tell them exactly what is left. Progress files are only read:
a damaged one is reported, never moved or changed.

With a learning path (widgets/content/modules.yaml, `paths:`; `iso10002 certificates --path
ID`) the rules are the path's: only its modules' checks and its exercises count, and the
certificate carries the path's certificate title, the path and its modules and exercises. The
path each learner chose is read from their progress file; learners who chose another path
are not told what they miss on this one (they are not doing it), unless they meet its rules.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from widgets.core.course.course_map import CourseMap, LearningPath, load_course_map
from widgets.core.course.progress import (
    SCHEMA,
    ModuleProgress,
    PathChoice,
    learner_filename,
    modules_from_progress,
    path_from_progress,
    progress_file_problem,
)
from widgets.core.course.questions import Bank
from widgets.core.course.syllabus import load_banks, module_checks
from widgets.core.grading.nbgrader_course import (
    COURSE_ID,
    NOT_PASSED,
    NOT_SUBMITTED,
    PASSED,
    TO_GRADE,
    cohort_grades,
    spreadsheet_safe,
)

COURSE_TITLE = "Complaints handling with ISO 10002"
SUMMARY_FILE = "certificates.csv"


@dataclass(frozen=True)
class ModuleResult:
    """A module's knowledge check, for one learner."""

    module: str
    title: str
    check: str  # the question bank id
    pass_mark: float
    attempted: bool
    passed: bool
    best_score: float | None


@dataclass(frozen=True)
class ExerciseResult:
    """An exercise, for one learner, as cohort_grades reports it."""

    exercise: str
    title: str
    status: str  # passed / not passed / to grade / not submitted
    score: float
    max_score: float
    share: float
    to_grade: int


@dataclass(frozen=True)
class Eligibility:
    """Whether one learner meets the pass rules, with everything a certificate shows."""

    student_id: str
    name: str  # "First Last" from the gradebook, "" when it has none
    modules: tuple[ModuleResult, ...]
    exercises: tuple[ExerciseResult, ...]
    reasons: tuple[str, ...]  # every rule not met; empty when the learner qualifies
    path: LearningPath | None = None  # the rules checked: this path's, or the course's
    chosen_path: str | None = None  # the path the learner chose, from their progress file

    @property
    def qualified(self) -> bool:
        return not self.reasons

    @property
    def on_another_path(self) -> bool:
        """Checked against a path while the learner chose a different one."""
        return (self.path is not None and self.chosen_path is not None
                and self.chosen_path != self.path.id)

    @property
    def points(self) -> tuple[float, float]:
        """(points earned, points possible) over all exercises."""
        return (sum(e.score for e in self.exercises), sum(e.max_score for e in self.exercises))

    @property
    def share(self) -> float:
        earned, possible = self.points
        return earned / possible if possible else 0.0


@dataclass(frozen=True)
class ProgressFolder:
    """What the trainer's folder of progress files holds."""

    learners: dict[str, dict[str, ModuleProgress]]  # learner -> module -> progress
    problems: tuple[str, ...]  # one sentence per file that could not be used
    paths: dict[str, PathChoice] = field(default_factory=dict)  # learner -> latest choice


def _merge(one: dict[str, ModuleProgress], other: dict[str, ModuleProgress]
           ) -> dict[str, ModuleProgress]:
    """Two progress files of the same learner (two machines): per check, the better record."""
    merged = dict(one)
    for module, progress in other.items():
        if module not in merged:
            merged[module] = progress
            continue
        checks = dict(merged[module].checks)
        for check, result in progress.checks.items():
            mine = checks.get(check)
            if mine is None or (result.completed, result.best_score) > (mine.completed,
                                                                        mine.best_score):
                checks[check] = result
        merged[module] = ModuleProgress(module, checks, merged[module].last_check)
    return merged


def read_progress_folder(folder: str | Path) -> ProgressFolder:
    """Every progress file (*.json) in the folder, by the learner named inside it (not by the
    file name, which a trainer may change when collecting). Files that are not course progress
    files are listed in `problems` and left untouched."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"no folder {folder}: collect the learners' progress files "
                                "(~/.iso10002-course/progress/<learner>.json) into one folder "
                                "and name it")
    learners: dict[str, dict[str, ModuleProgress]] = {}
    paths: dict[str, PathChoice] = {}
    problems = []
    for path in sorted(folder.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            problems.append(f"{path.name}: not readable JSON ({error}); ask the learner for "
                            "the file again")
            continue
        learner = data.get("learner") if isinstance(data, dict) else None
        problem = progress_file_problem(data, learner) if isinstance(learner, str) else (
            f"it is not a course progress file (no learner name; schema {SCHEMA!r} expected)")
        if problem:
            problems.append(f"{path.name}: {problem}")
            continue
        learners[learner] = _merge(learners.get(learner, {}), modules_from_progress(data))
        choice = path_from_progress(data)
        if choice and (learner not in paths or choice.chosen_at > paths[learner].chosen_at):
            paths[learner] = choice  # two machines: the later choice counts
    return ProgressFolder(learners, tuple(problems), paths)


def _module_results(progress: Mapping[str, ModuleProgress] | None, course_map: CourseMap,
                    checks: Mapping[str, Sequence[Bank]], path: LearningPath | None
                    ) -> tuple[ModuleResult, ...]:
    results = []
    for module in course_map.modules:
        if path is not None and module.id not in path.modules:
            continue
        for bank in checks.get(module.id, ()):
            record = (progress or {}).get(module.id)
            check = record.checks.get(bank.id) if record else None
            results.append(ModuleResult(
                module=module.id, title=module.title, check=bank.id, pass_mark=bank.pass_mark,
                attempted=check is not None, passed=bool(check and check.completed),
                best_score=check.best_score if check else None))
    return tuple(results)


def _exercise_results(rows: pd.DataFrame, course_map: CourseMap, path: LearningPath | None
                      ) -> tuple[ExerciseResult, ...]:
    by_id = {row["assignment"]: row for _, row in rows.iterrows()}
    results = []
    exercises = (course_map.exercises if path is None
                 else tuple(course_map.exercise(exercise_id) for exercise_id in path.exercises))
    for exercise in exercises:
        row = by_id.get(exercise.id)
        if row is None:
            results.append(ExerciseResult(exercise.id, exercise.title, NOT_SUBMITTED, 0.0, 0.0,
                                          0.0, 0))
        else:
            results.append(ExerciseResult(exercise.id, exercise.title, row["status"],
                                          float(row["score"]), float(row["max_score"]),
                                          float(row["share"]), int(row["to_grade"])))
    return tuple(results)


def _reasons(modules: Sequence[ModuleResult], exercises: Sequence[ExerciseResult],
             has_progress: bool, pass_mark: float, student_id: str,
             folder_name: str) -> tuple[str, ...]:
    reasons = []
    if not has_progress:
        reasons.append(f"no progress file in {folder_name} (ask for "
                       f"~/.iso10002-course/progress/{learner_filename(student_id)}): the "
                       "knowledge checks cannot be counted")
    else:
        for result in modules:
            if not result.attempted:
                reasons.append(f"module {result.module}: knowledge check not taken")
            elif not result.passed:
                reasons.append(f"module {result.module}: knowledge check not passed yet (best "
                               f"{result.best_score:.0%}, pass mark {result.pass_mark:.0%})")
    for result in exercises:
        if result.status == NOT_SUBMITTED:
            reasons.append(f"{result.exercise}: not handed in (or not graded yet)")
        elif result.status == TO_GRADE:
            reasons.append(f"{result.exercise}: {result.to_grade} answer"
                           f"{'' if result.to_grade == 1 else 's'} still to grade")
        elif result.status == NOT_PASSED:
            reasons.append(f"{result.exercise}: {result.share:.0%} of the points, pass mark "
                           f"{pass_mark:.0%}")
    return tuple(reasons)


def eligibility(db_url: str, progress: ProgressFolder, *, folder_name: str = "the folder",
                course_map: CourseMap | None = None,
                banks: Sequence[Bank] | None = None,
                path: LearningPath | None = None) -> list[Eligibility]:
    """Every learner of the gradebook, and every learner with a progress file, checked against
    the pass rules (with ``path``: that path's modules and exercises only); sorted by learner
    id."""
    course_map = course_map if course_map is not None else load_course_map()
    checks = module_checks(course_map, banks if banks is not None else load_banks())
    pass_mark = course_map.pass_rules.exercise_pass_mark
    grades = cohort_grades(db_url, pass_mark)
    learners = sorted(set(grades["student_id"]) | set(progress.learners))
    results = []
    for learner in learners:
        rows = grades[grades["student_id"] == learner]
        name = (" ".join(part for part in (rows.iloc[0]["first_name"], rows.iloc[0]["last_name"])
                         if part) if len(rows) else "")
        modules = _module_results(progress.learners.get(learner), course_map, checks, path)
        exercises = _exercise_results(rows, course_map, path)
        chosen = progress.paths.get(learner)
        results.append(Eligibility(
            student_id=learner, name=name, modules=modules, exercises=exercises,
            reasons=_reasons(modules, exercises, learner in progress.learners, pass_mark,
                             learner, folder_name),
            path=path, chosen_path=chosen.id if chosen else None))
    return results


def certificate_number(student_id: str, issued: dt.date, path_id: str | None = None) -> str:
    """A reference printed on the certificate, the same for the same learner, date (and path),
    so a trainer can find the record behind a certificate someone shows:
    ISO10002-20250606-3FA1C2D9. A path's certificate has a number of its own."""
    key = f"{COURSE_ID}|{student_id}|{issued.isoformat()}" + (f"|{path_id}" if path_id else "")
    digest = hashlib.sha256(key.encode())
    return f"ISO10002-{issued:%Y%m%d}-{digest.hexdigest()[:8].upper()}"


_CERTIFICATE_STYLE = """
@page { size: A4 landscape; margin: 12mm; }
* { box-sizing: border-box; }
body { font-family: Georgia, "Times New Roman", serif; color: #1b1b1b; margin: 0;
       background: #e9edf0; }
.sheet { width: 273mm; min-height: 186mm; margin: 10mm auto; padding: 14mm 18mm;
         background: white; border: 3px double #1f5f8b; }
h1 { font-size: 30pt; letter-spacing: .04em; margin: 0 0 4mm; color: #1f5f8b;
     text-align: center; font-weight: normal; }
.lead { text-align: center; font-size: 13pt; margin: 0; }
.name { text-align: center; font-size: 26pt; margin: 5mm 0; }
.course { text-align: center; font-size: 15pt; margin: 0 0 6mm; font-style: italic; }
.columns { display: flex; gap: 10mm; font-size: 10pt; font-family: system-ui, sans-serif; }
.columns > div { flex: 1; }
h2 { font-size: 11pt; margin: 0 0 2mm; color: #1f5f8b; }
ul { margin: 0; padding-left: 5mm; } li { margin-bottom: .8mm; }
.footer { display: flex; justify-content: space-between; margin-top: 8mm; font-size: 10pt;
          font-family: system-ui, sans-serif; }
.note { font-size: 8pt; color: #555; margin-top: 5mm; font-family: system-ui, sans-serif; }
.hint { text-align: center; font-family: system-ui, sans-serif; font-size: 10pt; }
@media print {
  body { background: none; }
  .sheet { margin: 0; width: auto; min-height: 0; border-width: 3px; break-inside: avoid; }
  .hint { display: none; }
}
"""


def certificate_html(result: Eligibility, issued: dt.date, *, course_title: str = COURSE_TITLE,
                     issuer: str = "") -> str:
    """One learner's certificate as a self-contained, print-ready HTML page."""
    if not result.qualified:
        raise ValueError(f"{result.student_id} does not meet the pass rules: "
                         + "; ".join(result.reasons))
    esc = html.escape
    path = result.path
    heading = esc(path.certificate) if path else "Certificate of completion"
    completed = (f'has completed the learning path</p><p class="course">{esc(path.title)}</p>'
                 f'<p class="lead">of the course <em>{esc(course_title)}</em></p>' if path else
                 f'has completed the course</p><p class="course">{esc(course_title)}</p>')
    earned, possible = result.points
    modules = "".join(
        f"<li>{esc(m.title)} — knowledge check {m.best_score:.0%}</li>"
        for m in result.modules)
    exercises = "".join(
        f"<li>{esc(e.title)} — {e.score:g} of {e.max_score:g} points</li>"
        for e in result.exercises)
    signed = f"<div>{esc(issuer)}</div>" if issuer else "<div>Trainer: ____________________</div>"
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Certificate — {esc(result.name or result.student_id)}</title>",
        f"<style>{_CERTIFICATE_STYLE}</style></head><body>",
        '<p class="hint">Print this page (A4, landscape) or save it as PDF from the print '
        "dialogue.</p>",
        '<div class="sheet">',
        f"<h1>{heading}</h1>",
        '<p class="lead">This is to certify that</p>',
        f'<p class="name">{esc(result.name or result.student_id)}</p>',
        f'<p class="lead">{completed}',
        '<div class="columns">',
        f"<div><h2>Modules ({len(result.modules)})</h2><ul>{modules}</ul></div>",
        f"<div><h2>Exercises: {earned:g} of {possible:g} points ({result.share:.0%})</h2>"
        f"<ul>{exercises}</ul></div>",
        "</div>",
        '<div class="footer">',
        f"<div>Date: {issued:%d %B %Y}</div>",
        f"<div>Certificate no. {certificate_number(result.student_id, issued, _path_id(result))}"
        "</div>",
        signed,
        "</div>",
        '<p class="note">This certificate confirms that its holder completed a training course '
        "on complaints handling following the guidance of ISO 10002:2018. ISO 10002 gives "
        "guidance and is not a certifiable standard: this is not a certification of a person "
        "or an organization.</p>",
        "</div></body></html>"])


def _path_id(result: Eligibility) -> str | None:
    return result.path.id if result.path else None


def certificate_filename(student_id: str, path_id: str | None = None) -> str:
    """A safe file name for a learner's certificate (as their progress file is named), with
    the path's id for a path's certificate so two certificates never share a file."""
    stem = learner_filename(student_id).removesuffix(".json")
    return f"{stem}-{path_id}.html" if path_id else f"{stem}.html"


def write_certificates(results: Sequence[Eligibility], folder: str | Path, issued: dt.date, *,
                       course_title: str = COURSE_TITLE, issuer: str = "") -> list[Path]:
    """A certificate page for each qualified learner and certificates.csv (everyone: qualified
    or not, and why not) in `folder`; returns the certificate paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for result in results:
        if result.qualified:
            path = folder / certificate_filename(result.student_id, _path_id(result))
            path.write_text(certificate_html(result, issued, course_title=course_title,
                                             issuer=issuer), encoding="utf-8")
            written.append(path)
    summary = pd.DataFrame([{
        "student_id": r.student_id, "name": r.name, "path": _path_id(r) or "",
        "chosen_path": r.chosen_path or "", "qualified": r.qualified,
        "certificate": certificate_filename(r.student_id, _path_id(r)) if r.qualified else "",
        "certificate_no": (certificate_number(r.student_id, issued, _path_id(r))
                           if r.qualified else ""),
        "exercise_points": r.points[0], "exercise_max": r.points[1],
        "modules_passed": sum(m.passed for m in r.modules), "modules": len(r.modules),
        "exercises_passed": sum(e.status == PASSED for e in r.exercises),
        "exercises": len(r.exercises), "not_met": "; ".join(r.reasons),
    } for r in results])
    spreadsheet_safe(summary).to_csv(folder / SUMMARY_FILE, index=False, encoding="utf-8")
    return written
