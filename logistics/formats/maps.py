"""A plan's airfields and routes for map tools: GeoJSON (RFC 7946) and KML 2.2.

Both carry the same content. Airfields are points, with their ICAO code, name,
country, MOG and roles in the scenario (``origin``, ``destination``, ``enroute``; the
first of them is ``role``) and whether the plan uses them. Each mission is one line
through the airfields of its round trip, origin to origin (``KPOB-ETAR-OKAS-ETAR-KPOB``),
with its id, aircraft type, units, soldiers and short tons aboard, and its hours from
C-hour 0 (first departure, landing at the destination, return) with the same instants
in UTC. Lines join airfields straight (map tools draw them in their projection; KML
lines follow the ground, ``tessellate``); a route across the 180th meridian is not
split.
"""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree as ET

if TYPE_CHECKING:  # pragma: no cover
    from ..plan import Mission, Plan
    from ..scenario import Scenario

KML_NS = "http://www.opengis.net/kml/2.2"
ROLES = ("origin", "destination", "enroute")
#: KML colours (aabbggrr) of the airfield roles and of routes
_KML_COLOURS = {"origin": "ffc06515", "destination": "ff006cef", "enroute": "ff9e9e9e", "unused": "80c8c8c8",
                "route": "c0c06515"}


def utc(scenario: Scenario, hour: float | None) -> str | None:
    """A C-hour as an ISO-8601 UTC date-time, ``2020-01-01T06:30:00Z``."""
    if hour is None:
        return None
    t = scenario.start + timedelta(hours=float(hour))
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


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


def mission_record(scenario: Scenario, m: Mission) -> dict[str, Any]:
    """A mission's properties and its route's ``(lon, lat)`` points."""
    points = []
    for code in m.route:
        af = scenario.airfield(code)
        points.append((af.lon, af.lat))
    depart, arrive, end = m.start_hour, m.arrive_hour, m.end_hour
    props = {"mission": m.id, "aircraft": m.aircraft, "origin": m.origin, "destination": m.destination,
             "route": m.routing, "units": list(m.unit_ids), "pax": m.pax, "stons": round(m.cargo_stons, 3),
             "depart_hour": depart, "arrive_hour": arrive, "end_hour": end,
             "depart_utc": utc(scenario, depart), "arrive_utc": utc(scenario, arrive),
             "end_utc": utc(scenario, end)}
    return {"properties": props, "points": points}


# ----- GeoJSON --------------------------------------------------------------------------
def plan_geojson(scenario: Scenario, plan: Plan) -> dict[str, Any]:
    """The plan as a GeoJSON FeatureCollection (``json.dumps`` it to write a file).

    Airfields are ``Point`` features (``kind: airfield``), missions ``LineString``
    features (``kind: mission``), one per mission in plan order; coordinates are
    ``[lon, lat]`` of the scenario's airfields (catalogue merged with its overrides).
    """
    feats: list[dict[str, Any]] = []
    for a in airfield_records(scenario, plan):
        props = {"kind": "airfield", **{k: v for k, v in a.items() if k not in ("lat", "lon")}}
        feats.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [a["lon"], a["lat"]]},
                      "properties": props})
    for m in plan.missions:
        rec = mission_record(scenario, m)
        feats.append({"type": "Feature", "id": m.id,
                      "geometry": {"type": "LineString", "coordinates": [list(p) for p in rec["points"]]},
                      "properties": {"kind": "mission", **rec["properties"]}})
    return {"type": "FeatureCollection", "name": plan.scenario_name,
            "properties": {"scenario": plan.scenario_name, "scenario_sha256": plan.scenario_sha256,
                           "status": plan.status, "start_utc": utc(scenario, 0.0)},
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
    line = _sub(_sub(doc, "Style", id="route"), "LineStyle")
    _sub(line, "color", _KML_COLOURS["route"])
    _sub(line, "width", 2)


def plan_kml(scenario: Scenario, plan: Plan) -> str:
    """The plan as a KML 2.2 document: a folder of airfield placemarks and a folder of
    mission routes (each with a ``TimeSpan`` in UTC, from first departure to return)."""
    ET.register_namespace("", KML_NS)
    root = ET.Element(f"{{{KML_NS}}}kml")
    doc = _sub(root, "Document")
    _sub(doc, "name", f"{plan.scenario_name} ({plan.status})")
    _sub(doc, "description", f"Airlift plan: {len(plan.missions)} missions; C-hour 0 is {utc(scenario, 0.0)}")
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
        rec = mission_record(scenario, m)
        p = rec["properties"]
        pm = _sub(folder, "Placemark", id=f"mission-{m.id}")
        _sub(pm, "name", f"{m.id} {m.aircraft} {m.origin}-{m.destination}")
        _sub(pm, "description", f"{p['route']}: {p['pax']} soldiers, {p['stons']:g} st "
                                f"({', '.join(p['units']) or 'empty'}); departs {p['depart_utc']}, "
                                f"lands {p['arrive_utc']}, back {p['end_utc']}")
        span = _sub(pm, "TimeSpan")
        _sub(span, "begin", p["depart_utc"])
        _sub(span, "end", p["end_utc"])
        _sub(pm, "styleUrl", "#route")
        _data(pm, p)
        ls = _sub(pm, "LineString")
        _sub(ls, "tessellate", 1)
        _sub(ls, "coordinates", " ".join(f"{lon},{lat},0" for lon, lat in rec["points"]))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
