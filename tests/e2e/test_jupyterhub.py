"""The course on JupyterHub (course/jupyterhub/), run: one instructor, two learners, one
assignment handed out, fetched, submitted, collected, graded and returned through the exchange.

The hub runs the deployment's own jupyterhub_config.py and global nbgrader_config.py, loaded
unchanged by a small test configuration that replaces only what needs system accounts:

- PAM → SharedPasswordAuthenticator: the same allowed users (the instructors and the roster),
  one password, so the test logs in through the hub's login form like a browser would;
- LocalProcessSpawner (each server as its Unix account) → SimpleLocalProcessSpawner: every
  server runs as the test's own user with HOME = <tmp>/homes/<name>; the grader service
  likewise (its `user` dropped); as root, servers get --allow-root;
- the hub, its API, the proxy's API and the grader service listen on free 127.0.0.1 ports.

So what the test cannot show is Unix permissions between accounts: every process is one user
(nbgrader's collect says so, warning that submissions are "owned by" that user). Everything
else is the real thing: configurable-http-proxy from course/jupyterhub/node_modules, the
hub's groups and roles, nbgrader's JupyterHubAuthPlugin, the exchange, the Formgrader.

The commands are those of course/trainer-guide.md, "Running the course on JupyterHub", read
from the page: the administrator's are run here with /srv/..., /etc/jupyter and the grader's
home moved under the test's tmp folder (the copied nbgrader_config.py gets the same exchange
path) — except four the test does its own way, each named in ADMIN_NOT_RUN; the instructor's
are typed into a terminal of the grader server; the learners' are typed by bob into his
server's terminal, while alice does the same with the Assignments tab's endpoints. Answers
are saved through the Contents API, as JupyterLab saves a notebook; written answers are graded
through the Formgrader's API in the grader server. Everything lives under tmp_path; the hub is
stopped at the end and no process of this test may outlive it.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
import requests
from support.exercise_cases import MISTAKES
from support.repo import REPO
from support.servers import free_port, in_ci
from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect
from traitlets.config.loader import PyFileConfigLoader

from widgets.core.course.course_map import load_course_map
from widgets.core.grading.exercise_submissions import region_only_lines, solved
from widgets.core.grading.nbgrader_course import (
    HIDDEN_TESTS,
    cohort_grades,
    gradebook_url,
    make_course_root,
)

HUB_DIR = REPO / "course" / "jupyterhub"
HUB_CONFIG = HUB_DIR / "jupyterhub_config.py"
PROXY = HUB_DIR / "node_modules" / ".bin" / "configurable-http-proxy"
GUIDE = REPO / "course" / "trainer-guide.md"
BIN = Path(sys.executable).parent
COURSE = "iso10002"
GRADER = f"grader-{COURSE}"
ASSIGNMENT = "ex01-principles"
LEARNERS = ("alice", "bob")
WRITTEN_SCORES = {"alice": 4.0, "bob": 2.0}
PASSWORD = "course-hub-test-password"
ANSI = re.compile(r"\x1b(\[[0-9;?]*[A-Za-z]|\([A-Z0-9]|\][^\x07]*\x07)")

# Administrator commands of the guide this test does not run, and what it does instead.
ADMIN_NOT_RUN = {
    "make jupyterhub": "make test ran it first (the proxy must be in node_modules)",
    "adduser": "no system accounts: every server runs as the test's user",
    "git clone": "the grader's copy of the course is made from this working tree",
    "jupyterhub -f": "started by start_server, with the same config file and settings",
}


# --- the guide's section ------------------------------------------------------------------


@dataclass
class Block:
    who: str  # "administrator", "instructor" or "learner"
    commands: list[str]


def hub_blocks() -> list[Block]:
    """The console blocks of the guide's JupyterHub section, in order, with who runs them."""
    text = GUIDE.read_text(encoding="utf-8")
    start = text.index("## Running the course on JupyterHub")
    section = text[start:text.index("\n## ", start + 1)]
    blocks = []
    for body in re.findall(r"^```console\n(.*?)^```", section, flags=re.M | re.S):
        first, *lines = body.splitlines()
        who = re.match(r"# (?:the |an |a )(administrator|instructor|learner)\b", first)
        assert who, f"a console block must say who runs it on its first line: {first!r}"
        commands = [line[2:] for line in lines if line.startswith("$ ")]
        assert commands and len(commands) == len(lines), body
        blocks.append(Block(who.group(1), commands))
    return blocks


