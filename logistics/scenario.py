"""The scenario format ``logistics-scenario/1`` (SPEC section 2) as pydantic models.

A :class:`Scenario` is validated and immutable. Field checks come from pydantic;
cross-entity checks (unknown codes, duplicate ids, windows out of order, cargo no
aircraft can carry, destinations no aircraft can reach) run after them, and every
problem found is reported at once as a :class:`~logistics.errors.ScenarioError`
whose problems name the entry and field (``units[3].pax: must be >= 0``).

Scenario entries add to or override the bundled catalogues: airfields by ICAO code,
aircraft by type. Use :meth:`Scenario.airfield` and :meth:`Scenario.aircraft_type`
for the merged view.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from types import EllipsisType
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from .catalog import AIRCRAFT_FIELDS, AircraftType, Airfield, CargoClass
from .errors import Problem, ScenarioError, one_pass, pydantic_problems
from .scenario_checks import resolve
from .units import CLASS_OF, COMMODITIES  # noqa: F401  (re-exported: the scenario's words)

FORMAT = "logistics-scenario/1"
Goal = Literal["undelivered", "lateness", "closure", "flying_hours"]
DEFAULT_OBJECTIVE: tuple[Goal, ...] = ("undelivered", "lateness", "closure", "flying_hours")

_ICAO = r"^[A-Z0-9]{3,4}$"
#: an airfield code inside a list (destinations, en-route stops)
Icao = Annotated[str, Field(pattern=_ICAO)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", coerce_numbers_to_str=True, allow_inf_nan=False)


def _upper(v: Any) -> Any:
    return v.strip().upper() if isinstance(v, str) else v


class MogChange(_Frozen):
    """Over ``[from_hour, to_hour)`` an airfield's MOG is ``mog`` instead (0: closed)."""

    from_hour: float = Field(ge=0)
    to_hour: float = Field(gt=0)
    mog: int = Field(ge=0)


class AirfieldEntry(_Frozen):
    """An airfield in a scenario: adds to or overrides the catalogue entry;
    ``mog_changes`` lower or raise its MOG over intervals (SPEC 5.2)."""

    icao: str = Field(pattern=_ICAO)
    name: str | None = None
    country: str | None = None
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    runway_ft: float | None = Field(default=None, ge=0)
    mog: int | None = Field(default=None, ge=0)
    mog_changes: tuple[MogChange, ...] = ()
    source: str | None = None

    _norm = field_validator("icao", mode="before")(_upper)

    @model_validator(mode="after")
    def _changes_in_order(self) -> AirfieldEntry:
        """Each change's interval in order, and no two overlapping."""
        out: list[Problem] = []
        for j, c in enumerate(self.mog_changes):
            if c.to_hour <= c.from_hour:
                out.append(Problem(f"mog_changes[{j}].to_hour", f"{c.to_hour:g} must be after from_hour ({c.from_hour:g})"))
                continue
            out += [Problem(f"mog_changes[{j}]", f"[{c.from_hour:g}, {c.to_hour:g}) overlaps mog_changes[{k}] "
                            f"[{d.from_hour:g}, {d.to_hour:g})") for k, d in enumerate(self.mog_changes[:j])
                    if d.from_hour < c.to_hour and c.from_hour < d.to_hour and d.to_hour > d.from_hour]
        if out:
            raise ScenarioError(out)
        return self


class FleetEntry(_Frozen):
    """Aircraft of one type available to the plan from ``available_hour`` until
    ``until_hour`` (none: to the end), with optional catalogue overrides.

    ``home`` (SPEC 5.1): the airfield the aircraft fly from and back to. Entries of one
    type and one home form a pool; no home: the aircraft appear at the unit's origin."""

    type: str = Field(min_length=1)
    count: int = Field(ge=0)
    home: str | None = Field(default=None, pattern=_ICAO)
    available_hour: float = Field(default=0.0, ge=0)
    until_hour: float | None = Field(default=None, gt=0)
    name: str | None = None
    seats: int | None = Field(default=None, ge=0)
    acl_stons: float | None = Field(default=None, ge=0)
    max_payload_stons: float | None = Field(default=None, gt=0)
    range_nm_at_max_payload: float | None = Field(default=None, gt=0)
    ferry_range_nm: float | None = Field(default=None, gt=0)
    cruise_kt: float | None = Field(default=None, gt=0)
    cargo_classes: tuple[CargoClass, ...] | None = None
    onload_hours: float | None = Field(default=None, ge=0)
    offload_hours: float | None = Field(default=None, ge=0)
    enroute_ground_hours: float | None = Field(default=None, ge=0)
    ute_hours: float | None = Field(default=None, gt=0, le=24)
    min_runway_ft: float | None = Field(default=None, ge=0)
    source: str | None = None

    @field_validator("home", mode="before")
    @classmethod
    def _norm_home(cls, v: Any) -> Any:
        return _upper(v)

    @model_validator(mode="after")
    def _until_after_available(self) -> FleetEntry:
        if self.until_hour is not None and self.until_hour <= self.available_hour:
            raise ScenarioError([Problem("until_hour", f"{self.until_hour:g} must be after available_hour "
                                                       f"({self.available_hour:g})")])
        return self

    def overrides(self) -> dict[str, Any]:
        """The catalogue fields this entry sets."""
        return {
            k: getattr(self, k)
            for k in AIRCRAFT_FIELDS
            if k not in ("type", "home") and getattr(self, k) is not None
        }


