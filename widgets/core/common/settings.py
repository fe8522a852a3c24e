"""The course's environment variables, in one place.

Why: a trainer setting up a shared server, or a developer isolating a test run, needs the full
list of what the course reads from the environment, with each default, and finds it scattered
over the modules that read them otherwise. Each variable is declared here once; the modules
read it through its :class:`Setting`, the README's table is rendered from :data:`SETTINGS`
(a test keeps the two equal) and ``iso10002 settings`` prints the current values.

The JupyterHub set-up (course/jupyterhub/) is configured by variables of its own, read by its
configuration file and listed in its README: they concern the hub, not the course's package.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Setting:
    """One environment variable: its name, what applies when it is unset, what it does."""

    name: str
    default: str  # for a folder, the path used when unset; otherwise what is used, in words
    help: str

    def get(self, environ: Mapping[str, str] | None = None) -> str | None:
        """The variable's value without surrounding spaces; None when it is unset or blank, so
        that an exported but empty variable means "use the default" rather than "here"."""
        value = (os.environ if environ is None else environ).get(self.name, "").strip()
        return value or None


COURSE_ROOT = Setting(
    "ISO10002_COURSE_ROOT",
    "the checkout the package is installed from, else the nearest folder above the working "
    "one that holds datasets/",
    "the course repository's top folder; set it when the package is installed outside a "
    "checkout",
)
PROGRESS_DIR = Setting(
    "ISO10002_PROGRESS_DIR",
    "~/.iso10002-course/progress",
    "the folder of the learners' progress files, one `<learner>.json` each",
)
WORK_DIR = Setting(
    "ISO10002_WORK_DIR",
    "~/.iso10002-course/work",
    "the folder of a learner's saved work: worksheets, reflections, self-assessments",
)
LEARNER = Setting(
    "JUPYTERHUB_USER",
    "the operating-system user",
    "the learner whose progress is recorded; JupyterHub sets it for each learner's server",
)
SETTINGS: tuple[Setting, ...] = (COURSE_ROOT, PROGRESS_DIR, WORK_DIR, LEARNER)


def settings_markdown() -> str:
    """The README's table of the variables: name, default, what it does."""
    rows = ["| Variable | Default | What it does |", "|---|---|---|"]
    for setting in SETTINGS:
        default = f"`{setting.default}`" if setting.default.startswith("~/") else setting.default
        rows.append(f"| `{setting.name}` | {default} | {setting.help} |")
    return "\n".join(rows) + "\n"


def current_settings(environ: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
    """(name, what applies now) for each variable: its value, or the default when unset."""
    return [(s.name, s.get(environ) or f"not set: {s.default}") for s in SETTINGS]
