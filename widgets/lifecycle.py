"""The complaint-lifecycle simulator as a notebook widget.

A thin view over widgets.core.practice.lifecycle: it shows the case, the step being played, the
actions as labelled radio buttons and a button to take the chosen one, then renders what the
core simulation reports (feedback, clock, deadlines, satisfaction, escalation, summary).
Everything it shows can be checked without a browser through `simulator.simulation`.

Only standard ipywidgets controls are used, so the simulator works with the keyboard (Tab to the
radio group, arrow keys to choose, Enter or Space on the button) and every control is labelled.

    from widgets.lifecycle import LifecycleSimulator
    LifecycleSimulator("billing-error")
"""

from __future__ import annotations

import datetime as dt

import ipywidgets as widgets

from widgets.core.complaints.policy import Policy
from widgets.core.course.clauses import HOME_STANDARD, load_clauses
from widgets.core.practice.lifecycle import (
    MILESTONE_MEANING,
    SAFETY_ESCALATION_STEP,
    SATISFACTION_RANGE,
    SCORE_WEIGHTS,
    STEP_CLAUSES,
    LifecycleSimulation,
    RuleStatus,
    StepOutcome,
    Summary,
    business_days_text,
    escalation_outcome,
    load_scenario,
    step_title,
)
from widgets.look import ERROR, LABEL_STYLE, NEUTRAL, OK, esc

STATE_LABELS = {"pending": "Pending", "met": "Met", "missed": "Missed"}
STATE_COLOURS = {"pending": NEUTRAL, "met": OK, "missed": ERROR}


