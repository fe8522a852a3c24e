"""Reading the course's YAML files (policy, course map, scenarios, criteria, …) one way.

Every content file can fail in the same ways — it is missing, a trainer's edit broke the
syntax, a key is missing, a value has the wrong type or is not one of the allowed ones — and
each should say so naming the file, the key, the value found and the fix, in the error type
of the module that reads it (a subclass of ContentError), so a view or the CLI can catch that
one type. Writing those checks once keeps the messages identical everywhere and lets a loader
collect every problem of a file before raising: a trainer who edits a file then sees them all
at once instead of fixing them one run at a time.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import yaml

from widgets.core.common.errors import ContentError

_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")


def read_yaml(path: Path, error: Callable[[str], Exception], what: str = "file") -> object:
    """Parse `path`; raise `error(message)` when it is missing, unreadable or not valid YAML."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise error(f"{what} {path} not found") from exc
    except UnicodeDecodeError as exc:
        raise error(f"{what} {path} cannot be read: it is not UTF-8 text; save it as UTF-8"
                    ) from exc
    except OSError as exc:
        raise error(f"{what} {path} cannot be read ({exc.strerror or exc}); check that it is "
                    "a file you may read") from exc
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise error(f"{path}: not valid YAML ({exc}); fix the syntax at the line shown") from exc


Item = TypeVar("Item")
Parsed = TypeVar("Parsed")


def by_id(items: Iterable[Item], wanted: object, what: str = "item", *, owner: str = "",
          known: str = "known ids:", attr: str = "id",
          error: Callable[[str], Exception] = KeyError) -> Item:
    """The item whose `attr` (its id) is `wanted`; else `error` naming the ids there are, so a
    typo in a notebook call (`LifecycleSimulator("gas-safty")`) says what to write instead.

    The message reads "<owner> has no <what> '<wanted>'; <known> a, b, c" ("no <what> …"
    without an owner).
    """
    items = list(items)
    for item in items:
        if getattr(item, attr) == wanted:
            return item
    subject = f"{owner} has no {what}" if owner else f"no {what}"
    ids = ", ".join(str(getattr(item, attr)) for item in items) or "none"
    raise error(f"{subject} {wanted!r}; {known} {ids}")


def _problems_message(source: object, problems: Sequence[str]) -> str:
    """One problem as it is; several as a count and a list, so each is read on its own line."""
    if len(problems) == 1:
        return problems[0]
    return f"{source}: {len(problems)} problems\n" + "\n".join(f"- {p}" for p in problems)


