"""course/answer-key.ipynb, the trainers' answer key, is committed with outputs that nbval can
compare on any machine, and states the figures of datasets/README.md's answer key.

`make test` runs the notebook under `pytest --nbval` (strict): every printed line must come out
again as committed. That comparison is only as good as the outputs: they must be plain text
(an image or HTML table would differ between library versions), must not depend on the
machine (paths, the date of the run) and must come from one run top to bottom. And the
notebook and the README must state the same answers, or a trainer gets two keys.
"""

from __future__ import annotations

import re

import nbformat
from support.repo import REPO, checkout_files

from widgets.core.common import datasets_dir

NOTEBOOK = REPO / "course" / "answer-key.ipynb"
README = (REPO / "datasets" / "README.md").read_text(encoding="utf-8")
KEY_ROW = re.compile(r"^\|\s*`([^`]+)`\s*\|\s*([^|]*?)\s*\|", re.MULTILINE)
MACHINE_SPECIFIC = re.compile(r"/(home|tmp|root|Users|var|srv)/|\d{2}:\d{2}:\d{2}")


def code_cells() -> list[nbformat.NotebookNode]:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def printed() -> str:
    return "".join(output.get("text", "") for cell in code_cells() for output in cell.outputs)


def readme_answers() -> dict[str, str]:
    start = README.index("<!-- answer-key:begin -->")
    end = README.index("<!-- answer-key:end -->")
    return {key: value.strip("`") for key, value in KEY_ROW.findall(README[start:end])}


def test_the_answer_key_is_part_of_the_checkout():
    assert NOTEBOOK in checkout_files("*.ipynb")


def test_every_code_cell_ran_once_in_order_and_printed_text_only():
    cells = code_cells()
    assert [cell.execution_count for cell in cells] == list(range(1, len(cells) + 1)), (
        "run the notebook top to bottom in a fresh kernel before committing it")
    for number, cell in enumerate(cells, start=1):
        assert cell.outputs, f"code cell {number} has no output: what is it for?"
        for output in cell.outputs:
            assert output.output_type == "stream" and output.name == "stdout", (
                f"code cell {number} shows {output.output_type} "
                f"{output.get('name') or sorted(output.get('data', {}))}: print text only")


def test_outputs_do_not_depend_on_the_machine():
    text = printed()
    assert str(REPO) not in text and str(datasets_dir()) not in text
    assert not MACHINE_SPECIFIC.search(text), MACHINE_SPECIFIC.search(text).group(0)


def test_every_figure_of_the_readme_key_is_printed():
    answers = readme_answers()
    figures = {key: value for key, value in answers.items()
               if re.search(r"\d", value) or key.startswith("d.rank")}
    assert len(figures) >= 80, "the README's answer key was not read"
    text = printed()
    missing = {key: value for key, value in figures.items() if value not in text}
    assert not missing, (
        f"datasets/README.md states answers the answer-key notebook does not print: {missing}")
