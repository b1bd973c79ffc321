"""Times as planners read them: date-time groups and C-days beside C-hours.

A plan's times are hours from C-hour (the scenario's ``start``). Planners read the
same instant as a Zulu date-time group, ``DDHHMMZ MON YY`` (``011200Z JAN 20``), and
count days from C-day: C-hour 0 to 24 is C-day (``C+0``), the next 24 hours ``C+1``,
and hours before C-hour ``C-1``, ``C-2``... (joint doctrine numbers the days that
follow C-day; an hour is on day ``floor(hour / 24)``).

Every function takes the scenario (or its ``start``) and a C-hour; none imports
Streamlit, so the library's exports and the app's cards, tables and tooltips write
the same words.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .scenario import Scenario

__all__ = ["at_utc", "c_day", "dtg", "local_time", "when"]


def _start(scenario: Scenario | datetime) -> datetime:
    st = scenario if isinstance(scenario, datetime) else scenario.start
    return st if st.tzinfo is not None else st.replace(tzinfo=UTC)


def at_utc(scenario: Scenario | datetime, hour: float) -> datetime:
    """The UTC instant of C-hour ``hour``, to the whole minute."""
    t = _start(scenario).astimezone(UTC) + timedelta(hours=float(hour))
    return (t + timedelta(seconds=30)).replace(second=0, microsecond=0)


def dtg(scenario: Scenario | datetime, hour: float | None) -> str:
    """C-hour ``hour`` as a Zulu date-time group, ``DDHHMMZ MON YY``; ``""`` for none."""
    if hour is None or not math.isfinite(float(hour)):
        return ""
    t = at_utc(scenario, hour)
    return f"{t:%d%H%M}Z {t:%b}".upper() + f" {t:%y}"


def c_day(hour: float | None) -> str:
    """The C-day of C-hour ``hour``: ``C+0`` for hours 0-24, ``C+1`` for 24-48, ``C-1`` before."""
    if hour is None or not math.isfinite(float(hour)):
        return ""
    k = math.floor(float(hour) / 24.0 + 1e-9)
    return f"C{k:+d}"


def local_time(scenario: Scenario | datetime, hour: float) -> str | None:
    """C-hour ``hour`` in the time zone of the scenario's ``start`` (``None`` when that is UTC)."""
    st = _start(scenario)
    off = st.utcoffset()
    if off is None or off == timedelta(0):
        return None
    t = st + timedelta(hours=float(hour))
    t = (t + timedelta(seconds=30)).replace(second=0, microsecond=0)
    return f"{t:%Y-%m-%d %H:%M} (UTC{t:%z})"


def when(scenario: Scenario | datetime, hour: Any) -> str:
    """``h121.2 · 051512Z JAN 20 · C+5``: the hour, its DTG and its C-day, in one label."""
    if hour is None:
        return ""
    try:
        h = float(hour)
    except (TypeError, ValueError):
        return ""
    if not math.isfinite(h):
        return ""
    return f"h{h:.1f} · {dtg(scenario, h)} · {c_day(h)}"
