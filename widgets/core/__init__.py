"""The course's pure core: every rule, score and check, with no widget or display import.

Domains, one subpackage each (a subpackage imports from ``common`` and from other domains'
facades or modules, never from this package itself):

- ``common``: where files are, atomic saving, the YAML reader, figures, lazy facades;
- ``course``: course map, clauses, question banks, syllabus, progress, study plan, self-test;
- ``complaints``: complaint logs, KPIs, policy and breaches, deadlines, regulators, analysis;
- ``practice``: simulators and case studies (lifecycle, triage, audits, review, drills);
- ``grading``: the trainer's side (nbgrader, cohorts, reports, certificates).
"""
