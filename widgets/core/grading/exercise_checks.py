"""Property checks for the confidentiality exercise (ex05): is an extract really pseudonymized?

Why properties and not a model answer: there are many right ways to pseudonymize a complaint
extract (a keyed hash, a random key table kept under lock, ...) and one grader cannot list
them. What every right answer shares can be checked: no name, e-mail address, phone number or
account number is left anywhere (descriptions included, phone numbers in any spacing); the
rest of the record is untouched; one customer has one key, two customers two keys; the same
secret gives the same key in another extract, and another secret gives other keys, so nobody
without the secret can recompute a key from an account number (ISO 10002 4.10; the fictional
policy's section 7). The exercise's hidden tests call these functions; each returns the
problems it found, worded for the learner, and an empty list when the answer holds.
"""

from __future__ import annotations

import re

import pandas as pd

from widgets.core.complaints.breaches import PERSONAL_DATA

PERSONAL_COLUMNS = ("customer_id", "customer_name", "customer_email", "customer_phone")
KEY_COLUMN = "customer_key"
MIN_PHONE_DIGITS = 10


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _text_cells(frame: pd.DataFrame, column: str) -> list[str]:
    return ["" if pd.isna(value) else str(value) for value in frame[column]]


def _first_hit(pattern: re.Pattern, cells: list[str]) -> int | None:
    for row, cell in enumerate(cells):
        if pattern.search(cell):
            return row
    return None


def _alternatives(values: set[str]) -> re.Pattern | None:
    values = {value for value in values if value}
    if not values:
        return None
    ordered = sorted(values, key=len, reverse=True)
    return re.compile("|".join(re.escape(value) for value in ordered), re.IGNORECASE)


def _personal_values(original: pd.DataFrame) -> dict[str, set[str]]:
    """What must not survive, by kind, from the original extract."""
    found: dict[str, set[str]] = {}
    for column, kind in (("customer_name", "customer name"), ("customer_email", "e-mail address"),
                         ("customer_id", "account number"), ("customer_phone", "phone number")):
        if column in original.columns:
            found[kind] = {str(v).strip() for v in original[column].dropna()} - {""}
    if "description" in original.columns:
        for text in original["description"].dropna():
            for match in PERSONAL_DATA.finditer(str(text)):
                kind = "e-mail address" if "@" in match.group(0) else "phone number"
                found.setdefault(kind, set()).add(match.group(0).strip())
    return found


def personal_data_problems(original: pd.DataFrame, result: object) -> list[str]:
    """What is wrong with `result` as a pseudonymized copy of `original`, apart from the key.

    Checks: a DataFrame with the same complaints in the same order; none of the personal
    columns; no name, e-mail address, account number or phone number (also with its spaces
    removed) of the original anywhere in any column; descriptions without personal data left
    exactly as they were; every other original column unchanged.
    """
    if not isinstance(result, pd.DataFrame):
        return [f"the result must be a pandas DataFrame, not {type(result).__name__}"]
    problems: list[str] = []
    if len(result) != len(original) or (
            "complaint_id" in result.columns
            and list(result["complaint_id"]) != list(original["complaint_id"])):
        problems.append("keep every complaint, once, in the original order (same complaint_id "
                        "column)")
    kept = [column for column in PERSONAL_COLUMNS if column in result.columns]
    if kept:
        problems.append(f"remove the column(s) {', '.join(kept)}")
    values = _personal_values(original)
    phone_digits = {_digits(v) for v in values.get("phone number", set())}
    phone_digits = {d for d in phone_digits if len(d) >= MIN_PHONE_DIGITS}
    patterns = {kind: _alternatives(found) for kind, found in values.items()}
    digit_pattern = _alternatives(phone_digits)
    for column in result.columns:
        cells = _text_cells(result, column)
        for kind, pattern in patterns.items():
            row = _first_hit(pattern, cells) if pattern else None
            if row is not None:
                article = "an" if kind[0] in "aeiou" else "a"
                problems.append(f"{article} {kind} is still in column {column!r} (row {row})")
        if digit_pattern is not None:
            row = _first_hit(digit_pattern, [_digits(cell) for cell in cells])
            if row is not None and not any(p.startswith(f"a phone number is still in column "
                                                        f"{column!r}") for p in problems):
                problems.append(f"a phone number (written without spaces) is still in column "
                                f"{column!r} (row {row})")
    if problems or len(result) != len(original):
        return problems
    if "description" in original.columns:
        if "description" not in result.columns:
            problems.append("keep the description column: only its personal data goes")
        else:
            before = _text_cells(original, "description")
            after = _text_cells(result, "description")
            for row, (old, new) in enumerate(zip(before, after, strict=True)):
                if not PERSONAL_DATA.search(old) and old != new:
                    problems.append(f"the description in row {row} had no personal data but "
                                    "was changed")
                    break
    for column in original.columns:
        if column in PERSONAL_COLUMNS or column == "description":
            continue
        if column not in result.columns:
            problems.append(f"keep the column {column!r}: it is not personal data")
        elif not original[column].reset_index(drop=True).equals(
                result[column].reset_index(drop=True)):
            problems.append(f"the column {column!r} was changed: only personal data should go")
    return problems


