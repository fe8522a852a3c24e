"""The complaints-policy checklist: content, scoring, the reference assessment of Harbourside's
policy, reading policies, objectives from the policy, and the PolicyChecker widget driven from
Python (rate, score, compare)."""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

import pytest
import yaml

from widgets.core.course.clauses import load_clauses
from widgets.core.practice.policy_review import (
    CHECKLIST_FILE,
    POINTS,
    PolicyCheckError,
    find_passages,
    load_checklist,
    parse_checklist,
    policy_objectives,
    read_policy,
    reference_policy_path,
    score_policy,
    split_sections,
)
from widgets.policy_review import PolicyChecker, policy_html


@pytest.fixture(scope="module")
def checklist():
    return load_checklist()


@pytest.fixture(scope="module")
def harbourside():
    return read_policy()


# ----------------------------------------------------------------------------- content


def test_checklist_items_cover_clauses_5_and_6_with_known_clause_ids(checklist):
    assert len(checklist.items) == 16
    cited = {c for item in checklist.items for c in item.clauses}
    assert {"5.1", "5.2", "5.3", "5.4", "6.1", "6.2", "6.3", "6.4"} <= cited
    assert cited <= set(load_clauses())
    assert checklist.reference_policy == "complaints-policy.md"
    assert reference_policy_path(checklist).is_file()


def test_reference_assessment_of_harbourside_scores_25_of_32(checklist):
    result = score_policy(checklist, checklist.reference_ratings)
    assert (result.count("met"), result.count("partly"), result.count("missing")) == (9, 7, 0)
    assert (result.points, result.max_points) == (25, 32)
    assert result.score == Fraction(25, 32)
    assert result.band == "adequate, with gaps to close"
    assert [r.item.id for r in result.gaps] == [
        "context", "communicated", "resources-and-competence", "management-system",
        "law-and-other-policies", "remedies-and-fairness", "policy-control"]
    assert result.gap_clauses == ("5.1", "5.3", "4.4", "6.4", "4.3", "4.14", "6.1", "4.7", "7.7",
                                  "8.6")
    assert result.agreement == 16


def test_reference_evidence_cites_sections_that_exist_in_the_policy(checklist, harbourside):
    numbers = {section.heading.split()[0] for section in harbourside.sections}
    for item in checklist.items:
        cited = re.findall(r"[Ss]ections? (\d(?:\.\d)?)(?: to (\d\.\d)| and (\d\.\d))?",
                           item.reference_evidence)
        for match in cited:
            for number in filter(None, match):
                assert number in numbers, f"{item.id}: section {number} is not in the policy"


# ----------------------------------------------------------------------------- scoring


def test_scores_bands_and_gap_order(checklist):
    ids = [item.id for item in checklist.items]
    all_met = score_policy(checklist, dict.fromkeys(ids, "met"))
    assert (all_met.score, all_met.band, all_met.gaps) == (1, "strong", ())
    # 14 met, 2 partly: 30/32 = 93.75% -> strong; 16 partly: exactly 50% -> weak
    mostly = dict.fromkeys(ids, "met") | {ids[0]: "partly", ids[5]: "partly"}
    assert score_policy(checklist, mostly).band == "strong"
    assert score_policy(checklist, dict.fromkeys(ids, "partly")).band == "weak: rework the policy"
    # 20/32 = 62.5% -> adequate; one missing item is listed before the partly ones
    ratings = dict.fromkeys(ids, "partly") | dict.fromkeys(ids[:4], "met") | {ids[9]: "missing"}
    ratings[ids[10]] = "met"
    result = score_policy(checklist, ratings)
    assert result.points == 5 * POINTS["met"] + 10 * POINTS["partly"] + 0 == 20
    assert result.band == "adequate, with gaps to close"
    assert result.gaps[0].item.id == ids[9] and len(result.gaps) == 11
    assert result.agreement == sum(ratings[i] == checklist.item(i).reference_rating for i in ids)


def test_scoring_refuses_incomplete_or_wrong_ratings(checklist):
    ids = [item.id for item in checklist.items]
    with pytest.raises(PolicyCheckError, match=r"items 1, 2, 3, .*16 are not rated yet"):
        score_policy(checklist, {})
    one_left = dict.fromkeys(ids, "met") | {ids[6]: None}
    with pytest.raises(PolicyCheckError, match=r"item 7 is not rated yet\.$"):
        score_policy(checklist, one_left)
    with pytest.raises(PolicyCheckError, match="item roles: rating 'yes' must be one of met, "
                       "partly, missing"):
        score_policy(checklist, dict.fromkeys(ids, "met") | {"roles": "yes"})
    with pytest.raises(PolicyCheckError, match="unknown checklist item"):
        score_policy(checklist, dict.fromkeys(ids, "met") | {"budget": "met"})


