"""The lowest allowed versions: a pip constraints file pinning every direct dependency
(the base list and the extras the README installs) to the minimum ``pyproject.toml``
declares, and a check that an environment holds exactly those versions.

    python .ci/lowest_constraints.py > constraints.txt    # write the pins
    python .ci/lowest_constraints.py --check               # after the install: exit 1 on a mismatch
    python .ci/lowest_constraints.py --lowest streamlit --extras app   # one name, some extras

``name>=X`` (with or without an upper bound) becomes ``name==X``; ``name~=X.Y.Z`` becomes
``name==X.Y.<lowest release>`` (ortools numbers its releases ``9.15.<build>``, so the
lowest build of the series is asked of the package index with ``pip index versions``);
``name==X`` stays; a name required twice gets the higher minimum. Extras are dropped
from the pins (pip refuses them in a constraints file; ``dask[distributed]`` pins
``distributed`` to dask's own version anyway).

Run ``.ci/lowest.sh`` to build ``.venv-lowest`` from these pins and run the tests there.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: the extras the README's test command installs
EXTRAS = ("app", "sweep", "dev")
REQ = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(.*)$")


def requirements(pyproject: Path = ROOT / "pyproject.toml", extras: tuple[str, ...] = EXTRAS) -> list[str]:
    """The direct requirements: the base list, then each extra's, as written."""
    project = tomllib.loads(pyproject.read_text())["project"]
    out = list(project.get("dependencies", []))
    optional = project.get("optional-dependencies", {})
    for extra in extras:
        out += optional[extra]
    return out


def release(v: str) -> tuple[int, ...]:
    """A plain release number as a tuple (``"9.15.6755"`` -> ``(9, 15, 6755)``)."""
    return tuple(int(p) for p in v.split("."))


def available(name: str) -> list[str]:
    """The plain releases of ``name`` on the package index (``pip index versions``)."""
    proc = subprocess.run([sys.executable, "-m", "pip", "index", "versions", name],
                          capture_output=True, text=True, check=True)
    line = next(x for x in proc.stdout.splitlines() if x.startswith("Available versions:"))
    found = [v.strip() for v in line.split(":", 1)[1].split(",")]
    return [v for v in found if re.fullmatch(r"\d+(\.\d+)*", v)]


def lowest(name: str, spec: str) -> str:
    """The lowest version ``spec`` allows (``>=X``, ``~=X.Y[.Z]`` or ``==X``, maybe
    with an upper bound beside it)."""
    parts = dict(re.findall(r"(~=|==|>=)\s*([0-9][0-9.]*)", spec))
    if "==" in parts:
        return parts["=="]
    if ">=" in parts:
        return parts[">="]
    if "~=" in parts:
        base = release(parts["~="])
        prefix = base[:-1]
        ok = [v for v in available(name)
              if release(v)[: len(prefix)] == prefix and release(v) >= base]
        if not ok:
            raise SystemExit(f"no release of {name} matches ~={parts['~=']}")
        return min(ok, key=release)
    raise SystemExit(f"{name}{spec}: no lower bound declared (every direct dependency needs one)")


def pins(reqs: list[str]) -> dict[str, str]:
    """``{name: lowest version}`` of each requirement (names as written); a name listed
    twice (streamlit: by the app and by the tests) gets the higher of its minimums."""
    out: dict[str, str] = {}
    for r in reqs:
        m = REQ.match(r.split(";")[0])
        if m is None:
            raise SystemExit(f"cannot read the requirement {r!r}")
        name, v = m.group(1).lower(), lowest(m.group(1), m.group(2))
        if name not in out or release(v) > release(out[name]):
            out[name] = v
    return out


def _same(installed: str, pinned: str) -> bool:
    """Whether an installed version is the pinned one (``1.26`` is ``1.26.0``)."""
    a, b = release(installed.split("+")[0]), release(pinned)
    n = max(len(a), len(b))
    return a + (0,) * (n - len(a)) == b + (0,) * (n - len(b))


def check(wanted: dict[str, str]) -> list[str]:
    """The pins this environment does not hold, in words (empty when all do)."""
    bad = []
    for name, v in wanted.items():
        try:
            got = metadata.version(name)
        except metadata.PackageNotFoundError:
            bad.append(f"{name}: not installed (pinned {v})")
            continue
        if not re.fullmatch(r"\d+(\.\d+)*(\+.*)?", got) or not _same(got, v):
            bad.append(f"{name}: {got} installed, pinned {v}")
    return bad


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true",
                    help="check that this environment holds the pinned versions (exit 1 if not)")
    ap.add_argument("--extras", default=",".join(EXTRAS), metavar="A,B",
                    help=f"the extras to pin besides the base list (default {','.join(EXTRAS)})")
    ap.add_argument("--lowest", metavar="NAME", help="print only NAME's lowest version")
    args = ap.parse_args(argv)
    wanted = pins(requirements(extras=tuple(e for e in args.extras.split(",") if e)))
    if args.lowest:
        print(wanted[args.lowest.lower()])
        return 0
    if args.check:
        bad = check(wanted)
        for line in bad:
            print(line, file=sys.stderr)
        if not bad:
            print("lowest versions installed: " + ", ".join(f"{k}=={v}" for k, v in wanted.items()))
        return 1 if bad else 0
    sys.stdout.write("".join(f"{k}=={v}\n" for k, v in wanted.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
