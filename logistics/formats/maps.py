"""A plan's airfields and routes for map tools: GeoJSON (RFC 7946) and KML 2.2.

Both carry the same content. Airfields are points, with their ICAO code, name,
country, MOG and roles in the scenario (``origin``, ``destination``, ``enroute``,
``home``; the first of them is ``role``) and whether the plan uses them. Each mission
is drawn as the lines of its parts (:func:`mission_parts`): the loaded flight from the
origin to the destination (``mission``, with its units, soldiers and short tons), the
empty flight back (``return``) and, for an aircraft from a home base (SPEC 5.1), the
empty flight from the home to the origin (``positioning``). Every time is given as
hours from C-hour 0, in UTC, as a Zulu date-time group and with its C-day
(:mod:`logistics.timefmt`, the words of the CSV export). Lines join airfields
straight (map tools draw them in their projection; KML lines follow the ground,
``tessellate``); a route across the 180th meridian is not split.
"""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree as ET

from ..timefmt import c_day, dtg, when

if TYPE_CHECKING:  # pragma: no cover
    from ..plan import Mission, Plan
    from ..scenario import Scenario

KML_NS = "http://www.opengis.net/kml/2.2"
ROLES = ("origin", "destination", "enroute", "home")
#: the parts of a mission, in flight order: ``kind`` of its line features
PARTS = ("positioning", "mission", "return")
#: KML colours (aabbggrr) of the airfield roles and of the mission parts
_KML_COLOURS = {"origin": "ffc06515", "destination": "ff006cef", "enroute": "ff9e9e9e", "home": "ffb73a67",
                "unused": "80c8c8c8", "mission": "c0c06515", "positioning": "a0dd9db3", "return": "a0908a78"}
_KML_WIDTHS = {"mission": 2, "positioning": 1, "return": 1}


def utc(scenario: Scenario, hour: float | None) -> str | None:
    """A C-hour as an ISO-8601 UTC date-time, ``2020-01-01T06:30:00Z``."""
    if hour is None:
        return None
    t = scenario.start + timedelta(hours=float(hour))
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def times(scenario: Scenario, hours: dict[str, float | None], day_of: str) -> dict[str, Any]:
    """``<x>_hour`` for each ``x`` of ``hours``, then ``<x>_utc``, then ``<x>_dtg`` and the
    C-day (``c_day``) of ``day_of``, as the CSV export writes them."""
    out: dict[str, Any] = {f"{x}_hour": h for x, h in hours.items()}
    out |= {f"{x}_utc": utc(scenario, h) for x, h in hours.items()}
    out |= {f"{x}_dtg": dtg(scenario, h) or None for x, h in hours.items()}
    out["c_day"] = c_day(hours[day_of]) or None
    return out


def _roles(scenario: Scenario) -> dict[str, list[str]]:
    roles: dict[str, list[str]] = {}

    def add(code: str, role: str) -> None:
        have = roles.setdefault(code, [])
        if role not in have:
            have.append(role)

    for u in scenario.units:
        add(u.origin, "origin")
        for d in u.destinations:
            add(d, "destination")
    for d in scenario.destinations:
        add(d.airfield, "destination")
    for e in scenario.enroute:
        add(e, "enroute")
    for f in scenario.aircraft:
        if f.home is not None:
            add(f.home, "home")
    return {c: sorted(r, key=ROLES.index) for c, r in roles.items()}


def airfield_records(scenario: Scenario, plan: Plan) -> list[dict[str, Any]]:
    """One record per airfield the scenario or the plan uses: code, place and roles."""
    roles = _roles(scenario)
    used = {c for m in plan.missions for c in m.route}
    codes = list(dict.fromkeys([*roles, *sorted(used - set(roles))]))
    out = []
    for code in codes:
        af = scenario.airfield(code)
        rs = roles.get(code, [])
        out.append({"icao": code, "name": af.name, "country": af.country, "lat": af.lat, "lon": af.lon,
                    "mog": af.mog, "role": rs[0] if rs else "enroute", "roles": rs, "used": code in used})
    return out