class ContentReader:
    """Typed access to one YAML content document; every error names the file, the key, the
    value and the fix, in the error type of the module that reads it.

    With `collect=True`, `entry()` blocks and `problem()` record what is wrong instead of
    raising, and `done()` raises once with every problem (error.problems lists them).
    """

    def __init__(self, source: Path | str, error: type[ContentError] = ContentError, *,
                 collect: bool = False) -> None:
        self.source = source
        self.error = error
        self.collect = collect
        self.problems: list[str] = []

    # ----------------------------------------------------------------- failing and collecting

    def fail(self, where: str, message: str) -> ContentError:
        """The error for a problem at key path `where` (the caller raises it)."""
        return self.error(f"{self.source}: '{where}' {message}")

    def problem(self, where: str, message: str) -> None:
        """Report a problem: recorded when collecting (the loader goes on), else raised."""
        error = self.fail(where, message)
        if not self.collect:
            raise error
        self.problems.append(str(error))

    @contextmanager
    def entry(self) -> Iterator[None]:
        """Check one entry; when collecting, its first problem is recorded and the loader
        moves on to the next entry, so every broken entry is reported in one run."""
        if not self.collect:
            yield
            return
        try:
            yield
        except ContentError as exc:
            self.problems.extend(exc.problems)

    def check(self, read: Callable[[], Parsed]) -> Parsed | None:
        """One check on its own: when collecting, its problem is recorded and None given, so
        the other fields of the same entry are still checked."""
        with self.entry():
            return read()
        return None

    def done(self) -> None:
        """Raise every recorded problem at once (nothing when there is none)."""
        if self.problems:
            problems, self.problems = self.problems, []
            raise self.error(_problems_message(self.source, problems), problems)

    # ----------------------------------------------------------------- documents and lists

    def document(self, what: str, keys: Sequence[str] | None = None,
                 optional: Sequence[str] = ()) -> dict:
        """Read the source file as YAML (missing, broken or not a mapping: the error names
        the file), checking its top-level keys when `keys` are given."""
        top = self.mapping(read_yaml(Path(self.source), self.error, what), "(top level)")
        if keys is not None:
            self.keys(top, "", keys, optional)
        return top

    def each(self, mapping: dict, key: str, where: str, parse: Callable[[dict, str], Parsed],
             *, at_least: int = 1, unit: str = "entries") -> list[Parsed]:
        """`parse(entry, its key path)` for every entry of the list `key`; when collecting, a
        broken entry is recorded and the others are still read."""
        entries = self.entries(mapping, key, where)
        if len(entries) < at_least:
            self.problem(f"{where}{key}", f"must list at least {at_least} {unit}")
        parsed = []
        for place, entry in entries:
            with self.entry():
                parsed.append(parse(entry, place))
        return parsed

    # ----------------------------------------------------------------- typed access

    def mapping(self, value: object, where: str) -> dict:
        if not isinstance(value, dict):
            raise self.fail(where, f"must be a mapping of keys; found {value!r}")
        return value

    def get(self, mapping: dict, key: str, where: str) -> object:
        if key not in mapping:
            raise self.fail(f"{where}{key}", "is missing")
        return mapping[key]

    def text(self, mapping: dict, key: str, where: str) -> str:
        """Required non-empty text, with runs of white space (YAML folding) made one space."""
        value = self.get(mapping, key, where)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{where}{key}", f"must be non-empty text; found {value!r}")
        return " ".join(value.split())

    def optional_text(self, mapping: dict, key: str, where: str, default: str = "") -> str:
        """Text that may be left out (or null), giving `default`; when given it must be
        non-empty text."""
        if mapping.get(key) is None:
            return default
        return self.text(mapping, key, where)

    def texts(self, mapping: dict, key: str, where: str, *, allow_empty: bool = False
              ) -> tuple[str, ...]:
        value = self.get(mapping, key, where)
        if (not isinstance(value, list) or (not value and not allow_empty)
                or not all(isinstance(v, str) and v.strip() for v in value)):
            need = "a list" if allow_empty else "a non-empty list"
            raise self.fail(f"{where}{key}", f"must be {need} of texts; found {value!r}")
        return tuple(" ".join(v.split()) for v in value)

    def members(self, mapping: dict, key: str, where: str, allowed: Collection[str],
                what: str = "values", *, allow_empty: bool = False) -> tuple[str, ...]:
        """A list whose every item is one of `allowed` (ids, rules, clauses); the message
        lists the allowed values when they are few enough to read."""
        value = self.get(mapping, key, where)
        if (not isinstance(value, list) or (not value and not allow_empty)
                or not all(isinstance(v, str) and v in allowed for v in value)):
            need = "a list" if allow_empty else "a non-empty list"
            listed = f" ({', '.join(allowed)})" if len(allowed) <= 12 else ""
            bad = [repr(v) for v in value if not isinstance(v, str) or v not in allowed] \
                if isinstance(value, list) else []
            which = f" ({', '.join(bad)} {'is' if len(bad) == 1 else 'are'} not)" if bad else ""
            raise self.fail(f"{where}{key}", f"must be {need} of {what}{listed}; "
                            f"found {value!r}{which}")
        return tuple(value)

    def slug(self, mapping: dict, key: str, where: str) -> str:
        """An id made for file names and URLs: lowercase letters, digits and '-'."""
        value = self.get(mapping, key, where)
        if not isinstance(value, str) or not _SLUG.fullmatch(value):
            raise self.fail(f"{where}{key}", "must be lowercase letters, digits and '-'; "
                            f"found {value!r}")
        return value

    def entries(self, mapping: dict, key: str, where: str) -> list[tuple[str, dict]]:
        """The entries of a non-empty list of mappings, each with its key path
        ('questions[3].') for messages."""
        value = self.get(mapping, key, where)
        if not isinstance(value, list) or not value:
            raise self.fail(f"{where}{key}", f"must be a non-empty list; found {value!r}")
        return [(f"{where}{key}[{n}].", self.mapping(entry, f"{where}{key}[{n}]"))
                for n, entry in enumerate(value, start=1)]

    def date(self, mapping: dict, key: str, where: str) -> dt.date:
        value = self.get(mapping, key, where)
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            raise self.fail(f"{where}{key}", f"must be a date YYYY-MM-DD; found {value!r}"
                            ) from None

    def choice(self, mapping: dict, key: str, where: str, allowed: Sequence[str]) -> str:
        value = self.get(mapping, key, where)
        if value not in allowed:
            raise self.fail(f"{where}{key}", f"must be one of {', '.join(map(str, allowed))}; "
                            f"found {value!r}")
        return value

    def number(self, mapping: dict, key: str, where: str, *, low: float | None = None,
               high: float | None = None, integer: bool = False) -> float:
        """A number (not a yes/no) within [low, high]; `integer` asks for a whole number (2.0
        counts as 2)."""
        value = self.get(mapping, key, where)
        if (isinstance(value, bool) or not isinstance(value, int | float)
                or (integer and not float(value).is_integer())
                or (low is not None and value < low) or (high is not None and value > high)):
            kind = "a whole number" if integer else "a number"
            bounds = (f" from {low} to {high}" if low is not None and high is not None
                      else f" of at least {low}" if low is not None
                      else f" of at most {high}" if high is not None else "")
            raise self.fail(f"{where}{key}", f"must be {kind}{bounds}; found {value!r}")
        return int(value) if integer else value

    def keys(self, mapping: dict, where: str, required: Sequence[str],
             optional: Sequence[str] = ()) -> None:
        """Every required key present and no other than the optional ones (a misspelt key
        would otherwise be silently ignored)."""
        missing = [k for k in required if k not in mapping]
        unknown = sorted(set(mapping) - set(required) - set(optional))
        if missing or unknown:
            may = f" (and may have {', '.join(optional)})" if optional else ""
            raise self.fail(where.rstrip(".") or "(top level)",
                            f"needs the keys {', '.join(required)}{may}; "
                            f"found {', '.join(map(str, mapping)) or 'none'}")

    def known(self, mapping: dict, where: str, allowed: Sequence[str]) -> None:
        unknown = sorted(set(mapping) - set(allowed))
        if unknown:
            raise self.fail(where.rstrip(".") or "(top level)",
                            f"has unknown key(s) {', '.join(unknown)}; allowed: "
                            f"{', '.join(allowed)}")

    def unique(self, ids: list[str], where: str) -> None:
        """Each id once (a problem, so collected like the others when collecting)."""
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            self.problem(where, f"uses the id(s) {', '.join(repeated)} more than once")
