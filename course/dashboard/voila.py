"""Voilà configuration of the self-assessment dashboard: every server setting in one file.

Loaded by `make dashboard` (python -m widgets.dashboard.server), which points Voilà here with
--Voila.config_file_paths, adds the port and whether to open a browser, and puts this folder's
jupyter/ on JUPYTER_PATH so that Voilà finds the course template. Command-line options win
over this file, so a test can shorten the culling times without editing it.
"""

from widgets.core.complaints import MAX_UPLOAD_BYTES, WEBSOCKET_MAX_MESSAGE_BYTES

c = get_config()  # noqa: F821  (traitlets provides get_config to configuration files)

# Only this machine can reach the server. Voilà's default ("localhost") may also resolve to ::1
# or, on an odd hosts file, to another address; the loopback address is unambiguous.
c.Voila.ip = "127.0.0.1"

# The course template: Voilà's "lab" template without its CDN stylesheets and Mermaid loader,
# plus the browser-side upload guard and the cookie that lets a closing page end its kernel
# (see its header). A URL parameter must not switch back to a template that contacts a CDN,
# nor change the theme.
c.VoilaConfiguration.template = "iso10002"
c.VoilaConfiguration.allow_template_override = "NO"
c.VoilaConfiguration.allow_theme_override = "NO"
c.VoilaConfiguration.resources = {"iso10002": {"max_upload_bytes": MAX_UPLOAD_BYTES}}

# Voilà loads every JupyterLab extension installed in the environment; most are written for
# JupyterLab (nbgrader, notebook's lab extension) and fail in Voilà with console errors. The
# dashboard needs the widgets extension and Voilà's widget manager for ipywidgets 8 only.
c.VoilaConfiguration.extension_allowlist = [
    "@jupyter-widgets/jupyterlab-manager",
    "@voila-dashboards/widgets-manager8",
]

# Viewers see outputs only: no notebook source, no tracebacks (they would show code and file
# paths). Voilà's kernels accept widget (comm) messages only, never execute requests, so a
# viewer cannot run code; nothing here changes that default.
c.VoilaConfiguration.strip_sources = True
c.VoilaConfiguration.show_tracebacks = False

# Voilà serves files next to the notebook under /voila/files/ when they match an allow-list
# (images by default). The dashboard shows no such files, so nothing is served at all.
c.VoilaConfiguration.file_allowlist = []

# One kernel kept ready with the notebook already run: the first visitor does not wait for a
# kernel to start and the dashboard to be built. The pool refills a second after it is used.
c.VoilaConfiguration.preheat_kernel = True
c.VoilaConfiguration.default_pool_size = 1

# Every page gets its own kernel. A closing page asks Voilà to shut it down (the course
# template supplies the cookie that request needs), but a browser that crashes, sleeps or
# loses the network never asks, and Voilà would keep that kernel forever. So a kernel with no
# open page that has been idle for 10 minutes is shut down; the check runs every minute. A
# page that is still open keeps its kernel, busy kernels are never culled, and the preheated
# kernel waiting in the pool is exempt (Voilà's kernel manager skips it).
c.MappingKernelManager.cull_idle_timeout = 600
c.MappingKernelManager.cull_interval = 60
c.MappingKernelManager.cull_connected = False
c.MappingKernelManager.cull_busy = False

# The hard stop behind the page's upload guard: a larger websocket message closes the
# connection. See widgets/core/complaints/uploads.py for the numbers.
c.Voila.tornado_settings = {"websocket_max_message_size": WEBSOCKET_MAX_MESSAGE_BYTES}
