"""The policy file parses into targets, and a broken one says which key is wrong."""

from __future__ import annotations

import pytest
import yaml
from support.sample_data import REPO

from widgets.core.complaints.policy import PolicyError, load_policy, parse_policy

POLICY_FILE = REPO / "datasets" / "policy.yaml"


def test_course_policy_targets():
    policy = load_policy()
    assert policy.timeliness["acknowledge"].within_business_days == 2
    assert policy.timeliness["resolve"].min_share == 0.85
    assert policy.vulnerable_first_response_business_days == 3
    assert policy.rates["satisfaction_mean"].describe() == "≥ 3.8"
    assert policy.rates["reopen_rate"].describe(as_percent=True) == "≤ 5%"
    assert policy.customer_base == 250_000


def load_raw() -> dict:
    return yaml.safe_load(POLICY_FILE.read_text(encoding="utf-8"))


def test_missing_key_is_named():
    data = load_raw()
    del data["timeliness"]["resolve"]["within_business_days"]
    with pytest.raises(PolicyError,
                       match=r"'timeliness\.resolve\.within_business_days' is missing"):
        parse_policy(data, "test.yaml")


def test_wrong_type_is_named():
    data = load_raw()
    data["timeliness"]["acknowledge"]["within_business_days"] = "two"
    with pytest.raises(PolicyError, match=r"'timeliness\.acknowledge\.within_business_days' must "
                                          r"be a whole number; found 'two'"):
        parse_policy(data, "test.yaml")
    data["timeliness"]["acknowledge"]["within_business_days"] = 2.5
    with pytest.raises(PolicyError, match="must be a whole number"):
        parse_policy(data, "test.yaml")


def test_rate_needs_exactly_one_bound():
    data = load_raw()
    data["rates"]["reopen_rate"] = {"min": 0.1, "max": 0.2}
    with pytest.raises(PolicyError, match="exactly one of 'min' or 'max'"):
        parse_policy(data, "test.yaml")


def test_bad_holiday_and_bad_yaml(tmp_path):
    data = load_raw()
    data["business_days"]["holidays"] = ["25 December"]
    with pytest.raises(PolicyError, match="holidays' '25 December' is not a YYYY-MM-DD date"):
        parse_policy(data, "test.yaml")
    broken = tmp_path / "policy.yaml"
    broken.write_text("timeliness: [unclosed", encoding="utf-8")
    with pytest.raises(PolicyError, match="not valid YAML"):
        load_policy(broken)
    with pytest.raises(PolicyError, match="not found"):
        load_policy(tmp_path / "absent.yaml")