def test_guide_section_has_every_step():
    blocks = hub_blocks()
    assert [b.who for b in blocks] == ["administrator", "instructor", "learner", "instructor",
                                       "instructor", "learner"]
    commands = "\n".join(c for b in blocks for c in b.commands)
    for step in ("db student import", "generate_assignment", "release_assignment",
                 "fetch_assignment", "nbgrader submit", "nbgrader collect", "nbgrader autograde",
                 "iso10002 grades", "generate_feedback", "release_feedback", "fetch_feedback",
                 "nbgrader export", f"-f {HUB_CONFIG.relative_to(REPO)}"):
        assert step in commands, step
    for command in blocks[0].commands:
        assert command.split()[0] in ("mkdir", "chmod", "cp", "install") or any(
            skipped in command for skipped in ADMIN_NOT_RUN), command


# --- the configuration on its own -------------------------------------------------------------


def load_hub_config(monkeypatch, tmp_path: Path, roster: str, instructors: str = "irene"):
    """jupyterhub_config.py as JupyterHub loads it, with the settings in the environment."""
    (tmp_path / "students.csv").write_text(roster, encoding="utf-8")
    monkeypatch.setenv("ISO10002_HUB_INSTRUCTORS", instructors)
    monkeypatch.setenv("ISO10002_HUB_STATE_DIR", str(tmp_path))
    monkeypatch.delenv("ISO10002_HUB_ROSTER", raising=False)
    monkeypatch.delenv("ISO10002_HUB_COURSE_ROOT", raising=False)
    return PyFileConfigLoader(HUB_CONFIG.name, path=str(HUB_DIR)).load_config()


def test_config_gives_the_course_s_accounts_groups_and_roles(monkeypatch, tmp_path):
    config = load_hub_config(monkeypatch, tmp_path, "id,first_name,last_name,email\n"
                             "alice,Alice,A,a@example.org\nbob,Bob,B,b@example.org\n",
                             instructors="irene, ivan")
    assert config.Authenticator.allowed_users == {"irene", "ivan", "alice", "bob"}
    assert config.JupyterHub.load_groups == {
        "formgrade-iso10002": {"users": ["irene", "ivan", GRADER]},
        "nbgrader-iso10002": {"users": []}}
    roles = {role["name"]: role for role in config.JupyterHub.load_roles}
    assert roles["iso10002-instructor"]["groups"] == ["formgrade-iso10002"]
    assert "access:services!service=iso10002" in roles["iso10002-instructor"]["scopes"]
    assert roles["iso10002-grader"]["services"] == [COURSE]
    assert not any(scope.startswith(("admin", "users", "servers", "tokens"))
                   for scope in roles["iso10002-grader"]["scopes"])  # not a hub admin
    (service,) = config.JupyterHub.services
    assert (service["name"], service["user"], service["cwd"]) == (
        COURSE, GRADER, f"/home/{GRADER}/iso10002-course")
    assert service["command"] == [str(BIN / "jupyterhub-singleuser")]
    assert config.JupyterHub.db_url == f"sqlite:///{tmp_path / 'jupyterhub.sqlite'}"
    assert config.JupyterHub.bind_url == "http://127.0.0.1:8000"
    assert config.ConfigurableHTTPProxy.command == [str(PROXY)]


# nbgrader's table for several graders: which of its extensions each kind of account lacks
WITHOUT = {"learners": {"formgrader", "course_list", "create_assignment"},
           "instructors": {"formgrader", "create_assignment"},
           "grader": {"assignment_list", "course_list"}}