def _day(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def _since_receipt(days: int) -> str:
    return "the day of receipt" if days == 0 else f"{business_days_text(days)} after receipt"


def _clauses(clauses: tuple[str, ...]) -> str:
    return ", ".join(esc(c) for c in clauses)


def _clause_label(clause_id: str) -> str:
    """'7.4 Acknowledgement of complaint' for ISO 10002, the full label for other standards."""
    clause = load_clauses().get(clause_id)
    if clause is None:
        return clause_id
    if clause.standard.key == HOME_STANDARD:
        return clause.label.removeprefix(f"{clause.standard.name} ")
    return clause.label


def _clause_labels(clauses: tuple[str, ...]) -> str:
    return "; ".join(esc(_clause_label(c)) for c in clauses)


def _state(status: RuleStatus) -> str:
    """The state as a word (never colour alone), coloured for sighted readers."""
    colour = STATE_COLOURS[status.state]
    return f'<strong style="color:{colour}">{STATE_LABELS[status.state]}</strong>'


class LifecycleSimulator(widgets.VBox):
    """Walk one complaint through ISO 10002 clause 7 by choosing an action at each step."""

    def __init__(self, scenario_id: str, *, policy: Policy | None = None):
        scenario = load_scenario(scenario_id)
        self.simulation = LifecycleSimulation(scenario, policy)
        self.case = widgets.HTML(self._case_html())
        self.progress = widgets.IntProgress(
            value=0, min=0, max=len(scenario.steps), description="Steps done",
            style=LABEL_STYLE)
        self.step_list = widgets.HTML()
        self.situation = widgets.HTML()
        self.actions = widgets.RadioButtons(
            options=[], index=None, description="Your action:", style=LABEL_STYLE,
            layout=widgets.Layout(width="100%"))
        self.take_button = widgets.Button(
            description="Take this action", button_style="primary", disabled=True,
            tooltip="Take the action selected above", layout=widgets.Layout(width="auto"))
        self.feedback = widgets.HTML()
        self.clock = widgets.HTML()
        self.satisfaction_bar = widgets.IntProgress(
            min=SATISFACTION_RANGE[0], max=SATISFACTION_RANGE[1], description="Satisfaction",
            style=LABEL_STYLE)
        self.satisfaction_text = widgets.HTML()
        self.escalation = widgets.HTML()
        self.deadlines = widgets.HTML()
        self.summary = widgets.HTML()
        self.restart_button = widgets.Button(
            description="Start again", tooltip="Play this case again from the day of receipt",
            layout=widgets.Layout(width="auto"))
        self.choice_area = widgets.VBox([self.situation, self.actions, self.take_button])
        self.summary_area = widgets.VBox([self.summary, self.restart_button])
        self.actions.observe(self._on_select, names="value")
        self.take_button.on_click(self._on_take)
        self.restart_button.on_click(self._on_restart)
        super().__init__([
            self.case,
            widgets.HBox([self.progress, self.step_list]),
            self.choice_area,
            self.feedback,
            widgets.HBox([self.satisfaction_bar, self.satisfaction_text]),
            self.clock,
            self.escalation,
            self.deadlines,
            self.summary_area,
        ])
        self._render()

    # events ------------------------------------------------------------------------------
    def _on_select(self, change: dict) -> None:
        self.take_button.disabled = change["new"] is None

    def _on_take(self, _button: widgets.Button) -> None:
        if self.actions.value is None or self.simulation.finished:
            return
        outcome = self.simulation.choose(self.actions.value)
        self.feedback.value = self._feedback_html(outcome)
        self._render()

    def _on_restart(self, _button: widgets.Button) -> None:
        self.simulation.restart()
        self.feedback.value = ""
        self._render()

    # rendering ---------------------------------------------------------------------------
    def _render(self) -> None:
        sim = self.simulation
        self.progress.value = len(sim.history)
        self.step_list.value = self._steps_html()
        step = sim.current_step
        if step is None:
            self.choice_area.layout.display = "none"
            self.summary_area.layout.display = None
            self.summary.value = self._summary_html(sim.summary())
        else:
            self.choice_area.layout.display = None
            self.summary_area.layout.display = "none"
            self.summary.value = ""
            self.situation.value = (
                f"<h4>Step {sim.step_number} of {len(sim.scenario.steps)}: "
                f"{esc(step.clause)} {esc(step.title)}</h4><p>{esc(step.situation)}</p>")
            self.actions.options = [(action.label, action.id) for action in step.actions]
            self.actions.index = None
            self.take_button.disabled = True
        self.clock.value = (
            f"<p><strong>Today:</strong> {_day(sim.clock)}, "
            f"{_since_receipt(sim.elapsed_business_days)} (received "
            f"{_day(sim.scenario.received)}).</p>")
        self.satisfaction_bar.value = sim.satisfaction
        self.satisfaction_text.value = (
            f"<span><strong>{sim.satisfaction}</strong> / {SATISFACTION_RANGE[1]}</span>")
        self.escalation.value = (
            f"<p><strong>Escalation:</strong> "
            f"{esc(escalation_outcome(sim.escalation_level, sim.external_referral))}</p>")
        self.deadlines.value = self._deadlines_html(sim.statuses())

    def _case_html(self) -> str:
        scenario = self.simulation.scenario
        flags = []
        if scenario.vulnerable:
            flags.append("customer needing extra support (priority rules apply)")
        if scenario.safety:
            flags.append("safety-related (priority rules apply)")
        flag_text = f"<p><strong>Note:</strong> {esc('; '.join(flags))}.</p>" if flags else ""
        return (
            f"<h3>{esc(scenario.title)}</h3>"
            f"<p><strong>Complainant:</strong> {esc(scenario.complainant)} · "
            f"<strong>Received:</strong> {_day(scenario.received)} by "
            f"{esc(scenario.channel.replace('_', ' '))}</p>"
            f"<p>{esc(scenario.case)}</p>{flag_text}"
            f"<p><small>Deadlines come from {esc(self.simulation.policy.organization)}'s "
            "complaints policy and count business days (weekends and public holidays "
            "excluded). Step titles follow ISO 10002:2018; check them against a licensed "
            "copy.</small></p>")

    def _steps_html(self) -> str:
        done = len(self.simulation.history)
        items = []
        for index, clause in enumerate(STEP_CLAUSES):
            text = f"{esc(clause)} {esc(step_title(clause))}"
            if index < done:
                items.append(f"<li>{text} (done)</li>")
            elif index == done:
                items.append(f'<li aria-current="step"><strong>{text} (current)</strong></li>')
            else:
                items.append(f"<li>{text}</li>")
        return f'<ol aria-label="The eight steps of clause 7">{"".join(items)}</ol>'

    def _feedback_html(self, outcome: StepOutcome) -> str:
        action = outcome.action
        verdict = ("This was the best action at this step." if action.best
                   else "There was a better action at this step; the summary shows it.")
        days = action.business_days
        took = ("It took no extra time" if days == 0
                else f"It took {business_days_text(days)}")
        change = outcome.satisfaction_after - outcome.satisfaction_before
        facts = [
            f"{took}: now {_day(outcome.finished_on)}.",
            f"Satisfaction {outcome.satisfaction_before} → {outcome.satisfaction_after} "
            f"({change:+d}).",
        ]
        if action.escalate_to is not None:
            facts.append(f"The complaint was escalated to level {action.escalate_to}.")
        if action.external_referral:
            facts.append("The complainant took the complaint outside the organization "
                         "(ombudsman / alternative dispute resolution, ISO 10003).")
        for milestone in outcome.completed:
            facts.append(f"Done: {MILESTONE_MEANING[milestone]}.")
        for status in outcome.newly_decided:
            facts.append(f"{_state(status)} — {esc(status.rule.description)}: "
                         f"{esc(status.explanation)}")
        items = "".join(f"<li>{fact}</li>" for fact in facts)
        return (
            f'<div role="status" aria-live="polite">'
            f"<h4>What happened: {esc(outcome.step.clause)} {esc(outcome.step.title)}</h4>"
            f"<p><em>You chose:</em> {esc(action.label)}</p>"
            f"<p>{esc(action.feedback)}</p>"
            f"<p><strong>Clauses:</strong> {_clause_labels(action.clauses)}.</p>"
            f"<p>{verdict}</p>"
            f"<ul>{items}</ul></div>")

    def _deadlines_html(self, statuses: tuple[RuleStatus, ...]) -> str:
        rows = []
        for status in statuses:
            rule = status.rule
            policy = f" (policy {esc(rule.policy_section)})" if rule.policy_section else ""
            due = (rule.deadline.strftime("%a %d %b %Y") if rule.deadline
                   else f"by the end of step {SAFETY_ESCALATION_STEP}")
            rows.append(
                f"<tr><td>{esc(rule.description)}</td><td>{due}</td>"
                f"<td>{_state(status)}</td><td>{esc(status.explanation)}</td>"
                f"<td>{_clauses(rule.clauses)}{policy}</td></tr>")
        return (
            "<table><caption><strong>Policy deadlines and rules</strong></caption>"
            "<thead><tr><th>Rule</th><th>Due</th><th>Status</th><th>Detail</th>"
            f"<th>Clauses (policy section)</th></tr></thead><tbody>{''.join(rows)}</tbody></table>")

    def _summary_html(self, summary: Summary) -> str:
        path_rows = "".join(
            f"<tr><td>{esc(p.step.clause)} {esc(p.step.title)}</td>"
            f"<td>{esc(p.chosen.label)}</td>"
            f"<td>{'Same' if p.matched else esc(p.best.label)}</td></tr>"
            for p in summary.path)
        parts = "; ".join(
            f"{name} {summary.score_parts[name]:g} of {weight}"
            for name, weight in SCORE_WEIGHTS.items())
        met, missed = len(summary.met), len(summary.missed)
        missed_list = "".join(
            f"<li>{esc(s.rule.description)}: {esc(s.explanation)}</li>"
            for s in summary.missed)
        missed_html = f"<ul>{missed_list}</ul>" if missed_list else ""
        return (
            f"<h3>Case closed: summary</h3>"
            f"<p><strong>Score: {summary.score} / 100</strong> ({parts}). "
            f"The best path scores {summary.best_path_score}.</p>"
            f"<p><strong>Deadlines and rules:</strong> {met} met, {missed} missed.</p>"
            f"{missed_html}"
            f"<p><strong>Satisfaction:</strong> {summary.start_satisfaction} at receipt, "
            f"{summary.final_satisfaction} at the end.</p>"
            f"<p><strong>Escalation:</strong> {esc(summary.escalation_outcome)}</p>"
            f"<p><strong>Finished:</strong> {_day(summary.finished_on)}, "
            f"{_since_receipt(summary.elapsed_business_days)}. "
            f"Best choices: {summary.best_choices} of {len(summary.path)}.</p>"
            "<table><caption><strong>Your path and the best path</strong></caption>"
            "<thead><tr><th>Step</th><th>Your action</th><th>Best action</th></tr></thead>"
            f"<tbody>{path_rows}</tbody></table>"
            "<p><strong>Clauses touched</strong> (ISO 10002:2018 unless another standard is "
            "named):</p><ul>"
            + "".join(f"<li>{esc(_clause_label(c))}</li>" for c in summary.clauses_touched)
            + "</ul>")