class Destination(_Frozen):
    """A base units may deploy to, with its beddown capacity in soldiers."""

    airfield: str = Field(pattern=_ICAO)
    capacity_pax: int | None = Field(default=None, ge=0)

    _norm = field_validator("airfield", mode="before")(_upper)


class Unit(_Frozen):
    """One line of the deployment order (a TPFDD line)."""

    id: str = Field(min_length=1)
    name: str = ""
    origin: str = Field(pattern=_ICAO)
    destinations: tuple[Icao, ...] = Field(min_length=1)
    pax: int = Field(default=0, ge=0)
    bulk_stons: float = Field(default=0.0, ge=0)
    oversize_stons: float = Field(default=0.0, ge=0)
    outsize_stons: float = Field(default=0.0, ge=0)
    ready_hour: float = Field(default=0.0, ge=0)
    earliest_arrival_hour: float = Field(default=0.0, ge=0)
    required_hour: float | None = Field(default=None, ge=0)
    latest_arrival_hour: float | None = Field(default=None, ge=0)
    priority: int = Field(default=5, ge=1, le=9)

    _norm = field_validator("origin", mode="before")(_upper)

    @field_validator("destinations", mode="before")
    @classmethod
    def _norm_dests(cls, v: Any) -> Any:
        if isinstance(v, str):
            v = [v]
        return [_upper(x) for x in v] if isinstance(v, list | tuple) else v

    @property
    def weight(self) -> int:
        """Priority weight of lateness and shortfall: ``10 - priority``."""
        return 10 - self.priority

    @property
    def cargo_stons(self) -> float:
        """All cargo of the unit, short tons."""
        return self.bulk_stons + self.oversize_stons + self.outsize_stons

    def amount(self, commodity: str) -> float:
        """Required amount of ``pax`` or a ``*_stons`` cargo field."""
        return float(getattr(self, commodity))


