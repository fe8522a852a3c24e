"""The views' shared look: label widths and status colours, so every widget reads alike.

Colours are never the only signal (each status also has a word or a symbol); these are dark
enough for text contrast on white.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

import ipywidgets as widgets

LABEL_STYLE = {"description_width": "initial"}  # show whole labels, never cut to 'Categ…'
OK = "#1b6e20"
ERROR = "#b00020"
CAUTION = "#8a5a00"
NEUTRAL = "#555555"


def esc(text: object) -> str:
    """Any value as HTML text: course content, a learner's words and error messages can hold
    '<' or '&', which an HTML widget would otherwise read as markup."""
    return escape(str(text))


def message(text: str, colour: str, items: Sequence[str] = ()) -> str:
    """A view's status line in its colour, escaped, with an optional list under it; an ERROR
    one is an alert, so a screen reader announces it, any other a status."""
    role = "alert" if colour == ERROR else "status"
    listed = "".join(f"<li>{esc(item)}</li>" for item in items)
    return (f'<div role="{role}"><p style="color:{colour}">{esc(text)}</p>'
            + (f"<ul>{listed}</ul>" if listed else "") + "</div>")


def wide() -> widgets.Layout:
    """A fresh layout spanning the output area (a Layout shared between widgets would tie
    their sizes together)."""
    return widgets.Layout(width="95%")


def problems_html(ok_message: str, problems: list[str], notes: list[str]) -> str:
    """A checker's verdict as the views show it: the problems to fix (or `ok_message` when
    there are none), then advice that is not a fault."""
    def items(texts: list[str]) -> str:
        return "".join(f"<li>{escape(text)}</li>" for text in texts)

    if problems:
        head = (f'<p style="color:{ERROR}"><strong>{len(problems)} problem(s) to fix:</strong>'
                f"</p><ul>{items(problems)}</ul>")
    else:
        head = f'<p style="color:{OK}"><strong>{escape(ok_message)}</strong></p>'
    return head + (f"<p>Advice:</p><ul>{items(notes)}</ul>" if notes else "")
