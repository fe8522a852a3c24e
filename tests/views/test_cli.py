"""The iso10002 command line: clear messages and exit codes, no tracebacks."""

from __future__ import annotations

import subprocess
import sys

from support.sample_data import REPO

from widgets.cli import main


def test_missing_file_exits_2_with_one_line(tmp_path, capsys):
    assert main(["load", str(tmp_path / "absent.csv")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("iso10002 load: file ") and "absent.csv not found" in err
    assert "Traceback" not in err


def test_rejected_rows_are_reported_and_exported(tmp_path, capsys):
    log = tmp_path / "log.csv"
    log.write_text("complaint_id,received_at\nA,2025-01-02\nA,2025-01-03\nB,yesterday\n",
                   encoding="utf-8")
    problems = tmp_path / "problems.csv"
    assert main(["load", str(log), "--problems-csv", str(problems)]) == 0
    out = capsys.readouterr().out
    assert "3 rows read, 1 accepted, 2 rejected" in out
    lines = problems.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "row,column,value,problem,severity"
    assert len(lines) == 3


def test_breaches_command(tmp_path, capsys):
    out_file = tmp_path / "breaches.csv"
    assert main(["breaches", str(REPO / "datasets" / "complaints.csv"), "--out",
                 str(out_file)]) == 0
    out = capsys.readouterr().out
    assert "ACK_LATE" in out and "breaches written to" in out
    assert out_file.read_text(encoding="utf-8").startswith(
        "complaint_id,rule,detail,policy_section,clause")


def test_console_script_is_installed():
    result = subprocess.run([sys.executable, "-m", "widgets.cli", "--help"], capture_output=True,
                            text=True, check=True)
    assert "load" in result.stdout and "generate" in result.stdout and "start" in result.stdout


def test_settings_command_prints_each_variable_and_its_value(monkeypatch, capsys):
    from widgets.core.common import SETTINGS

    monkeypatch.setenv("ISO10002_WORK_DIR", "/srv/course-work")
    monkeypatch.delenv("ISO10002_PROGRESS_DIR", raising=False)
    assert main(["settings"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == [setting.name for setting in SETTINGS]
    shown = {line.split()[0]: line.split(maxsplit=1)[1] for line in lines}
    assert shown["ISO10002_WORK_DIR"] == "/srv/course-work"
    assert shown["ISO10002_PROGRESS_DIR"] == "not set: ~/.iso10002-course/progress"


def test_trainer_commands_share_one_course_option():
    from widgets.cli import build_parser

    commands = build_parser()._subparsers._group_actions[0].choices
    roots = {name: next(a for a in commands[name]._actions if "--root" in a.option_strings)
             for name in ("grades", "grade", "report", "certificates")}
    # argparse parents hand the same action to each subcommand: one declaration, one help
    assert len({id(action) for action in roots.values()}) == 1
    assert "nbgrader_config.py" in roots["grade"].help
    policies = [next(a for a in commands[name]._actions if "--policy" in a.option_strings)
                for name in ("load", "breaches")]
    assert policies[0] is policies[1] and "policy.yaml" in policies[0].help
