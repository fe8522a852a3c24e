"""The study planner (widgets.core.course.study_plan and widgets.study_plan.StudyPlanner): modules
packed into sessions in course order, split where they do not fit, completed ones left out."""

from __future__ import annotations

from pathlib import Path

import pytest

from widgets.core.course.course_map import load_course_map
from widgets.core.course.progress import ProgressStore
from widgets.core.course.study_plan import plan_sessions
from widgets.study_plan import StudyPlanner


@pytest.fixture(scope="module")
def course():
    return load_course_map()


def parts(plan) -> list[list[tuple[str, int, bool]]]:
    return [[(p.module_id[:2], p.minutes, p.finishes) for p in s.parts] for s in plan.sessions]


def test_hour_long_sessions_split_modules_at_the_hour(course):
    # Modules: 00 15, 01 60, 02 45, 03 75, 04 60, 05 45, 06 90, 07 45 minutes (435 in all).
    plan = plan_sessions(course, 60, sessions_per_week=2)
    assert parts(plan) == [
        [("00", 15, True), ("01", 45, False)],
        [("01", 15, True), ("02", 45, True)],
        [("03", 60, False)],
        [("03", 15, True), ("04", 45, False)],
        [("04", 15, True), ("05", 45, True)],
        [("06", 60, False)],
        [("06", 30, True), ("07", 30, False)],
        [("07", 15, True)],
    ]
    assert [s.week for s in plan.sessions] == [1, 1, 2, 2, 3, 3, 4, 4]
    assert (plan.minutes, plan.weeks, plan.skipped) == (course.total_minutes, 4, ())
    assert [s.minutes for s in plan.sessions] == [60] * 7 + [15]


def test_completed_modules_are_left_out(course):
    plan = plan_sessions(course, 120, sessions_per_week=1,
                         completed={"00-welcome", "01-standard-and-principles", "06-other"})
    assert plan.skipped == ("00-welcome", "01-standard-and-principles")
    assert parts(plan)[0] == [("02", 45, True), ("03", 75, True)]
    assert plan.minutes == course.total_minutes - 75 and len(plan.sessions) == 3
    everything = {module.id for module in course.modules}
    empty = plan_sessions(course, 60, completed=everything)
    assert (empty.sessions, empty.weeks, empty.minutes) == ((), 0, 0)


def test_plan_refuses_unworkable_settings(course):
    with pytest.raises(ValueError, match="at least 10 minutes"):
        plan_sessions(course, 5)
    with pytest.raises(ValueError, match="at least one session a week"):
        plan_sessions(course, 60, sessions_per_week=0)


def test_planner_widget_follows_sliders_and_progress(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("ISO10002_PROGRESS_DIR", str(tmp_path))
    store = ProgressStore("planner-tester")
    planner = StudyPlanner(store)
    assert "<strong>8 sessions, about 4 weeks</strong> for 7 h 15 min" in planner.table.value
    assert "01 The standard and its guiding principles: 45 min <em>(continues)</em>" in \
        planner.table.value
    planner.minutes.value = 120
    assert "<strong>4 sessions, about 2 weeks</strong>" in planner.table.value
    planner.per_week.value = 4
    assert "<strong>4 sessions, about 1 week</strong>" in planner.table.value

    store.record("00-welcome", 0.9, check="welcome", pass_mark=0.8)
    store.record("01-standard-and-principles", 0.5, check="principles", pass_mark=0.8)
    planner.minutes.value = 60  # any change redraws from the progress file
    assert planner.plan.skipped == ("00-welcome",)
    assert "Left out as completed: 00-welcome." in planner.table.value
    planner.skip_completed.value = False
    assert planner.plan.skipped == () and "Left out" not in planner.table.value
