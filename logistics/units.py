"""The integer policy: how hours and short tons become the model's whole numbers.

Every solver in this library (the CP-SAT model, the dispatcher, the relaxation, the
MIP peer) works in integers. This module is the one place that says how:

* **time tick** = 1 minute. Instants and durations are whole minutes from C-hour.
  "No earlier than" rounds up (:func:`minutes_up`), "no later than" rounds down
  (:func:`minutes_down`); a flight leg lasts ``floor(60 · nm / kt) + 1`` minutes
  (:func:`leg_minutes`), strictly more than distance over cruise speed, so that no
  rounding can make a leg too short; ground times round up (:func:`ground_minutes`).
* **weight tick** = 0.01 short ton (:data:`TONS_SCALE` ticks a ton, 20 lb). Demands
  round up (:func:`ticks_up`), capacities round down (:func:`ticks_down`).
* **goal units**: each goal's integer value divided by :data:`GOAL_SCALE` is its value
  in SPEC units (undelivered: weighted hundredths; lateness, closure and flying hours:
  minutes, reported as hours).

The checker (:mod:`logistics.verify`) is written apart from the model and does not use
these helpers: it reads plans in hours and tons with its own tolerances.
"""

from __future__ import annotations

import math

#: time ticks per hour: one tick is one minute
TICKS_PER_HOUR = 60
#: weight ticks per short ton: one tick is 0.01 st
TONS_SCALE = 100

#: what a unit moves: soldiers, then the three cargo classes (short tons)
COMMODITIES = ("pax", "bulk_stons", "oversize_stons", "outsize_stons")
#: the cargo classes, in short tons
CARGO = COMMODITIES[1:]
#: commodity -> the class name the aircraft catalogue uses
CLASS_OF = {"pax": "pax", "bulk_stons": "bulk", "oversize_stons": "oversize", "outsize_stons": "outsize"}

#: a goal's integer model value divided by this is its value in SPEC units
GOAL_SCALE = {"undelivered": 100.0, "lateness": 60.0, "closure": 60.0, "flying_hours": 60.0}

# how far below or above a whole tick a float may fall and still count as that tick
_EPS = 1e-7


def minutes_up(h: float) -> int:
    """Hours to whole minutes, rounded up (for 'no earlier than')."""
    return math.ceil(h * TICKS_PER_HOUR - _EPS)


def minutes_down(h: float) -> int:
    """Hours to whole minutes, rounded down (for 'no later than')."""
    return math.floor(h * TICKS_PER_HOUR + _EPS)


def ground_minutes(hours: float) -> int:
    """A ground time in whole minutes, rounded up (never negative)."""
    return max(0, math.ceil(hours * TICKS_PER_HOUR - 1e-9))


def leg_minutes(dist_nm: float, cruise_kt: float) -> int:
    """Minutes a leg lasts: strictly above ``dist / cruise``."""
    return math.floor(TICKS_PER_HOUR * dist_nm / cruise_kt) + 1


def hours(minutes: int | float) -> float:
    """Minutes to hours."""
    return minutes / TICKS_PER_HOUR


def ticks_up(stons: float) -> int:
    """Short tons to weight ticks, rounded up (demands)."""
    return math.ceil(stons * TONS_SCALE - _EPS)


def ticks_down(stons: float) -> int:
    """Short tons to weight ticks, rounded down (capacities)."""
    return math.floor(stons * TONS_SCALE + _EPS)


def stons(ticks: int | float) -> float:
    """Weight ticks to short tons."""
    return ticks / TONS_SCALE


def to_goal_units(goal: str, value: float) -> int:
    """A goal's value in SPEC units to the model's integer, rounded to the nearest."""
    return int(round(value * GOAL_SCALE[goal]))


def from_goal_units(goal: str, value: int | float) -> float:
    """A goal's integer model value to SPEC units."""
    return value / GOAL_SCALE[goal]
