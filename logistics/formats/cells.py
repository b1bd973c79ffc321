"""One spreadsheet cell as a number, a time, a text or a list of airfield codes.

A cell comes from CSV as text and from Excel as text, a number or empty (``NaN``).
Each reader returns ``None`` for an empty cell and raises :class:`Bad` with a message
in plain words (quoting the cell as written) for one it cannot read.
"""

from __future__ import annotations

import math
import re
from datetime import date
from numbers import Real
from typing import Any


class Bad(ValueError):
    """A cell that cannot be read; the message says why, in plain words."""


_NUM = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_CDAY = re.compile(r"^C(?:\s*([+-])\s*(\d+)|\s*(\d+))?$", re.IGNORECASE)


def text(v: Any) -> str | None:
    """The cell's text, stripped (``None``: empty)."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    s = str(v).strip()
    return s or None


def _shown(v: Any) -> str:
    return repr(v) if isinstance(v, Real) and not isinstance(v, bool) else repr(text(v))


def number(v: Any, what: str = "a number") -> float | None:
    """A finite number; text may use thousands separators (``1,200``)."""
    if isinstance(v, bool):
        raise Bad(f"must be {what} (got {v!r})")
    if isinstance(v, Real):
        x = float(v)
        if math.isnan(x):
            return None
        if not math.isfinite(x):
            raise Bad(f"must be {what} (got {v!r})")
        return x
    s = text(v)
    if s is None:
        return None
    if _THOUSANDS.match(s):
        s = s.replace(",", "")
    if not _NUM.match(s):
        raise Bad(f"must be {what} (got {_shown(v)})")
    return float(s)


def whole(x: float, v: Any) -> int:
    """A number that must be whole."""
    if not float(x).is_integer():
        raise Bad(f"must be a whole number (got {_shown(v)})")
    return int(x)


def day_hour(day: int, end: bool) -> float:
    """The first hour of C-day ``day``, or with ``end`` its last (the next day's first)."""
    return 24.0 * (day + 1 if end else day)


def hours(v: Any, per_day: bool, end: bool) -> float | None:
    """A time as hours from C-hour 0.

    Parameters
    ----------
    v
        The cell: hours (a number), or with ``per_day`` a whole C-day number, or in
        either column a C-day as text (``C+2``, ``C2``, ``C002``, ``C``).
    per_day
        Whether the column holds C-days.
    end
        Whether a C-day means its end (RDD, LAD) rather than its start (ALD, EAD).
    """
    s = text(v)
    if s is None:
        return None
    if isinstance(v, date):
        raise Bad(f"is a date ({s}): give hours from C-hour 0 (e.g. 36) or a C-day (e.g. C+2)")
    m = _CDAY.match(s)
    if m is not None:
        day = int(m[2] or m[3] or 0) * (-1 if m[1] == "-" else 1)
        h = day_hour(day, end)
    elif per_day:
        x = number(v, "a C-day number (e.g. 2) or C-day (e.g. C+2)")
        h = day_hour(whole(x, v), end)  # type: ignore[arg-type]
    else:
        h = number(v, "hours from C-hour 0 (e.g. 36) or a C-day (e.g. C+2)")  # type: ignore[assignment]
    if h < 0:
        raise Bad(f"is before C-hour 0 (got {_shown(v)})")
    return h


def icao_list(v: Any) -> list[str] | None:
    """Airfield codes separated by ``;``, ``,``, ``/`` or spaces, upper-cased."""
    s = text(v)
    if s is None:
        return None
    return [c for c in re.split(r"[;,/\s]+", s.upper()) if c]
