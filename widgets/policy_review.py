"""The complaints-policy checklist as a notebook widget: read a policy, rate it, see the gaps.

A thin view over widgets.core.practice.policy_review. The policy's text sits in a fold at the top;
each checklist item shows its question, the clauses behind it, what good practice looks like and
the sections of this policy worth reading for it, with Met / Partly / Missing buttons. "Score
the policy" gives the score, the band and the gaps with advice; for the reference policy
(Harbourside Energy's), "Compare with the course's assessment" shows, item by item, the
trainers' rating and the evidence for it.

    from widgets.policy_review import PolicyChecker
    PolicyChecker()                         # Harbourside Energy's policy
    PolicyChecker("my-policy.md")           # your own organization's, as Markdown or text
"""

from __future__ import annotations

import re
from pathlib import Path

import ipywidgets as widgets

from widgets.core.course.clauses import TITLE_NOTE, load_clauses
from widgets.core.practice.policy_review import (
    RATING_LABELS,
    RATINGS,
    ChecklistItem,
    ChecklistResult,
    PolicyCheckError,
    PolicyDocument,
    find_passages,
    load_checklist,
    read_policy,
    reference_policy_path,
    score_policy,
)
from widgets.look import CAUTION, ERROR, OK, esc

_RATING_COLOUR = {"met": OK, "partly": CAUTION, "missing": ERROR}
_BOLD = re.compile(r"\*\*(.+?)\*\*")


def _inline(text: str) -> str:
    """Escaped text with Markdown **bold** kept."""
    return _BOLD.sub(r"<strong>\1</strong>", esc(text))


def policy_html(document: PolicyDocument) -> str:
    """The policy's sections as simple HTML: headings, paragraphs, bullet lists and quotes.
    Enough for a policy written in plain Markdown; anything else shows as plain text."""
    parts = []
    for section in document.sections:
        parts.append(f"<h4>{esc(section.heading)}</h4>")
        for block in re.split(r"\n\s*\n", section.text):
            lines = [line.strip() for line in block.splitlines() if line.strip()]
            if not lines:
                continue
            if all(line.startswith(">") for line in lines):
                quoted = " ".join(line.lstrip("> ").strip() for line in lines)
                parts.append(f"<blockquote>{_inline(quoted)}</blockquote>")
            elif lines[0].startswith("- "):
                items, current = [], []
                for line in lines:
                    if line.startswith("- ") and current:
                        items.append(" ".join(current))
                        current = []
                    current.append(line.removeprefix("- "))
                items.append(" ".join(current))
                parts.append("<ul>" + "".join(f"<li>{_inline(i)}</li>" for i in items) + "</ul>")
            else:
                parts.append(f"<p>{_inline(' '.join(lines))}</p>")
    return "".join(parts)


