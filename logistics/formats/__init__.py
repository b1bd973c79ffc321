"""The formats planners use besides scenario and plan files.

* Units in: :func:`read_units` reads a TPFDD-like CSV or Excel file into
  :class:`~logistics.scenario.Unit` objects, reporting every problem of every row at
  once; :func:`import_units` and :func:`with_units` put them in a scenario;
  :func:`write_units` writes units in the same columns.
* Maps out: :func:`plan_geojson` and :func:`plan_kml` give a plan's airfields and
  mission routes for map tools (QGIS, geojson.io, Google Earth).
"""

from __future__ import annotations

from .maps import plan_geojson, plan_kml
from .unit_table import (
    COLUMNS,
    RowProblem,
    UnitsImport,
    import_units,
    read_units,
    units_frame,
    with_units,
    write_units,
)

__all__ = [
    "COLUMNS",
    "RowProblem",
    "UnitsImport",
    "import_units",
    "plan_geojson",
    "plan_kml",
    "read_units",
    "units_frame",
    "with_units",
    "write_units",
]
