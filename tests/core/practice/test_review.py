"""Management review, corrective action and reflection (widgets/core/practice/review/): content
validation, the review pack on a hand-made log (every value worked out below), outputs,
corrective-action checks, effectiveness on the data, and the saved reflection."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import os
from pathlib import Path

import pandas as pd
import pytest
import yaml
from support.practice_logs import REVIEW_CONTENT, REVIEW_LOG

from widgets.core.complaints import load_complaints
from widgets.core.practice.audit_case import run_case
from widgets.core.practice.review import (
    INPUTS,
    CorrectiveAction,
    EffectivenessCheck,
    Period,
    ReviewAction,
    ReviewContentError,
    ReviewOutputs,
    build_review_pack,
    check_corrective_action,
    check_outputs,
    evaluate_effectiveness,
    load_improvement_guide,
    load_reflection,
    load_review_content,
    markdown_table,
    outputs_markdown,
    parse_improvement_guide,
    parse_review_content,
    reflection_path,
    satisfaction_shown,
    save_reflection,
)


@pytest.fixture(scope="module")
def log() -> pd.DataFrame:
    result = load_complaints(pd.read_csv(io.StringIO(REVIEW_LOG), dtype=str, keep_default_na=False))
    assert result.report.rows_rejected == 0, result.report.summary()
    return result.frame


@pytest.fixture(scope="module")
def content():
    return parse_review_content(yaml.safe_load(REVIEW_CONTENT), Path("review.yaml"))


@pytest.fixture(scope="module")
def pack(log, policy, content):
    return build_review_pack(log, policy, "2025Q4", content=content)


# --------------------------------------------------------------------------- periods


def test_quarters():
    q4 = Period.quarter("2025Q4")
    assert (q4.start, q4.end, q4.label) == (dt.date(2025, 10, 1), dt.date(2025, 12, 31),
                                            "2025Q4")
    assert q4.shifted(-1).label == "2025Q3" and q4.shifted(-4).label == "2024Q4"
    assert Period(dt.date(2025, 3, 1), dt.date(2025, 5, 31)).label == "1 March 2025 – 31 May 2025"
    with pytest.raises(ValueError, match="'2025-Q4' is not a quarter; write it like 2025Q4"):
        Period.quarter("2025-Q4")


# --------------------------------------------------------------------------- the pack by hand


def test_pack_window_changes_and_actions(pack):
    # Q3's review was not held, so the inputs run from the last review held (22 July 2025).
    assert pack.since == dt.date(2025, 7, 22)
    assert [c.text for c in pack.changes] == ["Regulator letter"]
    assert [(a.id, status) for a, status in pack.actions] == [
        ("A2", "overdue"), ("A3", "open"), ("A4", "done")]
    assert pack.complaints == 3
    assert pack.audit is None


def test_pack_kpi_trends_by_hand(pack):
    table = pack.kpi_table()
    assert table.loc["Time to acknowledge", ["2024Q4", "2025Q3", "2025Q4"]].tolist() == [
        "100.0%", "100.0%", "66.7%"]
    assert table.loc["Time to acknowledge", "change on previous quarter"] == "-33.3 pts (worse)"
    assert table.loc["Time to acknowledge", "target met"] == "NO"
    assert table.loc["First-contact resolution", "change on previous quarter"] == \
        "-50.0 pts (worse)"
    assert table.loc["Reopen rate", "2025Q4"] == "50.0%"
    assert table.loc["Reopen rate", "change on previous quarter"] == "+50.0 pts (worse)"
    assert table.loc["Escalation rate", "change on previous quarter"] == "-50.0 pts (better)"
    assert table.loc["Uphold rate", "change on previous quarter"] == "-50.0 pts"
    assert table.loc["Satisfaction with handling", "2025Q4"] == "3.50 of 5"
    assert table.loc["Satisfaction with handling", "change on previous quarter"] == \
        "-0.50 (worse)"
    assert table.loc["Redress paid", "2025Q4"] == "£20.00"


def test_pack_attention_by_hand(pack):
    assert pack.attention == (
        "Time to acknowledge is 66.7%: it misses its target (≥ 95% within 2 business days).",
        "First-contact resolution is 0.0%: it misses its target (≥ 60%).",
        "Reopen rate is 50.0%: it misses its target (≤ 5%).",
        "Satisfaction with handling is 3.50 of 5: it misses its target (≥ 3.8).",
        "1 complaint(s) received in 2025Q4 still await a decision: the decided ones are the "
        "quicker ones, so time to resolve will look worse once they close.",
        "Breaches of policy 4.2 (acknowledged later than the policy allows) rose from 0 to 1.",
        "Breaches of policy 4.6 (vulnerable customer's first response later than the policy "
        "allows) rose from 0 to 1.",
        "Action A2 (Bob) is overdue since 31 October 2025.",
    )


def test_pack_breaches_causes_and_satisfaction(pack):
    breaches = pack.breach_table()
    assert breaches.loc["ACK_LATE", ["2025Q3", "2025Q4", "change"]].tolist() == [0, 1, 1]
    assert int(breaches["2025Q4"].sum()) == 2
    assert pack.root_causes["count"].to_dict() == {"billing_system_defect": 1,
                                                   "customer_misunderstanding": 1}
    by_outcome = pack.satisfaction_by_outcome
    assert by_outcome.loc["upheld"].tolist() == [1.0, 5.0, 1]  # R1 closed, scored 5
    assert by_outcome.loc["not upheld"].tolist() == [1.0, 2.0, 1]  # R2 closed, scored 2
    assert pd.isna(by_outcome.loc["partially upheld", "mean score"])
    shown = satisfaction_shown(by_outcome)
    assert shown.loc["upheld", ["response rate", "mean score"]].tolist() == ["100.0%",
                                                                              "5.00 of 5"]
    assert shown.loc["partially upheld", "mean score"] == "—"
    assert pack.categories.loc["billing"].tolist() == [1, 1, 2]
    assert pack.categories.loc["safety"].tolist() == [0, 0, 0]


def test_pack_as_markdown_and_inputs(pack):
    text = pack.to_markdown()
    assert text.startswith("## Complaints-handling review of 2025Q4\nMeeting 3 February 2026. "
                           "Inputs since 22 July 2025.")
    assert "| Time to acknowledge | ≥ 95% within 2 business days | 100.0% | 100.0% | 66.7% | " \
           "-33.3 pts (worse) | NO |" in text
    assert "No audit reported since the last review." in text
    assert list(pack.inputs_table().index) == list(INPUTS.values())
    assert pack.inputs_table().loc["Changes inside and outside the organization",
                                   "in this pack"] == "1 change(s) since 22 July 2025"


def test_review_not_held_is_flagged(log, policy, content):
    q3 = build_review_pack(log, policy, "2025Q3", content=content)
    assert q3.attention[0] == ("This review was not held (Diary clash) — its inputs went "
                               "unreviewed.")
    assert q3.since == dt.date(2025, 7, 22)
    with pytest.raises(KeyError, match="no review of '2024Q1'; the reviews cover 2025Q2"):
        build_review_pack(log, policy, "2024Q1", content=content)


def test_markdown_table_escapes_pipes():
    frame = pd.DataFrame({"a": [1, None], "b": ["x|y", "z"]},
                         index=pd.Index(["r1", "r2"], name="i"))
    assert markdown_table(frame) == ("| i | a | b |\n|---|---|---|\n| r1 | 1.0 | x\\|y |\n"
                                     "| r2 |  | z |")


# --------------------------------------------------------------------------- outputs


def test_outputs_checked_and_rendered():
    meeting = dt.date(2026, 2, 3)
    good = ReviewOutputs("2025Q4", ("Keep the process",),
                         (ReviewAction("O1", "Fix queues", "Bob", dt.date(2026, 3, 31), "audit",
                                       "IT time"),), ("A handler",))
    assert check_outputs(good, meeting) == []
    bad = ReviewOutputs("2025Q4", (" ",), (
        ReviewAction("O1", "Fix", "", dt.date(2026, 1, 31), "audit"),
        ReviewAction("O1", "", "Cy", None, "gossip")), ())
    assert check_outputs(bad, meeting) == [
        "no decision recorded: a review ends in decisions on the process, improvements and "
        "resources (8.6)",
        "action id O1 is used twice",
        "O1: needs a named owner",
        "O1: is due 31 January 2026, not after the meeting of 3 February 2026",
        "O1: say what will be done",
        "O1: needs a due date",
        "O1: input 'gossip' is not one of audit, analysis, satisfaction, trends, changes, "
        "actions",
    ]
    minutes = outputs_markdown(good)
    assert "| O1 | Fix queues | Bob | 31 Mar 2026 | Audit results | IT time |" in minutes
    assert outputs_markdown().startswith("### Decisions\n- …\n\n### Improvement actions")


# --------------------------------------------------------------------------- corrective action


def _record(**changes) -> CorrectiveAction:
    check = EffectivenessCheck("time_to_acknowledge", {"channel": "letter"},
                               Period.quarter("2025Q3"), Period.quarter("2025Q4"), 0.95,
                               dt.date(2026, 1, 15))
    base = dict(id="CA", nonconformity="Late letters", reaction="Clear the backlog",
                root_cause="Scanning waits for the mailroom", similar="Meter cards too",
                action="Scan letters in the team", owner="Facilities",
                due=dt.date(2025, 12, 31), effectiveness=check)
    return CorrectiveAction(**{**base, **changes})


def test_a_complete_record_passes():
    check = check_corrective_action(_record())
    assert check.ok and check.notes == ()


@pytest.mark.parametrize(("changes", "problem"), [
    ({"reaction": " "}, "reaction is empty"),
    ({"root_cause": ""}, "root cause is empty: say why it happened"),
    ({"owner": ""}, "owner is empty"),
    ({"due": None}, "due date is missing"),
    ({"action": "Clear the backlog!"}, "the action repeats the reaction"),
    ({"effectiveness": None}, "no effectiveness check"),
    ({"due": dt.date(2026, 1, 15)}, "the effectiveness check (15 January 2026) must come after "
                                    "the action is due (15 January 2026)"),
])
def test_record_problems(changes, problem):
    check = check_corrective_action(_record(**changes))
    assert not check.ok
    assert any(p.startswith(problem) for p in check.problems), check.problems


def test_record_advice():
    check = check_corrective_action(_record(root_cause="Human error by the handler",
                                            similar=""))
    assert check.ok
    assert [n.split(":")[0] for n in check.notes] == [
        "the root cause blames a person or a slip",
        "say whether the same problem exists or could occur elsewhere — other channels, teams "
        "or products (ISO 9001 10.2)"]
    unusable = _record(effectiveness=EffectivenessCheck(
        "uphold_rate", {}, Period.quarter("2025Q3"), Period.quarter("2025Q4"), 0.5,
        dt.date(2026, 1, 15)))
    assert check_corrective_action(unusable).problems[0].startswith(
        "effectiveness measure 'uphold_rate' cannot show improvement")


def test_effectiveness_by_hand(log, policy):
    q3, q4 = Period.quarter("2025Q3"), Period.quarter("2025Q4")
    worse = evaluate_effectiveness(EffectivenessCheck("time_to_acknowledge", {}, q3, q4, 0.95,
                                                      None), log, policy)
    assert (worse.improved, worse.effective) == (False, False)
    assert worse.message == (
        "Time to acknowledge: 100.0% (2025Q3, n = 2) → 66.7% (2025Q4, n = 3); target ≥ 95%. "
        "Not effective yet: the target is missed and the measure did not improve. Find the "
        "cause the action did not remove.")
    reopen = evaluate_effectiveness(EffectivenessCheck("reopen_rate", {"category": "metering"},
                                                       q3, q4, 0.05, None), log, policy)
    assert (reopen.baseline.value, reopen.after.value, reopen.effective) == (0.0, 1.0, False)
    assert "Reopen rate for complaints with category = metering: 0.0%" in reopen.message
    held = evaluate_effectiveness(EffectivenessCheck("time_to_first_response",
                                                     {"vulnerable": True}, q3.shifted(-4), q4,
                                                     0.9, None), log, policy)
    assert "cannot be measured" in held.message and held.effective is None
    phone = evaluate_effectiveness(EffectivenessCheck("time_to_first_response",
                                                      {"channel": "phone"}, q3, q4, 0.9, None),
                                   log, policy)
    assert (phone.improved, phone.effective) == (False, True)
    assert phone.message.endswith("The action worked: the target is met.")
    with pytest.raises(ValueError, match="cannot filter on 'handler'"):
        evaluate_effectiveness(EffectivenessCheck("reopen_rate", {"handler": "H1"}, q3, q4,
                                                  0.05, None), log, policy)


# --------------------------------------------------------------------------- content


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["reviews"][0].update(quarter="2025-Q2"), r"must be a quarter like 2025Q4"),
    (lambda d: d["reviews"][0].update(meeting=dt.date(2025, 6, 1)),
     r"must come after the quarter it reviews ends"),
    (lambda d: d["reviews"][1].update(note=""), r"say why when a review was not held"),
    (lambda d: d["reviews"].reverse(), r"'reviews' must list each quarter once, in order"),
    (lambda d: d["actions"][0].update(due=dt.date(2025, 1, 1)), r"is before the action was"),
    (lambda d: d["actions"][1].update(id="A1"), r"uses the id\(s\) A1 more than once"),
    (lambda d: d["actions"][1].update(input="rumour"), r"must be one of audit, analysis"),
    (lambda d: d["outputs"].update(quarter="2023Q1"), r"'outputs\.quarter' must be one of"),
    (lambda d: d["corrective_action"]["effectiveness"].update(measure="uphold_rate"),
     r"uphold_rate has no better direction"),
    (lambda d: d["corrective_action"]["effectiveness"].update(
        after={"from": dt.date(2025, 9, 1), "to": dt.date(2025, 12, 31)}),
     r"must start after the baseline period ends"),
    (lambda d: d["corrective_action"]["effectiveness"]["filter"].update(channel="fax"),
     r"'corrective_action\.effectiveness\.filter\.channel' must be one of phone"),
    (lambda d: d["corrective_action"]["effectiveness"].update(filter={"handler": "H1"}),
     r"is not a column a check can filter on"),
    (lambda d: d.pop("chair"), r"'chair' is missing"),
])
def test_malformed_review_content(change, message):
    document = yaml.safe_load(REVIEW_CONTENT)
    change(document)
    with pytest.raises(ReviewContentError, match=message) as error:
        parse_review_content(copy.deepcopy(document), Path("review.yaml"))
    assert str(error.value).startswith("review.yaml: ")


GUIDE = """
iso9001:
  - {clause: "9001:10.2", requirement: React and remove causes, guidance: ["8.7"], how: CA}
