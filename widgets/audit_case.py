"""Views of the audit case study (module 06): a sampling-risk explorer and a findings register.

Thin ipywidgets views over widgets.core.practice.audit_case (ISO 10002:2018 8.5; sampling as in
ISO 19011:2018 A.6). Both take a CaseResult worked out once in the notebook:

    from widgets.core.practice.audit_case import run_case
    result = run_case(frame, policy)
    SamplingRiskExplorer(result)   # how likely is a random sample to miss a problem?
    FindingsRegister(result)       # read the examined records, record findings, get them scored

State a test needs is on the object: `explorer.output`, `register.findings`, `register.score`.
"""

from __future__ import annotations

import ipywidgets as widgets

from widgets.core.practice.audit_case import (
    CaseResult,
    FindingsScore,
    LearnerFinding,
    examined_table,
    ids_in,
    miss_probability_count,
    sample_size_for,
    score_findings,
)
from widgets.look import CAUTION, ERROR, LABEL_STYLE, OK, esc, wide

CONFIDENCES = (0.90, 0.95, 0.99)
GRADE_OPTIONS = [("Major", "major"), ("Minor", "minor"), ("OFI", "ofi")]


def sampling_risk_html(population: int, affected: int, size: int, confidence: float) -> str:
    """What a random sample of `size` says about a problem touching `affected` records."""
    miss = miss_probability_count(population, affected, size)
    needed = sample_size_for(population, affected, confidence)
    expected = size * affected / population
    return (f"<p>The population holds <strong>{population}</strong> complaints, "
            f"<strong>{affected}</strong> of which ({affected / population:.1%}) break the "
            f"criterion. A random sample of <strong>{size}</strong> contains on average "
            f"{expected:.2f} of them, and <strong>none at all with probability "
            f"{miss:.0%}</strong> (at least one: {1 - miss:.0%}).</p>"
            f"<p>To see at least one with {confidence:.0%} confidence, a random sample needs "
            f"<strong>{needed}</strong> records ({needed / population:.0%} of the "
            "population).</p>")


class SamplingRiskExplorer(widgets.VBox):
    """Pick a criterion (its breach count comes from the data test) and a sample size; see the
    chance that a random sample misses every breaching record (ISO 19011 A.6)."""

    def __init__(self, result: CaseResult, size: int = 30):
        self.result = result
        self.population = len(result.population)
        breached = result.tests[result.tests["breaching"] > 0]
        self.rule = widgets.Dropdown(
            options=[(f"{row.criterion} — {int(row.breaching)} records", rule)
                     for rule, row in breached.iterrows()],
            description="Criterion", style=LABEL_STYLE, layout=wide())
        self.size = widgets.IntSlider(value=min(size, self.population), min=1,
                                      max=self.population, description="Sample size",
                                      style=LABEL_STYLE, continuous_update=False,
                                      layout=widgets.Layout(width="60%"))
        self.confidence = widgets.Dropdown(
            options=[(f"{c:.0%}", c) for c in CONFIDENCES], value=0.95,
            description="Confidence wanted", style=LABEL_STYLE)
        self.output = widgets.HTML()
        for control in (self.rule, self.size, self.confidence):
            control.observe(lambda _change: self.update(), names="value")
        super().__init__([self.rule, self.size, self.confidence, self.output])
        self.update()

    @property
    def affected(self) -> int:
        return int(self.result.tests.loc[self.rule.value, "breaching"])

    def update(self) -> None:
        self.output.value = sampling_risk_html(self.population, self.affected, self.size.value,
                                               self.confidence.value)


def score_html(score: FindingsScore, result: CaseResult) -> str:
    """The learner's findings against the records, then what is still to find."""
    grading = result.programme.grading
    rows = []
    for f in score.findings:
        status = ("stands" if f.valid else "does not stand")
        colour = OK if f.valid else ERROR
        wrong = "".join(f"<li>{esc(i)}: {esc(why)}</li>" for i, why in f.wrong)
        grade = ("—" if f.grade is None else grading.label(f.grade))
        expected = ("—" if f.expected_grade is None else grading.label(f.expected_grade))
        grade_colour = OK if f.grade_agrees else CAUTION
        rows.append(
            f"<tr><td>{esc(f.title)}</td>"
            f"<td><strong style='color:{colour}'>{status}</strong></td>"
            f"<td>{esc(', '.join(f.confirmed) or '—')}</td>"
            f"<td>{'<ul>' + wrong + '</ul>' if wrong else '—'}</td>"
            f"<td>{esc(', '.join(f.missed) or '—')}</td>"
            f"<td style='color:{grade_colour}'>{esc(grade)} (programme: {esc(expected)})</td>"
            "</tr>")
    table = ("<table><thead><tr><th>Criterion</th><th></th><th>Records confirmed</th>"
             "<th>Records that do not support it</th><th>Breaching records not cited</th>"
             "<th>Grade</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
             if rows else "")
    titles = {c.rule: c.title for c in result.criteria}
    missing = ", ".join(titles[r] for r in score.missed_rules)
    still = (f"<p style='color:{CAUTION}'>Still to find: {esc(missing)}.</p>" if missing
             else f"<p style='color:{OK}'>You found every criterion the records break.</p>")
    return f"<p><strong>{esc(score.summary())}</strong></p>{table}{still}"


