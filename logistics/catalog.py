"""The bundled, sourced catalogues of aircraft types and airfields.

The CSV files live in ``data/`` at the project root (installed as
``logistics/data``). Every row carries a ``source``: a citation, or
``assumption: ...`` where no public figure was found (see REFERENCE.md).
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

CargoClass = Literal["bulk", "oversize", "outsize"]
CARGO_CLASSES: tuple[CargoClass, ...] = ("bulk", "oversize", "outsize")


def data_dir() -> Path:
    """The folder holding the catalogues, scenarios and map outline."""
    here = Path(__file__).resolve().parent
    for cand in (here / "data", here.parent / "data"):
        if (cand / "aircraft.csv").exists():
            return cand
    raise FileNotFoundError("the bundled data folder (aircraft.csv) is missing")


def scenarios_dir() -> Path:
    """The folder of bundled scenarios."""
    return data_dir() / "scenarios"


class AircraftType(BaseModel):
    """A complete aircraft type: catalogue row with any scenario overrides applied."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: str
    name: str = ""
    seats: int = Field(ge=0)
    acl_stons: float = Field(ge=0)
    max_payload_stons: float = Field(gt=0)
    range_nm_at_max_payload: float = Field(gt=0)
    ferry_range_nm: float = Field(gt=0)
    cruise_kt: float = Field(gt=0)
    cargo_classes: tuple[CargoClass, ...] = ()
    onload_hours: float = Field(ge=0)
    offload_hours: float = Field(ge=0)
    enroute_ground_hours: float = Field(ge=0)
    ute_hours: float = Field(gt=0, le=24)
    min_runway_ft: float | None = Field(default=None, ge=0)
    source: str = ""

    def carries(self, commodity: str) -> bool:
        """Whether this type may carry ``commodity`` (pax or a cargo class)."""
        if commodity == "pax":
            return self.seats > 0
        return commodity in self.cargo_classes and self.acl_stons > 0


class Airfield(BaseModel):
    """A complete airfield: catalogue row with any scenario overrides applied."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    icao: str
    name: str = ""
    country: str = ""
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    runway_ft: float | None = Field(default=None, ge=0)
    mog: int = Field(ge=0)
    source: str = ""


AIRCRAFT_FIELDS = tuple(AircraftType.model_fields)
AIRFIELD_FIELDS = tuple(Airfield.model_fields)


def _rows(name: str) -> list[dict[str, str]]:
    with open(data_dir() / name, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@cache
def aircraft_catalog() -> dict[str, AircraftType]:
    """The bundled aircraft types, keyed by type code (e.g. ``C-17A``)."""
    out: dict[str, AircraftType] = {}
    for row in _rows("aircraft.csv"):
        classes = tuple(c for c in row.pop("cargo_classes").split("|") if c)
        out[row["type"]] = AircraftType.model_validate(
            {**row, "cargo_classes": classes}
        )
    return out


@cache
def airfield_catalog() -> dict[str, Airfield]:
    """The bundled airfields, keyed by ICAO code."""
    out: dict[str, Airfield] = {}
    for row in _rows("airfields.csv"):
        row.pop("role", None)
        out[row["icao"]] = Airfield.model_validate(
            {k: (v if v != "" else None) for k, v in row.items()}
        )
    return out


@cache
def airfield_roles() -> dict[str, str]:
    """The catalogue's role hint per airfield (origin, enroute, destination)."""
    return {r["icao"]: r.get("role", "") for r in _rows("airfields.csv")}
