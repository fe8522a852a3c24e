"""JupyterHub for one cohort of the ISO 10002 course, set up the way nbgrader documents a class
with several graders on one hub ("Using nbgrader with JupyterHub", nbgrader 0.9).

Who is who:

- **learners** log in with their own accounts (listed in the roster CSV) and get their own
  JupyterLab; assignments reach them through the exchange folder (Assignments tab, or
  `nbgrader fetch_assignment` / `nbgrader submit` in a terminal). nbgrader adds them to the
  hub group `nbgrader-iso10002` when a trainer runs `nbgrader db student import` (its
  JupyterHubAuthPlugin, configured in the global nbgrader_config.py next to this file).
- **instructors** log in with their own accounts, are members of `formgrade-iso10002` and may
  open the course's grader server: the hub service `iso10002` at /services/iso10002/.
- the **grader account** `grader-iso10002` runs that service: a JupyterLab with the
  Formgrader, started in its clone of this repository (the course root, where the gradebook,
  submissions and feedback live). Only instructors reach it; the hub refuses everyone else.

Per account kind, Jupyter gets the folder under jupyter-config/ that switches nbgrader's
extensions the way nbgrader's table says (learners: Assignments only; instructors: also the
course list; grader: Formgrader and Create Assignment).

Deployment settings are environment variables (course/jupyterhub/README.md):
ISO10002_HUB_INSTRUCTORS (required), ISO10002_HUB_ROSTER, ISO10002_HUB_STATE_DIR,
ISO10002_HUB_COURSE_ROOT. Accounts are the machine's: PAM logs them in and the hub starts
each server as that account (JupyterHub's defaults). tests/e2e/test_jupyterhub.py runs this file
unchanged and replaces only what needs system accounts (see its docstring).
"""

