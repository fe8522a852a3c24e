"""Root-cause analysis of a complaint log: filters, Pareto chart, 5 whys and fishbone worksheets.

Why: clause 8.2 (Analysis and evaluation of complaints, following ISO 10002:2018) asks that
complaints be classified and analysed for systemic, recurring and single issues, and that root
causes be removed. The analysis only changes anything when a learner narrows the log to a
period, channel or product, sees which few causes make up most complaints (Pareto), and then
works one of them down to an actionable root cause (5 whys, fishbone). Worksheets are saved as
JSON through widgets.core.common.storage so a killed kernel never leaves half a file, under
$ISO10002_WORK_DIR (default ~/.iso10002-course/work/), one file per worksheet, named from the
worksheet's title in a way that cannot leave that folder.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from widgets.core.common.errors import ContentError
from widgets.core.common.paths import CONTENT_DIR, work_dir
from widgets.core.common.reader import ContentReader
from widgets.core.common.storage import ReadResult, atomic_write_json, read_json
from widgets.core.complaints.kpis import pareto

FISHBONE_FILE = CONTENT_DIR / "fishbone.yaml"
PARETO_COLUMNS = ("root_cause", "category")
MIN_WHYS, MAX_WHYS = 3, 5
MAX_SLUG_CHARS = 60
FORMAT_VERSION = 1
# Names Windows refuses as file names whatever the extension (worksheets may be copied there).
_RESERVED_NAMES = frozenset(["con", "prn", "aux", "nul"] + [f"com{n}" for n in range(1, 10)]
                            + [f"lpt{n}" for n in range(1, 10)])


# --------------------------------------------------------------------------- filtering


def log_months(frame: pd.DataFrame) -> list[pd.Period]:
    """Every calendar month from the first to the last receipt, gaps included (the month
    slider's options)."""
    received = frame["received_at"].dropna()
    if received.empty:
        return []
    return list(pd.period_range(received.min().to_period("M"), received.max().to_period("M"),
                                freq="M"))


def filter_log(
    frame: pd.DataFrame,
    start: dt.date | None = None,
    end: dt.date | None = None,
    channels: Iterable[str] | None = None,
    products: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Complaints received from `start` to `end` (both days included) through any of
    `channels` about any of `products`. None or an empty selection means no restriction."""
    if start is not None and end is not None and start > end:
        raise ValueError(f"the period starts {start:%Y-%m-%d} after it ends {end:%Y-%m-%d}; "
                         "swap the dates")
    keep = pd.Series(True, index=frame.index)
    days = frame["received_at"].dt.normalize()
    if start is not None:
        keep &= days >= pd.Timestamp(start)
    if end is not None:
        keep &= days <= pd.Timestamp(end)
    for column, chosen in (("channel", channels), ("product", products)):
        chosen = list(chosen or [])
        if not chosen:
            continue
        if column not in frame.columns:
            raise ValueError(f"the log has no {column} column, so it cannot be filtered by "
                             f"{column}; clear that filter")
        keep &= frame[column].isin(chosen).fillna(False)
    return frame[keep.fillna(False).to_numpy(dtype=bool)]


def pareto_table(frame: pd.DataFrame, column: str = "root_cause") -> pd.DataFrame:
    """kpis.pareto on one of PARETO_COLUMNS (the one Pareto definition of the course)."""
    if column not in PARETO_COLUMNS:
        raise ValueError(f"Pareto analysis here is by {' or '.join(PARETO_COLUMNS)}, "
                         f"not {column!r}")
    return pareto(frame, column)


def _label(value: object) -> str:
    return str(value).replace("_", " ")


def pareto_chart(table: pd.DataFrame, title: str | None = None,
                 vital_share: float = 0.8) -> Figure:
    """Bars (count per value, vital few darker), the cumulative share line and the
    `vital_share` line. Built on a bare Figure, not pyplot: nothing is shown or kept in a global
    figure list, so the core is safe under any backend (Agg in tests and Voilà)."""
    figure = Figure(figsize=(8, 4.5), layout="constrained")
    axes = figure.add_subplot()
    column = table.index.name or "value"
    total = int(table["count"].sum()) if len(table) else 0
    axes.set_title(title or f"Pareto of complaints by {_label(column)} (n = {total})")
    if table.empty:
        axes.text(0.5, 0.5, "No complaints with a value match these filters", ha="center",
                  va="center", transform=axes.transAxes)
        axes.set_axis_off()
        return figure
    positions = range(len(table))
    colours = ["#1f4e79" if vital else "#9dc3e6" for vital in table["vital_few"]]
    axes.bar(positions, table["count"], color=colours)
    axes.set_ylabel("complaints")
    axes.set_xticks(list(positions), [_label(v) for v in table.index], rotation=35,
                    ha="right")
    cumulative = axes.twinx()
    cumulative.plot(list(positions), table["cumulative_share"] * 100, color="#c55a11",
                    marker="o")
    cumulative.axhline(vital_share * 100, color="#7f7f7f", linestyle="--", linewidth=1)
    cumulative.text(len(table) - 0.5, vital_share * 100 + 1.5, f"{vital_share:.0%}",
                    ha="right", color="#7f7f7f")
    cumulative.set_ylim(0, 105)
    cumulative.set_ylabel("cumulative share of complaints (%)")
    cumulative.legend(handles=[Patch(color="#1f4e79", label="vital few"),
                               Patch(color="#9dc3e6", label="useful many"),
                               *cumulative.lines[:1]],
                      labels=["vital few", "useful many", "cumulative share"],
                      loc="center right", frameon=False)
    missing = table.attrs.get("missing", 0)
    if missing:
        subject = "1 complaint" if missing == 1 else f"{missing} complaints"
        axes.set_xlabel(f"{subject} without a {_label(column)} left out")
    return figure


# --------------------------------------------------------------------------- worksheets


def safe_filename(title: str) -> str:
    """A file name from a worksheet title: ASCII letters and digits joined by hyphens, at most
    60 characters, plus '.json'. Slashes, dots and other characters become hyphens, so
    '../../etc/passwd' is 'etc-passwd.json': the file can only ever land in its folder."""
    text = unicodedata.normalize("NFKD", title or "").encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:MAX_SLUG_CHARS].strip("-")
    if not slug:
        raise ValueError(f"the title {title!r} has no letters or digits to name a file with; "
                         "give the worksheet a title such as 'Estimated bills Q1'")
    if slug in _RESERVED_NAMES:
        slug += "-worksheet"
    return f"{slug}.json"


@dataclass(frozen=True)
class FishboneCategory:
    """One bone of the fishbone with the questions that help fill it."""

    key: str
    label: str
    prompts: tuple[str, ...]


class FishboneContentError(ContentError):
    """fishbone.yaml is malformed; the message names the file, entry and key."""


def load_fishbone_categories(path: str | Path | None = None) -> tuple[FishboneCategory, ...]:
    """The fishbone's bones and the questions that help learners fill them."""
    path = Path(path) if path is not None else FISHBONE_FILE
    r = ContentReader(path, FishboneContentError, collect=True)
    top = r.document("fishbone categories", ("categories",))

    def category(entry: dict, where: str) -> FishboneCategory:
        r.keys(entry, where, ("key", "label", "prompts"))
        key = r.text(entry, "key", where)
        if not re.fullmatch(r"[a-z]+(_[a-z]+)*", key):
            raise r.fail(f"{where}key", f"must be lowercase_with_underscores; found {key!r}")
        prompts = r.texts(entry, "prompts", where)
        if len(prompts) < 2:
            raise r.fail(f"{where}prompts", f"must be a list of at least two questions; "
                         f"found {list(prompts)!r}")
        return FishboneCategory(key, r.text(entry, "label", where), prompts)

    categories = r.each(top, "categories", "", category)
    r.unique([category.key for category in categories], "categories")
    r.done()
    return tuple(categories)


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


@dataclass
class WhyStep:
    """One 'why?' and its 'because', the next why asks about the because."""

    why: str = ""
    because: str = ""


@dataclass
class FiveWhys:
    """A 5-whys worksheet: ask 'why?' of the problem until the answer is a cause the
    organization can remove (8.2), then state the action (8.7)."""

    title: str
    problem: str = ""
    whys: list[WhyStep] = field(default_factory=list)
    root_cause: str = ""
    action: str = ""

    kind = "five_whys"

    def problems(self) -> list[str]:
        """What is missing before the worksheet counts as complete (empty when complete)."""
        found = []
        if not _text(self.problem):
            found.append("state the problem: what happened, how often, where (e.g. from the "
                         "Pareto chart)")
        for number, step in enumerate(self.whys, start=1):
            if _text(step.why) and not _text(step.because):
                found.append(f"why {number} has no 'because': answer it or clear the question")
            if _text(step.because) and not _text(step.why):
                found.append(f"why {number} has an answer but no question")
        if len(self.whys) > MAX_WHYS:
            found.append(f"{len(self.whys)} whys: the worksheet holds at most {MAX_WHYS}")
        answered = sum(bool(_text(s.why) and _text(s.because)) for s in self.whys)
        if answered < MIN_WHYS:
            found.append(f"{answered} answered why(s): ask at least {MIN_WHYS} — the first "
                         "answers are usually symptoms, not causes")
        if not _text(self.root_cause):
            found.append("state the root cause the whys lead to")
        return found

    def notes(self) -> list[str]:
        """Advice that does not make the worksheet incomplete."""
        if _text(self.root_cause) and not _text(self.action):
            return ["no action yet: a root cause is only removed by an action with an owner "
                    "(8.2, 8.7)"]
        return []

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "format": FORMAT_VERSION, "title": self.title,
                "problem": self.problem, "root_cause": self.root_cause, "action": self.action,
                "whys": [{"why": s.why, "because": s.because} for s in self.whys]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FiveWhys:
        return cls(title=data["title"], problem=data["problem"], root_cause=data["root_cause"],
                   action=data["action"],
                   whys=[WhyStep(s["why"], s["because"]) for s in data["whys"]])


@dataclass
class Fishbone:
    """An Ishikawa (fishbone) worksheet: the problem at the head, candidate causes on the
    bones (categories from fishbone.yaml), one cause per entry."""

    title: str
    problem: str = ""
    causes: dict[str, list[str]] = field(default_factory=dict)

    kind = "fishbone"

    def problems(self, categories: tuple[FishboneCategory, ...] | None = None) -> list[str]:
        """What is missing or wrong (empty when the worksheet is usable)."""
        categories = categories if categories is not None else load_fishbone_categories()
        keys = [c.key for c in categories]
        found = []
        if not _text(self.problem):
            found.append("state the problem at the head of the fishbone")
        unknown = sorted(set(self.causes) - set(keys))
        if unknown:
            found.append(f"unknown bone(s) {', '.join(unknown)}; the bones are "
                         f"{', '.join(keys)}")
        if not any(_text(c) for causes in self.causes.values() for c in causes):
            found.append("no causes yet: put at least one candidate cause on a bone")
        return found

    def to_json(self) -> dict[str, Any]:
        causes = {key: [c.strip() for c in values if _text(c)]
                  for key, values in self.causes.items()}
        return {"kind": self.kind, "format": FORMAT_VERSION, "title": self.title,
                "problem": self.problem, "causes": causes}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Fishbone:
        return cls(title=data["title"], problem=data["problem"],
                   causes={key: list(values) for key, values in data["causes"].items()})


Worksheet = FiveWhys | Fishbone
_KINDS: dict[str, type[FiveWhys] | type[Fishbone]] = {"five_whys": FiveWhys,
                                                      "fishbone": Fishbone}


def _shape_problem(data: Any, kind: str) -> str | None:
    """None when `data` is a worksheet of `kind` this version can read, else why not."""
    if not isinstance(data, dict) or data.get("kind") != kind:
        found = data.get("kind") if isinstance(data, dict) else type(data).__name__
        return f"it is not a {kind.replace('_', ' ')} worksheet (kind: {found!r})"
    if data.get("format") != FORMAT_VERSION:
        return f"it has format {data.get('format')!r}; this course reads format {FORMAT_VERSION}"
    texts = ["title", "problem"] + (["root_cause", "action"] if kind == "five_whys" else [])
    for key in texts:
        if not isinstance(data.get(key), str):
            return f"its '{key}' is not text"
    if kind == "five_whys":
        whys = data.get("whys")
        if not isinstance(whys, list) or not all(
                isinstance(s, dict) and isinstance(s.get("why"), str)
                and isinstance(s.get("because"), str) for s in whys):
            return "its 'whys' is not a list of {why, because} texts"
    else:
        causes = data.get("causes")
        if not isinstance(causes, dict) or not all(
                isinstance(v, list) and all(isinstance(c, str) for c in v)
                for v in causes.values()):
            return "its 'causes' is not a mapping of bone → list of texts"
    return None


def worksheet_path(kind: str, title: str, folder: str | Path | None = None) -> Path:
    """Where a worksheet of `kind` ('five_whys' or 'fishbone') with this title is saved."""
    if kind not in _KINDS:
        raise ValueError(f"unknown worksheet kind {kind!r}; use {' or '.join(_KINDS)}")
    base = Path(folder) if folder is not None else work_dir()
    return base / kind.replace("_", "-") / safe_filename(title)


def save_worksheet(sheet: Worksheet, folder: str | Path | None = None) -> Path:
    """Save atomically (an incomplete worksheet too: learners save drafts). Returns the path."""
    return atomic_write_json(worksheet_path(sheet.kind, sheet.title, folder), sheet.to_json())


@dataclass(frozen=True)
class Loaded:
    """A worksheet read back, or None with the message to show (missing or moved aside)."""

    sheet: Worksheet | None
    result: ReadResult

    @property
    def message(self) -> str | None:
        """What to tell the learner when there is no worksheet (None when there is one)."""
        if self.result.status == "missing":
            return (f"no saved worksheet named {self.result.path.stem!r} in "
                    f"{self.result.path.parent}")
        return self.result.message


def load_worksheet(kind: str, title: str, folder: str | Path | None = None) -> Loaded:
    """Read a saved worksheet by its title (or file stem). A damaged file is moved aside by
    storage.read_json and reported, never raised, so a view can say what happened."""
    path = worksheet_path(kind, title, folder)
    result = read_json(path, validate=lambda data: _shape_problem(data, kind))
    sheet = _KINDS[kind].from_json(result.data) if result.ok else None
    return Loaded(sheet, result)


def saved_worksheets(kind: str, folder: str | Path | None = None) -> list[str]:
    """File stems of the saved worksheets of `kind`, sorted (the Load dropdown's options)."""
    directory = worksheet_path(kind, "x", folder).parent
    if not directory.is_dir():
        return []
    return sorted(path.stem for path in directory.glob("*.json") if path.is_file())