class Scenario(_Frozen):
    """A deployment scenario in the ``logistics-scenario/1`` format."""

    format: Literal["logistics-scenario/1"] = FORMAT
    name: str = Field(min_length=1)
    description: str = ""
    start: AwareDatetime
    horizon_hours: float = Field(gt=0)
    pax_weight_lb: float = Field(default=300.0, gt=0)
    airfields: tuple[AirfieldEntry, ...] = ()
    aircraft: tuple[FleetEntry, ...] = ()
    destinations: tuple[Destination, ...] = ()
    enroute: tuple[Icao, ...] = ()
    units: tuple[Unit, ...] = ()
    objective: tuple[Goal, ...] = DEFAULT_OBJECTIVE

    _airfields: dict[str, Airfield] = PrivateAttr(default_factory=dict)
    _types: dict[str, AircraftType] = PrivateAttr(default_factory=dict)
    _source_sha256: str | None = PrivateAttr(default=None)
    _source_path: str | None = PrivateAttr(default=None)
    _cache: dict[Any, Any] = PrivateAttr(default_factory=dict)

    def __eq__(self, other: object) -> bool:
        # fields only: where a scenario was read from, and caches, are not its content
        return type(other) is type(self) and self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash(self.content_sha256())

    @field_validator("enroute", mode="before")
    @classmethod
    def _norm_enroute(cls, v: Any) -> Any:
        return [_upper(x) for x in v] if isinstance(v, list | tuple) else v

    @model_validator(mode="after")
    def _cross_check(self) -> Scenario:
        problems = resolve(self)
        if problems:
            raise ScenarioError(problems)
        return self

    # ----- merged views -------------------------------------------------------------
    def airfield(self, icao: str) -> Airfield:
        """The airfield ``icao`` with scenario overrides merged over the catalogue."""
        return self._airfields[icao]

    @property
    def airfield_codes(self) -> list[str]:
        """Every airfield the scenario uses (origins, stops, destinations, then homes)."""
        used: dict[str, None] = {}
        for u in self.units:
            used[u.origin] = None
            for d in u.destinations:
                used[d] = None
        for d in self.destinations:
            used[d.airfield] = None
        for e in self.enroute:
            used[e] = None
        for f in self.aircraft:
            if f.home is not None:
                used[f.home] = None
        return list(used)

    def aircraft_type(self, type_code: str) -> AircraftType:
        """The aircraft type with scenario overrides merged over the catalogue."""
        return self._types[type_code]

    @property
    def fleet_types(self) -> list[str]:
        """Aircraft types in the fleet, in order of first appearance."""
        return list(self._types)

    @property
    def pools(self) -> list[tuple[str, str | None]]:
        """The fleet's pools, ``(type, home)``, in order of first appearance (SPEC 5.1:
        entries of one type and one home add up; different homes are separate pools)."""
        return list(dict.fromkeys((e.type, e.home) for e in self.aircraft))

    def fleet_steps(self, type_code: str, home: str | None | EllipsisType = ...
                    ) -> list[tuple[float, int]]:
        """Changes of a type's count, ``(hour, +count)`` at each entry's ``available_hour``
        and ``(hour, -count)`` at its ``until_hour``, sorted by hour: the count at ``t`` is
        the sum of the changes at or before ``t``. With ``home`` given (``None``: no home),
        of that pool only; without it, of every pool of the type."""
        es = [e for e in self.aircraft if e.type == type_code and (home is ... or e.home == home)]
        out = [(e.available_hour, e.count) for e in es]
        out += [(e.until_hour, -e.count) for e in es if e.until_hour is not None]
        return sorted(out)

    def fleet_count(self, type_code: str, hour: float | None = None,
                    home: str | None | EllipsisType = ...) -> int:
        """Aircraft of a type (of one pool with ``home`` given) available at ``hour``;
        with ``None``, the most available at any instant."""
        steps = self.fleet_steps(type_code, home)
        if hour is not None:
            return sum(c for h, c in steps if h <= hour)
        return max((self.fleet_count(type_code, h, home) for h, _ in steps), default=0)

    def fleet_day_count(self, type_code: str, day: int) -> int:
        """Aircraft of a type available at some instant of day ``[24 day, 24 day + 24)``."""
        lo, hi = 24.0 * day, 24.0 * day + 24.0
        return max([self.fleet_count(type_code, lo)]
                   + [self.fleet_count(type_code, h) for h, c in self.fleet_steps(type_code) if lo < h < hi])

    def mog_pieces(self, icao: str) -> list[tuple[float, float, int]]:
        """An airfield's MOG over time: ``(from_hour, to_hour, mog)`` pieces covering
        ``[0, inf)`` in order (one piece when it has no ``mog_changes``)."""
        changes = sorted((c.from_hour, c.to_hour, c.mog) for c in self.mog_changes(icao))
        base, out, t = self.airfield(icao).mog, [], 0.0
        for a, b, m in changes:
            if a > t:
                out.append((t, a, base))
            out.append((a, b, m))
            t = b
        out.append((t, float("inf"), base))
        return [p for p in out if p[1] > p[0]]

    def mog_changes(self, icao: str) -> tuple[MogChange, ...]:
        """The scenario's MOG changes of an airfield (SPEC 5.2)."""
        return next((a.mog_changes for a in self.airfields if a.icao == icao), ())

    def mog_at(self, icao: str, hour: float) -> int:
        """An airfield's MOG at ``hour`` (before hour 0: at hour 0)."""
        return next((m for a, b, m in self.mog_pieces(icao) if a <= max(0.0, hour) < b))

    def mog_peak(self, icao: str) -> int:
        """The largest MOG an airfield has at any time."""
        return max(m for _, _, m in self.mog_pieces(icao))

    def capacity_pax(self, icao: str) -> int | None:
        """Beddown capacity of a base in soldiers (``None``: unlimited)."""
        for d in self.destinations:
            if d.airfield == icao:
                return d.capacity_pax
        return None

    def unit(self, unit_id: str) -> Unit:
        """The unit with this id."""
        for u in self.units:
            if u.id == unit_id:
                return u
        raise KeyError(unit_id)

    def lad(self, u: Unit) -> float:
        """Latest arrival (hard): the unit's LAD, or the horizon."""
        return u.latest_arrival_hour if u.latest_arrival_hour is not None else self.horizon_hours

    def rdd(self, u: Unit) -> float:
        """Required delivery (soft): the unit's RDD, or its LAD."""
        return u.required_hour if u.required_hour is not None else self.lad(u)

    @property
    def pax_weight_stons(self) -> float:
        """Planning weight of one soldier with gear, short tons."""
        return self.pax_weight_lb / 2000.0

    # ----- identity -----------------------------------------------------------------
    def to_json(self) -> str:
        """A canonical JSON dump (defaults left out)."""
        return json.dumps(_dump(self), sort_keys=False, indent=2)

    def sha256(self) -> str:
        """sha256 of the file the scenario was read from, else of its JSON dump."""
        return self._source_sha256 or self.content_sha256()

    def content_sha256(self) -> str:
        """sha256 of the canonical JSON dump: equal scenarios share it."""
        return self.cached("sha256", lambda: hashlib.sha256(self.to_json().encode()).hexdigest())

    def cached(self, key: Any, fn: Any) -> Any:
        """Memoise ``fn()`` under ``key`` for this (immutable) scenario."""
        try:
            return self._cache[key]
        except KeyError:
            val = self._cache[key] = fn()
            return val

    @property
    def source_path(self) -> str | None:
        """The file this scenario was loaded from, if any."""
        return self._source_path

    def replace(self, **changes: Any) -> Scenario:
        """A validated copy with some fields replaced (like ``dataclasses.replace``)."""
        data = _dump(self)
        data.update({k: _plain(v) for k, v in changes.items()})
        return Scenario.from_dict(data)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], file: str | None = None) -> Scenario:
        """Validate a plain mapping, raising :class:`ScenarioError` on any problem."""
        if not isinstance(data, Mapping):
            raise ScenarioError(
                [Problem("", f"must be a mapping of scenario fields, got {type(data).__name__}")],
                file,
            )
        try:
            return cls.model_validate(dict(data))
        except ValidationError as exc:
            raise ScenarioError(one_pass(cls, data, pydantic_problems(exc)), file) from None
        except ScenarioError as exc:
            raise (exc.with_file(file) if file else exc) from None