@pytest.mark.parametrize("kind", sorted(WITHOUT))
def test_each_kind_of_account_has_nbgrader_s_extensions_as_documented(kind):
    folder = HUB_DIR / "jupyter-config" / kind
    server = json.loads((folder / "jupyter_server_config.json").read_text(encoding="utf-8"))
    switched = server["ServerApp"]["jpserver_extensions"]
    assert switched == {f"nbgrader.server_extensions.{name}": False
                        for name in WITHOUT[kind] - {"create_assignment"}}  # lab-only plugin
    assert server["ServerApp"]["terminado_settings"] == {"shell_command": ["/bin/bash"]}
    lab = json.loads((folder / "labconfig" / "page_config.json").read_text(encoding="utf-8"))
    plugins = {f"@jupyter/nbgrader:{name.replace('_', '-')}": True for name in WITHOUT[kind]}
    assert lab == {"disabledExtensions": plugins, "lockedExtensions": plugins}


@pytest.mark.parametrize(("roster", "instructors", "message"), [
    ("id,first_name,last_name,email\nalice,A,B,a@example.org\n", "",
     "set ISO10002_HUB_INSTRUCTORS"),
    ("name,email\nalice,a@example.org\n", "irene", "has no 'id' column"),
    ("id,first_name,last_name,email\nalice,A,B,a@x.org\n,C,D,c@x.org\n", "irene",
     "students.csv, line 3: empty id"),
    ("id,first_name,last_name,email\nirene,I,R,i@x.org\n", "irene", "irene on the roster"),
    ("id,first_name,last_name,email\ngrader-iso10002,G,R,g@x.org\n", "irene",
     "grader-iso10002 on the roster"),
])
def test_config_refuses_bad_settings(monkeypatch, tmp_path, roster, instructors, message):
    with pytest.raises(SystemExit, match=re.escape(message)):
        load_hub_config(monkeypatch, tmp_path, roster, instructors)


def test_config_says_where_the_roster_should_be(monkeypatch, tmp_path):
    monkeypatch.setenv("ISO10002_HUB_ROSTER", str(tmp_path / "missing.csv"))
    monkeypatch.setenv("ISO10002_HUB_INSTRUCTORS", "irene")
    with pytest.raises(SystemExit, match=re.escape(f"no roster at {tmp_path / 'missing.csv'}")):
        PyFileConfigLoader(HUB_CONFIG.name, path=str(HUB_DIR)).load_config()


# --- processes ------------------------------------------------------------------------------


def processes_with(marker: str) -> list[int]:
    """PIDs of processes whose environment mentions `marker` (this test's tmp folder): every
    process the hub starts inherits it, so none may be left once the hub is stopped."""
    found = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if marker.encode() in environ.read_bytes():
                found.append(int(environ.parent.name))
        except OSError:  # gone, or another user's
            continue
    return [pid for pid in found if pid != os.getpid()]


@pytest.fixture
def leftovers(tmp_path: Path) -> Iterator[str]:
    """The marker; at teardown (after start_server's), any process still carrying it is
    killed by PID, so a failing run leaves nothing behind either."""
    marker = str(tmp_path)
    yield marker
    for pid in processes_with(marker):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def require(path: Path, what: str) -> None:
    if path.exists():
        return
    reason = f"{what} is missing ({path}): run `make jupyterhub`"
    if in_ci():
        pytest.fail(f"{reason}; the JupyterHub test must run in CI")
    pytest.skip(reason)


# --- talking to the hub ---------------------------------------------------------------------


