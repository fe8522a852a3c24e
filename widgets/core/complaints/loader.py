"""Load a complaint log — the course's own or a CFPB export — into one typed, validated frame.

Why one loader: modules, exercises, the dashboard and the CLI all read complaint logs, and a
learner's upload is as likely to be a CFPB export (either header style), a semicolon-separated
spreadsheet save or a Latin-1 file as our clean sample. Every path goes through here, so every
view shows the same counts and the same reasons. Two promises:

* nothing crashes with a traceback on bad input: file-level problems raise ComplaintDataError
  (a ValueError whose message says which file, what was found and what to do; notebooks show
  just that message), row-level problems are listed per row, column and value;
* nothing is dropped silently: rows_accepted + rows_rejected == rows_read, always.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from widgets.core.common.errors import ContentError
from widgets.core.complaints import schema

ROW_OFFSET = 2  # the header is row 1 of the file, the first record row 2 (as a spreadsheet shows)
DELIMITERS = (",", ";", "\t", "|")
TRUE_WORDS = frozenset({"true", "yes", "y", "1", "t"})
FALSE_WORDS = frozenset({"false", "no", "n", "0", "f"})
NA_WORDS = frozenset({"", "n/a", "na", "none", "null"})
MAX_PROBLEMS_SHOWN = 20


class ComplaintDataError(ContentError):
    """The file as a whole cannot be read as a complaint log (missing, empty, wrong columns).

    The message is written for the person holding the file, so notebooks show only the message
    (IPython calls _render_traceback_ when an exception defines it) rather than a traceback.
    """

    def _render_traceback_(self) -> list[str]:
        return [f"Cannot load the complaint log: {self}"]


@dataclass(frozen=True)
class RowProblem:
    """One problem in one cell. `row` counts the header as row 1, as a spreadsheet does."""

    row: int
    column: str
    value: str
    problem: str
    severity: str = "error"  # "error" rejects the row; "warning" keeps it

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column!r}: {self.problem}"


@dataclass
class ValidationReport:
    """What the loader found, for the person who supplied the file."""

    source: str
    layout: str  # "course" or "cfpb"
    encoding: str
    delimiter: str
    rows_read: int
    rows_accepted: int
    rows_rejected: int
    column_mapping: dict[str, str]
    ignored_columns: list[str] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[RowProblem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[RowProblem]:
        return [p for p in self.problems if p.severity == "warning"]

    def problems_frame(self) -> pd.DataFrame:
        """Problems as a table (row, column, value, problem, severity), e.g. to download."""
        columns = ["row", "column", "value", "problem", "severity"]
        return pd.DataFrame([[getattr(p, c) for c in columns] for p in self.problems],
                            columns=columns)

    def problem_counts(self) -> pd.Series:
        """How many rows each kind of problem affected, most frequent first."""
        if not self.problems:
            return pd.Series(dtype="int64", name="rows")
        kinds = pd.Series([f"{p.column}: {_problem_kind(p.problem)}" for p in self.problems])
        return kinds.value_counts().rename("rows")

    def summary(self) -> str:
        """A plain-text report: counts that reconcile, the first problems, what to do."""
        lines = [
            f"{self.source}: {self.rows_read} rows read, {self.rows_accepted} accepted, "
            f"{self.rows_rejected} rejected ({self.layout} layout, {self.encoding}, "
            f"delimiter {self.delimiter!r})",
        ]
        lines += [f"note: {note}" for note in self.notes]
        if self.ignored_columns:
            lines.append("ignored columns: " + ", ".join(self.ignored_columns))
        for problem in self.problems[:MAX_PROBLEMS_SHOWN]:
            lines.append(f"{problem.severity}: {problem}")
        if len(self.problems) > MAX_PROBLEMS_SHOWN:
            lines.append(f"… and {len(self.problems) - MAX_PROBLEMS_SHOWN} more problems "
                         "(see problems_frame())")
        if self.rows_rejected:
            lines.append("Rejected rows are not analysed: correct them in the file and load "
                         "it again.")
        return "\n".join(lines)


@dataclass
class LoadResult:
    frame: pd.DataFrame
    report: ValidationReport


def _problem_kind(problem: str) -> str:
    return problem.split(" '")[0].split(" (")[0]


def load_complaints(
    source: str | Path | pd.DataFrame,
    *,
    column_map: dict[str, str] | None = None,
    name: str | None = None,
) -> LoadResult:
    """Read and validate a complaint log.

    `source` is a CSV path or a DataFrame (e.g. from an upload or from the generator).
    `column_map` maps the file's own headers to course columns for layouts the loader cannot
    recognise ({"Ref": "complaint_id", "Opened": "received_at"}); it wins over detection.
    Returns the accepted rows as a typed frame in the course schema, plus the report.
    """
    if isinstance(source, pd.DataFrame):
        label = name or "<DataFrame>"
        raw, encoding, delimiter, bad_rows = source.reset_index(drop=True), "n/a", "n/a", []
    else:
        path = Path(source)
        label = name or str(path)
        text, encoding = _read_text(path, label)
        delimiter = _detect_delimiter(text)
        raw, bad_rows = _parse_csv(text, delimiter, label)
    return _validate(raw, label, encoding, delimiter, bad_rows, column_map or {})


def load_complaints_bytes(data: bytes, name: str, **options) -> LoadResult:
    """Load an uploaded file's bytes (the dashboard's upload widget hands over bytes)."""
    text, encoding = _decode(data, name)
    delimiter = _detect_delimiter(text)
    raw, bad_rows = _parse_csv(text, delimiter, name)
    return _validate(raw, name, encoding, delimiter, bad_rows, options.get("column_map") or {})


# --- reading ---------------------------------------------------------------------------------

def _read_text(path: Path, label: str) -> tuple[str, str]:
    if not path.exists():
        raise ComplaintDataError(
            f"file {label} not found. Check the path (the course's sample log is "
            "datasets/complaints.csv)."
        )
    if path.is_dir():
        raise ComplaintDataError(f"{label} is a folder, not a CSV file.")
    return _decode(path.read_bytes(), label)


def _decode(data: bytes, label: str) -> tuple[str, str]:
    if not data.strip():
        raise ComplaintDataError(
            f"file {label} is empty. Export the complaint log again with a header row and at "
            "least one complaint."
        )
    if b"\x00" in data[:4096]:
        raise ComplaintDataError(
            f"{label} is not a text CSV file (it contains binary data — an Excel workbook?). "
            "Save it as 'CSV UTF-8' and load that."
        )
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "UTF-8 with BOM"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252 (not UTF-8)"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "Latin-1 (not UTF-8)"


def _detect_delimiter(text: str) -> str:
    """Pick the delimiter that splits the header into the most fields (quotes respected)."""
    header = text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""
    counts = {d: len(next(csv.reader([header], delimiter=d), [])) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] > 1 else ","


def _parse_csv(text: str, delimiter: str, label: str) -> tuple[pd.DataFrame, list[RowProblem]]:
    """Parse all cells as text. Records with the wrong number of fields become problems."""
    options = {"sep": delimiter, "dtype": str, "keep_default_na": False, "na_filter": False}
    try:
        return pd.read_csv(io.StringIO(text), **options), []
    except pd.errors.EmptyDataError as error:
        raise ComplaintDataError(f"file {label} has no header row.") from error
    except pd.errors.ParserError:
        pass  # ragged records: find them one by one below, so none is lost without a word
    records = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    header, body = records[0], records[1:]
    good, bad = [], []
    for index, record in enumerate(body):
        if not any(cell.strip() for cell in record):
            continue  # a blank line is not a record
        if len(record) == len(header):
            good.append((index, record))
        else:
            bad.append(RowProblem(
                row=index + ROW_OFFSET, column="(whole row)", value=delimiter.join(record)[:80],
                problem=f"has {len(record)} fields, the header has {len(header)} (a stray "
                        "delimiter or an unclosed quote?)",
            ))
    frame = pd.DataFrame([r for _, r in good], columns=header, dtype=str)
    frame.index = pd.Index([i for i, _ in good])
    return frame, bad


# --- validating ------------------------------------------------------------------------------

class _Problems:
    """Collects problems per row index; a row with any error is rejected."""

    def __init__(self, frame_index: pd.Index):
        self.index = frame_index
        self.items: list[tuple[int, RowProblem]] = []

    def add(self, mask: np.ndarray, column: str, values: pd.Series, message, severity="error"):
        positions = np.flatnonzero(mask)
        for pos in positions:
            label = int(self.index[pos])
            value = "" if pd.isna(values.iloc[pos]) else str(values.iloc[pos])
            self.items.append((pos, RowProblem(
                row=label + ROW_OFFSET, column=column, value=value[:80],
                problem=message(value, pos) if callable(message) else message,
                severity=severity,
            )))

    def rejected_positions(self) -> np.ndarray:
        return np.array(sorted({pos for pos, p in self.items if p.severity == "error"}),
                        dtype=int)


def _map_columns(
    headers: list[str], column_map: dict[str, str], label: str
) -> tuple[str, dict[str, str], list[str]]:
    normalized = {h: schema.normalize_header(h) for h in headers}
    keys = set(normalized.values())
    layout = "cfpb" if len(keys & schema.CFPB_SIGNATURE) >= 2 else "course"
    lookup = schema.CFPB_COLUMNS if layout == "cfpb" else {c: c for c in schema.COLUMN_NAMES}
    unknown_targets = sorted(set(column_map.values()) - set(schema.COLUMN_NAMES)
                             - set(schema.CFPB_COLUMNS.values()))
    if unknown_targets:
        raise ComplaintDataError(
            f"column_map for {label} names unknown course columns: {', '.join(unknown_targets)}. "
            f"Course columns: {', '.join(schema.COLUMN_NAMES)}."
        )
    mapping, ignored = {}, []
    for header in headers:
        target = column_map.get(header) or lookup.get(normalized[header])
        if target and target not in mapping.values():
            mapping[header] = target
        else:
            ignored.append(header)
    missing = [c for c in schema.REQUIRED_COLUMNS if c not in mapping.values()]
    if missing:
        raise ComplaintDataError(
            f"{label} is missing required column(s) {', '.join(missing)}. Columns found: "
            f"{', '.join(repr(h) for h in headers) or 'none'}. The course layout needs "
            "complaint_id and received_at; a CFPB export needs 'Complaint ID' and "
            "'Date received' (or complaint_id and date_received). Rename the columns or pass "
            "column_map={'your header': 'complaint_id', …}."
        )
    return layout, mapping, ignored


def _text(values: pd.Series) -> pd.Series:
    return values.astype("string").str.strip()


def _parse_datetimes(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """ISO 8601 first, then US m/d/Y (CFPB style); returns parsed values and a bad-value mask."""
    if pd.api.types.is_datetime64_any_dtype(values):
        parsed = values
    else:
        text = _text(values)
        parsed = pd.to_datetime(text, format="ISO8601", errors="coerce")
        for fmt in ("%m/%d/%Y", "%m/%d/%Y %H:%M", "%m/%d/%Y %H:%M:%S"):
            retry = parsed.isna() & text.notna() & (text != "")
            if not retry.any():
                break
            parsed = parsed.where(~retry, pd.to_datetime(text.where(retry), format=fmt,
                                                          errors="coerce"))
        blank = text.isna() | (text == "")
    if getattr(parsed.dtype, "tz", None) is not None:
        parsed = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
    parsed = parsed.astype("datetime64[ns]")
    if pd.api.types.is_datetime64_any_dtype(values):
        return parsed, np.zeros(len(values), dtype=bool)
    return parsed, (parsed.isna() & ~blank).to_numpy()


def _parse_bools(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    if pd.api.types.is_bool_dtype(values):
        return values.astype("boolean"), np.zeros(len(values), dtype=bool)
    words = _text(values).str.lower().fillna("")
    result = pd.Series(pd.NA, index=values.index, dtype="boolean")
    result[words.isin(TRUE_WORDS)] = True
    result[words.isin(FALSE_WORDS)] = False
    bad = ~(words.isin(TRUE_WORDS) | words.isin(FALSE_WORDS) | words.isin(NA_WORDS))
    return result, bad.to_numpy()


def _parse_numbers(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    text = values if pd.api.types.is_numeric_dtype(values) else _text(values)
    numbers = pd.to_numeric(text, errors="coerce")
    blank = text.isna() if pd.api.types.is_numeric_dtype(values) else (text.isna() | (text == ""))
    return numbers, (numbers.isna() & ~blank).to_numpy()


def _normalize_category(values: pd.Series) -> pd.Series:
    """'Web form ' -> 'web_form'. Runs once per distinct value: a category column has a
    handful, and a million-row upload would otherwise spend seconds in the regex."""
    codes, distinct = pd.factorize(values, use_na_sentinel=True)
    normalized = pd.Series(distinct, dtype="string").str.strip().str.lower().str.replace(
        r"[\s\-]+", "_", regex=True)
    result = normalized.reindex(codes)  # code -1 (missing) gives <NA>
    result.index = values.index
    return result


def _validate(
    raw: pd.DataFrame,
    label: str,
    encoding: str,
    delimiter: str,
    bad_rows: list[RowProblem],
    column_map: dict[str, str],
) -> LoadResult:
    headers = [str(h) for h in raw.columns]
    layout, mapping, ignored = _map_columns(headers, column_map, label)
    raw = raw.reset_index(drop=False)
    row_index = pd.Index(raw.pop("index"))
    problems = _Problems(row_index)
    header_of = {target: header for header, target in mapping.items()}
    out: dict[str, pd.Series] = {}

    def cell(target: str) -> pd.Series:
        return raw[header_of[target]]

    ids = _text(cell("complaint_id")).astype(object)
    missing_id = ids.isna() | (ids == "")
    problems.add(missing_id.to_numpy(), header_of["complaint_id"], ids,
                 "missing complaint ID (every complaint needs a unique identifier, 7.2)")
    first_row = pd.Series(row_index + ROW_OFFSET, index=ids.index).groupby(ids).transform("min")
    duplicate = ids.duplicated(keep="first") & ~missing_id
    problems.add(duplicate.to_numpy(), header_of["complaint_id"], ids,
                 lambda v, pos: f"duplicate complaint ID '{v}' (first seen in row "
                                f"{int(first_row.iloc[pos])}); only the first is kept")
    out["complaint_id"] = ids.astype("string")

    datetime_targets = [t for t in (*schema.DATETIME_COLUMNS, "sent_to_company_at")
                        if t in header_of]
    for target in datetime_targets:
        parsed, bad = _parse_datetimes(cell(target))
        problems.add(bad, header_of[target], cell(target),
                     lambda v, pos: f"unparseable date '{v}' (use YYYY-MM-DD [HH:MM:SS] or "
                                    "m/d/YYYY)")
        out[target] = parsed
    received = out["received_at"]
    problems.add((received.isna() & ~_bad_positions(problems, header_of["received_at"],
                                                     len(raw))).to_numpy(),
                 header_of["received_at"], cell("received_at"),
                 "missing date received (needed for every time-based measure)")
    for target in schema.EVENT_COLUMNS:
        if target in out:
            before = (out[target] < received).fillna(False).to_numpy()
            problems.add(before, header_of[target], cell(target),
                         lambda v, pos, t=target: f"{t} '{v}' is before received_at "
                                                  f"'{received.iloc[pos]:%Y-%m-%d}'")
    if "sent_to_company_at" in out:
        # Real CFPB exports date some forwards a day before receipt (time zones); the date is
        # informative only, so the row is kept and the oddity reported.
        before = (out["sent_to_company_at"].dt.normalize() < received.dt.normalize())
        problems.add(before.fillna(False).to_numpy(), header_of["sent_to_company_at"],
                     cell("sent_to_company_at"),
                     lambda v, pos: f"date sent to company '{v}' is before the date received "
                                    f"'{received.iloc[pos]:%Y-%m-%d}' (kept)",
                     severity="warning")

    for target in schema.BOOL_COLUMNS:
        if target in header_of:
            parsed, bad = _parse_bools(cell(target))
            problems.add(bad, header_of[target], cell(target),
                         lambda v, pos: f"'{v}' is not a yes/no value (use true or false)")
            out[target] = parsed
    for target in ("cfpb_timely_response", "cfpb_consumer_disputed"):
        if target in header_of:
            parsed, bad = _parse_bools(cell(target))
            problems.add(bad, header_of[target], cell(target),
                         lambda v, pos: f"'{v}' is not Yes/No")
            out[target] = parsed

    for target, low, high in (("escalation_level", 0, 2), ("satisfaction_score", 1, 5),
                              ("redress_amount", 0, None)):
        if target not in header_of:
            continue
        numbers, bad = _parse_numbers(cell(target))
        out_of_range = (numbers < low) | ((numbers > high) if high is not None else False)
        if target != "redress_amount":
            out_of_range |= numbers.notna() & (numbers % 1 != 0)
        out_of_range = out_of_range.fillna(False).to_numpy() & ~bad
        allowed = f"a whole number from {low} to {high}" if high is not None else "≥ 0"
        problems.add(bad | out_of_range, header_of[target], cell(target),
                     lambda v, pos, a=allowed: f"'{v}' is not {a}")
        out[target] = numbers.astype("Float64" if target == "redress_amount" else "Int64")

    for column in schema.COLUMNS:
        target = column.name
        if target in out or target not in header_of:
            continue
        if layout == "course" and column.allowed is not None and column.kind == "category":
            values = _normalize_category(cell(target))
            present = values.notna() & (values != "")
            unknown = present & ~values.isin([str(a) for a in column.allowed])
            allowed = ", ".join(str(a) for a in column.allowed)
            problems.add(unknown.to_numpy(), header_of[target], cell(target),
                         lambda v, pos, a=allowed, t=target: f"unknown {t} '{v}' (allowed: {a})")
            out[target] = values.where(present).astype("string")
        else:
            values = _text(cell(target))
            out[target] = values.where(values != "").astype("string")
    for target in mapping.values():
        if target not in out:
            values = _text(cell(target))
            out[target] = values.where(values != "").astype("string")

    rejected = problems.rejected_positions()
    keep = np.ones(len(raw), dtype=bool)
    keep[rejected] = False
    ordered = [c for c in schema.COLUMN_NAMES if c in out] + sorted(
        c for c in out if c not in schema.COLUMN_NAMES)
    frame = pd.DataFrame({c: out[c] for c in ordered})[keep].reset_index(drop=True)
    row_problems = [p for _, p in sorted(problems.items, key=lambda item: item[1].row)]
    all_problems = sorted(bad_rows + row_problems, key=lambda p: p.row)
    rows_read = len(raw) + len(bad_rows)
    notes = []
    if "not UTF-8" in encoding:
        notes.append(f"the file is not UTF-8; it was read as {encoding.split(' (')[0]}. Check "
                     "accented characters, or save it as 'CSV UTF-8'.")
    if delimiter not in (",", "n/a"):
        notes.append(f"values are separated by {delimiter!r}, not commas")
    report = ValidationReport(
        source=label, layout=layout, encoding=encoding, delimiter=delimiter,
        rows_read=rows_read, rows_accepted=int(keep.sum()),
        rows_rejected=len(rejected) + len(bad_rows), column_mapping=mapping,
        ignored_columns=ignored, problems=all_problems, notes=notes,
    )
    return LoadResult(frame=frame, report=report)


def _bad_positions(problems: _Problems, column: str, length: int) -> pd.Series:
    """Rows already reported for a column, so one cell gets one message, not two."""
    mask = np.zeros(length, dtype=bool)
    for pos, problem in problems.items:
        if problem.column == column:
            mask[pos] = True
    return pd.Series(mask)
