"""Reporting periods and status judgements for subprogrammes and measures (no UI here).

Bergen kommune reports by *tertial*: T1 January–April, T2 May–August, T3 September–December.
A measure is *stale* when its status has not been updated since the current tertial began.
"""

from __future__ import annotations

import datetime as dt

# The indicators the programme leads with (Investeringer's per-inhabitant table, the presentation):
# the three with published area figures and a place in the programme's goals (drop-out, low income,
# unemployment: docs/ARKITEKTUR.md, «The programme»).
HEADLINE_INDICATORS = ("low_income_children", "not_completed_upper_secondary", "unemployment")

# How good a status is, for "better"/"worse" between two reports. Not started and completed are
# not on the same scale as the three running statuses: a change to or from them is "other".
_RUNNING_RANK = {"off_track": 0, "at_risk": 1, "on_track": 2}


def tertial_of(day: dt.date) -> tuple[int, int]:
    """(year, 1–3) of the tertial ``day`` falls in."""
    return day.year, (day.month - 1) // 4 + 1


def tertial_start(year: int, number: int) -> dt.date:
    if number not in (1, 2, 3):
        raise ValueError(f"tertial must be 1, 2 or 3, not {number}")
    return dt.date(year, 4 * (number - 1) + 1, 1)


def tertial_end(year: int, number: int) -> dt.date:
    """The last day of a tertial."""
    if number == 3:
        return dt.date(year, 12, 31)
    return tertial_start(year, number + 1) - dt.timedelta(days=1)


def previous_tertial(year: int, number: int) -> tuple[int, int]:
    return (year - 1, 3) if number == 1 else (year, number - 1)


def is_stale(updated_at: dt.datetime | dt.date | None, today: dt.date, status: str | None = None) -> bool:
    """Not updated since the current tertial began. A completed measure is never stale: there is
    nothing left to report."""
    if status == "completed":
        return False
    if updated_at is None:
        return True
    day = updated_at.date() if isinstance(updated_at, dt.datetime) else updated_at
    return day < tertial_start(*tertial_of(today))


def direction(before: str | None, after: str) -> str:
    """'better', 'worse', 'same', 'completed', 'new' (no status before) or 'other'."""
    if before is None:
        return "new"
    if before == after:
        return "same"
    if after == "completed":
        return "completed"
    if before in _RUNNING_RANK and after in _RUNNING_RANK:
        return "better" if _RUNNING_RANK[after] > _RUNNING_RANK[before] else "worse"
    return "other"


__all__ = ["direction", "is_stale", "previous_tertial", "tertial_end", "tertial_of",
           "tertial_start"]
