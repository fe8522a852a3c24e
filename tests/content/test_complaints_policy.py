"""The readable policy (datasets/complaints-policy.md) says what policy.yaml says.

Learners read the policy text; KPIs, dashboard targets and audit checks read policy.yaml. If a
trainer edits one and not the other, an auditor would mark records against one number while
the policy in front of them states another. So every target number in the text is derived here
from policy.yaml, section by section, and every "N business days", "N%" and "N out of 5" in
the text must be one of those numbers: a number can neither go missing nor be added unchecked.
"""

from __future__ import annotations

import re

import pytest
import yaml
from support.sample_data import REPO

from widgets.core.complaints import RULES

POLICY_TEXT = (REPO / "datasets" / "complaints-policy.md").read_text(encoding="utf-8")
POLICY_YAML = yaml.safe_load((REPO / "datasets" / "policy.yaml").read_text(encoding="utf-8"))
HEADING = re.compile(r"^#{2,3} (\d+(?:\.\d+)?) (.+)$", re.MULTILINE)
BUSINESS_DAYS = re.compile(r"(\d+) business days?")
PERCENT = re.compile(r"(\d+(?:\.\d+)?)%")
OUT_OF_FIVE = re.compile(r"(\d+(?:\.\d+)?) out of 5")


def sections(text: str) -> dict[str, str]:
    """Section number -> its text (heading included, up to the next numbered heading)."""
    matches = list(HEADING.finditer(text))
    return {m.group(1): text[m.start(): matches[i + 1].start() if i + 1 < len(matches)
                             else len(text)] for i, m in enumerate(matches)}


def number(value: float) -> str:
    return f"{value:g}"


def expected_numbers(policy: dict) -> dict[str, dict[str, set[str]]]:
    """Per policy section, the business days, percentages and 'out of 5' means policy.yaml
    puts there (sections named by the file's policy_section keys; the priority rules' sections
    are the ones its comments name)."""
    expected: dict[str, dict[str, set[str]]] = {}

    def add(section: str, kind: str, value: str) -> None:
        expected.setdefault(section, {"days": set(), "percent": set(), "of5": set()})
        expected[section][kind].add(value)

    for entry in policy["timeliness"].values():
        add(entry["policy_section"], "days", number(entry["within_business_days"]))
        add(entry["policy_section"], "percent", number(entry["min_share"] * 100))
    add("4.6", "days", number(policy["priority_rules"]["vulnerable_first_response_business_days"]))
    for name, entry in policy["rates"].items():
        limit = entry.get("min", entry.get("max"))
        if name == "satisfaction_mean":
            add(entry["policy_section"], "of5", number(limit))
        else:
            add(entry["policy_section"], "percent", number(round(limit * 100, 6)))
    return expected


def found_numbers(text: str) -> dict[str, set[str]]:
    return {
        "days": {number(float(v)) for v in BUSINESS_DAYS.findall(text)},
        "percent": {number(float(v)) for v in PERCENT.findall(text)},
        "of5": {number(float(v)) for v in OUT_OF_FIVE.findall(text)},
    }


def test_sections_follow_the_brief_outline():
    numbers = list(sections(POLICY_TEXT))
    assert numbers == ["1", "2", "3", "4", "4.1", "4.2", "4.3", "4.4", "4.5", "4.6", "4.7",
                       "4.8", "5", "6", "6.1", "6.2", "6.3", "6.4", "7"]


def test_every_section_named_by_policy_yaml_and_the_breach_rules_exists():
    present = set(sections(POLICY_TEXT))
    named = {e["policy_section"] for e in POLICY_YAML["timeliness"].values()}
    named |= {e["policy_section"] for e in POLICY_YAML["rates"].values()}
    named |= {rule.policy_section for rule in RULES.values()}
    assert named <= present, f"sections missing from the policy text: {sorted(named - present)}"


@pytest.mark.parametrize("section", ["1", "2", "3", "4.1", "4.2", "4.3", "4.4", "4.5", "4.6",
                                     "4.7", "4.8", "5", "6.1", "6.2", "6.3", "6.4", "7"])
def test_numbers_in_each_section_are_the_policy_yaml_numbers(section):
    expected = expected_numbers(POLICY_YAML).get(
        section, {"days": set(), "percent": set(), "of5": set()})
    assert found_numbers(sections(POLICY_TEXT)[section]) == expected


def test_expected_numbers_are_the_ones_the_brief_fixed():
    # Hand-computed from policy.yaml, so a broken derivation cannot pass the test above.
    expected = expected_numbers(POLICY_YAML)
    assert expected["4.2"] == {"days": {"2"}, "percent": {"95"}, "of5": set()}
    assert expected["4.4"] == {"days": {"5"}, "percent": {"90"}, "of5": set()}
    assert expected["4.5"] == {"days": {"20"}, "percent": {"85"}, "of5": set()}
    assert expected["4.6"] == {"days": {"3"}, "percent": set(), "of5": set()}
    assert expected["6.1"] == {"days": set(), "percent": {"60", "5", "3"}, "of5": set()}
    assert expected["6.2"] == {"days": set(), "percent": {"25"}, "of5": {"3.8"}}


def test_safety_rule_numbers():
    text = sections(POLICY_TEXT)["4.3"]
    rules = POLICY_YAML["priority_rules"]
    assert rules["safety_acknowledge_business_days"] == 0
    assert "on the same day it is received" in text
    assert f"escalation level is at least {rules['safety_min_escalation_level']}" in text


def test_clauses_of_policy_yaml_are_cited_in_their_sections():
    parts = sections(POLICY_TEXT)
    for entry in [*POLICY_YAML["timeliness"].values(), *POLICY_YAML["rates"].values()]:
        text = parts[entry["policy_section"]]
        assert f"ISO 10002 {entry['clause']}" in text or f", {entry['clause']}" in text, (
            f"section {entry['policy_section']} does not cite clause {entry['clause']}")


def test_header_facts_match_policy_yaml():
    assert f"Version {POLICY_YAML['version']} " in POLICY_TEXT
    effective = POLICY_YAML["effective_from"]
    assert f"effective from {effective.day} {effective:%B %Y}" in POLICY_TEXT
    assert f"about {POLICY_YAML['customer_base']:,} customer accounts" in sections(
        POLICY_TEXT)["1"]


def test_says_it_is_fictional_and_which_edition_the_clauses_follow():
    preamble = POLICY_TEXT[: POLICY_TEXT.index("## 1 ")]
    assert "**Fictional.**" in preamble
    assert "ISO 10002:2018" in preamble