class Hub:
    """HTTP to the hub's proxy as one user at a time, with the tokens users got by logging in."""

    def __init__(self, url: str, log_tail: Callable[[], str]):
        self.url = url
        self.log_tail = log_tail
        self.http = requests.Session()
        self.http.trust_env = False  # never a proxy from the environment
        self.tokens: dict[str, str] = {}

    def login(self, name: str, password: str = PASSWORD) -> int:
        """The login form, as a browser fills it in; then an API token for the rest."""
        browser = requests.Session()
        browser.trust_env = False
        browser.get(f"{self.url}/hub/login", timeout=30).raise_for_status()
        form = {"username": name, "password": password, "_xsrf": browser.cookies["_xsrf"]}
        answer = browser.post(f"{self.url}/hub/login", data=form, allow_redirects=False,
                              timeout=30)
        if answer.status_code == 302:
            token = browser.post(f"{self.url}/hub/api/users/{name}/tokens",
                                 json={"note": "tests/e2e/test_jupyterhub.py", "expires_in": 3600},
                                 headers={"X-XSRFToken": browser.cookies["_xsrf"]}, timeout=30)
            assert token.status_code == 201, token.text
            self.tokens[name] = token.json()["token"]
        return answer.status_code

    def call(self, user: str, method: str, path: str, expect: int = 200, **kwargs):
        answer = self.http.request(method, self.url + path, timeout=120,
                                   headers={"Authorization": f"token {self.tokens[user]}"},
                                   **kwargs)
        assert answer.status_code == expect, (
            f"{user}: {method} {path} -> {answer.status_code}\n{answer.text[:2000]}\n"
            f"{self.log_tail()}")
        return answer

    def wait_for(self, path: str, user: str | None = None, timeout: float = 180) -> None:
        """Until `path` answers 200 (the proxy answers 404 until the hub has added its route)."""
        headers = {"Authorization": f"token {self.tokens[user]}"} if user else {}
        deadline = time.monotonic() + timeout
        while self.http.get(self.url + path, timeout=30, allow_redirects=False,
                            headers=headers).status_code != 200:
            assert time.monotonic() < deadline, f"{path} not up\n{self.log_tail()}"
            time.sleep(0.5)

    def start_servers(self, users: list[str], timeout: float = 240) -> None:
        for user in users:
            self.call(user, "POST", f"/hub/api/users/{user}/server", expect=201)
        deadline = time.monotonic() + timeout
        waiting = set(users)
        while waiting:
            for user in sorted(waiting):
                server = self.call(user, "GET", "/hub/api/user").json()["servers"].get("")
                if server and server["ready"]:
                    waiting.discard(user)
            assert time.monotonic() < deadline, f"servers of {waiting} not ready\n{self.log_tail()}"
            time.sleep(0.5)

    def terminal(self, user: str, prefix: str, commands: list[str]) -> list[str]:
        """Type each command into a new terminal of the server at `prefix`; its output, or a
        failure with it when the command exits with an error."""
        token = self.tokens[user]
        name = self.call(user, "POST", f"{prefix}/api/terminals").json()["name"]
        try:
            return asyncio.run(_type_into(self.url.replace("http", "ws", 1)
                                          + f"{prefix}/terminals/websocket/{name}",
                                          token, commands))
        finally:
            self.call(user, "DELETE", f"{prefix}/api/terminals/{name}", expect=204)


async def _type_into(url: str, token: str, commands: list[str]) -> list[str]:
    socket = await websocket_connect(HTTPRequest(url, headers={"Authorization": f"token {token}"}))
    outputs = []
    try:
        for command in commands:
            # `$?` stays unexpanded in the echo of the typed line, so only the shell's own
            # output can match the pattern below
            await socket.write_message(json.dumps(["stdin", f"{command}; echo __EXIT_$?__\r"]))
            text = ""
            while not (done := re.search(r"__EXIT_(\d+)__", ANSI.sub("", text))):
                message = await asyncio.wait_for(socket.read_message(), 600)
                assert message is not None, f"terminal closed during {command!r}:\n{text}"
                kind, *content = json.loads(message)
                if kind == "stdout":
                    text += content[0]
            output = ANSI.sub("", text)
            assert done.group(1) == "0", f"{command!r} failed:\n{output}"
            outputs.append(output)
    finally:
        socket.close()
    return outputs


# --- the test -------------------------------------------------------------------------------


