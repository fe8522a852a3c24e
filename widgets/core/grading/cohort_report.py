"""The cohort report: what a trainer needs to know after grading, from nbgrader's gradebook.

Why: nbgrader knows every learner's score on every graded cell, but shows them one submission
at a time. A trainer with a cohort asks other questions: how did the cohort do on each
exercise, which questions were too hard or did not tell strong learners from weak ones, which
clauses and learning objectives the cohort has not mastered, and which learners need help now.
`iso10002 report` answers them in one HTML page (tables and charts, nothing fetched from the
internet) and CSV files for a spreadsheet.

The definitions of every figure are in DEFINITIONS below, printed at the end of the report
so that a reader sees exactly what was computed.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from widgets.core.common.errors import ContentError
from widgets.core.common.paths import CONTENT_DIR
from widgets.core.common.reader import ContentReader, read_yaml
from widgets.core.course.clauses import TITLE_NOTE, Clause, load_clauses
from widgets.core.course.course_map import CourseMap, format_clauses, load_course_map
from widgets.core.grading.nbgrader_course import (
    NOT_PASSED,
    NOT_SUBMITTED,
    PASSED,
    TO_GRADE,
    cohort_grades,
    spreadsheet_safe,
)
from widgets.core.grading.path_results import path_summary, with_paths

DEFINITIONS = (
    "An exercise's <strong>share</strong> is nbgrader's score (the manual score where a trainer "
    "gave one, else the autograder's, less any late penalty) over its maximum; its status is "
    "passed, not passed, to grade or not submitted exactly as <code>iso10002 grades</code> "
    "says.",
    "A <strong>question</strong> is a graded cell: an autograded test cell or a written answer. "
    "It is <em>scored</em> in a submission unless nbgrader flags it as needing a manual grade.",
    "<strong>Difficulty</strong>: the mean share of a question's points earned, over the "
    "submissions where it is scored. 1 means everyone earned every point; a low value means a "
    "hard question.",
    "<strong>Discrimination</strong>: the correlation, over the fully graded submissions of the "
    "exercise (nothing left to grade), between the points earned on the question and the points "
    "earned on the <em>rest</em> of the exercise (the corrected item–total correlation: leaving "
    "the question out of the total keeps it from correlating with itself). Near 0 or negative: "
    "the question does not separate learners who do well from those who do not. The "
    "correlation with the whole exercise is in questions.csv as item_total_r.",
    "<strong>Mastery</strong> of a clause or learning objective: the points earned over the "
    "points possible on the questions that assess it (widgets/content/exercise-items.yaml), "
    "scored answers only, all learners together; <em>below_pass_mark</em> counts the learners "
    "whose own mastery of it is below the pass mark.",
    "A learner is <strong>at risk</strong> when an exercise is graded below the pass mark, or "
    "when they have not handed in an exercise that at least half of the cohort has handed in. "
    "Their clauses below the pass mark are listed as where to start.",
)
ITEMS_FILE = CONTENT_DIR / "exercise-items.yaml"
HARD, EASY = 0.3, 0.9  # difficulty below / above: flagged "hard" / "easy"
LOW_DISCRIMINATION = 0.2  # below: "review" (0.2–0.3 fair, 0.3 and above good)
MIN_GRADED_FOR_DISCRIMINATION = 5  # fewer fully graded submissions: no correlation shown
BEHIND_SHARE = 0.5  # not handed in while at least half of the cohort has: at risk
REPORT_FILE = "report.html"
CSV_FILES = ("assignments.csv", "questions.csv", "clauses.csv", "objectives.csv",
             "learners.csv")
PATHS_CSV = "paths.csv"  # written when the learners' paths are known


class ItemsError(ContentError):
    """exercise-items.yaml is malformed or disagrees with the course map or the clauses."""


class ReportError(ValueError):
    """There is nothing to report on yet (no submission in the gradebook)."""


@dataclass(frozen=True)
class Objective:
    """A learning objective of a module (the n-th of its objectives in modules.yaml)."""

    module: str
    number: int  # 1-based position in the module's objectives
    text: str

    @property
    def label(self) -> str:
        return f"{self.module} #{self.number}: {self.text}"


@dataclass(frozen=True)
class Item:
    """A graded cell of an exercise and what it assesses."""

    assignment: str
    cell: str
    clauses: tuple[str, ...]
    objectives: tuple[Objective, ...]


def parse_items(data: object, source: str, course_map: CourseMap,
                catalogue: Mapping[str, Clause]) -> dict[tuple[str, str], Item]:
    """(assignment, grade id) -> Item, from the parsed YAML; ItemsError names the file and key
    of every broken grade id at once and says what to write instead."""
    r = ContentReader(source, ItemsError, collect=True)
    top = r.mapping(data, "(top level)")
    r.keys(top, "", ("assignments",))
    exercises = {exercise.id: exercise for exercise in course_map.exercises}
    modules = {module.id: module for module in course_map.modules}
    items: dict[tuple[str, str], Item] = {}
    for assignment, cells in r.mapping(top["assignments"], "assignments").items():
        if assignment not in exercises:
            r.problem(f"assignments.{assignment}", "is not an exercise of the course map; use "
                      f"one of {', '.join(exercises)}")
            continue
        exercise = exercises[assignment]
        allowed = set(exercise.clauses) | set(modules[exercise.follows].clauses)
        cells = r.mapping(cells, f"assignments.{assignment}")
        if not cells:
            r.problem(f"assignments.{assignment}", "must map the exercise's grade ids to their "
                      "clauses and objectives")
        for cell, entry in cells.items():
            where = f"assignments.{assignment}.{cell}."
            with r.entry():
                entry = r.mapping(entry, where.rstrip("."))
                r.keys(entry, where, ("clauses", "objectives"))
                clauses = r.members(entry, "clauses", where, catalogue,
                                    "quoted clause ids from clauses.yaml")
                outside = [clause for clause in clauses if clause not in allowed]
                if outside:
                    raise r.fail(f"{where}clauses", f"{outside[0]!r} is neither a clause of "
                                 f"{assignment} nor taught by {exercise.follows} (modules.yaml)")
                objectives = r.texts(entry, "objectives", where)
                items[assignment, cell] = Item(
                    assignment, cell, clauses,
                    tuple(_objective(r, text, modules, f"{where}objectives")
                          for text in objectives))
    r.done()
    return items


def _objective(r: ContentReader, text: str, modules: Mapping, where: str) -> Objective:
    module_id, _, start = text.partition(": ")
    if module_id not in modules or not start.strip():
        raise r.fail(where, f"{text!r} should read '<module id>: <start of an objective>' with "
                     "a module id of modules.yaml")
    found = [(number, objective) for number, objective
             in enumerate(modules[module_id].objectives, start=1)
             if objective.startswith(start.strip())]
    if len(found) != 1:
        raise r.fail(where, f"{text!r} matches {len(found)} objectives of {module_id}; quote "
                     "the start of exactly one of: " + " | ".join(modules[module_id].objectives))
    number, objective = found[0]
    return Objective(module_id, number, objective)


def load_items(path: str | Path | None = None, course_map: CourseMap | None = None,
               catalogue: Mapping[str, Clause] | None = None) -> dict[tuple[str, str], Item]:
    """Read and check widgets/content/exercise-items.yaml (or `path`)."""
    path = Path(path) if path is not None else ITEMS_FILE
    return parse_items(read_yaml(path, ItemsError, "exercise items file"), str(path),
                       course_map if course_map is not None else load_course_map(),
                       catalogue if catalogue is not None else load_clauses())


# --------------------------------------------------------------------------- the gradebook

ITEM_COLUMNS = ("student_id", "assignment", "notebook", "cell", "cell_type", "points", "score",
                "waiting")


def item_scores(db_url: str) -> pd.DataFrame:
    """One row per submitted graded cell: nbgrader's score (manual where given, else automatic,
    plus extra credit; NaN while the cell is waiting for a manual grade), its points and
    whether it is waiting. One query, so a cohort of hundreds reads in a moment."""
    from nbgrader.api import (
        Assignment,
        BaseCell,
        Grade,
        GradeCell,
        Notebook,
        SubmittedAssignment,
        SubmittedNotebook,
        TaskCell,
    )
    from sqlalchemy import create_engine, func, select

    grade, cell = Grade.__table__, BaseCell.__table__
    graded, task = GradeCell.__table__, TaskCell.__table__
    notebook, submitted = SubmittedNotebook.__table__, SubmittedAssignment.__table__
    query = (
        select(submitted.c.student_id, Assignment.__table__.c.name.label("assignment"),
               Notebook.__table__.c.name.label("notebook"), cell.c.name.label("cell"),
               func.coalesce(graded.c.cell_type, task.c.cell_type).label("cell_type"),
               func.coalesce(graded.c.max_score, task.c.max_score).label("points"),
               grade.c.auto_score, grade.c.manual_score, grade.c.extra_credit,
               grade.c.needs_manual_grade.label("waiting"))
        .select_from(grade
                     .join(notebook, grade.c.notebook_id == notebook.c.id)
                     .join(submitted, notebook.c.assignment_id == submitted.c.id)
                     .join(Assignment.__table__,
                           submitted.c.assignment_id == Assignment.__table__.c.id)
                     .join(Notebook.__table__, notebook.c.notebook_id == Notebook.__table__.c.id)
                     .join(cell, grade.c.cell_id == cell.c.id)
                     .outerjoin(graded, graded.c.id == cell.c.id)
                     .outerjoin(task, task.c.id == cell.c.id)))
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            frame = pd.DataFrame([dict(row) for row in connection.execute(query).mappings()],
                                 columns=[*ITEM_COLUMNS[:6], "auto_score", "manual_score",
                                          "extra_credit", "waiting"])
    finally:
        engine.dispose()
    base = frame["manual_score"].where(frame["manual_score"].notna(), frame["auto_score"])
    score = base.fillna(0.0) + frame["extra_credit"].fillna(0.0)
    frame["waiting"] = frame["waiting"].astype(bool)
    frame["score"] = score.where(~frame["waiting"]).astype(float)
    frame["points"] = frame["points"].astype(float)
    return frame[list(ITEM_COLUMNS)].sort_values(
        ["assignment", "student_id", "cell"]).reset_index(drop=True)


# --------------------------------------------------------------------------- statistics


def assignment_summary(grades: pd.DataFrame, pass_mark: float) -> pd.DataFrame:
    """Per exercise: learners, how many handed in, are fully graded, still to grade; the share
    of the fully graded (mean, median, standard deviation, lowest, highest) and the share of
    them that passed."""
    rows = []
    for assignment, group in grades.groupby("assignment", sort=True):
        done = group[group["status"].isin([PASSED, NOT_PASSED])]["share"]
        rows.append({
            "assignment": assignment, "learners": len(group),
            "submitted": int((group["status"] != NOT_SUBMITTED).sum()),
            "graded": len(done), "to_grade": int((group["status"] == TO_GRADE).sum()),
            "mean_share": done.mean(), "median_share": done.median(),
            "sd_share": done.std(ddof=1) if len(done) > 1 else math.nan,
            "min_share": done.min(), "max_share": done.max(),
            "pass_rate": (done >= pass_mark).mean() if len(done) else math.nan,
        })
    return pd.DataFrame(rows)


def _correlation(left: pd.Series, right: pd.Series) -> float:
    if len(left) < MIN_GRADED_FOR_DISCRIMINATION or left.std() == 0 or right.std() == 0:
        return math.nan
    return float(np.corrcoef(left.to_numpy(float), right.to_numpy(float))[0, 1])


def item_statistics(scores: pd.DataFrame,
                    items: Mapping[tuple[str, str], Item] | None = None) -> pd.DataFrame:
    """Per question: points, submissions where it is scored / waiting, difficulty,
    discrimination (item–rest), item_total_r, a flag, and the clauses and objectives it
    assesses (from `items`)."""
    rows = []
    for assignment, group in scores.groupby("assignment", sort=True):
        table = group.pivot(index="student_id", columns="cell", values="score")
        complete = table.dropna()  # fully graded submissions
        total = complete.sum(axis=1)
        for cell, cell_rows in group.groupby("cell", sort=True):
            points = float(cell_rows["points"].iloc[0])
            scored = cell_rows["score"].dropna()
            item = (items or {}).get((assignment, cell))
            difficulty = float((scored / points).mean()) if len(scored) and points else math.nan
            discrimination = _correlation(complete[cell], total - complete[cell])
            rows.append({
                "assignment": assignment, "cell": cell,
                "type": "written" if cell_rows["cell_type"].iloc[0] == "markdown" else "tests",
                "points": points, "scored": len(scored),
                "waiting": int(cell_rows["waiting"].sum()), "difficulty": difficulty,
                "discrimination": discrimination,
                "item_total_r": _correlation(complete[cell], total),
                "flag": _flag(difficulty, discrimination),
                "clauses": ", ".join(item.clauses) if item else "",
                "objectives": " | ".join(o.label for o in item.objectives) if item else "",
            })
    return pd.DataFrame(rows)


def _flag(difficulty: float, discrimination: float) -> str:
    flags = []
    if not math.isnan(difficulty) and difficulty < HARD:
        flags.append("hard")
    if not math.isnan(difficulty) and difficulty > EASY:
        flags.append("easy")
    if not math.isnan(discrimination) and discrimination < LOW_DISCRIMINATION:
        flags.append("review")
    return ", ".join(flags)


def _assessed(scores: pd.DataFrame, items: Mapping[tuple[str, str], Item],
              key: str) -> pd.DataFrame:
    """The scored rows, once per clause (key 'clause') or objective ('objective') they assess."""
    scored = scores[scores["score"].notna()]
    targets = {pair: (item.clauses if key == "clause" else
                      tuple(o.label for o in item.objectives)) for pair, item in items.items()}
    pairs = list(zip(scored["assignment"], scored["cell"], strict=True))
    expanded = scored.assign(**{key: [list(targets.get(pair, ())) for pair in pairs]})
    return expanded.explode(key).dropna(subset=[key])


def mastery(scores: pd.DataFrame, items: Mapping[tuple[str, str], Item], key: str,
            pass_mark: float) -> pd.DataFrame:
    """Per clause (key 'clause') or learning objective ('objective'): the questions that assess
    it, the points earned and possible over the cohort's scored answers, the mastery (their
    ratio) and how many learners are below the pass mark on it."""
    rows = _assessed(scores, items, key)
    if rows.empty:
        return pd.DataFrame(columns=[key, "questions", "earned", "possible", "mastery",
                                     "learners", "below_pass_mark"])
    per_learner = rows.groupby([key, "student_id"])[["score", "points"]].sum()
    learner_mastery = per_learner["score"] / per_learner["points"]
    table = rows.groupby(key).agg(
        questions=("cell", lambda cells: len(set(cells))), earned=("score", "sum"),
        possible=("points", "sum"))
    table["mastery"] = table["earned"] / table["possible"]
    table["learners"] = learner_mastery.groupby(level=0).size()
    table["below_pass_mark"] = (learner_mastery < pass_mark).groupby(level=0).sum()
    return table.reset_index().sort_values(["mastery", key]).reset_index(drop=True)


def learner_table(grades: pd.DataFrame, scores: pd.DataFrame,
                  items: Mapping[tuple[str, str], Item], pass_mark: float,
                  catalogue: Mapping[str, Clause]) -> pd.DataFrame:
    """Per learner: exercises passed / not passed / to grade / not submitted, mean share of the
    graded ones, whether they are at risk and why (see DEFINITIONS), and the clauses on which
    their own mastery is below the pass mark (in clause order, runs collapsed: "4.3–4.14")."""
    handed_in = grades[grades["status"] != NOT_SUBMITTED].groupby("assignment").size()
    cohort = grades["student_id"].nunique()
    expected = {a for a, n in handed_in.items() if cohort and n / cohort >= BEHIND_SHARE}
    rows = _assessed(scores, items, "clause")
    sums = rows.groupby(["student_id", "clause"])[["score", "points"]].sum()
    clause_mastery = sums["score"] / sums["points"]
    order = {clause: index for index, clause in enumerate(catalogue)}
    weak = {learner: format_clauses(sorted(
        (clause for (_, clause), value in group.items() if value < pass_mark),
        key=order.__getitem__), catalogue)
        for learner, group in clause_mastery.groupby(level=0)}
    out = []
    for learner, group in grades.groupby("student_id", sort=True):
        status = dict(zip(group["assignment"], group["status"], strict=True))
        graded = group[group["status"].isin([PASSED, NOT_PASSED])]
        reasons = [f"{a} not passed ({share:.0%})" for a, share
                   in zip(graded["assignment"], graded["share"], strict=True)
                   if status[a] == NOT_PASSED]
        reasons += [f"{a} not handed in" for a in sorted(expected)
                    if status.get(a) == NOT_SUBMITTED]
        first = group.iloc[0]
        out.append({
            "student_id": learner,
            "name": " ".join(p for p in (first["first_name"], first["last_name"]) if p),
            "passed": sum(s == PASSED for s in status.values()),
            "not_passed": sum(s == NOT_PASSED for s in status.values()),
            "to_grade": sum(s == TO_GRADE for s in status.values()),
            "not_submitted": sum(s == NOT_SUBMITTED for s in status.values()),
            "mean_share": graded["share"].mean() if len(graded) else math.nan,
            "at_risk": bool(reasons), "reasons": "; ".join(reasons),
            "weak_clauses": weak.get(learner, "none").replace("none", ""),
        })
    return pd.DataFrame(out)


# --------------------------------------------------------------------------- the report


@dataclass(frozen=True)
class CohortReport:
    """Every table of the report, and the figures behind its summary line."""

    assignments: pd.DataFrame
    questions: pd.DataFrame
    clauses: pd.DataFrame
    objectives: pd.DataFrame
    learners: pd.DataFrame
    grades: pd.DataFrame  # cohort_grades: one row per learner and exercise
    pass_mark: float
    paths: pd.DataFrame | None = None  # path_summary, when the learners' paths are known

    def summary(self) -> str:
        """'200 learners, 7 exercises: 1,288 of 1,400 handed in, 1,201 graded (83% passed);
        34 learners at risk.'"""
        graded = self.grades["status"].isin([PASSED, NOT_PASSED])
        passed = (self.grades["status"] == PASSED).sum()
        rate = f" ({passed / graded.sum():.0%} passed)" if graded.any() else ""
        exercises = self.grades["assignment"].nunique()
        return (f"{self.grades['student_id'].nunique():,} learners, "
                f"{exercises} exercise{'' if exercises == 1 else 's'}: "
                f"{(self.grades['status'] != NOT_SUBMITTED).sum():,} of {len(self.grades):,} "
                f"handed in, {graded.sum():,} graded{rate}; "
                f"{int(self.learners['at_risk'].sum()) if len(self.learners) else 0} "
                "learners at risk.")


