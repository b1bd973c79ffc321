"""The ``logistics-plan/1`` file as pydantic models: its JSON Schema and its reading.

:class:`PlanFile` is the file of SPEC section 4, plus what the product writes besides:
``findings``, the ``replan`` object of a re-plan (SPEC 5.3), a mission's ``home``
(SPEC 5.1), and in ``solve`` the ``goals``, the ``stages`` and any other key (kept as
they are). Unknown keys elsewhere are ignored, so files of outside tools read fine.

:func:`read_plan` validates JSON types against it and returns the records of
:mod:`.parts`; every problem of the file is reported at once, as one
:class:`~logistics.errors.Problem` each (entry and field, e.g.
``missions[3].legs[0].depart_hour: must be a number (got 'x')``), in a
:class:`~logistics.errors.PlanError`. :func:`plan_json_schema` is the JSON Schema
(``logistics schema --plan``).
"""

from __future__ import annotations

import json
import reprlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, WithJsonSchema
from pydantic_core import PydanticCustomError

from ..errors import PlanError, Problem, format_loc
from .parts import FORMAT, STATUSES, Finding, Leg, Load, Mission, SolveInfo, UnitResult

if TYPE_CHECKING:  # pragma: no cover
    from .core import Plan


def _whole(v: float) -> int:
    if v != int(v):
        raise PydanticCustomError("whole_number", "must be a whole number")
    return int(v)


#: a JSON number (no true/false, no text, finite)
Number = float
#: a JSON number with no fraction (``3`` or ``3.0``), read as an int
Whole = Annotated[float, AfterValidator(_whole), WithJsonSchema({"type": "integer"})]
#: the statuses of :data:`~.parts.STATUSES`
Status = Literal["optimal", "feasible", "infeasible", "unknown"]


def _no_default(schema: dict[str, Any]) -> None:
    """For a field that may be left out but not be null: the schema shows no default."""
    schema.pop("default", None)


class _Part(BaseModel):
    """JSON types exactly (``"3"`` is no number, ``1`` no text); unknown keys ignored."""

    model_config = ConfigDict(strict=True, allow_inf_nan=False, extra="ignore", populate_by_name=True,
                              model_title_generator=lambda cls: cls.__name__.removesuffix("Model"))


class ScenarioRef(_Part):
    """The scenario the plan answers."""

    name: str = ""
    sha256: str = Field("", description="sha256 of the scenario file's bytes (of its JSON dump when "
                                        "built in memory)")


class SolveModel(_Part):
    """How the plan was found; any other key is kept as it is."""

    model_config = ConfigDict(extra="allow")

    solver: str = ""
    seconds: Number = 0.0
    objective: list[Number] = Field([], description="one value per goal, in objective order")
    bound: list[Number] = Field([], description="one bound per goal, in objective order")
    goals: list[str] = []
    stages: list[dict[str, Any]] = []


class KpisModel(_Part):
    """The plan's key figures; each may be left out, any other key is kept as it is."""

    model_config = ConfigDict(extra="allow")

    closure_hour: Number | None = None
    missions: Whole = Field(None, json_schema_extra=_no_default)  # type: ignore[assignment]
    flying_hours: Number | None = None
    late_units: Whole = Field(None, json_schema_extra=_no_default)  # type: ignore[assignment]
    undelivered_pax: Whole = Field(None, json_schema_extra=_no_default)  # type: ignore[assignment]
    undelivered_stons: Number | None = None


class Amounts(_Part):
    """Soldiers and short tons per cargo class."""

    pax: Whole
    bulk_stons: Number
    oversize_stons: Number
    outsize_stons: Number


class UnitModel(_Part):
    """What the plan does for one unit."""

    id: str
    destination: str | None
    closure_hour: Number | None
    late_hours: Number | None
    delivered: Amounts
    undelivered: Amounts


class LegModel(_Part):
    """One flight of a mission, hours from C-hour 0."""

    frm: str = Field(alias="from")
    to: str
    depart_hour: Number
    arrive_hour: Number


class LoadModel(_Part):
    """What a mission carries of one unit (amounts left out are 0)."""

    unit: str
    pax: Whole = 0
    bulk_stons: Number = 0.0
    oversize_stons: Number = 0.0
    outsize_stons: Number = 0.0


class MissionModel(_Part):
    """One aircraft's trip; ``legs`` cover it all, in time order."""

    id: str
    aircraft: str
    origin: str
    destination: str
    home: str | None = Field(None, description="the home of the mission's aircraft pool (SPEC 5.1)")
    legs: list[LegModel]
    loads: list[LoadModel] = []


class FindingModel(_Part):
    """One reason the plan is what it is."""

    kind: str
    subject: str = ""
    message: str
    start_hour: Number | None = None
    end_hour: Number | None = None
    units: list[str] = []


class PreviousRef(_Part):
    """The plan a re-plan started from."""

    sha256: str = Field(description="sha256 of the previous plan file")


class ReplanModel(_Part):
    """What a re-plan kept, changed, cancelled and added (SPEC 5.3)."""

    now_hour: Number
    previous: PreviousRef
    kept: list[str] = []
    changed: list[str] = []
    cancelled: list[str] = []
    added: list[str] = []