def _part_legs(m: Mission) -> dict[str, range]:
    """The legs of each part of ``m``: positioning (home to origin), the loaded legs
    (``Mission.loaded_legs``, origin to destination) and the return after them. Legs that
    never reach the destination count as the loaded part, so that no leg is left out."""
    pos = m.positioning_legs
    loaded = m.loaded_legs or range(pos.stop, len(m.legs))
    return {"positioning": pos, "mission": loaded, "return": range(loaded.stop, len(m.legs))}


def mission_parts(scenario: Scenario, m: Mission) -> list[dict[str, Any]]:
    """The line features of a mission in flight order, ``positioning`` (only when it
    flies from a home, SPEC 5.1), ``mission`` (the loaded legs) and ``return``: each a
    dict of ``kind``, ``id``, ``properties`` and ``points`` (``(lon, lat)`` of its airfields).

    Every part names its mission, aircraft, home, origin, destination, its own ``route``
    and the mission's whole ``routing``, what it carries (the empty parts: no units, 0
    soldiers, 0 st) and when it departs and arrives (hour, UTC, DTG, C-day of the
    departure); the loaded part also gives ``start`` (the mission's first departure)
    and ``end`` (back at its home or origin, the aircraft free again).
    """
    out = []
    for kind, idx in _part_legs(m).items():
        if not idx:
            continue
        legs = [m.legs[j] for j in idx]
        codes = [legs[0].frm, *(lg.to for lg in legs)]
        loaded = kind == "mission"
        hours = {"depart": legs[0].depart_hour, "arrive": legs[-1].arrive_hour}
        if loaded:
            hours |= {"start": m.start_hour, "end": m.end_hour}
        props = {"kind": kind, "mission": m.id, "aircraft": m.aircraft, "home": m.home, "origin": m.origin,
                 "destination": m.destination, "route": "-".join(codes), "routing": m.routing,
                 "units": list(m.unit_ids) if loaded else [], "pax": m.pax if loaded else 0,
                 "stons": round(m.cargo_stons, 3) if loaded else 0.0,
                 **times(scenario, hours, "depart")}
        points = [(scenario.airfield(c).lon, scenario.airfield(c).lat) for c in codes]
        out.append({"kind": kind, "id": m.id if loaded else f"{m.id}-{kind}", "properties": props,
                    "points": points})
    return out


# ----- GeoJSON --------------------------------------------------------------------------
def plan_geojson(scenario: Scenario, plan: Plan) -> dict[str, Any]:
    """The plan as a GeoJSON FeatureCollection (``json.dumps`` it to write a file).

    Airfields are ``Point`` features (``kind: airfield``); each mission gives
    ``LineString`` features in flight order (:func:`mission_parts`): ``kind:
    positioning`` (from a home), ``kind: mission`` (loaded, its id the mission id) and
    ``kind: return``; coordinates are ``[lon, lat]`` of the scenario's airfields
    (catalogue merged with its overrides).
    """
    feats: list[dict[str, Any]] = []
    for a in airfield_records(scenario, plan):
        props = {"kind": "airfield", **{k: v for k, v in a.items() if k not in ("lat", "lon")}}
        feats.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [a["lon"], a["lat"]]},
                      "properties": props})
    for m in plan.missions:
        for part in mission_parts(scenario, m):
            feats.append({"type": "Feature", "id": part["id"],
                          "geometry": {"type": "LineString", "coordinates": [list(p) for p in part["points"]]},
                          "properties": part["properties"]})
    return {"type": "FeatureCollection", "name": plan.scenario_name,
            "properties": {"scenario": plan.scenario_name, "scenario_sha256": plan.scenario_sha256,
                           "status": plan.status, "start_utc": utc(scenario, 0.0),
                           "start_dtg": dtg(scenario, 0.0)},
            "features": feats}


# ----- KML ------------------------------------------------------------------------------
def _sub(parent: ET.Element, tag: str, value: Any = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, f"{{{KML_NS}}}{tag}", attrs)
    if value is not None:
        el.text = str(value)
    return el


def _data(pm: ET.Element, props: dict[str, Any]) -> None:
    ext = _sub(pm, "ExtendedData")
    for k, v in props.items():
        if v is None:
            continue
        if isinstance(v, bool):
            shown = "true" if v else "false"
        elif isinstance(v, list):
            shown = ", ".join(v)
        else:
            shown = f"{v:g}" if isinstance(v, float) else v
        _sub(_sub(ext, "Data", name=k), "value", shown)


