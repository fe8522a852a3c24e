"""The organization's ISO 10002 self-assessment: checklist, maturity scale, scores, gaps, action
plan, saving and the report.

Why it is shaped like this:

- The statements and the maturity scale are data (widgets/content/self-assessment.yaml) so a
  trainer can add or reword a statement in one file; :func:`load_checklist` rejects a broken
  file with every problem named (file, statement id, field). Group titles come from
  clauses.yaml, the course's one clause list.
- Each statement is rated on the scale 0 (not in place) … 4 (optimized), or left unrated. A
  clause group's score is the mean level of its rated statements; the overall score is the
  mean of the group scores, so each of clauses 4–8 counts the same however many statements it
  has (clause 4 has fourteen, clause 6 seven). Unrated statements are left out and counted,
  never treated as zero: an assessment half done must not look like a failing organization.
- A gap is the distance from a statement's rating up to the target level (3, "implemented", by
  default). The action plan ranks gaps by gap × weight (weight 1–3 in the checklist: how much
  the rest of the process depends on the statement), then by the lower rating, then in clause
  order, and gives each its first action and clause references.
- An assessment is saved as JSON through widgets.core.common.storage (atomic write; a damaged file
is moved aside and reported, never raised) under a file name made from its name by
  rootcause.safe_filename, so what a user types can never reach outside the folder. A file
  that is valid JSON but not a self-assessment (a progress file, a worksheet) is refused with
  a sentence saying so.
- The CSV export neutralizes spreadsheet formulas: a cell that starts with =, +, -, @, a tab
  or a carriage return is prefixed with an apostrophe, so an evidence note such as
  "=HYPERLINK(...)" is shown as text instead of running when the file is opened.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import html
import io
import json
import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

from widgets.core.common.errors import ContentError
from widgets.core.common.figures import figure_png
from widgets.core.common.paths import CONTENT_DIR, work_dir
from widgets.core.common.reader import ContentReader, by_id, read_yaml
from widgets.core.common.storage import ReadResult, atomic_write_json, read_json
from widgets.core.complaints.rootcause import safe_filename
from widgets.core.course.clauses import TITLE_NOTE, Clause, load_clauses

CHECKLIST_FILE = CONTENT_DIR / "self-assessment.yaml"
SCHEMA = "iso10002-course/self-assessment"
SCHEMA_VERSION = 1
LEVELS = (0, 1, 2, 3, 4)
MAX_LEVEL = LEVELS[-1]
WEIGHTS = (1, 2, 3)
GROUP_CLAUSES = ("4", "5", "6", "7", "8")
MIN_STATEMENTS = 40
ASSESSMENTS_FOLDER = "self-assessment"
PLAN_LENGTH = 10
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_TIMESTAMP = "%Y-%m-%dT%H:%M:%SZ"


class ChecklistError(ContentError):
    """The checklist file is broken; the message lists every problem found."""


# ----------------------------------------------------------------------------- the checklist


@dataclass(frozen=True)
class Level:
    """One step of the maturity scale."""

    level: int
    name: str
    meaning: str

    @property
    def label(self) -> str:
        """'3 Implemented'."""
        return f"{self.level} {self.name}"


@dataclass(frozen=True)
class Item:
    """One statement to rate."""

    id: str
    group: str
    clauses: tuple[str, ...]
    weight: int
    statement: str
    action: str


@dataclass(frozen=True)
class Group:
    """The statements about one of clauses 4–8."""

    clause: str
    title: str
    items: tuple[Item, ...]

    @property
    def label(self) -> str:
        """'4 Guiding principles'."""
        return f"{self.clause} {self.title}"


@dataclass(frozen=True)
class Checklist:
    title: str
    target_level: int
    scale: tuple[Level, ...]
    groups: tuple[Group, ...]
    source: Path

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(item for group in self.groups for item in group.items)

    def item(self, item_id: str) -> Item:
        return by_id(self.items, item_id, "statement", owner="the checklist")

    def group(self, clause: str) -> Group:
        return by_id(self.groups, clause, "group for clause", owner="the checklist",
                     known="clauses:", attr="clause")

    def level(self, level: int) -> Level:
        return self.scale[level]


def _level(r: ContentReader, entry: dict, where: str) -> Level:
    r.keys(entry, where, ("level", "name", "meaning"))
    return Level(entry["level"], r.text(entry, "name", where), r.text(entry, "meaning", where))


def _kebab_id(r: ContentReader, entry: dict, where: str) -> str:
    value = r.get(entry, "id", where)
    if not isinstance(value, str) or not _ID.fullmatch(value):
        raise r.fail(f"{where}id", f"must be kebab-case letters and digits; found {value!r}")
    return value


def _item(r: ContentReader, entry: dict, where: str, group: str,
          catalogue: dict[str, Clause]) -> Item | None:
    """The statement, or None when it has problems (each field is checked on its own, so a
    trainer sees all of them)."""
    before = len(r.problems)
    r.check(lambda: r.known(entry, where, ("id", "clauses", "weight", "statement", "action")))
    item_id = r.check(lambda: _kebab_id(r, entry, where))
    clauses = r.check(lambda: r.members(entry, "clauses", where, catalogue,
                                        "quoted clause ids from clauses.yaml, e.g. ['7.5']"))
    weight = r.check(lambda: r.number(entry, "weight", where, low=WEIGHTS[0], high=WEIGHTS[-1],
                                      integer=True))
    statement = r.check(lambda: r.text(entry, "statement", where))
    action = r.check(lambda: r.text(entry, "action", where))
    if len(r.problems) > before:
        return None
    return Item(item_id, group, clauses, int(weight), statement, action)


def _parse_checklist(document: Any, path: Path, catalogue: dict[str, Clause]) -> Checklist:
    """The checklist, or ChecklistError listing every problem of the file at once."""
    r = ContentReader(path, ChecklistError, collect=True)
    top = r.mapping(document, "(top level)")
    r.check(lambda: r.known(top, "", ("title", "target_level", "scale", "groups")))
    title = r.check(lambda: r.text(top, "title", ""))
    target = r.check(lambda: r.number(top, "target_level", "", low=LEVELS[1], high=MAX_LEVEL,
                                      integer=True))
    raw_scale = top.get("scale")
    scale: list[Level] = []
    if not isinstance(raw_scale, list) or [e.get("level") if isinstance(e, dict) else None
                                           for e in raw_scale] != list(LEVELS):
        r.problem("scale", f"must list the levels {', '.join(map(str, LEVELS))} in order, each "
                  "with level, name and meaning")
    else:
        scale = r.each(top, "scale", "", lambda entry, where: _level(r, entry, where))
    raw_groups = top.get("groups")
    clauses = ([g.get("clause") if isinstance(g, dict) else None for g in raw_groups]
               if isinstance(raw_groups, list) else raw_groups)
    if clauses != list(GROUP_CLAUSES):
        r.problem("groups", f"must have one entry per clause {', '.join(GROUP_CLAUSES)}, in "
                  f"that order; found {clauses!r}")
        r.done()

    def group(entry: dict, where: str) -> Group:
        r.known(entry, where, ("clause", "items"))
        clause = entry["clause"]
        items = r.each(entry, "items", where,
                       lambda item, place: _item(r, item, place, clause, catalogue))
        return Group(clause, catalogue[clause].title, tuple(i for i in items if i is not None))

    groups = r.each(top, "groups", "", group)
    r.unique([entry["id"] for g in raw_groups if isinstance(g.get("items"), list)
              for entry in g["items"] if isinstance(entry, dict)
              and isinstance(entry.get("id"), str)], "groups")
    total = sum(len(g.items) for g in groups)
    if total < MIN_STATEMENTS and not r.problems:
        r.problem("groups", f"hold {total} statements; the self-assessment needs at least "
                  f"{MIN_STATEMENTS}")
    r.done()
    return Checklist(title, int(target), tuple(scale), tuple(groups), path)


def validate_checklist(path: str | Path | None = None, *,
                       clauses: dict[str, Clause] | None = None) -> list[str]:
    """Every problem in the checklist file (empty: valid)."""
    try:
        load_checklist(path, clauses=clauses)
    except ChecklistError as error:
        return error.problems
    return []


def load_checklist(path: str | Path | None = None, *,
                   clauses: dict[str, Clause] | None = None) -> Checklist:
    """The checklist (default: the course's). Raises :class:`ChecklistError` listing every
    problem when the file is not valid."""
    path = Path(path) if path is not None else CHECKLIST_FILE
    document = read_yaml(path, ChecklistError, "self-assessment checklist")
    return _parse_checklist(document, path, clauses or load_clauses())


# ----------------------------------------------------------------------------- scores


@dataclass
class Answer:
    """A rating (None: not rated yet) and an optional evidence note."""

    level: int | None = None
    evidence: str = ""


@dataclass(frozen=True)
class GroupScore:
    group: Group
    rated: int
    mean_level: float | None  # None when no statement of the group is rated

    @property
    def total(self) -> int:
        return len(self.group.items)

    @property
    def share(self) -> float | None:
        """The mean level as a share of the top level (0–1)."""
        return None if self.mean_level is None else self.mean_level / MAX_LEVEL


@dataclass(frozen=True)
class OverallScore:
    mean_level: float | None  # mean of the group scores that exist
    rated: int
    total: int
    groups_rated: int

    @property
    def complete(self) -> bool:
        return self.rated == self.total

    @property
    def share(self) -> float | None:
        return None if self.mean_level is None else self.mean_level / MAX_LEVEL


@dataclass(frozen=True)
class Gap:
    """A rated statement below the target level."""

    item: Item
    level: int
    target: int

    @property
    def size(self) -> int:
        return self.target - self.level

    @property
    def priority(self) -> int:
        return self.size * self.item.weight


@dataclass(frozen=True)
class Action:
    """One line of the action plan."""

    rank: int
    gap: Gap
    clause_labels: tuple[str, ...]


def _mean(values: list[int] | list[float]) -> float | None:
    return sum(values) / len(values) if values else None


@dataclass
class Assessment:
    """One organization's ratings against a checklist."""

    checklist: Checklist
    name: str = ""
    organization: str = ""
    target_level: int = 0  # 0: the checklist's default
    answers: dict[str, Answer] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.target_level:
            self.target_level = self.checklist.target_level
        self.set_target(self.target_level)
        for item in self.checklist.items:
            self.answers.setdefault(item.id, Answer())

    def set_target(self, level: int) -> None:
        if isinstance(level, bool) or level not in LEVELS[1:]:
            raise ValueError(f"the target level must be 1, 2, 3 or 4 (got {level!r})")
        self.target_level = level

    def rate(self, item_id: str, level: int | None) -> None:
        """Rate a statement 0–4, or clear its rating with None."""
        self.checklist.item(item_id)
        if level is not None and (isinstance(level, bool) or level not in LEVELS):
            raise ValueError(f"statement {item_id}: a rating is 0, 1, 2, 3 or 4 (got {level!r})")
        self.answers[item_id].level = level

    def note(self, item_id: str, evidence: str) -> None:
        """Keep an evidence note (documents, records, interviews) for a statement."""
        self.checklist.item(item_id)
        self.answers[item_id].evidence = evidence

    def group_scores(self) -> list[GroupScore]:
        scores = []
        for group in self.checklist.groups:
            levels = [self.answers[item.id].level for item in group.items]
            rated = [level for level in levels if level is not None]
            scores.append(GroupScore(group, len(rated), _mean(rated)))
        return scores

    def overall(self) -> OverallScore:
        groups = self.group_scores()
        means = [g.mean_level for g in groups if g.mean_level is not None]
        return OverallScore(_mean(means), sum(g.rated for g in groups),
                            len(self.checklist.items), len(means))

    def gaps(self) -> list[Gap]:
        """Rated statements below the target, highest priority first (then lower rating,
        then checklist order)."""
        order = {item.id: n for n, item in enumerate(self.checklist.items)}
        found = [Gap(item, answer.level, self.target_level)
                 for item in self.checklist.items
                 if (answer := self.answers[item.id]).level is not None
                 and answer.level < self.target_level]
        return sorted(found, key=lambda g: (-g.priority, g.level, order[g.item.id]))

    def action_plan(self, limit: int | None = PLAN_LENGTH,
                    clauses: dict[str, Clause] | None = None) -> list[Action]:
        """The biggest gaps as ranked actions with their clause labels."""
        catalogue = clauses or load_clauses()
        gaps = self.gaps()[:limit] if limit is not None else self.gaps()
        return [Action(rank, gap, tuple(catalogue[c].label for c in gap.item.clauses))
                for rank, gap in enumerate(gaps, start=1)]

    # ------------------------------------------------------------------ JSON

    def to_json(self, saved_at: dt.datetime | None = None) -> dict[str, Any]:
        moment = saved_at or dt.datetime.now(dt.UTC)
        return {
            "schema": SCHEMA,
            "schema_version": SCHEMA_VERSION,
            "name": self.name,
            "organization": self.organization,
            "target_level": self.target_level,
            "saved_at": moment.astimezone(dt.UTC).strftime(_TIMESTAMP),
            "answers": {item_id: {"level": answer.level, "evidence": answer.evidence}
                        for item_id, answer in self.answers.items()
                        if answer.level is not None or answer.evidence.strip()},
        }


def shape_problem(data: Any) -> str | None:
    """None when ``data`` is a saved self-assessment this version reads, else why not."""
    foreign = "it is valid JSON but not a self-assessment saved by this course"
    if not isinstance(data, dict):
        return f"{foreign} (the top level is a {type(data).__name__}, not an object)"
    if data.get("schema") != SCHEMA:
        return f"{foreign} (its 'schema' is {data.get('schema')!r}, expected {SCHEMA!r})"
    if data.get("schema_version") != SCHEMA_VERSION:
        return (f"it is a self-assessment of format version {data.get('schema_version')!r}; "
                f"this course reads version {SCHEMA_VERSION}")
    for key in ("name", "organization"):
        if not isinstance(data.get(key), str):
            return f"{foreign} ({key!r} is not text)"
    target = data.get("target_level")
    if isinstance(target, bool) or target not in LEVELS[1:]:
        return f"its target_level {target!r} is not 1, 2, 3 or 4"
    answers = data.get("answers")
    if not isinstance(answers, dict):
        return f"{foreign} ('answers' is not an object)"
    for item_id, answer in answers.items():
        if not isinstance(answer, dict) or set(answer) != {"level", "evidence"}:
            return f"the answer to {item_id!r} is not an object with level and evidence"
        level = answer["level"]
        if level is not None and (isinstance(level, bool) or level not in LEVELS):
            return f"the answer to {item_id!r} has level {level!r}; levels are 0 to 4"
        if not isinstance(answer["evidence"], str):
            return f"the evidence for {item_id!r} is not text"
    return None


def assessment_from_json(data: dict[str, Any], checklist: Checklist
                         ) -> tuple[Assessment, list[str]]:
    """An assessment from a document that passed :func:`shape_problem`, and notes about
    answers to statements the checklist no longer has (left out, never guessed)."""
    known = {item.id for item in checklist.items}
    assessment = Assessment(checklist, name=data["name"], organization=data["organization"],
                            target_level=data["target_level"])
    retired = sorted(set(data["answers"]) - known)
    for item_id, answer in data["answers"].items():
        if item_id in known:
            assessment.answers[item_id] = Answer(answer["level"], answer["evidence"])
    notes = []
    if retired:
        notes.append(f"{len(retired)} saved answer(s) refer to statements that are no longer in "
                     f"the checklist and were left out: {', '.join(retired)}.")
    return assessment, notes


# ----------------------------------------------------------------------------- saving


def assessments_dir(folder: str | Path | None = None) -> Path:
    """Where assessments are saved: ``<folder>`` if given, else ``<work dir>/self-assessment``
    (work dir: $ISO10002_WORK_DIR or ~/.iso10002-course/work)."""
    return Path(folder) if folder is not None else work_dir() / ASSESSMENTS_FOLDER


def assessment_path(name: str, folder: str | Path | None = None) -> Path:
    """The file for an assessment called ``name``; only letters and digits of the name are
    used, so the file is always directly inside the folder."""
    return assessments_dir(folder) / safe_filename(name)


def save_assessment(assessment: Assessment, folder: str | Path | None = None, *,
                    clock: Callable[[], dt.datetime] | None = None) -> Path:
    """Save atomically under the assessment's name; returns the path written."""
    if not assessment.name.strip():
        raise ValueError("give the assessment a name before saving it, e.g. 'Customer "
                         "services 2025'")
    moment = clock() if clock is not None else None
    return atomic_write_json(assessment_path(assessment.name, folder),
                             assessment.to_json(moment))


def saved_assessments(folder: str | Path | None = None) -> list[str]:
    """File stems of the saved assessments, sorted (the Load list)."""
    directory = assessments_dir(folder)
    if not directory.is_dir():
        return []
    return sorted(path.stem for path in directory.glob("*.json") if path.is_file())


@dataclass(frozen=True)
class Loaded:
    """An assessment read back, or None with the message to show."""

    assessment: Assessment | None
    message: str | None
    notes: tuple[str, ...] = ()


def load_assessment(name: str, checklist: Checklist, folder: str | Path | None = None
                    ) -> Loaded:
    """Read a saved assessment by name (or file stem). A damaged or foreign file is moved
    aside by storage.read_json and reported in ``message``, never raised."""
    path = assessment_path(name, folder)
    result: ReadResult = read_json(path, validate=shape_problem)
    if result.status == "missing":
        return Loaded(None, f"No saved assessment named {name!r} in {path.parent}.")
    if not result.ok:
        return Loaded(None, result.message)
    assessment, notes = assessment_from_json(result.data, checklist)
    return Loaded(assessment, None, tuple(notes))


def assessment_from_bytes(data: bytes, filename: str, checklist: Checklist) -> Loaded:
    """An uploaded assessment file: never raises, says what is wrong with the file."""
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return Loaded(None, f"{filename} could not be read: it is not UTF-8 text (is it a "
                            "spreadsheet or a PDF?). Upload a .json file saved by this "
                            "dashboard.")
    except json.JSONDecodeError as error:
        return Loaded(None, f"{filename} could not be read: it is not valid JSON ({error.msg} "
                            f"at line {error.lineno}, column {error.colno}). Upload a .json "
                            "file saved by this dashboard.")
    problem = shape_problem(document)
    if problem is not None:
        return Loaded(None, f"{filename} could not be read: {problem}.")
    assessment, notes = assessment_from_json(document, checklist)
    return Loaded(assessment, None, tuple(notes))


# ----------------------------------------------------------------------------- chart


def _level_colour(mean: float, target: int) -> str:
    return "#2e7d32" if mean >= target else "#c55a11"


def scores_chart(assessment: Assessment) -> Figure:
    """Mean maturity per clause group as horizontal bars (0–4) with the target as a dashed
    line; green at or above the target, orange below. Groups with no rating say so. Built on a
    bare Figure (no pyplot state), like the course's other charts."""
    scores = assessment.group_scores()
    overall = assessment.overall()
    figure = Figure(figsize=(8, 3.4), layout="constrained")
    axes = figure.add_subplot()
    positions = list(range(len(scores)))[::-1]
    for position, score in zip(positions, scores, strict=True):
        if score.mean_level is None:
            axes.text(0.05, position, "not rated yet", va="center", color="#555555")
            continue
        axes.barh(position, score.mean_level, color=_level_colour(score.mean_level,
                                                                  assessment.target_level))
        axes.text(score.mean_level + 0.05, position, f"{score.mean_level:.1f}", va="center")
    axes.axvline(assessment.target_level, color="#444444", linestyle="--", linewidth=1)
    axes.text(assessment.target_level, len(scores) - 0.45, f"target {assessment.target_level}",
              ha="center", va="bottom", color="#444444", fontsize=9)
    axes.set_yticks(positions, [textwrap.fill(f"{s.group.label} ({s.rated}/{s.total} rated)", 30,
                                              break_on_hyphens=False)
                                for s in scores], fontsize=9)
    axes.set_xlim(0, MAX_LEVEL + 0.4)
    axes.set_ylim(-0.6, len(scores) - 0.1)
    axes.set_xticks(list(LEVELS))
    axes.set_xlabel("mean maturity of the rated statements (0 not in place … 4 optimized)",
                    fontsize=9)
    headline = ("no statement rated yet" if overall.mean_level is None
                else f"overall {overall.mean_level:.1f} of {MAX_LEVEL}")
    axes.set_title(f"Maturity by clause group: {headline}, "
                   f"{overall.rated} of {overall.total} statements rated", fontsize=10)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    return figure


# ----------------------------------------------------------------------------- exports


def neutralize_cell(value: object) -> object:
    """Text that a spreadsheet would read as a formula, made inert with a leading apostrophe
    (the OWASP advice for CSV injection). Numbers and None pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


CSV_COLUMNS = ("clause_group", "clause_group_title", "statement_id", "clauses", "weight",
               "statement", "level", "level_name", "target_level", "gap", "priority",
               "evidence")


def answers_rows(assessment: Assessment) -> list[dict[str, object]]:
    """One row per statement, in checklist order, as the CSV holds them (before
    neutralization)."""
    rows = []
    for group in assessment.checklist.groups:
        for item in group.items:
            answer = assessment.answers[item.id]
            level = answer.level
            gap = max(0, assessment.target_level - level) if level is not None else None
            rows.append({
                "clause_group": group.clause,
                "clause_group_title": group.title,
                "statement_id": item.id,
                "clauses": " ".join(item.clauses),
                "weight": item.weight,
                "statement": item.statement,
                "level": level,
                "level_name": assessment.checklist.level(level).name if level is not None
                else "not rated",
                "target_level": assessment.target_level,
                "gap": gap,
                "priority": gap * item.weight if gap is not None else None,
                "evidence": answer.evidence,
            })
    return rows


def answers_csv(assessment: Assessment) -> str:
    """The answers as CSV text (UTF-8 with a byte-order mark when encoded, so spreadsheet
    software detects the encoding), every text cell neutralized."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in answers_rows(assessment):
        writer.writerow({key: "" if value is None else neutralize_cell(value)
                         for key, value in row.items()})
    return "\ufeff" + buffer.getvalue()


def _esc(value: object) -> str:
    return html.escape(str(value))


def _fmt(mean: float | None) -> str:
    return "not rated" if mean is None else f"{mean:.1f}"


def report_html(assessment: Assessment, *, generated_at: dt.datetime | None = None,
                clauses: dict[str, Clause] | None = None) -> str:
    """A self-contained HTML report (no external resources): scores per clause group and
    overall, the chart, the action plan, every answer with its evidence, and the scale."""
    catalogue = clauses or load_clauses()
    checklist = assessment.checklist
    moment = (generated_at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    overall = assessment.overall()
    chart = base64.b64encode(figure_png(scores_chart(assessment))).decode("ascii")
    heading = assessment.name.strip() or "Untitled assessment"
    target_text = (f"target level {assessment.target_level} "
                   f"({_esc(checklist.level(assessment.target_level).name)})")
    who = f" — {_esc(assessment.organization)}" if assessment.organization.strip() else ""
    group_rows = "".join(
        f"<tr><th scope='row'>{_esc(s.group.label)}</th><td>{s.rated} of {s.total}</td>"
        f"<td>{_fmt(s.mean_level)}</td></tr>" for s in assessment.group_scores())
    plan = assessment.action_plan(limit=None, clauses=catalogue)
    plan_rows = "".join(
        f"<tr><td>{a.rank}</td><td>{_esc(a.gap.item.statement)}</td>"
        f"<td>{'<br>'.join(_esc(label) for label in a.clause_labels)}</td>"
        f"<td>{a.gap.level} → {a.gap.target}</td><td>{a.gap.priority}</td>"
        f"<td>{_esc(a.gap.item.action)}</td></tr>" for a in plan)
    plan_block = (
        "<table><thead><tr><th>#</th><th>Statement</th><th>Clauses</th><th>Now → target</th>"
        f"<th>Priority</th><th>First action</th></tr></thead><tbody>{plan_rows}</tbody></table>"
        if plan else "<p>No rated statement is below the target level.</p>")
    answer_rows = "".join(
        f"<tr><td>{_esc(row['clauses'])}</td><td>{_esc(row['statement'])}</td>"
        f"<td>{_esc(row['level'] if row['level'] is not None else '–')} "
        f"{_esc(row['level_name'])}</td><td>{_esc(row['evidence'])}</td></tr>"
        for row in answers_rows(assessment))
    scale_rows = "".join(f"<tr><th scope='row'>{_esc(level.label)}</th><td>"
                         f"{_esc(level.meaning)}</td></tr>" for level in checklist.scale)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{_esc(checklist.title)}: {_esc(heading)}</title>
<style>
body {{ font-family: sans-serif; max-width: 60em; margin: 2em auto; line-height: 1.4;
       color: #222; }}
table {{ border-collapse: collapse; margin: 1em 0; }}
th, td {{ border: 1px solid #bbb; padding: 4px 8px; text-align: left; vertical-align: top; }}
thead th {{ background: #eef2f7; }}
img {{ max-width: 100%; }}
small {{ color: #555; }}
</style></head><body>
<h1>{_esc(checklist.title)}</h1>
<p><strong>{_esc(heading)}</strong>{who}<br>
Report generated {moment:%Y-%m-%d %H:%M} UTC · {target_text}</p>
<h2>Scores</h2>
<p>Overall maturity: <strong>{_fmt(overall.mean_level)}</strong> of {MAX_LEVEL}
({overall.rated} of {overall.total} statements rated). A clause group's score is the mean
rating of its rated statements; the overall score is the mean of the group scores.</p>
<table><thead><tr><th>Clause group</th><th>Rated</th><th>Mean level</th></tr></thead>
<tbody>{group_rows}</tbody></table>
<img alt="Bar chart of the mean maturity per clause group" src="data:image/png;base64,{chart}">
<h2>Action plan</h2>
<p>Statements rated below the target, ranked by priority = (target − rating) × weight
(weight 1–3: how much the rest of the process depends on the statement).</p>
{plan_block}
<h2>All answers</h2>
<table><thead><tr><th>Clauses</th><th>Statement</th><th>Rating</th><th>Evidence</th></tr>
</thead><tbody>{answer_rows}</tbody></table>
<h2>Maturity scale</h2>
<table><tbody>{scale_rows}</tbody></table>
<p><small>{_esc(TITLE_NOTE)} The statements are the course's own wording, not text of the
standard; ISO 10002 gives guidance ("should"), so this is a self-assessment, not a
certification audit.</small></p>
</body></html>
"""


def export_name(assessment: Assessment, suffix: str) -> str:
    """A download file name from the assessment's name: 'customer-services-2025-report.html'
    ('self-assessment-report.html' when the name has no letters or digits)."""
    try:
        stem = safe_filename(assessment.name).removesuffix(".json")
    except ValueError:
        stem = "self-assessment"
    return f"{stem}-{suffix}"

