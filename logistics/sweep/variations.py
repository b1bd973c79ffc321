"""The distributions of a sweep (:class:`Variations`) and the draw of one perturbed
sample (:func:`draw_sample`): see :mod:`logistics.sweep` for what each perturbation does.

Each kind of perturbation draws from its own child stream of
``numpy.random.default_rng([seed, index])``, so switching one kind off leaves the
others' draws unchanged.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from ..scenario import Scenario

__all__ = ["Variations", "draw_sample"]

_ROUND_HOURS = 2  # perturbed hours are rounded to 0.01 h


class Variations(BaseModel):
    """The distributions a sweep draws its perturbations from.

    Parameters
    ----------
    availability
        Probability that one aircraft of a type is mission-capable, by type
        (default C-17A 0.85, C-5M 0.70).
    availability_default
        The probability for types not in ``availability`` (default 0.90).
    mog_probability
        Probability that an airfield's MOG is reduced in a sample (default 0.2).
    mog_min_cut, mog_max_cut
        A reduced MOG loses a share ``U(mog_min_cut, mog_max_cut)`` of itself, rounded,
        at least one aircraft, never below 1 (default 1 % to 50 %).
    mog_cut_hours
        How long a reduction lasts: 0 (default) for the whole window; otherwise that
        many hours from a start drawn ``U(0, horizon - mog_cut_hours)``, written as a
        ``mog_changes`` interval (SPEC 5.2; an airfield that already has changes is
        cut for the whole window).
    delay_probability
        Probability that a unit is late to be ready (default 0.3).
    delay_mean_hours
        Mean of a readiness delay (default 4 h).
    delay_distribution
        ``exponential`` (default) or ``triangular`` (``Triangular(0, 0, 3 * mean)``).
    craf_delay_max_hours
        CRAF types become available ``U(0, craf_delay_max_hours)`` h later (default 24;
        0 switches it off).
    craf_prefix
        Aircraft types whose code starts with this are CRAF (default ``CRAF-``).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    availability: dict[str, float] = Field(default_factory=lambda: {"C-17A": 0.85, "C-5M": 0.70})
    availability_default: float = Field(default=0.90, ge=0, le=1)
    mog_probability: float = Field(default=0.2, ge=0, le=1)
    mog_min_cut: float = Field(default=0.01, ge=0, le=1)
    mog_max_cut: float = Field(default=0.50, ge=0, le=1)
    mog_cut_hours: float = Field(default=0.0, ge=0)
    delay_probability: float = Field(default=0.3, ge=0, le=1)
    delay_mean_hours: float = Field(default=4.0, ge=0)
    delay_distribution: Literal["exponential", "triangular"] = "exponential"
    craf_delay_max_hours: float = Field(default=24.0, ge=0)
    craf_prefix: str = "CRAF-"

    def mission_capable(self, aircraft_type: str) -> float:
        """Probability that one aircraft of this type is mission-capable."""
        p = self.availability.get(aircraft_type, self.availability_default)
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"availability[{aircraft_type!r}] must be within [0, 1] (got {p})")
        return p

    @classmethod
    def none(cls) -> Variations:
        """No perturbation at all: every sample is the base scenario."""
        return cls(availability={}, availability_default=1.0, mog_probability=0.0,
                   delay_probability=0.0, craf_delay_max_hours=0.0)


def _hours(x: float) -> float:
    return round(float(x), _ROUND_HOURS)


def draw_sample(scenario: Scenario, variations: Variations | None = None, seed: int = 0,
                index: int = 0) -> tuple[Scenario, dict[str, Any]]:
    """The perturbed scenario of sample ``index`` and the perturbations drawn.

    Parameters
    ----------
    scenario
        The base scenario.
    variations
        The distributions (default :class:`Variations`).
    seed, index
        The sweep's seed and the sample's index: the draws come from
        ``numpy.random.default_rng([seed, index])`` only.

    Returns
    -------
    (Scenario, dict)
        The perturbed, validated scenario, and the perturbations as flat columns:
        ``available.<type>`` (mission-capable aircraft of the type), ``mog.<icao>``
        (MOG in the sample), ``ready_delay.<unit>`` (hours added to its ready hour)
        and ``craf_delay`` (hours added to every CRAF entry's available hour).
    """
    v = variations or Variations()
    if seed < 0 or index < 0:
        raise ValueError("seed and index must be >= 0")
    r_avail, r_mog, r_delay, r_craf = np.random.default_rng([seed, index]).spawn(4)
    s = scenario
    pert: dict[str, Any] = {}
    fleet, total, craf = _draw_fleet(s, v, r_avail, r_craf, pert)
    airfields = _draw_mog(s, v, r_mog, pert)
    units = _draw_delays(s, v, r_delay, pert)
    pert["craf_delay"] = craf if any(t.startswith(v.craf_prefix) for t in total) else 0.0
    out = s.replace(aircraft=fleet, airfields=airfields, units=units)
    return out, pert


