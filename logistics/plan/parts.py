"""The records a plan is made of, and the constants of the ``logistics-plan/1`` format.

:class:`Leg`, :class:`Load` and :class:`Mission` say what flies; :class:`UnitResult`,
:class:`SolveInfo` and :class:`Finding` say what came of it, how it was found and why
it is so. The constants name the format, the statuses, the kinds of finding, the KPIs
and the CSV columns (SPEC §4).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from ..scenario import Scenario

FORMAT = "logistics-plan/1"
STATUSES = ("optimal", "feasible", "infeasible", "unknown")
FINDING_KINDS = (
    "mog", "fleet", "crew", "range", "beddown", "window", "readiness", "runway",
    "cargo_class", "horizon",
)
KPI_KEYS = ("closure_hour", "missions", "flying_hours", "late_units", "undelivered_pax",
            "undelivered_stons")
CSV_COLUMNS = (
    "mission", "aircraft", "origin", "destination", "routing", "depart_hour", "arrive_hour",
    "end_hour", "flying_hours", "legs", "unit", "pax", "bulk_stons", "oversize_stons",
    "outsize_stons",
)
#: float noise below this is cleared from undelivered amounts and lateness
NOISE = 1e-9
#: a unit is fully delivered when nothing above this is undelivered
DELIVERED_TOL = 1e-6


# ----- the records ----------------------------------------------------------------------
@dataclass(frozen=True)
class Leg:
    """One flight of a mission.

    Parameters
    ----------
    frm, to
        ICAO codes of the departure and arrival airfields (JSON keys ``from``, ``to``).
    depart_hour, arrive_hour
        Hours from C-hour 0.
    """

    frm: str
    to: str
    depart_hour: float
    arrive_hour: float

    @property
    def hours(self) -> float:
        """Flying time of the leg."""
        return self.arrive_hour - self.depart_hour


@dataclass(frozen=True)
class Load:
    """What one mission carries of one unit.

    Parameters
    ----------
    unit
        The unit's id.
    pax
        Soldiers (whole number).
    bulk_stons, oversize_stons, outsize_stons
        Cargo by air-cargo class, short tons.
    """

    unit: str
    pax: int = 0
    bulk_stons: float = 0.0
    oversize_stons: float = 0.0
    outsize_stons: float = 0.0

    @property
    def cargo_stons(self) -> float:
        """All cargo of the load, short tons."""
        return self.bulk_stons + self.oversize_stons + self.outsize_stons

    @property
    def empty(self) -> bool:
        """Whether the load carries nothing."""
        return self.pax <= 0 and self.cargo_stons <= 0

    def amount(self, commodity: str) -> float:
        """The load's ``pax`` or ``*_stons`` figure."""
        return getattr(self, commodity)