# ----------------------------------------------------------------------------- reading policies


def test_sections_split_at_markdown_headings():
    text = "Preamble line\n\n# Title\nIntro\n\n## 1 Scope\nWho.\n### 1.1 Detail ##\nMore.\n"
    sections = split_sections(text)
    assert [(s.heading, s.text) for s in sections] == [
        ("(start)", "Preamble line"), ("Title", "Intro"), ("1 Scope", "Who."),
        ("1.1 Detail", "More.")]
    assert [s.heading for s in split_sections("# Only\n")] == ["Only"]
    assert [(s.heading, s.text) for s in split_sections("plain policy\ntext")] == [
        ("(start)", "plain policy\ntext")]


def test_harbourside_policy_sections_and_where_to_look(checklist, harbourside):
    assert harbourside.title == "Harbourside Energy Ltd — Complaints Handling Policy"
    assert [s.heading for s in harbourside.sections][1:4] == [
        "1 Purpose and scope", "2 Our commitment", "3 How to complain"]
    assert find_passages(harbourside, checklist.item("principles")) == ("2 Our commitment",)
    assert find_passages(harbourside, checklist.item("management-system")) == ("6.3 Analysis",)
    assert find_passages(harbourside, checklist.item("roles"))[0] == "5 Responsibilities"
    assert find_passages(harbourside, checklist.item("activities-and-escalation")) == (
        "4.7 Escalation", "4.8 Closing and the ombudsman", "7 Records and personal data")


def test_passages_rank_by_keywords_matched_at_word_starts(checklist, tmp_path: Path):
    path = tmp_path / "policy.md"
    path.write_text("# Our policy\nWe follow the law.\n## Staff\nWe train people.\n"
                    "## Money\nA resource plan and training budget.\n## Flaws\nNone.\n",
                    encoding="utf-8")
    document = read_policy(path)
    item = checklist.item("resources-and-competence")  # keywords: train, people and systems, …
    assert find_passages(document, item) == ("Money", "Staff")
    law = checklist.item("law-and-other-policies")  # "law" must not match "Flaws"
    assert find_passages(document, law) == ("Our policy",)
    assert find_passages(document, item, limit=1) == ("Money",)


def test_unreadable_policies_get_clear_messages(tmp_path: Path):
    with pytest.raises(PolicyCheckError, match=r"missing\.md not found; give the path"):
        read_policy(tmp_path / "missing.md")
    binary = tmp_path / "policy.docx"
    binary.write_bytes(b"PK\x03\x04\xff\xfe\x00")
    with pytest.raises(PolicyCheckError, match="not a UTF-8 text file; save the policy as"):
        read_policy(binary)
    empty = tmp_path / "empty.md"
    empty.write_text("\n\n", encoding="utf-8")
    with pytest.raises(PolicyCheckError, match="the file is empty"):
        read_policy(empty)


# ----------------------------------------------------------------------------- validation


def _raw() -> dict:
    return yaml.safe_load(CHECKLIST_FILE.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["items"][0].update(clauses=["5.9"]),
         "'items[1].clauses' must be a non-empty list of quoted clause ids from clauses.yaml"),
        (lambda d: d["items"][1]["reference"].update(rating="yes"),
         "'items[2].reference.rating' must be one of met, partly, missing; found 'yes'"),
        (lambda d: d["items"][2].pop("advice"),
         "'items[3]' needs the keys id, clauses, question, look_for, advice, keywords, "
         "reference; found id, clauses, question, look_for, keywords, reference"),
        (lambda d: d["items"][3].update(keywords=["Principle"]),
         "'items[4].keywords' must be a non-empty list of lowercase word stems"),
        (lambda d: d["items"][4].update(id="leadership"),
         "'items' uses the id(s) leadership more than once"),
        (lambda d: d["items"][5].update(question=""), "'items[6].question' must be "
         "non-empty text"),
        (lambda d: d.update(items=[]), "'items' must be a non-empty list"),
    ],
)
def test_malformed_checklist_is_refused_with_a_located_message(change, message):
    document = _raw()
    change(document)
    with pytest.raises(PolicyCheckError, match=re.escape(f"checklist.yaml: {message}")):
        parse_checklist(document, "checklist.yaml")


