"""Quarters and date spans of the complaint log, and how a review writes its dates.

Why a module of its own: the review content, the pack and the effectiveness check all measure
complaints received in a period (a quarter such as 2025Q4, or any span of days); one Period
type keeps them selecting the same records.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pandas as pd

QUARTER_LABEL = re.compile(r"\d{4}Q[1-4]")  # how the course writes a quarter: 2025Q4


def long_date(day: dt.date) -> str:
    """'5 January 2026' (no leading zero)."""
    return f"{day.day} {day:%B %Y}"


@dataclass(frozen=True)
class Period:
    """Complaints received from `start` to `end`, both days included."""

    start: dt.date
    end: dt.date

    @classmethod
    def quarter(cls, label: str) -> Period:
        if not QUARTER_LABEL.fullmatch(label):
            raise ValueError(f"{label!r} is not a quarter; write it like 2025Q4")
        period = pd.Period(label, freq="Q")
        return cls(period.start_time.date(), period.end_time.date())

    @property
    def label(self) -> str:
        start = pd.Period(self.start, freq="Q")
        if start.start_time.date() == self.start and start.end_time.date() == self.end:
            return str(start)
        return f"{long_date(self.start)} – {long_date(self.end)}"

    def shifted(self, quarters: int) -> Period:
        """The quarter `quarters` before (negative) or after this one."""
        period = pd.Period(self.start, freq="Q") + quarters
        return Period(period.start_time.date(), period.end_time.date())

    def select(self, frame: pd.DataFrame) -> pd.DataFrame:
        day = frame["received_at"].dt.normalize()
        keep = ((day >= pd.Timestamp(self.start)) & (day <= pd.Timestamp(self.end))).fillna(False)
        return frame[keep.to_numpy(dtype=bool)]
