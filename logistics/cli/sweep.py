"""``sweep SCENARIO``: solve many perturbed copies of a scenario (:mod:`logistics.sweep`)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from .common import (
    EXIT_INPUT,
    EXIT_OK,
    EXIT_VIOLATIONS,
    add_json,
    add_verbose,
    input_error,
    load,
    positive_float,
    positive_int,
    write_json,
)

RESULT_SUFFIXES = (".parquet", ".pq", ".csv")


def cmd_sweep(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Solve many perturbed copies of a scenario (see :mod:`logistics.sweep`)."""
    suffix = Path(args.out).suffix.lower() if args.out else ""
    if args.out is not None and suffix not in RESULT_SUFFIXES:
        return input_error(args, out, err, [f"{args.out}: unknown results file type (use .parquet or .csv)"])
    s = load(args, args.scenario, out, err)
    if s is None:
        return EXIT_INPUT
    from ..sweep import sweep

    bar: Any = None
    if not args.quiet:
        try:
            from tqdm import tqdm

            bar = tqdm(total=args.samples, desc="samples", unit="sample", file=err)
        except ImportError:  # tqdm comes with the [sweep] extra
            bar = None

    def on_sample(done: int, total: int) -> None:
        if bar is not None:
            bar.update(done - bar.n)

    try:
        res = sweep(s, samples=args.samples, seed=args.seed, executor=args.scheduler,
                    time_limit=args.time_limit, on_sample=on_sample, max_workers=args.workers)
    except (OSError, ImportError, TimeoutError) as exc:
        return input_error(args, out, err, [f"sweep: cannot reach the executor: {exc}"])
    finally:
        if bar is not None:
            bar.close()
    summary = res.summary()
    paths: list[Path] = []
    if args.out is not None:
        try:
            paths = list(res.save(args.out))
        except (OSError, ImportError, ValueError) as exc:
            return input_error(args, out, err,
                               [f"{args.out}: cannot write the results: {getattr(exc, 'strerror', None) or exc}"])
    bad = int(res.samples["violations"].fillna(0).sum())
    if args.json:
        write_json(out, {"ok": not bad, "scenario": args.scenario, "name": s.name, "samples": args.samples,
                         "seed": args.seed, "time_limit": args.time_limit, "seconds": res.meta["seconds"],
                         "summary": summary.to_dict(), "out": [str(p) for p in paths]})
    else:
        out.write(f"{s.name}: {args.samples} samples, seed {args.seed}, "
                  f"{args.time_limit:g} s per solve, {res.meta['seconds']:.1f} s in all\n")
        out.write(str(summary) + "\n")
        if paths:
            out.write("results written to " + ", ".join(str(p) for p in paths) + "\n")
    return EXIT_VIOLATIONS if bad else EXIT_OK


def register(sub: Any) -> None:
    """Add ``sweep`` to the ``logistics`` command."""
    sw = sub.add_parser("sweep", help="what-if sweep: solve many randomly perturbed copies",
                        description="Solve perturbed copies of a scenario (aircraft availability, MOG, "
                                    "readiness delays, CRAF activation) on local processes or a Dask "
                                    "cluster, and print closure percentiles, per-unit lateness "
                                    "probabilities and the most frequent binding limits.")
    sw.add_argument("scenario", help="scenario file (.yaml, .yml or .json)")
    sw.add_argument("--samples", type=positive_int, default=100, metavar="N", help="samples (default 100)")
    sw.add_argument("--seed", type=int, default=0, metavar="S", help="sweep seed (default 0)")
    sw.add_argument("--scheduler", default=None, metavar="ADDR",
                    help="Dask scheduler address, e.g. tcp://host:8786 (default: local processes)")
    sw.add_argument("--workers", type=positive_int, default=None, metavar="N",
                    help="local processes (default: the machine's cores; ignored with --scheduler)")
    sw.add_argument("--time-limit", type=positive_float, default=5.0, metavar="S",
                    help="deterministic seconds per solve (default 5)")
    sw.add_argument("--out", default=None, metavar="FILE",
                    help="write results.parquet or results.csv (plus .units and .limits files)")
    sw.add_argument("--quiet", action="store_true", help="no progress bar on stderr")
    add_json(sw, "the summary (closure percentiles, units and binding limits as records)")
    add_verbose(sw)
    sw.set_defaults(func=cmd_sweep)
