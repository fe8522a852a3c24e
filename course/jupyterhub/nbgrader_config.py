"""nbgrader settings for every account on the course's JupyterHub, in /etc/jupyter/.

Every account reads this file (learners, instructors, the grader server), as nbgrader's
JupyterHub set-up documents for a global config: the course id, the shared exchange folder
and how nbgrader learns who is in the course (the hub's groups formgrade-iso10002 and
nbgrader-iso10002). The grader's course settings (folders, gradebook, time-outs, feedback
without hidden tests) stay in the repository's own nbgrader_config.py, which nbgrader reads
from the course folder the grader server runs in.
"""

import os

from nbgrader.auth import JupyterHubAuthPlugin

c = get_config()  # noqa: F821  (nbgrader's config loader provides get_config)

c.CourseDirectory.course_id = "iso10002"  # = the grader service's name in jupyterhub_config.py

# One folder every account can read and write (see the README); nbgrader keeps the course's
# files under iso10002/ in it, so a second course on the same hub cannot collide.
c.Exchange.root = "/srv/nbgrader/exchange"
c.Exchange.path_includes_course = True

# Learners see only the courses whose nbgrader-<course> group they are in; `nbgrader db
# student import` in the grader server adds them to it through the hub's API.
c.Authenticator.plugin_class = JupyterHubAuthPlugin

# A learner is known by their hub name, in the exchange and in the gradebook alike. nbgrader
# takes the name of the Unix account instead, except in containers where every account is
# "jovyan" (then it takes the hub name too): with PAM accounts both names are the same, but a
# hub that maps names (e.g. The Littlest JupyterHub's "jupyter-<name>" accounts) would file
# submissions under names the gradebook and the hub's groups do not know. Not in the grader
# server (a hub service): there nbgrader's commands work on every learner.
_hub_user = os.environ.get("JUPYTERHUB_USER")
if _hub_user and not os.environ.get("JUPYTERHUB_SERVICE_NAME"):
    c.CourseDirectory.student_id = _hub_user