class FindingsRegister(widgets.VBox):
    """Read the records of each planned sample, record findings (criterion, complaint IDs,
    grade) and score them against the breaches the examined records really hold."""

    def __init__(self, result: CaseResult):
        self.result = result
        self.findings: list[LearnerFinding] = []
        self.score: FindingsScore | None = None
        self.known_ids = result.examined_ids() | set(result.population["complaint_id"])

        self.set_choice = widgets.Dropdown(
            options=[(f"{s.id} — {s.plan.title} ({s.size} records)", s.id)
                     for s in result.examined], description="Sample", style=LABEL_STYLE,
            layout=wide())
        self.set_info = widgets.HTML()
        self.records = widgets.HTML()
        self.criterion = widgets.Dropdown(
            options=[(f"{c.title} (policy {c.policy_section})", c.rule)
                     for c in result.criteria], description="Criterion", style=LABEL_STYLE,
            layout=wide())
        self.ids = widgets.Textarea(description="Evidence", style=LABEL_STYLE, layout=wide(),
                                    placeholder="The complaint IDs that breach it, e.g. "
                                                f"{result.examined[0].sample.ids[0]}")
        self.grade = widgets.ToggleButtons(options=GRADE_OPTIONS, value="minor",
                                           description="Grade", style=LABEL_STYLE)
        self.add_button = widgets.Button(description="Add finding", button_style="primary")
        self.clear_button = widgets.Button(description="Clear all findings")
        self.message = widgets.HTML()
        self.register = widgets.HTML()
        self.score_button = widgets.Button(description="Score my findings",
                                           button_style="primary")
        self.score_output = widgets.HTML()

        self.set_choice.observe(lambda _change: self.show_set(), names="value")
        self.add_button.on_click(lambda _b: self.add())
        self.clear_button.on_click(lambda _b: self.clear())
        self.score_button.on_click(lambda _b: self.mark())
        super().__init__([
            widgets.HTML("<h4>1. Read the examined records</h4><p>Days are business days "
                         "after the day of receipt, as the policy counts them.</p>"),
            self.set_choice, self.set_info, self.records,
            widgets.HTML("<h4>2. Record your findings</h4>"),
            self.criterion, self.ids, self.grade,
            widgets.HBox([self.add_button, self.clear_button]), self.message, self.register,
            widgets.HTML("<h4>3. Compare with the records</h4>"),
            self.score_button, self.score_output,
        ])
        self.show_set()
        self.show_register()

    def show_set(self) -> None:
        examined_set = self.result.examined_set(self.set_choice.value)
        titles = {c.rule: c.title.lower() for c in self.result.criteria}
        tests = ", ".join(titles[r] for r in examined_set.plan.rules)
        self.set_info.value = (f"<p>{esc(examined_set.note)}</p><p><strong>Planned tests:"
                               f"</strong> {esc(tests)}. <em>Why:</em> "
                               f"{esc(examined_set.plan.rationale)}</p>")
        table = examined_table(examined_set, self.result.policy).to_html(
            index=False, escape=True, border=0, classes="iso10002-audit-case")
        self.records.value = (
            "<style>.iso10002-audit-case td, .iso10002-audit-case th {text-align: left; "
            "vertical-align: top; padding: 2px 6px; white-space: nowrap}"
            " .iso10002-audit-case td:last-child {white-space: normal; min-width: 24em}"
            "</style><div style='overflow: auto; max-height: 26em; max-width: 100%'>"
            f"{table}</div>")

    def add(self) -> None:
        """Add the form's finding; a finding without a known complaint ID is refused."""
        cited = ids_in(self.ids.value, self.known_ids)
        if not cited:
            self.message.value = (f"<p style='color:{ERROR}'>Cite at least one complaint ID "
                                  "from the records, so the finding can be traced.</p>")
            return
        self.findings.append(LearnerFinding(self.criterion.value, cited, self.grade.value))
        self.ids.value = ""
        self.message.value = ""
        self.score = None
        self.score_output.value = ""
        self.show_register()

    def clear(self) -> None:
        self.findings = []
        self.score = None
        self.score_output.value = ""
        self.message.value = ""
        self.show_register()

    def show_register(self) -> None:
        if not self.findings:
            self.register.value = "<p><em>No findings recorded yet.</em></p>"
            return
        titles = {c.rule: c.title for c in self.result.criteria}
        labels = dict((value, label) for label, value in GRADE_OPTIONS)
        rows = "".join(f"<tr><td>{n}</td><td>{esc(titles[f.rule])}</td>"
                       f"<td>{esc(', '.join(f.ids))}</td><td>{esc(labels[f.grade])}</td></tr>"
                       for n, f in enumerate(self.findings, start=1))
        self.register.value = ("<table><thead><tr><th>#</th><th>Criterion</th><th>Evidence"
                               "</th><th>Grade</th></tr></thead>"
                               f"<tbody>{rows}</tbody></table>")

    def mark(self) -> None:
        """Score the recorded findings against the examined records."""
        self.score = score_findings(self.findings, self.result)
        self.score_output.value = score_html(self.score, self.result)