# ----- files -------------------------------------------------------------------------
class _Loader(yaml.SafeLoader):
    """Safe YAML loader that keeps date-times as text (pydantic parses them)."""


_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def parse_text(text: str, file: str = "<scenario>") -> Any:
    """Parse YAML or JSON text (JSON is YAML), with errors naming line and column."""
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        why = getattr(exc, "problem", None) or str(exc)
        raise ScenarioError([Problem(where, f"could not parse YAML/JSON: {why}")], file) from None


def load_scenario(source: str | Path | bytes, name: str | None = None) -> Scenario:
    """Read a scenario from a YAML or JSON file (or its bytes).

    Parameters
    ----------
    source
        A path, or the file's bytes (e.g. an upload).
    name
        The file name to use in messages when ``source`` is bytes.

    Raises
    ------
    ScenarioError
        Listing every problem, each naming the file, the entry and the field.
    """
    if isinstance(source, bytes):
        raw, file = source, name or "<upload>"
    else:
        file = str(source)
        try:
            raw = Path(source).read_bytes()
        except OSError as exc:
            raise ScenarioError([Problem("", f"cannot read file: {exc.strerror or exc}")], file) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ScenarioError([Problem("", "is not UTF-8 text")], file) from None
    data = parse_text(text, file)
    if data is None:
        raise ScenarioError([Problem("", "is empty")], file)
    s = Scenario.from_dict(data, file)
    s._source_sha256 = hashlib.sha256(raw).hexdigest()
    s._source_path = None if isinstance(source, bytes) else file
    return s


def _plain(v: Any) -> Any:
    if isinstance(v, BaseModel):
        return v.model_dump(mode="json", exclude_none=True)
    if isinstance(v, list | tuple):
        return [_plain(x) for x in v]
    if isinstance(v, datetime):
        return v.isoformat()
    return v


def _dump(s: Scenario) -> dict[str, Any]:
    data = s.model_dump(mode="json", exclude_none=True)
    return data


def scenario_to_dict(s: Scenario) -> dict[str, Any]:
    """A plain mapping (JSON types) of the scenario, ``None`` fields left out."""
    return _dump(s)


def dumps_scenario(s: Scenario, fmt: Literal["yaml", "json"] = "yaml") -> str:
    """The scenario as YAML or JSON text."""
    data = _dump(s)
    if fmt == "json":
        return json.dumps(data, indent=2)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def save_scenario(s: Scenario, path: str | Path) -> Path:
    """Write a scenario as YAML (``.yaml``/``.yml``) or JSON (``.json``)."""
    p = Path(path)
    fmt: Literal["yaml", "json"] = "json" if p.suffix.lower() == ".json" else "yaml"
    p.write_text(dumps_scenario(s, fmt), encoding="utf-8")
    return p


def json_schema() -> dict[str, Any]:
    """The JSON Schema of ``logistics-scenario/1``."""
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "logistics-scenario/1"
    return schema
