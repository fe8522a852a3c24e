"""How big a file the dashboard accepts, and what it says about one that is too big.

Why a module of its own: the limit is enforced in three places that must agree — the page's
upload guard (course/dashboard/jupyter/voila/templates/iso10002, before the browser sends
anything), Voilà's websocket message cap (course/dashboard/voila.py, the hard stop for a client
that skips the guard) and the kernel (the views call :func:`upload_problem` on every file
they receive, which also covers JupyterLab, where the page guard does not run). All three read
the numbers below.

An ipywidgets FileUpload sends the whole file in one websocket message; anything larger than
the server's cap closes the connection without a word, hence the headroom between the two.
"""

from __future__ import annotations

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# The websocket message carries the file plus a JSON header (name, type, size, dates).
WEBSOCKET_MAX_MESSAGE_BYTES = MAX_UPLOAD_BYTES + 4 * 1024 * 1024


def megabytes(size: int) -> str:
    """'20.0 MB' (MiB, as file managers show sizes)."""
    return f"{size / 1024 / 1024:.1f} MB"


def upload_problem(name: str, size: int, limit: int = MAX_UPLOAD_BYTES) -> str | None:
    """None when a file of ``size`` bytes may be processed, else the sentence to show."""
    if size > limit:
        return (
            f"{name} is {megabytes(size)}; the dashboard accepts files up to {megabytes(limit)}. "
            "Export a shorter period or fewer columns, or split the file, and upload it again."
        )
    if size == 0:
        return f"{name} is empty (0 bytes); choose the file again or export it anew."
    return None