def _draw_fleet(s: Scenario, v: Variations, r_avail: np.random.Generator, r_craf: np.random.Generator,
                pert: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, int], float]:
    """Aircraft availability (``Binomial(count, p)`` per fleet entry) and the CRAF delay
    (one draw per sample): the fleet entries, mission-capable aircraft by type, and the
    CRAF delay in hours. Adds the ``available.<type>`` columns to ``pert``."""
    H = s.horizon_hours
    drawn = [int(r_avail.binomial(e.count, v.mission_capable(e.type))) for e in s.aircraft]
    total: dict[str, int] = {}
    for e, n in zip(s.aircraft, drawn, strict=True):
        total[e.type] = total.get(e.type, 0) + n
    craf = _hours(r_craf.uniform(0.0, v.craf_delay_max_hours)) if v.craf_delay_max_hours > 0 else 0.0
    fleet: list[dict[str, Any]] = []
    grounded: set[str] = set()
    for e, n in zip(s.aircraft, drawn, strict=True):
        d = e.model_dump(mode="json", exclude_none=True)
        if total[e.type] == 0:
            # keep the type (it may be the only one carrying a class): one aircraft at the horizon
            if e.type in grounded:
                continue
            grounded.add(e.type)
            d.update(count=1, available_hour=max(H, e.available_hour))
        else:
            d["count"] = n
            if e.type.startswith(v.craf_prefix):
                d["available_hour"] = _hours(e.available_hour + craf)
        fleet.append(d)
    for t, n in total.items():
        pert[f"available.{t}"] = n
    return fleet, total, craf


def _draw_mog(s: Scenario, v: Variations, r_mog: np.random.Generator,
              pert: dict[str, Any]) -> list[dict[str, Any]]:
    """MOG reductions, per airfield the scenario uses: the ``airfields`` entries of the
    sample. Adds the ``mog.<icao>`` columns to ``pert``."""
    codes = s.airfield_codes
    u_event = r_mog.random(len(codes))
    u_cut = r_mog.uniform(v.mog_min_cut, v.mog_max_cut, len(codes))
    # drawn only when asked for, so the default's draws stay what they were
    span = max(0.0, s.horizon_hours - v.mog_cut_hours)
    u_from = r_mog.uniform(0.0, span, len(codes)) if v.mog_cut_hours > 0 else [0.0] * len(codes)
    entries = {a.icao: a.model_dump(mode="json", exclude_none=True) for a in s.airfields}
    for code, ev, f, start in zip(codes, u_event, u_cut, u_from, strict=True):
        mog = s.airfield(code).mog
        if mog is None:
            continue
        new = mog
        if ev < v.mog_probability and mog > 1:
            new = max(1, mog - max(1, round(f * mog)))
        pert[f"mog.{code}"] = int(new)
        if v.mog_cut_hours > 0:
            pert[f"mog_from.{code}"] = _hours(start) if new != mog else None
        if new == mog:
            continue
        entry = entries.setdefault(code, {"icao": code})
        if v.mog_cut_hours > 0 and not entry.get("mog_changes"):
            entry["mog_changes"] = [{"from_hour": _hours(start), "to_hour": _hours(start + v.mog_cut_hours),
                                     "mog": int(new)}]
        else:
            entry["mog"] = int(new)
    return list(entries.values())


def _draw_delays(s: Scenario, v: Variations, r_delay: np.random.Generator,
                 pert: dict[str, Any]) -> list[dict[str, Any]]:
    """Readiness delays, per unit: the ``units`` entries of the sample. Adds the
    ``ready_delay.<unit>`` columns to ``pert``."""
    u_delay = r_delay.random(len(s.units))
    if v.delay_distribution == "exponential":
        size = r_delay.exponential(v.delay_mean_hours, len(s.units))
    else:
        size = r_delay.triangular(0.0, 0.0, 3 * v.delay_mean_hours, len(s.units)) \
            if v.delay_mean_hours > 0 else np.zeros(len(s.units))
    units = []
    for u, ev, dh in zip(s.units, u_delay, size, strict=True):
        d = u.model_dump(mode="json", exclude_none=True)
        delay = _hours(dh) if ev < v.delay_probability else 0.0
        if delay > 0:
            ready = min(u.ready_hour + delay, s.lad(u) - 0.01)
            ready = max(u.ready_hour, _hours(ready))
            delay = _hours(ready - u.ready_hour)
            d["ready_hour"] = ready
        pert[f"ready_delay.{u.id}"] = delay
        units.append(d)
    return units
