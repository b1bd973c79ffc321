"""Run every benchmark and write benchmarks/RESULTS.md, results.json and scaling.png.

    python benchmarks/run.py                       # bundled, S, M, L, XL (about an hour)
    python benchmarks/run.py --sizes bundled S M   # a subset
    python benchmarks/run.py --no-mip --no-targets # only the optimiser, greedy and bounds

It runs ``benchmarks/test_bench.py`` under pytest-benchmark (timings also in
``benchmarks/.benchmarks/``) and writes the report at the end of the session.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
KINDS = ("bundled", "S", "M", "L", "XL")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", nargs="+", default=list(KINDS), choices=KINDS, help="instance kinds to run")
    ap.add_argument("--no-mip", action="store_true", help="skip the MIP peer")
    ap.add_argument("--no-targets", action="store_true", help="skip the wall-clock target runs")
    ap.add_argument("-k", default=None, help="pytest -k expression (e.g. a single instance)")
    a = ap.parse_args(argv)
    args = [
        str(HERE / "test_bench.py"), "-q", "-p", "no:cacheprovider", "-o", "addopts=",
        "--benchmark-enable", f"--benchmark-storage=file://{HERE / '.benchmarks'}", "--benchmark-autosave",
        "--benchmark-columns=min,rounds", "--bench-write", "--bench-sizes", ",".join(a.sizes),
        "--rootdir", str(HERE.parent),
    ]
    if a.no_mip:
        args.append("--bench-no-mip")
    if a.no_targets:
        args.append("--bench-no-targets")
    if a.k:
        args += ["-k", a.k]
    return int(pytest.main(args))


if __name__ == "__main__":
    sys.exit(main())
