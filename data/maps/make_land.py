"""Rebuild ``land.geojson`` from Natural Earth 1:110m land as TopoJSON.

Source: ``land-110m.json`` of the npm package ``world-atlas`` 2.0.2 (Natural Earth
4.1.0 land, public domain; TopoJSON packaging ISC, Mike Bostock). Get it with
``npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz`` and run::

    python data/maps/make_land.py package/land-110m.json data/maps/land.geojson

Only the standard library is used: the TopoJSON arcs are delta-decoded, dequantised
and stitched into GeoJSON polygons, coordinates rounded to 0.01 degree. For a flat
(Web Mercator) map, Antarctica is left out (it would stretch to infinity) and the rings
that cross the antimeridian (Russia, Fiji, Wrangel Island) are cut in two there.
"""

from __future__ import annotations

import json
import sys


def _arcs(topo: dict) -> list[list[tuple[float, float]]]:
    tr = topo.get("transform")
    out = []
    for arc in topo["arcs"]:
        pts = []
        x = y = 0
        for p in arc:
            if tr:
                x += p[0]
                y += p[1]
                sx, sy = tr["scale"]
                tx, ty = tr["translate"]
                pts.append((x * sx + tx, y * sy + ty))
            else:
                pts.append((p[0], p[1]))
        out.append(pts)
    return out


def _ring(arcs: list, idx: list[int]) -> list[list[float]]:
    ring: list[tuple[float, float]] = []
    for i in idx:
        pts = arcs[i] if i >= 0 else arcs[~i][::-1]
        ring.extend(pts if not ring else pts[1:])
    out: list[list[float]] = []
    for x, y in ring:
        q = [round(x, 2), round(y, 2)]
        if not out or out[-1] != q:
            out.append(q)
    if out and out[0] != out[-1]:
        out.append(out[0])
    return out


def _crosses(ring: list[list[float]]) -> bool:
    return any(abs(a[0] - b[0]) > 180 for a, b in zip(ring, ring[1:], strict=False))


def _unwrap(ring: list[list[float]]) -> list[list[float]]:
    """Make longitudes continuous (east of 180 goes past 180)."""
    out = [list(ring[0])]
    for x, y in ring[1:]:
        px = out[-1][0]
        while x - px > 180:
            x -= 360
        while px - x > 180:
            x += 360
        out.append([x, y])
    if min(p[0] for p in out) < -180:
        out = [[x + 360, y] for x, y in out]
    return out


def _clip(ring: list[list[float]], x0: float, keep_left: bool) -> list[list[float]]:
    """Sutherland-Hodgman clip of a ring by the half-plane x <= x0 (or x >= x0)."""
    def inside(p: list[float]) -> bool:
        return p[0] <= x0 if keep_left else p[0] >= x0

    out: list[list[float]] = []
    pts = ring[:-1]
    for i, cur in enumerate(pts):
        prev = pts[i - 1]
        if inside(cur):
            if not inside(prev):
                out.append(_cut(prev, cur, x0))
            out.append(cur)
        elif inside(prev):
            out.append(_cut(prev, cur, x0))
    if out:
        out.append(out[0])
    return out


def _cut(a: list[float], b: list[float], x0: float) -> list[float]:
    t = (x0 - a[0]) / (b[0] - a[0])
    return [x0, round(a[1] + t * (b[1] - a[1]), 2)]


def _split(ring: list[list[float]]) -> list[list[list[float]]]:
    """A ring crossing the antimeridian as one ring on each side of it."""
    u = _unwrap(ring)
    west = _clip(u, 180.0, keep_left=True)
    east = [[round(x - 360, 2), y] for x, y in _clip(u, 180.0, keep_left=False)]
    return [r for r in (west, east) if len(r) >= 4]


def convert(topo: dict, name: str = "land") -> dict:
    arcs = _arcs(topo)
    feats = []
    for geom in topo["objects"][name]["geometries"]:
        polys = geom["arcs"] if geom["type"] == "MultiPolygon" else [geom["arcs"]]
        for poly in polys:
            rings = [r for r in (_ring(arcs, ring) for ring in poly) if len(r) >= 4]
            if not rings or max(p[1] for p in rings[0]) < -55:  # Antarctica
                continue
            if _crosses(rings[0]):  # its holes (the Caspian Sea) lie in the west part
                parts = [[r] for r in _split(rings[0])]
                parts[0].extend(rings[1:])
            else:
                parts = [rings]
            for part in parts:
                feats.append({"type": "Feature", "properties": {},
                              "geometry": {"type": "Polygon", "coordinates": part}})
    return {"type": "FeatureCollection", "features": feats}


def main(argv: list[str]) -> int:
    src, dst = argv[1], argv[2]
    with open(src, encoding="utf-8") as fh:
        gj = convert(json.load(fh))
    with open(dst, "w", encoding="utf-8") as fh:
        json.dump(gj, fh, separators=(",", ":"))
    print(f"{dst}: {len(gj['features'])} polygons")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
