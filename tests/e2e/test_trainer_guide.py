"""course/trainer-guide.md, run: every command it shows, on temporary copies of the course.

The guide promises a trainer on a fresh clone a grades file. This test keeps that promise
honest by running the guide's own ```bash blocks — read from the file, not copied — in order,
for two cohorts in two temporary course roots:

- cohort *files* (way a): alice and bob hand in by file (alice right, bob with one mistake);
  carol is on the list but hands nothing in; the written answers are graded through the
  Formgrader's HTTP API in a JupyterLab started the way `make start` starts it;
- cohort *exchange* (way b): one learner fetches, submits and fetches feedback through an
  exchange folder, in an account of their own (a separate HOME).

Between blocks the test does what people do: learners answer their notebooks, the trainer
grades in the Formgrader. Two substitutions only: the exchange folder /srv/nbgrader/exchange
becomes a temporary folder, and `sudo` is dropped (the test owns that folder). The `git
archive` block runs in this repository, the only git checkout at hand.
"""

from __future__ import annotations

import csv
import getpass
import json
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import nbformat
import pytest
from support.exercise_cases import MISTAKES
from support.repo import REPO

from widgets.core.course.course_map import load_course_map
from widgets.core.grading.exercise_submissions import (
    is_answer,
    is_test,
    nbgrader_meta,
    region_only_lines,
    solved,
)
from widgets.core.grading.nbgrader_course import HIDDEN_TESTS, make_course_root
from widgets.launch import lab_command

GUIDE = REPO / "course" / "trainer-guide.md"
EXCHANGE = "/srv/nbgrader/exchange"
ASSIGNMENT = "ex01-principles"
TOKEN = "trainer-guide-test-token"
BIN = str(Path(sys.executable).parent)


def guide_blocks() -> list[str]:
    return re.findall(r"^```bash\n(.*?)^```", GUIDE.read_text(encoding="utf-8"),
                      flags=re.M | re.S)


def is_learner(block: str) -> bool:
    return block.startswith("# learners")


def is_exchange(block: str) -> bool:
    return EXCHANGE in block


def is_files_only(block: str) -> bool:
    return "git archive" in block or "~/returned" in block


def source_notebook(assignment: str) -> nbformat.NotebookNode:
    return nbformat.read(REPO / "exercises" / assignment / f"{assignment}.ipynb", as_version=4)


# --- the guide says what the course holds (fast) --------------------------------------------


def test_guide_blocks_are_bash_and_cover_every_step():
    blocks = guide_blocks()
    for block in blocks:
        check = subprocess.run(["bash", "-n"], input=block, capture_output=True, text=True,
                               check=False)
        assert check.returncode == 0, f"{block}\n{check.stderr}"
    text = "\n".join(blocks)
    for command in ("nbgrader validate", "nbgrader db student import", "generate_assignment",
                    "release_assignment", "fetch_assignment", "nbgrader submit",
                    "nbgrader collect", "nbgrader autograde", "generate_feedback",
                    "release_feedback", "fetch_feedback", "nbgrader export", "iso10002 grades"):
        assert command in text, command


def test_guide_points_table_matches_the_notebooks():
    rows = dict(re.findall(r"^\| `(ex\d\d-[\w-]+)` \| .+? \| (\d+ \+ \d+) \|$",
                           GUIDE.read_text(encoding="utf-8"), flags=re.M))
    assert sorted(rows) == sorted(exercise.id for exercise in load_course_map().exercises)
    for assignment, points in rows.items():
        cells = source_notebook(assignment).cells
        auto = sum(nbgrader_meta(c)["points"] for c in cells if is_test(c))
        written = sum(nbgrader_meta(c)["points"] for c in cells
                      if is_answer(c) and c.cell_type == "markdown")
        assert points == f"{auto:g} + {written:g}", assignment


def test_readme_quick_start_uses_the_guide_s_commands():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Trainer quick start"):]
    block = re.search(r"```bash\n(.*?)```", section, flags=re.S).group(1)
    commands = [line.split("#")[0].split() for line in block.splitlines()]
    commands = [" ".join(words[:2]) for words in commands if words]
    assert len(commands) == 6
    guide = "\n".join(guide_blocks())
    assert [command for command in commands if command not in guide] == []
    assert "course/trainer-guide.md" in section


