"""A study planner as a notebook widget: choose session length and sessions a week, see the plan.

A thin view over widgets.core.course.study_plan: two sliders and a tick box; the plan table
redraws on every change. With the tick box on, modules whose knowledge check you have passed
(read from your progress file) are left out.

    from widgets.study_plan import StudyPlanner
    StudyPlanner()
"""

from __future__ import annotations

import ipywidgets as widgets

from widgets.core.course.course_map import load_course_map
from widgets.core.course.progress import ProgressStore
from widgets.core.course.study_plan import StudyPlan, plan_sessions
from widgets.look import LABEL_STYLE, esc


def _duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d} min" if hours else f"{rest} min"


class StudyPlanner(widgets.VBox):
    """For tests: ``minutes``, ``per_week`` (sliders), ``skip_completed`` (tick box),
    ``table`` (HTML) and ``plan`` (the current StudyPlan)."""

    def __init__(self, store: ProgressStore | None = None) -> None:
        super().__init__()
        self.course_map = load_course_map()
        self.store = store if store is not None else ProgressStore()
        self.minutes = widgets.IntSlider(value=60, min=15, max=120, step=15,
                                         description="Minutes per session", style=LABEL_STYLE,
                                         layout=widgets.Layout(width="420px"))
        self.per_week = widgets.IntSlider(value=2, min=1, max=5,
                                          description="Sessions per week", style=LABEL_STYLE,
                                          layout=widgets.Layout(width="420px"))
        self.skip_completed = widgets.Checkbox(value=True, indent=False,
                                               description="Leave out modules I have completed")
        self.table = widgets.HTML()
        for control in (self.minutes, self.per_week, self.skip_completed):
            control.observe(lambda _: self.refresh(), names="value")
        self.children = (widgets.HTML("<h3>Plan your study time</h3>"), self.minutes,
                         self.per_week, self.skip_completed, self.table)
        self.refresh()

    def completed_modules(self) -> set[str]:
        """Modules whose knowledge check the learner has passed."""
        return {module_id for module_id, progress in self.store.load().items()
                if progress.completed}

    def refresh(self) -> None:
        completed = self.completed_modules() if self.skip_completed.value else set()
        self.plan = plan_sessions(self.course_map, self.minutes.value, self.per_week.value,
                                  completed)
        self.table.value = self._html(self.plan)

    def _html(self, plan: StudyPlan) -> str:
        if not plan.sessions:
            return "<p>Every module is completed: nothing left to plan. Well done.</p>"
        rows = []
        for session in plan.sessions:
            parts = "<br>".join(
                f"{esc(part.module_id[:2])} {esc(part.title)}: {part.minutes} min"
                + ("" if part.finishes else " <em>(continues)</em>")
                for part in session.parts
            )
            rows.append(f"<tr><td>{session.number}</td><td>{session.week}</td>"
                        f"<td>{parts}</td><td>{session.minutes} min</td></tr>")
        skipped = (f"<p>Left out as completed: {', '.join(esc(m) for m in plan.skipped)}.</p>"
                   if plan.skipped else "")
        return (
            f"<p><strong>{len(plan.sessions)} sessions, about {plan.weeks} week"
            f"{'s' if plan.weeks != 1 else ''}</strong> for {_duration(plan.minutes)} of "
            "modules, plus the exercises your trainer hands out.</p>" + skipped
            + "<table><thead><tr><th>Session</th><th>Week</th><th>Modules</th><th>Time</th>"
            f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        )