small_business:
  - {topic: Records, larger: A system, smaller: A spreadsheet, clauses: ["8.1"]}
auditors_look_for:
  - {topic: Records, evidence: A sample, clauses: ["7.2"]}
reflection:
  - {id: first, prompt: "What first?"}
"""


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["iso9001"][0].update(clause="8.7"), r"must be an ISO 9001 clause id"),
    (lambda d: d["small_business"][0].update(clauses=["B.9"]), r"names B\.9, not in clauses"),
    (lambda d: d["reflection"].append({"id": "first", "prompt": "Again?"}),
     r"uses the id\(s\) first more than once"),
    (lambda d: d["reflection"][0].update(id="First Gap"), r"must be lowercase letters"),
])
def test_malformed_guide(change, message):
    document = yaml.safe_load(GUIDE)
    assert parse_improvement_guide(copy.deepcopy(document), Path("g.yaml")).reflection == (
        ("first", "What first?"),)
    change(document)
    with pytest.raises(ReviewContentError, match=message):
        parse_improvement_guide(document, Path("g.yaml"))


def test_shipped_content_is_consistent():
    content = load_review_content()
    guide = load_improvement_guide()
    meeting = content.review(content.outputs.quarter).meeting
    assert check_outputs(content.outputs, meeting) == []
    assert [r.quarter for r in content.reviews if not r.held] == ["2025Q3"]
    assert {x.clause for x in guide.iso9001} == {"9001:8.2.1", "9001:9.1.2", "9001:9.1.3",
                                                 "9001:9.3.2", "9001:10.2", "9001:10.3"}
    assert len(guide.reflection) >= 3
    assert list(guide.iso9001_table().columns) == [
        "ISO 9001:2015", "what a certified organization must do",
        "ISO 10002 guidance that helps", "how"]


def test_shipped_review_pack_and_worked_example(sample_result, policy):
    """What module 07 says about the sample data."""
    frame = sample_result.frame
    audit = run_case(frame, policy)
    content = load_review_content()
    q4 = build_review_pack(frame, policy, "2025Q4", content=content, audit=audit)
    assert q4.audit is not None and q4.audit.counts == audit.grade_counts()
    assert q4.since == dt.date(2025, 7, 22)  # the 2025Q3 review was not held
    assert build_review_pack(frame, policy, "2025Q2", content=content, audit=audit).audit is None
    example = content.corrective_action
    assert check_corrective_action(example).ok
    effect = evaluate_effectiveness(example.effectiveness, frame, policy)
    assert effect.effective is False and effect.improved is False


# --------------------------------------------------------------------------- reflection


def test_reflection_round_trip(tmp_path):
    prompts = (("first", "What first?"), ("measure", "Which measure?"))
    path = save_reflection({"first": "  Letters  "}, prompts, tmp_path)
    assert path == reflection_path(tmp_path) == tmp_path / "closing-reflection.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["answers"] == {"first": "Letters", "measure": ""}
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert load_reflection(tmp_path).answers == {"first": "Letters", "measure": ""}
    with pytest.raises(ValueError, match="no reflection prompt other; prompts: first, measure"):
        save_reflection({"other": "x"}, prompts, tmp_path)


def test_damaged_reflection_is_moved_aside(tmp_path):
    reflection_path(tmp_path).write_text("{not json", encoding="utf-8")
    loaded = load_reflection(tmp_path)
    assert loaded.answers == {} and "could not be read" in loaded.message
    assert not reflection_path(tmp_path).exists()
    assert load_reflection(tmp_path / "none").message is None


def test_reflection_defaults_to_the_work_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("ISO10002_WORK_DIR", str(tmp_path / "work"))
    assert reflection_path() == tmp_path / "work" / "closing-reflection.json"