def test_guide_states_the_course_pass_mark():
    mark = load_course_map().pass_rules.exercise_pass_mark
    assert f"passed with {mark:.0%} of its points" in GUIDE.read_text(encoding="utf-8")


# --- the guide, run -------------------------------------------------------------------------


class Cohort:
    """One temporary course root, the trainer's and learners' environments, and a runner."""

    def __init__(self, base: Path, jupyter_dirs: dict[str, str]):
        self.base = base
        self.root = make_course_root(base / "course-root")
        (self.root / "datasets").symlink_to(REPO / "datasets")  # what `make start` checks
        self.exchange = base / "exchange"
        path = os.pathsep.join([BIN, os.environ.get("PATH", "")])
        self.trainer_env = {**os.environ, **jupyter_dirs, "PATH": path,
                            "ISO10002_COURSE_ROOT": str(self.root)}
        self.home = Path(jupyter_dirs["HOME"])
        self.learner_home = base / "learner-home"
        self.learner_home.mkdir()
        self.learner_env = {key: value for key, value in self.trainer_env.items()
                            if not key.startswith(("JUPYTER_", "IPYTHON"))}
        self.learner_env["HOME"] = str(self.learner_home)
        self.outputs: list[str] = []

    def run(self, block: str) -> str:
        script = block.replace(EXCHANGE, str(self.exchange))
        script = re.sub(r"^sudo ", "", script, flags=re.M)
        if is_learner(block):
            cwd, env = self.learner_home, self.learner_env
        else:
            cwd, env = (REPO if "git archive" in block else self.root), self.trainer_env
        done = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=cwd, env=env,
                              capture_output=True, text=True, timeout=900, check=False)
        output = done.stdout + done.stderr
        assert done.returncode == 0, f"guide block failed:\n{block}\n{output}"
        self.outputs.append(output)
        return output

    def release(self) -> nbformat.NotebookNode:
        path = self.root / "course" / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        return nbformat.read(path, as_version=4)


def _returned_notebooks(cohort: Cohort) -> None:
    """alice answers everything right, bob makes the plausible mistake; both send it back."""
    folder = cohort.home / "returned" / ASSIGNMENT
    folder.mkdir(parents=True)
    source, release = source_notebook(ASSIGNMENT), cohort.release()
    mistake = MISTAKES[ASSIGNMENT]
    nbformat.write(solved(release, source), folder / "alice.ipynb")
    nbformat.write(solved(release, source, {mistake.answer_cell: mistake.code}),
                   folder / "bob.ipynb")


def _learner_answers(cohort: Cohort) -> None:
    """The exchange learner answers the fetched notebook (all right)."""
    path = cohort.learner_home / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    nbformat.write(solved(nbformat.read(path, as_version=4), source_notebook(ASSIGNMENT)), path)


WRITTEN_SCORES = {"alice": 4.0, "bob": 2.0}


def _grade_in_the_formgrader(cohort: Cohort, start_server) -> None:
    """What a trainer does in Formgrader → Manual Grading, through the same HTTP API the page
    uses, in a JupyterLab started like `make start` (same argv) from the course root."""
    notebook = f"exercises/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
    server = start_server(lambda port: lab_command(notebook, port=port, open_browser=False,
                                                   token=TOKEN),
                          ready_path="/api/status", cwd=cohort.root)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def call(method: str, path: str, body: dict | None = None):
        request = urllib.request.Request(
            server.url + path, method=method, headers={"Authorization": f"token {TOKEN}"},
            data=None if body is None else json.dumps(body).encode())
        with opener.open(request, timeout=60) as response:
            return json.loads(response.read())

    names = {a["name"] for a in call("GET", "/formgrader/api/assignments")}
    assert {e.id for e in load_course_map().exercises} <= names, server.log_tail()
    submissions = call("GET", f"/formgrader/api/submitted_notebooks/{ASSIGNMENT}/{ASSIGNMENT}")
    assert sorted(s["student"] for s in submissions) == ["alice", "bob"]
    for submission in submissions:
        assert submission["needs_manual_grade"]
        grades = call("GET", f"/formgrader/api/grades?submission_id={submission['id']}")
        written = [g for g in grades if g["cell_type"] == "markdown"]
        assert len(written) == 1
        saved = call("PUT", f"/formgrader/api/grade/{written[0]['id']}",
                     {"manual_score": WRITTEN_SCORES[submission["student"]],
                      "extra_credit": None})
        assert saved["needs_manual_grade"] is False