class Layout:
    """Where the deployment's fixed paths live in this test: all under `base`."""

    def __init__(self, base: Path):
        self.homes = base / "homes"
        self.grader_home = self.homes / GRADER
        self.course_root = self.grader_home / f"{COURSE}-course"
        self.exchange = base / "srv" / "nbgrader" / "exchange"
        self.state = base / "srv" / "jupyterhub"
        self.etc_jupyter = base / "etc" / "jupyter"
        self.tmp = base / "tmp"
        self.tmp.mkdir(parents=True)
        self.homes.mkdir()
        self._moves = {"/srv/nbgrader/exchange": self.exchange, "/srv/jupyterhub": self.state,
                       "/etc/jupyter": self.etc_jupyter, f"/home/{GRADER}": self.grader_home}

    def moved(self, text: str) -> str:
        """`text` with the deployment's paths replaced by this test's (in one pass)."""
        pattern = "|".join(re.escape(fixed) for fixed in self._moves)
        return re.sub(pattern, lambda match: str(self._moves[match.group(0)]), text)


def run_admin(block: Block, layout: Layout, admin_home: str) -> dict[str, str]:
    """The administrator's commands, moved under tmp; the hub's settings of the start line."""
    settings: dict[str, str] = {}
    for command in block.commands:
        skipped = [what for what in ADMIN_NOT_RUN if what in command]
        if "jupyterhub -f" in skipped:
            words = shlex.split(command)
            while "=" in words[0]:
                name, value = words.pop(0).split("=", 1)
                settings[name] = value
            assert words == [".venv/bin/jupyterhub", "-f", str(HUB_CONFIG.relative_to(REPO))]
        if skipped:
            continue
        done = subprocess.run(["bash", "-euo", "pipefail", "-c", layout.moved(command)],
                              cwd=REPO, env={**os.environ, "HOME": admin_home},
                              capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode == 0, f"{command}\n{done.stdout}{done.stderr}"
    return settings


def overlay_config(layout: Layout, ports: dict[str, int]) -> str:
    """The test's hub config: the course's, loaded as it is, then the replacements the
    module's docstring lists."""
    homes = str(layout.homes / "{username}")
    tmp, grader_home = str(layout.tmp), str(layout.grader_home)
    allow_root = ["--allow-root"] if os.geteuid() == 0 else []
    return f"""# Written by tests/e2e/test_jupyterhub.py: the course's hub without system accounts.
c = get_config()  # noqa: F821
load_subconfig({str(HUB_CONFIG)!r})
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = {PASSWORD!r}
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {homes!r}
c.Spawner.args = {allow_root!r}
c.Spawner.environment["TMPDIR"] = {tmp!r}
c.JupyterHub.hub_bind_url = "http://127.0.0.1:{ports['hub_api']}"
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{ports['proxy_api']}"
service = c.JupyterHub.services[0]
del service["user"]
service["url"] = "http://127.0.0.1:{ports['grader']}"
service["command"] = [*service["command"], *{allow_root!r}]
service["environment"].update(HOME={grader_home!r}, USER={GRADER!r}, TMPDIR={tmp!r})
"""


def answer(hub: Hub, learner: str, path: str, source: nbformat.NotebookNode) -> None:
    """The learner answers in JupyterLab, which saves through the Contents API: alice every
    answer right, bob with the plausible mistake of exercise_cases."""
    url = f"/user/{learner}/api/contents/{path}"
    fetched = nbformat.from_dict(hub.call(learner, "GET", url).json()["content"])
    mistake = MISTAKES[ASSIGNMENT]
    changes = {mistake.answer_cell: mistake.code} if learner == "bob" else None
    hub.call(learner, "PUT", url, json={"type": "notebook", "format": "json",
                                        "content": solved(fetched, source, changes)})


def assignments_tab(hub: Hub, learner: str, command: str) -> list[dict]:
    """What alice's Assignments tab does for the learner's command (fetch, submit, feedback)."""
    action = {"fetch_assignment": "fetch", "submit": "submit",
              "fetch_feedback": "fetch_feedback"}[command.split()[1]]
    listing = hub.call(learner, "POST", f"/user/{learner}/assignments/{action}",
                       data={"course_id": COURSE, "assignment_id": ASSIGNMENT}).json()
    assert listing["success"], listing
    return listing["value"]


def grade_written_answers(hub: Hub, instructor: str) -> None:
    """What an instructor does in the grader server's Formgrader → Manual Grading."""
    api = f"/services/{COURSE}/formgrader/api"
    submissions = hub.call(instructor, "GET",
                           f"{api}/submitted_notebooks/{ASSIGNMENT}/{ASSIGNMENT}").json()
    assert sorted(s["student"] for s in submissions) == list(LEARNERS)
    for submission in submissions:
        grades = hub.call(instructor, "GET", f"{api}/grades",
                          params={"submission_id": submission["id"]}).json()
        (written,) = [g for g in grades if g["cell_type"] == "markdown"]
        saved = hub.call(instructor, "PUT", f"{api}/grade/{written['id']}",
                         json={"manual_score": WRITTEN_SCORES[submission["student"]],
                               "extra_credit": None}).json()
        assert saved["needs_manual_grade"] is False


def stop(server, marker: str) -> None:
    """SIGTERM to the hub: it stops the servers, the grader service and the proxy; then no
    process of this test may remain."""
    os.killpg(server.process.pid, signal.SIGTERM)
    server.process.wait(timeout=60)
    deadline = time.monotonic() + 30
    while processes_with(marker):
        assert time.monotonic() < deadline, (
            f"processes left after the hub stopped: {processes_with(marker)}\n"
            f"{server.log_tail()}")
        time.sleep(0.5)


@pytest.mark.slow
@pytest.mark.timeout(1200)
def test_course_on_jupyterhub(leftovers, tmp_path, jupyter_dirs, start_server, monkeypatch):
    require(PROXY, "configurable-http-proxy (npm, course/jupyterhub/node_modules)")
    require(BIN / "jupyterhub", "JupyterHub (the test extra of pyproject.toml)")
    layout = Layout(tmp_path)
    blocks = hub_blocks()

    # the list of learners, as in the guide's step 2; then the administrator's commands
    admin_home = Path(jupyter_dirs["HOME"])
    (admin_home / "cohort").mkdir()
    roster = "id,first_name,last_name,email\n" + "".join(
        f"{name},{name.title()},Learner,{name}@example.org\n" for name in LEARNERS)
    (admin_home / "cohort" / "students.csv").write_text(roster, encoding="utf-8")
    settings = run_admin(blocks[0], layout, str(admin_home))
    global_config = layout.etc_jupyter / "nbgrader_config.py"
    global_config.write_text(layout.moved(global_config.read_text(encoding="utf-8")),
                             encoding="utf-8")
    assert (layout.state / "students.csv").stat().st_mode & 0o777 == 0o600
    make_course_root(layout.course_root, [ASSIGNMENT])  # the grader's copy of the course
    (instructor,) = settings["ISO10002_HUB_INSTRUCTORS"].split(",")

    overlay = tmp_path / "test_jupyterhub_config.py"
    overlay.write_text(overlay_config(layout, {k: free_port() for k in ("hub_api", "proxy_api",
                                                                     "grader")}))
    for name, value in {**settings, "ISO10002_HUB_STATE_DIR": str(layout.state),
                        "ISO10002_HUB_COURSE_ROOT": str(layout.course_root),
                        "JUPYTER_CONFIG_PATH": str(layout.etc_jupyter),
                        "TMPDIR": str(layout.tmp)}.items():
        monkeypatch.setenv(name, value)
    server = start_server(lambda port: [str(BIN / "jupyterhub"), "-f", str(overlay),
                                        f"--JupyterHub.bind_url=http://127.0.0.1:{port}"],
                          ready_path="/hub/api", cwd=layout.state, timeout=120)
    hub = Hub(server.url, server.log_tail)
    hub.wait_for("/hub/api")

    # everyone logs in; somebody not on the list cannot
    for user in (instructor, *LEARNERS):
        assert hub.login(user) == 302, server.log_tail()
    assert hub.login("mallory") == 403
    grader = f"/services/{COURSE}"
    hub.wait_for(f"{grader}/api/status", instructor)
    hub.call("bob", "GET", f"{grader}/api/status", expect=403)  # instructors only
    hub.start_servers([instructor, *LEARNERS])
    hub.call("alice", "GET", "/user/bob/api/status", expect=403)

    # each kind of account has nbgrader's extensions as nbgrader's table says
    hub.call("alice", "GET", "/user/alice/formgrader/api/status", expect=404)
    hub.call(instructor, "GET", f"/user/{instructor}/formgrader/api/status", expect=404)
    page = hub.call("alice", "GET", "/user/alice/lab").text
    assert '"@jupyter/nbgrader:formgrader"' in page.split('"disabledExtensions"', 1)[1][:400]
    courses = hub.call(instructor, "GET", f"/user/{instructor}/formgraders").json()["value"]
    assert [(c["course_id"], c["url"]) for c in courses] == [
        (COURSE, f"{server.url}{grader}/lab?formgrader=true")]

    # the guide's steps, in order
    source = nbformat.read(REPO / "exercises" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    notebook = f"{COURSE}/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
    pass_mark = load_course_map().pass_rules.exercise_pass_mark
    autograded: dict[str, float] = {}
    for block in blocks[1:]:
        if block.who == "instructor":
            if any("db student import students.csv" in c for c in block.commands):
                hub.call(instructor, "PUT", f"{grader}/api/contents/students.csv",
                         json={"type": "file", "format": "text", "content": roster}, expect=201)
            outputs = dict(zip(block.commands, hub.terminal(instructor, grader, block.commands),
                               strict=True))
            if f"nbgrader autograde {ASSIGNMENT}" in outputs:
                grades = cohort_grades(gradebook_url(layout.course_root), pass_mark)
                autograded.update(zip(grades.student_id, grades.score, strict=True))
                assert autograded["alice"] == 9.0  # every autograded point; 4 written to come
                assert 0 < autograded["bob"] < 9.0
                assert set(grades.to_grade) == {1}
                assert "2 to grade (2 answers)" in outputs["iso10002 grades"]
                grade_written_answers(hub, instructor)
            continue
        for command in block.commands:
            if command.startswith("nbgrader submit"):
                for learner in LEARNERS:
                    answer(hub, learner, notebook, source)
            hub.terminal("bob", "/user/bob", [command])
            listing = assignments_tab(hub, "alice", command)
            if command.startswith("nbgrader fetch_assignment"):
                (fetched,) = [a for a in listing if a["status"] == "fetched"]
                assert fetched["notebooks"][0]["path"] == notebook
            if command.startswith("nbgrader submit"):
                (submitted,) = [a for a in listing if a["status"] == "submitted"]
                assert submitted["student_id"] == "alice"  # the hub name, not the Unix account

    # both learners are in the gradebook and the export, with the scores they earned
    with (layout.course_root / "course" / "grades.csv").open(encoding="utf-8") as handle:
        exported = {row["student_id"]: float(row["score"]) for row in csv.DictReader(handle)}
    assert exported["alice"] == 13.0
    assert exported["bob"] == autograded["bob"] + WRITTEN_SCORES["bob"]
    assert sorted(exported) == list(LEARNERS)
    hidden = region_only_lines(source, HIDDEN_TESTS)
    for learner in LEARNERS:
        (feedback,) = (layout.homes / learner / COURSE / ASSIGNMENT / "feedback").glob(
            f"*/{ASSIGNMENT}.html")
        page = feedback.read_text(encoding="utf-8")
        assert [line for line in hidden if line in page] == []
    assert sorted(p.name for p in (layout.course_root / "course" / "submitted").iterdir()) == list(
        LEARNERS)
    # nbgrader made the inbound folder writable, not readable, by other accounts
    assert (layout.exchange / COURSE / "inbound").stat().st_mode & 0o777 == 0o733

    stop(server, leftovers)