import csv
import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821  (JupyterHub's config loader provides get_config)

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent  # the course's .venv: JupyterHub, nbgrader and the course
COURSE_ID = "iso10002"
GRADER = f"grader-{COURSE_ID}"
FORMGRADE_GROUP = f"formgrade-{COURSE_ID}"  # names nbgrader's JupyterHubAuthPlugin relies on
LEARNER_GROUP = f"nbgrader-{COURSE_ID}"
GRADER_SERVICE_PORT = 9999


def _setting(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, "").strip() or default
    if not value:
        raise SystemExit(f"jupyterhub_config.py: set {name} (see course/jupyterhub/README.md)")
    return value


def read_roster(path: Path) -> list[str]:
    """The learners' account names: the `id` column of the roster, the same CSV a trainer
    imports with `nbgrader db student import` (id,first_name,last_name,email)."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except FileNotFoundError:
        raise SystemExit(f"jupyterhub_config.py: no roster at {path}; write the learners' "
                         "CSV (id,first_name,last_name,email) there or set ISO10002_HUB_ROSTER"
                         ) from None
    if rows and "id" not in rows[0]:
        raise SystemExit(f"jupyterhub_config.py: {path} has no 'id' column; the header must be "
                         "id,first_name,last_name,email")
    names = []
    for line, row in enumerate(rows, start=2):
        name = (row.get("id") or "").strip()
        if not name:
            raise SystemExit(f"jupyterhub_config.py: {path}, line {line}: empty id; give every "
                             "learner the account name they log in with")
        names.append(name)
    return names


INSTRUCTORS = sorted({n.strip() for n in _setting("ISO10002_HUB_INSTRUCTORS").split(",")
                      if n.strip()})
STATE_DIR = Path(_setting("ISO10002_HUB_STATE_DIR", "/srv/jupyterhub"))
LEARNERS = read_roster(Path(_setting("ISO10002_HUB_ROSTER", str(STATE_DIR / "students.csv"))))
COURSE_ROOT = Path(_setting("ISO10002_HUB_COURSE_ROOT", f"/home/{GRADER}/iso10002-course"))
_TWO_ROLES = sorted(set(LEARNERS) & {*INSTRUCTORS, GRADER})
if _TWO_ROLES:
    raise SystemExit(f"jupyterhub_config.py: {', '.join(_TWO_ROLES)} on the roster and an "
                     "instructor or the grader account; give each account one role")

# --- the hub -------------------------------------------------------------------------------
# Loopback only: put a TLS reverse proxy (nginx, Caddy) in front, see the README.
c.JupyterHub.bind_url = "http://127.0.0.1:8000"
c.JupyterHub.db_url = f"sqlite:///{STATE_DIR / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE_DIR / "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.command = [str(HERE / "node_modules" / ".bin" / "configurable-http-proxy")]
c.ConfigurableHTTPProxy.pid_file = str(STATE_DIR / "jupyterhub-proxy.pid")

# --- who may log in, and the groups nbgrader reads ----------------------------------------
c.Authenticator.allowed_users = set(INSTRUCTORS) | set(LEARNERS)
c.JupyterHub.load_groups = {
    FORMGRADE_GROUP: {"users": [*INSTRUCTORS, GRADER]},
    # filled by `nbgrader db student import/add` in the grader server (JupyterHubAuthPlugin)
    LEARNER_GROUP: {"users": []},
}
c.JupyterHub.load_roles = [
    {   # instructors open the grader server; their course list finds it through the hub API
        "name": f"{COURSE_ID}-instructor",
        "groups": [FORMGRADE_GROUP],
        "scopes": [f"access:services!service={COURSE_ID}", "list:services",
                   f"read:services!service={COURSE_ID}"],
    },
    {   # the grader server's own token, for nbgrader's JupyterHubAuthPlugin: who is in which
        # course, and enrolling learners (adding them to nbgrader-iso10002). Nothing more.
        "name": f"{COURSE_ID}-grader",
        "services": [COURSE_ID],
        "scopes": ["read:users:name", "read:users:groups", "list:groups", "read:groups:name",
                   f"groups!group={LEARNER_GROUP}"],
    },
]

# --- the course's grader server (Formgrader), a hub service ---------------------------------
GRADER_CONFIG = HERE / "jupyter-config" / "grader"
c.JupyterHub.services = [
    {
        "name": COURSE_ID,  # nbgrader: the service name must be the course id
        "url": f"http://127.0.0.1:{GRADER_SERVICE_PORT}",
        "command": [str(BIN / "jupyterhub-singleuser")],
        "user": GRADER,
        "cwd": str(COURSE_ROOT),
        "environment": {
            "JUPYTERHUB_DEFAULT_URL": "/lab",
            "JUPYTERHUB_USER": GRADER,  # nbgrader's JupyterHubAuthPlugin asks the hub as this user
            "JUPYTER_CONFIG_PATH": os.pathsep.join(
                filter(None, [str(GRADER_CONFIG), os.environ.get("JUPYTER_CONFIG_PATH")])),
            "PATH": os.pathsep.join([str(BIN), os.environ.get("PATH", os.defpath)]),
        },
    },
]


# --- everyone's own server ------------------------------------------------------------------
def jupyter_config_path(spawner) -> str:
    """Instructors get the course list, learners neither it nor the Formgrader (jupyter-config/);
    a JUPYTER_CONFIG_PATH the hub was started with follows, e.g. a test's global config."""
    groups = {group.name for group in spawner.user.groups}
    kind = "instructors" if FORMGRADE_GROUP in groups else "learners"
    return os.pathsep.join(filter(None, [str(HERE / "jupyter-config" / kind),
                                         os.environ.get("JUPYTER_CONFIG_PATH")]))


c.Spawner.cmd = [str(BIN / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.environment = {
    "JUPYTER_CONFIG_PATH": jupyter_config_path,
    "PATH": os.pathsep.join([str(BIN), os.environ.get("PATH", os.defpath)]),
}
# The server's own token may read the user's groups (nbgrader's Assignments tab asks which
# courses the learner is in) and find the course's grader service (an instructor's course
# list); each token gets only the part its owner holds.
c.Spawner.server_token_scopes = [
    "users:activity!user", "access:servers!server",
    "read:users:name!user", "read:users:groups!user",
    "list:services", f"read:services!service={COURSE_ID}",
]
# A JupyterLab with the course's packages needs longer than the defaults on a busy machine.
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 90