def _rows(path: Path, assignment: str = ASSIGNMENT) -> dict[str, dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["student_id"]: row for row in csv.DictReader(handle)
                if row["assignment"] == assignment}


def _run_guide(cohort: Cohort, skip, after=None) -> list[str]:
    ran = []
    for block in guide_blocks():
        if skip(block):
            continue
        if "~/returned" in block:
            _returned_notebooks(cohort)
        if "nbgrader submit" in block:
            _learner_answers(cohort)
        output = cohort.run(block)
        ran.append(block)
        if after:
            after(block, output)
    return ran


@pytest.mark.slow
def test_guide_by_files_gives_a_grades_csv(tmp_path: Path, jupyter_dirs, start_server,
                                           monkeypatch):
    cohort = Cohort(tmp_path, jupyter_dirs)
    monkeypatch.setenv("ISO10002_COURSE_ROOT", str(cohort.root))  # for lab_command and lab

    def after(block: str, output: str) -> None:
        if "nbgrader validate" in block:
            assert "Success! Your notebook passes all the tests." in output
        if "nbgrader db student list" in block:
            assert all(name in output for name in ("alice", "bob", "carol"))
        if "nbgrader autograde" in block:
            _grade_in_the_formgrader(cohort, start_server)
        if block.strip() == "iso10002 grades":
            assert "to grade (0 answers)" in output

    ran = _run_guide(cohort, skip=is_exchange, after=after)
    assert len(ran) == len([b for b in guide_blocks() if not is_exchange(b)])

    learners_copy = cohort.home / "cohort" / "course-for-learners.zip"
    assert learners_copy.is_file()
    grades = _rows(cohort.root / "course" / "grades.csv")
    maximum = float(grades["alice"]["max_score"])
    assert float(grades["alice"]["score"]) == maximum == 13.0
    assert 0 < float(grades["bob"]["score"]) < maximum
    assert float(grades["carol"]["score"]) == 0.0 and grades["carol"]["timestamp"] == ""
    report = _rows(cohort.home / "cohort" / "ex01-report.csv")
    assert {s: r["status"] for s, r in report.items()} == {
        "alice": "passed", "bob": "passed", "carol": "not submitted"}
    hidden = region_only_lines(source_notebook(ASSIGNMENT), HIDDEN_TESTS)
    for learner in ("alice", "bob"):
        page = (cohort.root / "course" / "feedback" / learner / ASSIGNMENT /
                f"{ASSIGNMENT}.html").read_text(encoding="utf-8")
        assert [line for line in hidden if line in page] == []


@pytest.mark.slow
def test_guide_through_the_exchange_gives_a_grades_csv(tmp_path: Path, jupyter_dirs):
    cohort = Cohort(tmp_path, jupyter_dirs)
    ran = _run_guide(cohort, skip=is_files_only)
    assert any(is_learner(block) for block in ran)
    learner = getpass.getuser()  # the exchange knows learners by their account name
    grades = _rows(cohort.root / "course" / "grades.csv")
    assert float(grades[learner]["score"]) == 9.0  # autograded points; written answer waiting
    report = _rows(cohort.home / "cohort" / "ex01-report.csv")
    assert report[learner]["status"] == "to grade" and report[learner]["to_grade"] == "1"
    fetched = list((cohort.learner_home / ASSIGNMENT / "feedback").glob(f"*/{ASSIGNMENT}.html"))
    assert len(fetched) == 1
    assert "BEGIN HIDDEN TESTS" not in fetched[0].read_text(encoding="utf-8")