def key_problems(original: pd.DataFrame, result: pd.DataFrame) -> list[str]:
    """One customer, one key; two customers, two keys; no account number inside the key."""
    if KEY_COLUMN not in result.columns:
        return [f"add a column {KEY_COLUMN!r} with each customer's key"]
    keys = result[KEY_COLUMN].reset_index(drop=True)
    if keys.isna().any() or len(keys) != len(original):
        return [f"every complaint needs a {KEY_COLUMN}"]
    customers = original["customer_id"].astype(str).reset_index(drop=True)
    pairs = pd.DataFrame({"customer": customers, "key": keys.astype(str)})
    problems = []
    if (pairs.groupby("customer")["key"].nunique() > 1).any():
        problems.append("the same customer has different keys in different complaints")
    if (pairs.groupby("key")["customer"].nunique() > 1).any():
        problems.append("different customers share a key")
    if any(_digits(customer) and _digits(customer) in key
           for customer, key in zip(pairs["customer"], pairs["key"], strict=True)):
        problems.append("a key contains the customer's account number: anyone could read it "
                        "back")
    return problems


def _key_by_customer(original: pd.DataFrame, result: pd.DataFrame) -> dict[str, str]:
    return dict(zip(original["customer_id"].astype(str), result[KEY_COLUMN].astype(str),
                    strict=True))


def stable_key_problems(first: tuple[pd.DataFrame, pd.DataFrame],
                        second: tuple[pd.DataFrame, pd.DataFrame]) -> list[str]:
    """Two extracts pseudonymized with the same secret: a customer in both has one key."""
    one, two = _key_by_customer(*first), _key_by_customer(*second)
    shared = sorted(set(one) & set(two))
    if not shared:
        raise ValueError("the two extracts share no customer, so key stability cannot be "
                         "checked; choose extracts with repeat complainants")
    if any(one[customer] != two[customer] for customer in shared):
        return ["with the same secret, a customer gets a different key in another extract: "
                "keys must not depend on the rows of one extract"]
    return []


def secret_problems(original: pd.DataFrame, with_one: pd.DataFrame,
                    with_other: pd.DataFrame) -> list[str]:
    """The same extract pseudonymized with two secrets: every customer's key differs, so the
    keys cannot be recomputed from account numbers without the secret."""
    one, other = _key_by_customer(original, with_one), _key_by_customer(original, with_other)
    if any(one[customer] == other[customer] for customer in one):
        return ["a key does not depend on the secret: anyone could recompute it from the "
                "account number (use a keyed hash such as HMAC with the secret)"]
    return []


def set_difference_message(name: str, answer: set, expected: set) -> str:
    """How a learner's set of ids differs from the reference, in counts only (the ids
    themselves would give the answer away)."""
    missing, extra = len(expected - answer), len(answer - expected)
    return (f"{name} misses {missing} record(s) and holds {extra} that do not belong"
            if missing or extra else f"{name} is right")