def test_missing_or_broken_checklist_file(tmp_path: Path):
    with pytest.raises(PolicyCheckError, match=r"policy checklist .*nope\.yaml not found"):
        load_checklist(tmp_path / "nope.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("items: [\n", encoding="utf-8")
    with pytest.raises(PolicyCheckError, match="not valid YAML"):
        load_checklist(broken)


# ----------------------------------------------------------------------------- objectives


def test_objectives_are_the_policy_targets_with_the_kpi_cores_values(policy, sample_result):
    table = policy_objectives(sample_result.frame, policy)
    assert list(table.columns) == ["target", "value", "met", "clause"]
    assert list(table.index) == [
        "Time to acknowledge", "Time to first response", "Time to resolve",
        "First-contact resolution", "Reopen rate", "External referral rate",
        "Satisfaction with handling", "Satisfaction survey response rate"]
    assert table.loc["Time to acknowledge", "target"] == "≥ 95% within 2 business days"
    assert table.loc["Reopen rate", "target"] == "≤ 5%"
    assert set(table["met"]) <= {"yes", "NO"}
    assert table.loc["Time to acknowledge", "clause"] == "7.4"


# ----------------------------------------------------------------------------- the widget


def test_checker_scores_and_compares_harbourside_policy(checklist):
    checker = PolicyChecker()
    assert checker.is_reference
    assert len(checker.toggles) == 16
    assert all(toggle.value is None for toggle in checker.toggles.values())
    assert checker.compare_button.disabled
    header = checker.children[2].children[0].value
    assert header.startswith("<p><strong>1. Does the policy say what counts as a complaint")
    assert "Why: ISO 10002:2018 3 Terms and definitions; ISO 10002:2018 1 Scope" in header
    assert "Where to look: 1 Purpose and scope, 2 Our commitment, 4.1 Receipt" in header

    checker.score_button.click()
    assert "items 1, 2, 3" in checker.summary.value and checker.result is None

    for item_id, toggle in checker.toggles.items():
        toggle.value = checklist.item(item_id).reference_rating
    checker.toggles["context"].value = "missing"
    checker.toggles["roles"].value = "partly"
    checker.score_button.click()
    assert checker.result.points == 23
    assert "Score: 23 of 32 points (72%) — adequate, with gaps to close" in checker.summary.value
    assert "Met 8 · Partly 7 · Missing 1" in checker.summary.value
    assert checker.item_feedback["context"].value.startswith("<p><small>To improve: Name the")
    assert checker.item_feedback["leadership"].value == ""
    assert not checker.compare_button.disabled

    checker.compare_button.click()
    assert "You agreed with the course's assessment on 14 of 16 items." in checker.summary.value
    context = checker.item_feedback["context"].value
    assert "Your rating <strong>Missing</strong> ✗ differs from the course's" in context
    assert "Partly</strong>. Section 1 describes the products" in context
    leadership = checker.item_feedback["leadership"].value
    assert "Your rating <strong>Met</strong> ✓ same as the course's" in leadership
    assert "To improve" not in leadership


def test_checker_on_another_policy_has_no_reference_comparison(tmp_path: Path):
    path = tmp_path / "our-policy.md"
    path.write_text("# Our complaints policy\n## Scope\nA complaint is any expression of "
                    "dissatisfaction.\n", encoding="utf-8")
    checker = PolicyChecker(path)
    assert not checker.is_reference and checker.document.title == "Our complaints policy"
    assert checker.compare_button.layout.display == "none"
    for toggle in checker.toggles.values():
        toggle.value = "missing"
    result = checker.score()
    assert result.points == 0 and "weak: rework the policy" in checker.summary.value
    checker.compare()
    assert "agreed" not in checker.summary.value and checker.compare_button.disabled


def test_policy_html_renders_headings_lists_quotes_and_bold():
    document = read_policy(reference_policy_path())
    rendered = policy_html(document)
    assert rendered.startswith("<h4>Harbourside Energy Ltd — Complaints Handling Policy</h4>"
                               "<blockquote><strong>Fictional.</strong> Harbourside")
    assert "<h4>4.2 Acknowledgement</h4><p>We acknowledge every complaint within 2" in rendered
    assert "<ul><li><strong>Commitment and capability</strong> — leaders own" in rendered
    assert rendered.count("<li>") == 10  # six principle groups + four responsibilities