class PolicyChecker(widgets.VBox):
    """Rate a complaints policy against the course's checklist.

    For tests: ``checklist``, ``document``, ``toggles`` (item id -> ToggleButtons),
    ``item_feedback`` (item id -> HTML), ``score_button``, ``compare_button``, ``summary``,
    ``result`` (the last ChecklistResult, or None) and ``is_reference``.
    """

    def __init__(self, policy_path: str | Path | None = None) -> None:
        super().__init__()
        self.checklist = load_checklist()
        reference = reference_policy_path(self.checklist)
        self.document = read_policy(policy_path if policy_path is not None else reference)
        self.is_reference = self.document.path.resolve() == reference.resolve()
        self.result: ChecklistResult | None = None
        self._clauses = load_clauses()

        policy_box = widgets.Accordion(children=[widgets.HTML(policy_html(self.document))])
        policy_box.set_title(0, f"Read the policy: {self.document.title}")
        policy_box.selected_index = None

        self.toggles: dict[str, widgets.ToggleButtons] = {}
        self.item_feedback: dict[str, widgets.HTML] = {}
        rows = [self._row(number, item)
                for number, item in enumerate(self.checklist.items, start=1)]

        self.score_button = widgets.Button(description="Score the policy", button_style="primary",
                                           tooltip="Add up your ratings and list the gaps")
        self.compare_button = widgets.Button(
            description="Compare with the course's assessment", disabled=True,
            tooltip="Show the trainers' rating and evidence for each item",
            layout=widgets.Layout(width="auto"),
        )
        self.compare_button.layout.display = None if self.is_reference else "none"
        self.score_button.on_click(lambda _: self.score())
        self.compare_button.on_click(lambda _: self.compare())
        self.summary = widgets.HTML()
        self.children = (
            widgets.HTML(
                f"<h3>{esc(self.checklist.title)}</h3><p>Open the policy below and read it. "
                f"Then rate each of the {len(self.checklist.items)} items: <em>Met</em> "
                "(2 points) when the policy fully deals with it, <em>Partly</em> (1) when it "
                "deals with some of it, <em>Missing</em> (0) when it says nothing. "
                "<em>Where to look</em> lists the sections that mention the item's key words: "
                "a reading aid, not an answer.</p>"
            ),
            policy_box,
            *rows,
            widgets.HBox([self.score_button, self.compare_button]),
            self.summary,
        )

    def _row(self, number: int, item: ChecklistItem) -> widgets.VBox:
        clauses = "; ".join(esc(self._clauses[c].label) for c in item.clauses)
        passages = find_passages(self.document, item)
        where = ", ".join(esc(p) for p in passages) if passages else "no section mentions it"
        toggle = widgets.ToggleButtons(
            options=[(RATING_LABELS[r], r) for r in RATINGS],
            value=None,
            description=f"Item {number}",
            tooltips=[f"Item {number}: {RATING_LABELS[r].lower()}" for r in RATINGS],
            style={"description_width": "initial", "button_width": "90px"},
        )
        self.toggles[item.id] = toggle
        feedback = widgets.HTML()
        self.item_feedback[item.id] = feedback
        return widgets.VBox(
            [
                widgets.HTML(
                    f"<p><strong>{number}. {esc(item.question)}</strong><br>"
                    f"<small>Why: {clauses}</small><br>"
                    f"<small>Good practice: {esc(item.look_for)}</small><br>"
                    f"<small>Where to look: {where}</small></p>"
                ),
                toggle,
                feedback,
            ],
            layout=widgets.Layout(border="1px solid #cccccc", padding="4px 12px", margin="4px 0"),
        )

    def ratings(self) -> dict[str, str | None]:
        """The learner's current ratings, item id -> rating (None when not rated)."""
        return {item_id: toggle.value for item_id, toggle in self.toggles.items()}

    def score(self) -> ChecklistResult | None:
        """Score the ratings (the Score button). None, with a message, if items are unrated."""
        try:
            result = score_policy(self.checklist, self.ratings())
        except PolicyCheckError as error:
            self.summary.value = f'<p role="alert"><strong>{esc(error)}</strong></p>'
            return None
        self.result = result
        for feedback in self.item_feedback.values():
            feedback.value = ""
        for rating in result.gaps:
            self.item_feedback[rating.item.id].value = (
                f"<p><small>To improve: {esc(rating.item.advice)}</small></p>")
        self.compare_button.disabled = not self.is_reference
        self.summary.value = self._summary_html(result)
        return result

    def compare(self) -> None:
        """Show the course's rating and evidence for each item (the Compare button)."""
        if self.score() is None or not self.is_reference:
            return
        result = self.result
        for rating in result.ratings:
            item = rating.item
            reference = item.reference_rating
            mark = "✓ same as" if rating.agrees_with_reference else "✗ differs from"
            colour = _RATING_COLOUR[reference]
            advice = (f"<br>To improve: {esc(item.advice)}" if rating.rating != "met" else "")
            self.item_feedback[item.id].value = (
                f"<p><small>Your rating <strong>{RATING_LABELS[rating.rating]}</strong> {mark} "
                f"the course's: <strong style='color:{colour}'>{RATING_LABELS[reference]}"
                f"</strong>. {esc(item.reference_evidence)}{advice}</small></p>"
            )
        self.summary.value += (
            f"<p><strong>You agreed with the course's assessment on {result.agreement} of "
            f"{len(result.ratings)} items.</strong> Where you differ, read the evidence under "
            "the item: a different rating is fine when you can point to the words in the "
            "policy that justify it.</p>"
        )

    def _summary_html(self, result: ChecklistResult) -> str:
        counts = " · ".join(f"{RATING_LABELS[r]} {result.count(r)}" for r in RATINGS)
        gaps = "".join(
            f"<li><strong style='color:{_RATING_COLOUR[r.rating]}'>"
            f"{RATING_LABELS[r.rating]}</strong> — {esc(r.item.question)} "
            f"<small>({', '.join(esc(c) for c in r.item.clauses)})</small></li>"
            for r in result.gaps
        )
        gap_block = (f"<p>Gaps to close, most serious first:</p><ul>{gaps}</ul>" if gaps
                     else "<p>No gaps: every item is met.</p>")
        return (
            f"<h4>Score: {result.points} of {result.max_points} points "
            f"({round(float(result.score) * 100)}%) — {esc(result.band)}</h4>"
            f"<p>{counts}</p>{gap_block}<p><small>{esc(TITLE_NOTE)}</small></p>"
        )
