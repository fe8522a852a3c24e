"""Turning the course's matplotlib figures into PNG bytes, one way for every view and report.

The core builds charts on bare ``matplotlib.figure.Figure`` objects (no pyplot state, any
backend); views show the PNG in an Image widget and reports embed it as a data URI.
"""

from __future__ import annotations

import io

from matplotlib.figure import Figure

DPI = 96


def figure_png(figure: Figure, dpi: int = DPI) -> bytes:
    """The figure as PNG bytes."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()
