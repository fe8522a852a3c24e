"""The pseudonymization checks behind ex05's hidden tests, on real extracts of the sample log.

A right answer must pass every check, and each classic mistake must be caught by the check
meant for it, with a message that says what to fix: a plain hash anyone can recompute, keys
numbered row by row, an e-mail address left in a description, a phone number kept without
its spaces, the account number inside the key, a description or another column changed.
"""

from __future__ import annotations

import hashlib
import hmac

import pandas as pd
import pytest

from widgets.core.common.paths import datasets_dir
from widgets.core.complaints import load_complaints
from widgets.core.complaints.breaches import PERSONAL_DATA
from widgets.core.grading.exercise_checks import (
    key_problems,
    personal_data_problems,
    secret_problems,
    set_difference_message,
    stable_key_problems,
)


def right(frame: pd.DataFrame, secret: str) -> pd.DataFrame:
    """A correct pseudonymization: keyed hash, contact details out, descriptions scrubbed."""
    result = frame.drop(columns=["customer_name", "customer_email", "customer_phone"])
    result["customer_key"] = [hmac.new(secret.encode(), str(c).encode(), hashlib.sha256)
                              .hexdigest()[:16] for c in frame["customer_id"]]
    result = result.drop(columns="customer_id")
    result["description"] = frame["description"].str.replace(
        PERSONAL_DATA, lambda m: "[e-mail]" if "@" in m.group(0) else "[phone]", regex=True)
    return result


@pytest.fixture(scope="module")
def months() -> dict[str, pd.DataFrame]:
    log = load_complaints(datasets_dir() / "complaints.csv").frame
    received = log["received_at"].dt.to_period("M")
    return {month: log[received == pd.Period(month, "M")].reset_index(drop=True)
            for month in ("2025-03", "2024-03")}


def test_a_right_answer_passes_every_check(months):
    march, earlier = months["2025-03"], months["2024-03"]
    given = march.copy()
    first, other = right(given, "one"), right(march, "two")
    assert given.equals(march)
    assert personal_data_problems(march, first) == []
    assert key_problems(march, first) == []
    assert stable_key_problems((march, first), (earlier, right(earlier, "one"))) == []
    assert secret_problems(march, first, other) == []


def test_the_extracts_hold_what_the_checks_need(months):
    march, earlier = months["2025-03"], months["2024-03"]
    # Descriptions with contact details (planted breaches) and repeat customers, in each month.
    assert march["description"].str.contains(PERSONAL_DATA).sum() == 3
    assert earlier["description"].str.contains(PERSONAL_DATA).sum() == 3
    assert march["customer_id"].duplicated().any()
    assert set(march["customer_id"]) & set(earlier["customer_id"])


def test_a_plain_hash_is_caught_as_recomputable(months):
    march = months["2025-03"]

    def plain(frame, secret):
        result = right(frame, secret)
        result["customer_key"] = [hashlib.sha256(c.encode()).hexdigest()[:16]
                                  for c in frame["customer_id"]]
        return result

    assert key_problems(march, plain(march, "one")) == []
    assert secret_problems(march, plain(march, "one"), plain(march, "two")) == [
        "a key does not depend on the secret: anyone could recompute it from the account "
        "number (use a keyed hash such as HMAC with the secret)"]


def test_keys_numbered_row_by_row_are_caught_as_unstable(months):
    def numbered(frame, secret):
        result = right(frame, secret)
        codes = {c: f"K{i:04d}" for i, c in enumerate(pd.unique(frame["customer_id"]))}
        result["customer_key"] = frame["customer_id"].map(codes).to_numpy()
        return result

    march, earlier = months["2025-03"], months["2024-03"]
    assert key_problems(march, numbered(march, "s")) == []
    problems = stable_key_problems((march, numbered(march, "s")), (earlier, numbered(earlier, "s")))
    assert problems and "different key in another extract" in problems[0]


def test_contact_details_left_in_descriptions_are_found(months):
    march = months["2025-03"]
    result = right(march, "s")
    result["description"] = march["description"]
    rows = march.index[march["description"].str.contains(PERSONAL_DATA)]
    problems = personal_data_problems(march, result)
    assert f"an e-mail address is still in column 'description' (row {rows[1]})" in problems
    assert f"a phone number is still in column 'description' (row {rows[0]})" in problems


def test_a_phone_number_without_spaces_is_found(months):
    march = months["2025-03"]
    result = right(march, "s").assign(contact=march["customer_phone"].str.replace(" ", ""))
    assert personal_data_problems(march, result) == [
        "a phone number (written without spaces) is still in column 'contact' (row 0)"]


def test_a_kept_column_and_names_elsewhere_are_found(months):
    march = months["2025-03"]
    result = right(march, "s").assign(customer_name=march["customer_name"].str.upper())
    assert personal_data_problems(march, result) == [
        "remove the column(s) customer_name",
        "a customer name is still in column 'customer_name' (row 0)"]


def test_changes_beyond_personal_data_are_found(months):
    march = months["2025-03"]
    shortened = right(march, "s")
    shortened["description"] = shortened["description"].str.slice(0, 20)
    assert personal_data_problems(march, shortened)[0].endswith("had no personal data but "
                                                                "was changed")
    recoded = right(march, "s").assign(category="billing")
    assert personal_data_problems(march, recoded) == [
        "the column 'category' was changed: only personal data should go"]
    assert personal_data_problems(march, right(march, "s").iloc[1:]) == [
        "keep every complaint, once, in the original order (same complaint_id column)"]
    assert personal_data_problems(march, "not a frame") == [
        "the result must be a pandas DataFrame, not str"]


def test_key_problems_name_each_mistake(months):
    march = months["2025-03"]
    assert key_problems(march, right(march, "s").drop(columns="customer_key")) == [
        "add a column 'customer_key' with each customer's key"]
    same = right(march, "s").assign(customer_key="everyone")
    assert key_problems(march, same) == ["different customers share a key"]
    by_row = right(march, "s").assign(customer_key=[f"row{i}" for i in range(len(march))])
    assert key_problems(march, by_row) == [
        "the same customer has different keys in different complaints"]
    readable = right(march, "s").assign(customer_key="K-" + march["customer_id"])
    assert key_problems(march, readable) == [
        "a key contains the customer's account number: anyone could read it back"]


def test_extracts_without_shared_customers_cannot_show_stability(months):
    march = months["2025-03"]
    first, second = march.iloc[:1], march.iloc[1:2]
    if first["customer_id"].iloc[0] == second["customer_id"].iloc[0]:
        second = march[march["customer_id"] != first["customer_id"].iloc[0]].iloc[:1]
    with pytest.raises(ValueError, match="share no customer"):
        stable_key_problems((first, right(first, "s")), (second, right(second, "s")))


def test_set_differences_are_told_in_counts_only():
    assert set_difference_message("ids", {"a", "x"}, {"a", "b", "c"}) == (
        "ids misses 2 record(s) and holds 1 that do not belong")
    assert set_difference_message("ids", {"a"}, {"a"}) == "ids is right"
