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

from widgets.core.common.errors import ContentError
from widgets.core.common.paths import CONTENT_DIR
from widgets.core.common.reader import ContentReader, read_yaml

CLAUSES_FILE = CONTENT_DIR / "clauses.yaml"
HOME_STANDARD = "10002"
CONFIDENCE = {"C": "confirmed from public sources", "R": "reconstructed numbering: verify"}
TITLE_NOTE = (
    "Clause titles follow ISO 10002:2018 in our own words; check them against a licensed copy. "
    "[R] marks numbering reconstructed from earlier editions."
)
_NUMBER = re.compile(r"(?:[0-9]+|[A-Z])(?:\.[0-9]+)*")


class ClausesError(ContentError):
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


def _standard(r: ContentReader, entry: dict, where: str) -> Standard:
    return Standard(key=r.text(entry, "key", where), name=r.text(entry, "name", where),
                    title=r.text(entry, "title", where), role=r.text(entry, "role", where),
                    confidence=r.choice(entry, "confidence", where, CONFIDENCE))


def _clause(r: ContentReader, entry: dict, where: str, standards: dict[str, Standard]
            ) -> Clause:
    clause_id = r.text(entry, "id", where)
    key, _, number = clause_id.rpartition(":")
    key = key or HOME_STANDARD
    if key not in standards:
        raise r.fail(f"{where}id", f"{clause_id!r} names an unknown standard {key!r}; add it "
                     "to 'standards'")
    if not _NUMBER.fullmatch(number):
        raise r.fail(f"{where}id", f"{clause_id!r}: the clause number must look like 7, 7.5, "
                     "B or A.6")
    return Clause(id=clause_id, standard=standards[key], number=number,
                  title=r.text(entry, "title", where), summary=r.text(entry, "summary", where),
                  confidence=r.choice(entry, "confidence", where, CONFIDENCE))


def parse_clauses(document: Any, source: str) -> dict[str, Clause]:
    """Build the clause index from the parsed YAML; raise :class:`ClausesError` naming
    ``source``, the entry and the field of every malformed entry at once."""
    r = ContentReader(source, ClausesError, collect=True)
    top = r.mapping(document, "(top level)")
    r.keys(top, "", ("standards", "clauses"))
    standards: dict[str, Standard] = {}
    for where, entry in r.entries(top, "standards", ""):
        with r.entry():
            standard = _standard(r, entry, where)
            if standard.key in standards:
                raise r.fail(f"{where}key", f"standard key {standard.key!r} is listed twice")
            standards[standard.key] = standard
    if HOME_STANDARD not in standards:
        r.problem("standards", f"must list ISO {HOME_STANDARD}")
    r.done()
    clauses = {
        key: Clause(key, standard, "", standard.title, standard.role, standard.confidence)
        for key, standard in standards.items()
        if key != HOME_STANDARD
    }
    for where, entry in r.entries(top, "clauses", ""):
        with r.entry():
            clause = _clause(r, entry, where, standards)
            if clause.id in clauses:
                raise r.fail(f"{where}id", f"clause {clause.id!r} is listed twice (or clashes "
                             "with a standard key)")
            clauses[clause.id] = clause
    r.done()
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