class PlanFile(_Part):
    """A ``logistics-plan/1`` file (SPEC section 4)."""

    model_config = ConfigDict(title="logistics-plan/1")

    format: Literal["logistics-plan/1"] = FORMAT
    scenario: ScenarioRef = ScenarioRef()
    status: Status
    solve: SolveModel = SolveModel()
    kpis: KpisModel
    units: list[UnitModel]
    missions: list[MissionModel]
    findings: list[FindingModel] = []
    replan: ReplanModel | None = None



def plan_json_schema() -> dict[str, Any]:
    """The JSON Schema of ``logistics-plan/1`` (``logistics schema --plan``)."""
    schema = PlanFile.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = FORMAT
    return schema


# ----- reading ----------------------------------------------------------------------------
def read_plan(cls: type[Plan], data: Any, file: str | None = None) -> Plan:
    """The plan of these JSON types, or :class:`PlanError` with every problem found."""
    try:
        m = PlanFile.model_validate(data)
    except ValidationError as exc:
        raise PlanError(plan_problems(exc), file) from None
    sv = m.solve
    solve = SolveInfo(solver=sv.solver, seconds=sv.seconds, objective=list(sv.objective),
                      bound=list(sv.bound), goals=list(sv.goals), stages=list(sv.stages),
                      extra=dict(sv.model_extra or {}))
    known = m.kpis.model_dump(exclude_unset=True)
    extra = m.kpis.model_extra or {}
    # the keys in the file's order (a file written here keeps its bytes on a round trip)
    kpis = {k: known[k] if k in known else extra[k] for k in data["kpis"]}
    units = [UnitResult(id=u.id, destination=u.destination, closure_hour=u.closure_hour,
                        late_hours=u.late_hours, delivered=u.delivered.model_dump(),
                        undelivered=u.undelivered.model_dump()) for u in m.units]
    missions = [Mission(id=x.id, aircraft=x.aircraft, origin=x.origin, destination=x.destination,
                        home=x.home,
                        legs=tuple(Leg(lg.frm, lg.to, lg.depart_hour, lg.arrive_hour) for lg in x.legs),
                        loads=tuple(Load(ld.unit, ld.pax, ld.bulk_stons, ld.oversize_stons, ld.outsize_stons)
                                    for ld in x.loads))
                for x in m.missions]
    findings = [Finding(f.kind, f.subject, f.message, f.start_hour, f.end_hour, tuple(f.units))
                for f in m.findings]
    replan = None if m.replan is None else m.replan.model_dump()
    return cls(scenario_name=m.scenario.name, scenario_sha256=m.scenario.sha256, status=m.status,
               missions=missions, units=units, kpis=kpis, solve=solve, findings=findings, replan=replan)


def parse_json(text: str | bytes, file: str | None = None) -> Any:
    """JSON types from plan text, or :class:`PlanError` saying why it is no JSON."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise PlanError([Problem("", "is not UTF-8 text")], file) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        why = f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
    except RecursionError:
        why = "not valid JSON: nested too deeply"
    except ValueError as exc:  # e.g. a number of more digits than Python converts
        why = f"not valid JSON: {exc}"
    raise PlanError([Problem("", why)], file)


# ----- problems in plain words ------------------------------------------------------------
_repr = reprlib.Repr()
_repr.maxstring = 40
_repr.maxother = 40
_repr.maxlong = 40


def _shown(v: Any) -> str:
    """The value as a reader of the file knows it: JSON words, short text quoted."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, Mapping):
        return "an object"
    if isinstance(v, list | tuple):
        return "a list"
    if isinstance(v, str | int | float):
        return _repr.repr(v)
    return type(v).__name__


def _message(err: Mapping[str, Any]) -> str:
    t = err.get("type", "")
    got = f" (got {_shown(err.get('input'))})"
    if t == "missing":
        return "is required"
    if t == "finite_number":
        return "must be a finite number" + got
    if t == "float_type":
        big = isinstance(err.get("input"), int) and not isinstance(err.get("input"), bool)
        return ("must be a finite number" if big else "must be a number") + got
    if t == "whole_number":
        return "must be a whole number" + got
    if t == "string_type":
        return "must be text" + got
    if t == "list_type":
        return "must be a list" + got
    if t in ("model_type", "dict_type", "model_attributes_type"):
        return "must be an object" + got
    if t == "literal_error":
        if tuple(err.get("loc", ())) == ("format",):
            return f"must be {FORMAT!r}" + got
        return f"must be one of {', '.join(STATUSES)}" + got
    return str(err.get("msg", "is invalid")) + got


def plan_problems(exc: ValidationError) -> list[Problem]:
    """The problems of a plan's :class:`ValidationError`, each named like ``units[3].id``."""
    out = []
    for err in exc.errors():
        loc = format_loc(err["loc"])
        msg = _message(err)
        if not loc:
            msg = msg.replace("must be an object", "must be an object of plan fields")
        out.append(Problem(loc, msg))
    return out
