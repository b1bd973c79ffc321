"""Run every benchmark and write benchmarks/SCALING.md, results.json and scaling.png.

    python benchmarks/run.py                       # bundled, S, M, L, XL (about an hour)
    python benchmarks/run.py --sizes bundled S M   # a subset
    python benchmarks/run.py --sizes family        # the hard operations (logistics.families)
    python benchmarks/run.py --no-mip --no-targets # only the optimiser, greedy and bounds
    python benchmarks/run.py --report-only         # re-render the report from results.json

It runs ``benchmarks/test_bench.py`` under pytest-benchmark (timings also in
``benchmarks/.benchmarks/``) and writes the report at the end of the session.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
KINDS = ("bundled", "S", "M", "L", "XL", "family")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", nargs="+", default=list(KINDS[:5]), choices=KINDS,
                    help="instance kinds to run (default: bundled to XL; 'family': the 32 hard operations)")
    ap.add_argument("--no-mip", action="store_true", help="skip the MIP peer")
    ap.add_argument("--no-targets", action="store_true", help="skip the wall-clock target runs")
    ap.add_argument("-k", default=None, help="pytest -k expression (e.g. a single instance)")
    ap.add_argument("--out", default=None, help="folder for the report (default: benchmarks/)")
    ap.add_argument("--resume", action="store_true",
                    help="keep the instances already in OUT/results.json and run only the others")
    ap.add_argument("--report-only", action="store_true",
                    help="re-render SCALING.md and scaling.png from results.json (no runs)")
    a = ap.parse_args(argv)
    if a.report_only:
        import json

        sys.path.insert(0, str(HERE))
        from bench import write_report

        out = Path(a.out) if a.out else HERE
        data = json.loads((out / "results.json").read_text(encoding="utf-8"))
        write_report(data["instances"], data.get("targets", []), out, command="python benchmarks/run.py",
                     meta=data.get("meta"))
        return 0
    args = [
        str(HERE / "test_bench.py"), "-q", "-p", "no:cacheprovider", "-o", "addopts=",
        "--benchmark-enable", f"--benchmark-storage=file://{HERE / '.benchmarks'}", "--benchmark-autosave",
        "--benchmark-columns=min,rounds", "--bench-write", "--bench-sizes", ",".join(a.sizes),
        "--rootdir", str(HERE.parent),
    ]
    if a.out:
        args += ["--bench-out", a.out]
    if a.resume:
        args.append("--bench-resume")
    if a.no_mip:
        args.append("--bench-no-mip")
    if a.no_targets:
        args.append("--bench-no-targets")
    if a.k:
        args += ["-k", a.k]
    return int(pytest.main(args))


if __name__ == "__main__":
    sys.exit(main())