def build_report(db_url: str, pass_mark: float | None = None,
                 items: Mapping[tuple[str, str], Item] | None = None,
                 catalogue: Mapping[str, Clause] | None = None,
                 paths: Mapping[str, str] | None = None) -> CohortReport:
    """Every table of the report from the gradebook at `db_url` (pass mark: the course's);
    ReportError when no learner has handed anything in. With `paths` (learner -> the path
    they chose, from their progress files) the learners table shows each learner's path and
    judges them on their path's exercises only, and a table sums results per path."""
    course_map = load_course_map()
    pass_mark = pass_mark if pass_mark is not None else course_map.pass_rules.exercise_pass_mark
    items = items if items is not None else load_items()
    catalogue = catalogue if catalogue is not None else load_clauses()
    grades = cohort_grades(db_url, pass_mark)
    scores = item_scores(db_url)
    if scores.empty:
        raise ReportError("the gradebook holds no submission yet: autograde the exercises "
                          "first (see course/trainer-guide.md)")
    clauses = mastery(scores, items, "clause", pass_mark)
    order = {clause: index for index, clause in enumerate(catalogue)}
    clauses = clauses.sort_values(["mastery", "clause"], key=lambda column: column.map(
        order) if column.name == "clause" else column).reset_index(drop=True)
    clauses.insert(1, "title", [catalogue[c].label for c in clauses["clause"]])
    by_path = None
    learners = learner_table(grades, scores, items, pass_mark, catalogue)
    if paths is not None:
        graded = with_paths(grades, paths, course_map)
        by_path = path_summary(graded, course_map)
        learners = learner_table(graded[graded["on_path"]].drop(columns=["path", "on_path"]),
                                 scores, items, pass_mark, catalogue)
        learners.insert(2, "path", [paths.get(learner, "") for learner in learners["student_id"]])
    return CohortReport(
        assignments=assignment_summary(grades, pass_mark),
        questions=item_statistics(scores, items), clauses=clauses,
        objectives=mastery(scores, items, "objective", pass_mark),
        learners=learners, grades=grades, pass_mark=pass_mark, paths=by_path)


