"""Home bases for a scenario's fleet (SPEC 5.1): where the strategic airlift lives.

:func:`with_homes` gives a scenario's C-17As and C-5Ms the home bases of the wings that
fly them (``REFERENCE.md``, "Where the strategic airlift fleet lives"): each fleet
entry's count is split as evenly as possible over the type's homes, the first homes of
a seeded rotation taking the remainder, with the entry's hours and overrides kept. The
CRAF airliners and the other types stay without a home (their airlines position them).
:func:`without_homes` takes every home away again: the plan then means what it did
before SPEC 5.1.

This is how the home-based variants of the bundled and generated scenarios are made
(``generate(..., homes=True)``, the benchmark family's ``-homes`` instances).
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from .scenario import Scenario, scenario_to_dict

if TYPE_CHECKING:
    from .plan import Mission

#: the homes of each type's active and reserve-associate wings (REFERENCE.md)
HOMES: dict[str, tuple[str, ...]] = {
    "C-17A": ("KCHS", "KTCM", "KDOV", "KWRI", "KSUU"),
    "C-5M": ("KDOV", "KSUU", "KCEF"),
}

__all__ = ["HOMES", "positioning_words", "with_homes", "without_homes"]


def _split(count: int, homes: tuple[str, ...], rng: random.Random) -> list[tuple[str, int]]:
    """``count`` aircraft over ``homes`` (no home without an aircraft), as evenly as
    possible; the remainder to the first homes of a seeded rotation."""
    k = max(1, min(len(homes), count))
    r = rng.randrange(len(homes))
    order = [homes[(r + i) % len(homes)] for i in range(k)]
    base, extra = divmod(count, k)
    return [(h, base + (1 if i < extra else 0)) for i, h in enumerate(order)]


def with_homes(scenario: Scenario, seed: int = 0, *, homes: dict[str, tuple[str, ...]] | None = None,
               max_homes: int = 2) -> Scenario:
    """The scenario with its fleet at home bases; every type keeps its count at every hour.

    Parameters
    ----------
    seed
        Seeds the rotation that decides which homes an entry's aircraft go to.
    homes
        Type -> candidate homes (default :data:`HOMES`); a type not listed keeps no home,
        and so does an entry that has one already or no aircraft.
    max_homes
        The most homes one entry's aircraft are split over.
    """
    table = HOMES if homes is None else homes
    rng = random.Random(f"homes:{seed}")
    d = scenario_to_dict(scenario)
    out: list[dict[str, Any]] = []
    for e in d.get("aircraft", []):
        cands = table.get(e["type"], ())
        if not cands or e.get("home") is not None or int(e["count"]) == 0:
            out.append(e)
            continue
        pool_homes = cands if len(cands) <= max_homes else _pick(cands, max_homes, rng)
        for home, n in _split(int(e["count"]), pool_homes, rng):
            out.append({**e, "count": n, "home": home})
    d["aircraft"] = out
    return Scenario.from_dict(d)


def _pick(cands: tuple[str, ...], k: int, rng: random.Random) -> tuple[str, ...]:
    """``k`` of the candidate homes, the first always among them (the type's main wing)."""
    rest = list(cands[1:])
    rng.shuffle(rest)
    return (cands[0], *rest[: k - 1])


def without_homes(scenario: Scenario) -> Scenario:
    """The scenario with no home on any fleet entry (SPEC v1 missions)."""
    d = scenario_to_dict(scenario)
    d["aircraft"] = [{k: v for k, v in e.items() if k != "home"} for e in d.get("aircraft", [])]
    return Scenario.from_dict(d)


def positioning_words(scenario: Scenario, m: Mission, load_at: float) -> tuple[bool, str]:
    """What positioning did to a mission that loads at ``load_at`` (for the explanation):
    ``(set_it, words)``. ``set_it``: the aircraft left home as soon as its pool had one,
    so its flight from home set when the onload began. Empty words: no positioning."""
    if not m.positions:
        return False, ""
    avail = min((h for h, c in scenario.fleet_steps(m.aircraft, m.home) if c > 0), default=m.start_hour)
    if m.start_hour <= avail + 0.25:
        return True, f"the first {m.aircraft}s from {m.home} reach {m.origin} at h{load_at:.1f}"
    return False, f"its {m.aircraft} flew from its home {m.home} (left h{m.start_hour:.1f}, reached {m.origin} at h{load_at:.1f})"
