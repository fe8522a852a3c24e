"""The views' shared look: label widths and status colours, so every widget reads alike.

Colours are never the only signal (each status also has a word or a symbol); these are dark
enough for text contrast on white.
"""

from __future__ import annotations

import ipywidgets as widgets

LABEL_STYLE = {"description_width": "initial"}  # show whole labels, never cut to 'Categ…'
OK = "#1b6e20"
ERROR = "#b00020"
CAUTION = "#8a5a00"
NEUTRAL = "#555555"


def wide() -> widgets.Layout:
    """A fresh layout spanning the output area (a Layout shared between widgets would tie
    their sizes together)."""
    return widgets.Layout(width="95%")