@dataclass(frozen=True)
class Mission:
    """One aircraft's round trip: onload at the origin, out to the destination, back.

    With a ``home`` (SPEC 5.1) the trip starts and ends there: an empty positioning
    flight to the origin, the onload from landing there, and the return to the home.

    Parameters
    ----------
    id
        Mission id (``M0001``).
    aircraft
        Aircraft type code.
    origin, destination
        ICAO codes.
    legs
        Every flight of the round trip in time order (lists are turned into tuples).
    loads
        What the mission carries, per unit.
    home
        The home of its fleet pool (``None``: a pool with no home).
    """

    id: str
    aircraft: str
    origin: str
    destination: str
    legs: tuple[Leg, ...]
    loads: tuple[Load, ...] = ()
    home: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.legs, tuple):
            object.__setattr__(self, "legs", tuple(self.legs))
        if not isinstance(self.loads, tuple):
            object.__setattr__(self, "loads", tuple(self.loads))

    @cached_property
    def _origin_index(self) -> int:
        """The first leg leaving the origin (0 unless it positions from a home)."""
        if self.home is None or self.home == self.origin:
            return 0
        return next((i for i, lg in enumerate(self.legs) if lg.frm == self.origin), 0)

    @property
    def positions(self) -> bool:
        """Whether it flies from its home to the origin before loading (SPEC 5.1)."""
        return self._origin_index > 0

    @cached_property
    def _arrival_index(self) -> int | None:
        # the last leg landing at the destination before the first leg leaving it
        first_out = next((i for i, lg in enumerate(self.legs) if lg.frm == self.destination),
                         len(self.legs))
        for i in range(first_out - 1, -1, -1):
            if self.legs[i].to == self.destination:
                return i
        return None

    @property
    def arrive_hour(self) -> float | None:
        """Landing at the destination (``None`` if the legs never reach it)."""
        i = self._arrival_index
        return None if i is None else self.legs[i].arrive_hour

    @property
    def start_hour(self) -> float:
        """First departure: from its home when it positions, else from the origin
        (the onload ends then; it starts ``onload_hours`` earlier)."""
        return self.legs[0].depart_hour if self.legs else math.nan

    @property
    def departs_origin_hour(self) -> float:
        """Departure from the origin with its loads (the end of the onload)."""
        return self.legs[self._origin_index].depart_hour if self.legs else math.nan

    @property
    def end_hour(self) -> float:
        """Last arrival: the aircraft is back at its home (origin) and free again."""
        return self.legs[-1].arrive_hour if self.legs else math.nan

    @property
    def stops(self) -> tuple[str, ...]:
        """Outbound en-route stops, origin to destination, in order."""
        i = self._arrival_index
        return tuple(lg.to for lg in self.legs[self._origin_index:i]) if i is not None else ()

    @property
    def loaded_legs(self) -> range:
        """Indices of the legs that fly the loads: origin to destination."""
        i = self._arrival_index
        return range(self._origin_index, i + 1) if i is not None else range(0)

    @property
    def positioning_legs(self) -> range:
        """Indices of the empty legs from its home to the origin (SPEC 5.1)."""
        return range(self._origin_index)

    @property
    def positioning_stops(self) -> tuple[str, ...]:
        """En-route stops of the positioning flight, home to origin."""
        return tuple(lg.to for lg in self.legs[: max(0, self._origin_index - 1)])

    @property
    def return_stops(self) -> tuple[str, ...]:
        """En-route stops of the return flight, in order."""
        i = self._arrival_index
        return tuple(lg.to for lg in self.legs[i + 1:-1]) if i is not None else ()

    @property
    def route(self) -> tuple[str, ...]:
        """Every airfield in flight order, home (origin) to home (origin)."""
        if not self.legs:
            return (self.origin,)
        return (self.legs[0].frm, *(lg.to for lg in self.legs))

    @property
    def routing(self) -> str:
        """The route as text: ``KPOB-ETAR-OKAS-ETAR-KPOB``."""
        return "-".join(self.route)

    @property
    def flying_hours(self) -> float:
        """Hours in the air over all legs."""
        return sum(lg.arrive_hour - lg.depart_hour for lg in self.legs)

    @property
    def pax(self) -> int:
        """Soldiers aboard."""
        return sum(ld.pax for ld in self.loads)

    @property
    def cargo_stons(self) -> float:
        """Cargo aboard, short tons."""
        return sum(ld.cargo_stons for ld in self.loads)

    def payload_stons(self, pax_weight_stons: float) -> float:
        """Payload weight: cargo + pax x planning weight of a soldier."""
        return self.cargo_stons + self.pax * pax_weight_stons

    @property
    def unit_ids(self) -> tuple[str, ...]:
        """Units with a non-empty load aboard, in load order, without repeats."""
        return tuple(dict.fromkeys(ld.unit for ld in self.loads if not ld.empty))

    def ground_intervals(self, scenario: Scenario) -> list[tuple[str, float, float, str]]:
        """Ground periods per SPEC rule 7 (and 5.1): ``(airfield, start, end, kind)``.

        ``kind`` is ``onload`` (at the origin: ``onload_hours`` before the first
        departure, or from landing there after positioning), ``enroute`` or
        ``offload`` (landing to next departure), in time order. Before the first
        departure and after the last landing (at the home or origin) is not ground.
        """
        if not self.legs:
            return []
        io = self._origin_index
        out = []
        if io == 0:
            ac = scenario.aircraft_type(self.aircraft)
            first = self.legs[0].depart_hour
            out.append((self.legs[0].frm, first - ac.onload_hours, first, "onload"))
        ia = self._arrival_index
        for i in range(len(self.legs) - 1):
            lg = self.legs[i]
            kind = "onload" if i == io - 1 else "offload" if i == ia else "enroute"
            out.append((lg.to, lg.arrive_hour, self.legs[i + 1].depart_hour, kind))
        return out

    def hold_interval(self, scenario: Scenario) -> tuple[float, float]:
        """When the mission holds its aircraft (SPEC rules 8 and 5.1): from its first
        departure (from the onload start when it starts at the origin) to its last landing."""
        if self.positions:
            return self.start_hour, self.end_hour
        ac = scenario.aircraft_type(self.aircraft)
        return self.start_hour - ac.onload_hours, self.end_hour


@dataclass(frozen=True)
class UnitResult:
    """What the plan does for one unit.

    Parameters
    ----------
    id
        The unit's id.
    destination
        Where the whole unit goes (``None``: nowhere, nothing delivered).
    closure_hour
        Latest arrival of its loads, when fully delivered; else ``None``.
    late_hours
        ``max(0, closure - required_hour)`` when fully delivered; else ``None``.
    delivered, undelivered
        Amount per commodity (``pax`` as whole numbers).
    """

    id: str
    destination: str | None
    closure_hour: float | None
    late_hours: float | None
    delivered: dict[str, float]
    undelivered: dict[str, float]

    @property
    def fully_delivered(self) -> bool:
        """Whether nothing is undelivered (within :data:`DELIVERED_TOL`)."""
        return all(v <= DELIVERED_TOL for v in self.undelivered.values())


@dataclass
class SolveInfo:
    """How the plan was found.

    Parameters
    ----------
    solver
        ``cp-sat``, ``greedy`` ...
    seconds
        Wall-clock time.
    objective, bound
        One value per goal, in objective order.
    goals
        The goals, in order.
    stages
        One record per solve stage (free form).
    extra
        Any other keys of the file's ``solve`` object (kept on round trip).
    """

    solver: str = "cp-sat"
    seconds: float = 0.0
    objective: list[float] = field(default_factory=list)
    bound: list[float] = field(default_factory=list)
    goals: list[str] = field(default_factory=list)
    stages: list[dict] = field(default_factory=list)
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Finding:
    """One reason the plan is what it is (see :mod:`logistics.explain`).

    Parameters
    ----------
    kind
        One of :data:`FINDING_KINDS`.
    subject
        What binds: an airfield, an aircraft type, a unit.
    message
        The finding in plain words.
    start_hour, end_hour
        When it binds, if it is an interval.
    units
        Units it affects.
    """

    kind: str
    subject: str
    message: str
    start_hour: float | None = None
    end_hour: float | None = None
    units: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.units, tuple):
            object.__setattr__(self, "units", tuple(self.units))

