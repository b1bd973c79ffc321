"""The plan: missions, unit results and KPIs, in the ``logistics-plan/1`` format (SPEC §4).

A :class:`Plan` is a list of :class:`Mission` objects plus what follows from them: one
:class:`UnitResult` per scenario unit and the KPIs. :meth:`Plan.from_missions` is the
canonical constructor: it recomputes every unit result and KPI from the missions and
the scenario and never trusts a solver's numbers (SPEC rule 12).

Files
-----
* JSON (``.json``): exactly SPEC §4, plus ``"findings"`` (the explanations, see
  :mod:`logistics.explain`) and, inside ``"solve"``, ``"goals"`` and ``"stages"``. Files
  without those extras (written by an outside tool) read fine.
* Excel (``.xlsx``): sheets ``kpis`` (``kpi``, ``value``), ``units``, ``missions``,
  ``legs``, ``loads`` (the columns of :meth:`Plan.units_df`, :meth:`Plan.missions_df`,
  :meth:`Plan.legs_df`, :meth:`Plan.loads_df`), and ``findings`` when there are any.
* CSV (``.csv``): one flat table, one row per (mission, load); a mission without loads
  has one row with empty load columns. Columns, in order (:data:`CSV_COLUMNS`):

  ``mission, aircraft, origin, destination, routing, depart_hour, arrive_hour,
  end_hour, flying_hours, legs, unit, pax, bulk_stons, oversize_stons, outsize_stons``

  where ``routing`` is every airfield in flight order (``KPOB-ETAR-OKAS-ETAR-KPOB``),
  ``depart_hour`` the first departure, ``arrive_hour`` the landing at the destination,
  ``end_hour`` the return to the origin, and ``legs`` a summary of the legs'
  times, ``FROM>TO depart-arrive`` separated by ``; `` (``KPOB>ETAR 10.00-18.30; ...``).
  With a scenario, ``depart_utc``, ``arrive_utc`` and ``end_utc`` follow ``end_hour``.

Times are hours from C-hour 0 (the scenario's ``start``); the DataFrame methods add
UTC date-time columns when given the scenario.

Modules
-------
* :mod:`.parts`: the records (:class:`Leg`, :class:`Load`, :class:`Mission`,
  :class:`UnitResult`, :class:`SolveInfo`, :class:`Finding`) and the format's constants;
* :mod:`.core`: the :class:`Plan`, its construction and figures;
* :mod:`.schema`: the JSON file as pydantic models, its JSON Schema
  (:func:`plan_json_schema`, ``logistics schema --plan``) and its reading: a malformed
  file raises :class:`~logistics.errors.PlanError` (a :class:`ValueError`) listing
  every problem, each naming the file, the entry and the field;
* :mod:`.files`: reading and writing the files above;
* :mod:`.frames`: the DataFrame views.

Import every name from ``logistics.plan``; the modules are only how it is kept.
"""

from __future__ import annotations

from ..errors import PlanError
from ..units import CARGO as CARGO
from ..units import COMMODITIES
from .core import Plan
from .parts import CSV_COLUMNS, FINDING_KINDS, FORMAT, Finding, Leg, Load, Mission, SolveInfo, UnitResult
from .parts import DELIVERED_TOL as DELIVERED_TOL
from .parts import KPI_KEYS as KPI_KEYS
from .parts import NOISE as NOISE
from .parts import STATUSES as STATUSES
from .schema import plan_json_schema

__all__ = [
    "COMMODITIES", "CSV_COLUMNS", "FINDING_KINDS", "FORMAT", "Finding", "Leg", "Load",
    "Mission", "Plan", "PlanError", "SolveInfo", "UnitResult", "plan_json_schema",
]
