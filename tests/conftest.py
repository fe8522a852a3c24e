"""Fixtures for every test: the complaint core's sample data (policy, sample_result,
cfpb_sample, from tests/support/sample_data.py).

The suite is laid out like the code: tests/core/<domain>/ for widgets/core/<domain>/,
tests/views/ for the ipywidgets views and the CLI, tests/content/ for what the course says
(modules, banks, exercises, README), tests/e2e/ for servers, browsers, notebooks run top to
bottom and grading round trips. Shared helpers are the package tests/support/.
"""

from support.sample_data import cfpb_sample, policy, sample_result  # noqa: F401