def _png(figure: Figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def distribution_chart(grades: pd.DataFrame, pass_mark: float) -> Figure:
    """Box plots of the graded shares per exercise, every learner a dot, the pass mark a line."""
    graded = grades[grades["status"].isin([PASSED, NOT_PASSED])]
    names = sorted(grades["assignment"].unique())
    figure = Figure(figsize=(8, 0.55 * len(names) + 1.2))
    axes = figure.subplots()
    data = [graded.loc[graded["assignment"] == name, "share"].to_numpy() for name in names]
    positions = list(range(len(names), 0, -1))
    axes.boxplot([d if len(d) else [math.nan] for d in data], positions=positions,
                 orientation="horizontal", widths=0.6, showfliers=False)
    jitter = np.random.default_rng(0)
    for position, values in zip(positions, data, strict=True):
        axes.scatter(values, position + jitter.uniform(-0.18, 0.18, len(values)), s=6,
                     alpha=0.35, color="#1f5f8b")
    axes.axvline(pass_mark, color="#b03a2e", linestyle="--", label=f"pass mark {pass_mark:.0%}")
    axes.set_yticks(positions, [f"{n} (n={len(d)})" for n, d in zip(names, data, strict=True)])
    axes.set_xlim(-0.02, 1.02)
    axes.set_xlabel("share of the exercise's points (graded submissions)")
    axes.legend(loc="lower left", fontsize=8)
    return figure


def question_chart(questions: pd.DataFrame) -> Figure:
    """Difficulty against discrimination, a dot per question; the ones worth a look (flagged,
    discrimination below 0.3 or difficulty below 0.5) labelled, the others in the table."""
    figure = Figure(figsize=(8, 5))
    axes = figure.subplots()
    shown = questions.dropna(subset=["difficulty", "discrimination"])
    colours = ["#b03a2e" if flag else "#1f5f8b" for flag in shown["flag"]]
    axes.scatter(shown["difficulty"], shown["discrimination"], color=colours)
    worth_a_look = shown[(shown["flag"] != "") | (shown["discrimination"] < 0.3)
                         | (shown["difficulty"] < 0.5)]
    for _, row in worth_a_look.iterrows():
        axes.annotate(row["cell"].removesuffix("-tests"), (row["difficulty"],
                                                            row["discrimination"]),
                      fontsize=7, xytext=(3, 3), textcoords="offset points")
    axes.axhline(LOW_DISCRIMINATION, color="grey", linestyle="--", linewidth=0.8)
    axes.axvline(HARD, color="grey", linestyle=":", linewidth=0.8)
    axes.axvline(EASY, color="grey", linestyle=":", linewidth=0.8)
    axes.set_xlim(-0.02, 1.02)
    axes.set_ylim(min(-0.2, shown["discrimination"].min() - 0.05) if len(shown) else -0.2, 1)
    axes.set_xlabel("difficulty (mean share of the points earned)")
    axes.set_ylabel("discrimination (item–rest correlation)")
    return figure


def mastery_chart(table: pd.DataFrame, key: str, pass_mark: float) -> Figure:
    """Horizontal bars of mastery, weakest at the top, the pass mark a line."""
    labels = [_short(text) for text in table[key]]
    figure = Figure(figsize=(8, 0.32 * len(labels) + 1.2))
    axes = figure.subplots()
    positions = list(range(len(labels), 0, -1))
    axes.barh(positions, table["mastery"], color=["#b03a2e" if m < pass_mark else "#1f5f8b"
                                                  for m in table["mastery"]])
    axes.axvline(pass_mark, color="grey", linestyle="--", linewidth=0.8)
    axes.set_yticks(positions, labels, fontsize=8)
    axes.set_xlim(0, 1)
    axes.set_xlabel("mastery (points earned / points possible)")
    return figure


def _short(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _cell(value: object) -> str:
    if isinstance(value, float):
        return "—" if math.isnan(value) else f"{value:.2f}".rstrip("0").rstrip(".")
    if isinstance(value, bool | np.bool_):
        return "yes" if value else ""
    return html.escape(str(value))


def _table(frame: pd.DataFrame, shares: Sequence[str] = ()) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = []
    for row in frame.itertuples(index=False):
        cells = []
        for column, value in zip(frame.columns, row, strict=True):
            text = (f"{value:.0%}" if column in shares and isinstance(value, float)
                    and not math.isnan(value) else _cell(value))
            numeric = isinstance(value, int | float | np.integer | np.floating)
            cells.append(f'<td class="num">{text}</td>' if numeric and not isinstance(
                value, bool | np.bool_) else f"<td>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 72rem; color: #1b1b1b;
       padding: 0 1rem; line-height: 1.45; }
h1 { margin-bottom: .2rem; } .meta { color: #555; margin-top: 0; }
table { border-collapse: collapse; margin: .8rem 0 1.6rem; font-size: .88rem; }
th, td { border: 1px solid #ccc; padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: #eef2f5; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
img { max-width: 100%; } .note { background: #fff6e0; padding: .6rem .8rem; border-left: 4px
solid #d9a400; } dt { font-weight: 600; margin-top: .5rem; }
"""


def report_html(report: CohortReport, *, source: str, generated: dt.date) -> str:
    """The whole report as one self-contained HTML page (charts embedded as PNG data URIs)."""
    mark = report.pass_mark
    shares = ("mean_share", "median_share", "min_share", "max_share", "pass_rate",
              "difficulty", "mastery")
    at_risk = report.learners[report.learners["at_risk"]] if len(report.learners) else (
        report.learners)
    risk_table = (_table(at_risk[["student_id", "name", "reasons", "weak_clauses"]])
                  if len(at_risk) else "<p>No learner is at risk by this rule.</p>")
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        "<title>Cohort report — Complaints handling with ISO 10002</title>",
        f"<style>{_STYLE}</style></head><body>",
        "<h1>Cohort report</h1>",
        f'<p class="meta">Complaints handling with ISO 10002 · gradebook {html.escape(source)} '
        f"· {generated:%d %B %Y}</p>",
        f"<p><strong>{html.escape(report.summary())}</strong> Pass mark: {mark:.0%} of an "
        "exercise's points.</p>",
        '<p class="note">This report names learners and their results: personal data. Keep it '
        "and its CSV files out of the course repository and delete them when your "
        "organization's retention rules say so.</p>",
        "<h2>Exercises</h2>", _table(report.assignments, shares),
        f'<img alt="Distribution of the shares per exercise" '
        f'src="{_png(distribution_chart(report.grades, mark))}">',
        "<h2>Questions</h2>",
        f"<p>Difficulty below {HARD:.0%} or above {EASY:.0%} is flagged <em>hard</em> or "
        f"<em>easy</em>; discrimination below {LOW_DISCRIMINATION} is flagged <em>review</em> "
        f"(shown from {MIN_GRADED_FOR_DISCRIMINATION} fully graded submissions).</p>",
        _table(report.questions.drop(columns=["item_total_r", "objectives"]), shares),
        f'<img alt="Difficulty and discrimination of each question" '
        f'src="{_png(question_chart(report.questions))}">',
        "<h2>Mastery by clause</h2>", f"<p>{html.escape(TITLE_NOTE)}</p>",
        _table(report.clauses, shares),
    ]
    if len(report.clauses):
        parts.append(f'<img alt="Mastery by clause" '
                     f'src="{_png(mastery_chart(report.clauses, "title", mark))}">')
    parts += ["<h2>Mastery by learning objective</h2>", _table(report.objectives, shares)]
    if len(report.objectives):
        parts.append(f'<img alt="Mastery by learning objective" '
                     f'src="{_png(mastery_chart(report.objectives, "objective", mark))}">')
    if report.paths is not None:
        parts += ["<h2>Learning paths</h2>",
                  "<p>Each learner counted on the path chosen in their progress file, on that "
                  "path's exercises only; <em>completed</em>: learners who passed every one of "
                  "them.</p>", _table(report.paths)]
    parts += [
        f"<h2>Learners at risk ({len(at_risk)})</h2>", risk_table,
        "<h2>How the figures are computed</h2>",
        "<ul>" + "".join(f"<li>{text}</li>" for text in DEFINITIONS) + "</ul>",
        "</body></html>"]
    return "\n".join(parts)


def write_report(report: CohortReport, folder: str | Path, *, source: str,
                 generated: dt.date | None = None) -> list[Path]:
    """report.html and the CSV files (spreadsheet-safe) in `folder`; returns their paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    generated = generated or dt.date.today()
    page = folder / REPORT_FILE
    page.write_text(report_html(report, source=source, generated=generated), encoding="utf-8")
    written = [page]
    for name, frame in zip(CSV_FILES, (report.assignments, report.questions, report.clauses,
                                       report.objectives, report.learners), strict=True):
        path = folder / name
        spreadsheet_safe(frame).to_csv(path, index=False, encoding="utf-8")
        written.append(path)
    if report.paths is not None:
        path = folder / PATHS_CSV
        spreadsheet_safe(report.paths).to_csv(path, index=False, encoding="utf-8")
        written.append(path)
    return written