def _styles(doc: ET.Element) -> None:
    for role in (*ROLES, "unused"):
        st = _sub(doc, "Style", id=f"airfield-{role}")
        _sub(_sub(st, "IconStyle"), "color", _KML_COLOURS[role])  # the viewer's own icon: no remote file
    for kind in PARTS:
        line = _sub(_sub(doc, "Style", id="route" if kind == "mission" else f"route-{kind}"), "LineStyle")
        _sub(line, "color", _KML_COLOURS[kind])
        _sub(line, "width", _KML_WIDTHS[kind])


def _part_text(scenario: Scenario, p: dict[str, Any]) -> tuple[str, str]:
    """``(name, description)`` of a mission part's placemark; each time as its hour, DTG
    and C-day (:func:`logistics.timefmt.when`) and in UTC."""
    def at(x: str) -> str:
        return f"{when(scenario, p[f'{x}_hour'])} ({p[f'{x}_utc']})"

    if p["kind"] == "mission":
        name = f"{p['mission']} {p['aircraft']} {p['origin']}-{p['destination']}"
        what = (f"{p['route']}: {p['pax']} soldiers, {p['stons']:g} st ({', '.join(p['units']) or 'empty'}); "
                f"departs {at('depart')}, lands {at('arrive')}, back {at('end')}")
    else:
        name = f"{p['mission']} {p['aircraft']} {p['route']} ({p['kind']}, empty)"
        what = (f"{p['route']}: {p['kind']} of {p['mission']}, empty; departs {at('depart')}, "
                f"lands {at('arrive')}")
    return name, what


def plan_kml(scenario: Scenario, plan: Plan) -> str:
    """The plan as a KML 2.2 document: a folder of airfield placemarks and a folder of
    mission routes, a placemark per part of each mission (:func:`mission_parts`), each
    with a ``TimeSpan`` in UTC from its departure to its landing."""
    ET.register_namespace("", KML_NS)
    root = ET.Element(f"{{{KML_NS}}}kml")
    doc = _sub(root, "Document")
    _sub(doc, "name", f"{plan.scenario_name} ({plan.status})")
    _sub(doc, "description", f"Airlift plan: {len(plan.missions)} missions; C-hour 0 is "
                             f"{dtg(scenario, 0.0)} ({utc(scenario, 0.0)})")
    _styles(doc)
    folder = _sub(doc, "Folder")
    _sub(folder, "name", "Airfields")
    for a in airfield_records(scenario, plan):
        pm = _sub(folder, "Placemark", id=f"airfield-{a['icao']}")
        _sub(pm, "name", a["icao"])
        _sub(pm, "description", f"{a['name']} ({a['country']}): {', '.join(a['roles']) or 'used by the plan'}; "
                                f"MOG {a['mog']}")
        _sub(pm, "styleUrl", f"#airfield-{a['role'] if a['used'] else 'unused'}")
        _data(pm, {k: v for k, v in a.items() if k not in ("lat", "lon")})
        _sub(_sub(pm, "Point"), "coordinates", f"{a['lon']},{a['lat']},0")
    folder = _sub(doc, "Folder")
    _sub(folder, "name", "Missions")
    for m in plan.missions:
        for part in mission_parts(scenario, m):
            p = part["properties"]
            pm = _sub(folder, "Placemark", id=f"mission-{part['id']}")
            name, what = _part_text(scenario, p)
            _sub(pm, "name", name)
            _sub(pm, "description", what)
            span = _sub(pm, "TimeSpan")
            _sub(span, "begin", p["depart_utc"])
            _sub(span, "end", p["arrive_utc"])
            _sub(pm, "styleUrl", "#route" if part["kind"] == "mission" else f"#route-{part['kind']}")
            _data(pm, p)
            ls = _sub(pm, "LineString")
            _sub(ls, "tessellate", 1)
            _sub(ls, "coordinates", " ".join(f"{lon},{lat},0" for lon, lat in part["points"]))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
