"""The clause list every piece of content cites (widgets/content/clauses.yaml).

Why: feedback that says "see 7.5" teaches more when it says "ISO 10002:2018 7.5 Initial
assessment of complaint", and a question that cites a clause which does not exist (a typo,
"7.10") must be caught by a test rather than by a learner. One file lists the ISO 10002:2018
clauses and annexes, the ISO 19011 and ISO 9001 clauses the course uses and the sibling
standards, with our own short titles and the confidence marker ([C] confirmed, [R]
reconstructed) from the course's content map.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from widgets.core.common.paths import CONTENT_DIR
from widgets.core.common.reader import read_yaml

CLAUSES_FILE = CONTENT_DIR / "clauses.yaml"
HOME_STANDARD = "10002"
CONFIDENCE = {"C": "confirmed from public sources", "R": "reconstructed numbering: verify"}
TITLE_NOTE = (
    "Clause titles follow ISO 10002:2018 in our own words; check them against a licensed copy. "
    "[R] marks numbering reconstructed from earlier editions."
)
_NUMBER = re.compile(r"(?:[0-9]+|[A-Z])(?:\.[0-9]+)*")


class ClausesError(ValueError):
    """clauses.yaml is malformed; the message names the file, the entry and the field."""


@dataclass(frozen=True)
class Standard:
    key: str
    name: str
    title: str
    role: str
    confidence: str


@dataclass(frozen=True)
class Clause:
    """A citable reference: a clause or annex, or a whole sibling standard (``number`` "")."""

    id: str
    standard: Standard
    number: str
    title: str
    summary: str
    confidence: str

    @property
    def label(self) -> str:
        """'ISO 10002:2018 7.5 Initial assessment of complaint', 'ISO 10002:2018 Annex B
        Guidance for small businesses', or 'ISO 10003:2018 (<title>)' for a whole standard."""
        if not self.number:
            return f"{self.standard.name} ({self.title})"
        number = f"Annex {self.number}" if self.number.isalpha() else self.number
        return f"{self.standard.name} {number} {self.title}"

    @property
    def marked_label(self) -> str:
        """The label with its confidence marker, e.g. '... 4.5 Accessibility [R]'."""
        return f"{self.label} [{self.confidence}]"


def _text(entry: dict[str, Any], field: str, where: str, source: str) -> str:
    value = entry.get(field)
    if not isinstance(value, str) or not value.strip():
        raise ClausesError(f"{source}: {where}: field '{field}' must be a non-empty text")
    return value.strip()


def _confidence(entry: dict[str, Any], where: str, source: str) -> str:
    value = entry.get("confidence")
    if value not in CONFIDENCE:
        raise ClausesError(
            f"{source}: {where}: field 'confidence' must be C or R (see the file header), "
            f"got {value!r}"
        )
    return value


def parse_clauses(document: Any, source: str) -> dict[str, Clause]:
    """Build the clause index from the parsed YAML; raise :class:`ClausesError` on the first
    malformed entry, naming ``source``, the entry and the field."""
    if not isinstance(document, dict):
        raise ClausesError(f"{source}: the file must hold a mapping with 'standards' and 'clauses'")
    standards: dict[str, Standard] = {}
    for position, entry in enumerate(document.get("standards") or [], start=1):
        where = f"standards entry {position}"
        if not isinstance(entry, dict):
            raise ClausesError(f"{source}: {where} must be a mapping")
        key = _text(entry, "key", where, source)
        if key in standards:
            raise ClausesError(f"{source}: {where}: standard key {key!r} is listed twice")
        standards[key] = Standard(
            key=key,
            name=_text(entry, "name", f"standard {key}", source),
            title=_text(entry, "title", f"standard {key}", source),
            role=_text(entry, "role", f"standard {key}", source),
            confidence=_confidence(entry, f"standard {key}", source),
        )
    if HOME_STANDARD not in standards:
        raise ClausesError(f"{source}: 'standards' must list ISO {HOME_STANDARD}")
    clauses = {
        key: Clause(key, standard, "", standard.title, standard.role, standard.confidence)
        for key, standard in standards.items()
        if key != HOME_STANDARD
    }
    for position, entry in enumerate(document.get("clauses") or [], start=1):
        where = f"clauses entry {position}"
        if not isinstance(entry, dict):
            raise ClausesError(f"{source}: {where} must be a mapping")
        clause_id = _text(entry, "id", where, source)
        where = f"clause {clause_id!r}"
        if clause_id in clauses:
            raise ClausesError(
                f"{source}: {where} is listed twice (or clashes with a standard key)"
            )
        key, _, number = clause_id.rpartition(":")
        key = key or HOME_STANDARD
        if key not in standards:
            raise ClausesError(
                f"{source}: {where}: unknown standard {key!r}; add it to 'standards'"
            )
        if not _NUMBER.fullmatch(number):
            raise ClausesError(
                f"{source}: {where}: the clause number must look like 7, 7.5, B or A.6"
            )
        clauses[clause_id] = Clause(
            id=clause_id,
            standard=standards[key],
            number=number,
            title=_text(entry, "title", where, source),
            summary=_text(entry, "summary", where, source),
            confidence=_confidence(entry, where, source),
        )
    return clauses


@functools.cache
def _load_default() -> dict[str, Clause]:
    return _load(CLAUSES_FILE)


def _load(path: Path) -> dict[str, Clause]:
    return parse_clauses(read_yaml(path, ClausesError, "clause list"), str(path))


def load_clauses(path: str | Path | None = None) -> dict[str, Clause]:
    """Every citable reference by id. The course's own file is read once per process."""
    if path is None:
        return dict(_load_default())
    return _load(Path(path))
