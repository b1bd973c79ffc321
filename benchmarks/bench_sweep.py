"""Sweep throughput: samples per second on 1 and 2 local processes and a 2-worker Dask cluster.

Run ``python benchmarks/bench_sweep.py`` (options: ``--samples``, ``--time-limit``,
``--seed``, ``--scenario``, ``--out``). It runs one sweep

* in this process, one sample after another (``executor="inline"``), as the reference;
* on a local ``ProcessPoolExecutor`` of 1 and of 2 ``spawn`` processes;
* on a Dask ``LocalCluster(n_workers=2, threads_per_worker=1, processes=True)``;
* on the default executor (``executor=None``, 2 processes), start-up included;

and checks that every run gives the same frames as the reference. Each pool or cluster
gets a warm-up sweep first (imports, catalogues), so the timed sweep measures solving
and dispatch, except the last row, which is what a user of ``sweep(...)`` sees cold.
The table goes to ``benchmarks/SWEEP.md``.

Every sample is solved in CP-SAT's deterministic mode, which runs its interleaved
search on 8 threads whatever the process count; on a 2-core machine two processes
therefore compete for the same cores, and the scaling ratio says how much of that
contention the second process still turns into throughput.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import multiprocessing
import os
import platform
import sys
import time
from pathlib import Path

import pandas.testing as pdt

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from logistics.scenario import Scenario  # noqa: E402
from logistics.sweep import SweepResult, sweep  # noqa: E402


def bench_scenario(name: str = "two") -> Scenario:
    """The benchmark scenarios: ``two`` (2 units, 12 C-17s and a CRAF 747) or ``one`` (1 unit, 8 C-17s)."""
    units = [
        {"id": "U1", "origin": "KPOB", "destinations": ["OKAS"], "pax": 100, "bulk_stons": 20,
         "ready_hour": 0, "required_hour": 30},
        {"id": "U2", "origin": "KPOB", "destinations": ["OKAS", "OKBK"], "pax": 150, "bulk_stons": 10,
         "ready_hour": 6, "required_hour": 40},
    ]
    n = {"two": 2, "one": 1}[name]
    return Scenario.from_dict({
        "name": f"sweep benchmark ({name})",
        "start": "2020-01-01T00:00:00Z",
        "horizon_hours": 120,
        "aircraft": [{"type": "C-17A", "count": 12 if n == 2 else 8}, {"type": "CRAF-B747-PAX", "count": 1}],
        "destinations": [{"airfield": "OKAS"}, {"airfield": "OKBK", "capacity_pax": 400}],
        "enroute": ["ETAR", "LERT"],
        "units": units[:n],
    })


KPI_COLUMNS = ["sample", "status", "closure_hour", "late_units", "undelivered_pax", "undelivered_stons",
               "missions", "flying_hours", "violations"]


def _same(a: SweepResult, b: SweepResult) -> str:
    """``yes`` (every frame), ``KPIs only`` (the per-sample KPIs, not every plan detail) or ``NO``."""
    try:
        for name, df in a.frames().items():
            pdt.assert_frame_equal(df, b.frames()[name])
        return "yes"
    except AssertionError:
        pass
    try:
        pdt.assert_frame_equal(a.samples[KPI_COLUMNS], b.samples[KPI_COLUMNS])
        return "KPIs only"
    except AssertionError:
        return "NO"


def _timed(s: Scenario, executor, args, **kw) -> tuple[SweepResult, float]:
    t = time.perf_counter()
    r = sweep(s, samples=args.samples, seed=args.seed, executor=executor, time_limit=args.time_limit, **kw)
    return r, time.perf_counter() - t


def _load() -> str:
    try:
        return " / ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover
        return "?"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--samples", type=int, default=16)
    ap.add_argument("--time-limit", type=float, default=0.3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--scenario", choices=["two", "one"], default="two")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "SWEEP.md"))
    args = ap.parse_args(argv)
    s = bench_scenario(args.scenario)
    load0 = _load()
    rows: list[tuple[str, int, float, str]] = []

    def report(label: str, workers: int, r: SweepResult, secs: float, ok: str) -> None:
        rows.append((label, workers, secs, ok))
        print(f"{label:<46} {workers} worker(s): {secs:7.2f} s  {args.samples / secs:6.3f} samples/s  "
              f"identical={ok}", flush=True)

    ref, secs = _timed(s, "inline", args)
    report("in process (inline, sequential)", 1, ref, secs, "reference")
    ctx = multiprocessing.get_context("spawn")
    for n in (1, 2):
        with cf.ProcessPoolExecutor(max_workers=n, mp_context=ctx) as ex:
            sweep(s, samples=2 * n, seed=args.seed + 10_000, executor=ex, time_limit=args.time_limit)
            r, secs = _timed(s, ex, args)
        report("local ProcessPoolExecutor (warm)", n, r, secs, _same(ref, r))
    try:
        from distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover
        print("dask[distributed] not installed: skipping the Dask rows")
    else:
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                          dashboard_address=None) as cluster, Client(cluster) as client:
            sweep(s, samples=4, seed=args.seed + 10_000, executor=client, time_limit=args.time_limit)
            r, secs = _timed(s, client, args)
            report("Dask LocalCluster, 2 processes x 1 thread (warm)", 2, r, secs, _same(ref, r))
    r, secs = _timed(s, None, args, max_workers=2)
    report("default executor=None (cold: pool start-up included)", 2, r, secs, _same(ref, r))
    load1 = _load()

    one = next(secs for label, n, secs, _ in rows if label.startswith("local") and n == 1)
    sm = ref.summary()
    wall, cpu = ref.samples["seconds"], ref.samples["cpu_seconds"]
    lines = [
        "# Sweep throughput",
        "",
        "Written by `python benchmarks/bench_sweep.py "
        + " ".join(f"--{k.replace('_', '-')} {v}" for k, v in
                   (("samples", args.samples), ("time_limit", args.time_limit), ("seed", args.seed),
                    ("scenario", args.scenario)))
        + "`.",
        "",
        f"Scenario: {s.name} ({len(s.units)} units, fleet "
        + ", ".join(f"{e.count} {e.type}" for e in s.aircraft)
        + f"); {args.samples} samples, default `Variations`, `time_limit={args.time_limit}` "
        "(deterministic seconds per solve).",
        f"Machine: {os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}, "
        f"{platform.system()}; load average (1/5/15 min) {load0} before, {load1} after.",
        f"One sample in process: wall mean {wall.mean():.2f} s, median {wall.median():.2f} s, max "
        f"{wall.max():.2f} s; CPU (all threads) mean {cpu.mean():.2f} s, i.e. {cpu.sum() / wall.sum():.2f} "
        "cores busy while one sample solves "
        f"(status: {', '.join(f'{k} {v}' for k, v in sm.status.items())}; checker violations {sm.violations}).",
        "",
        "| executor | workers | wall s | samples/s | vs 1 local worker | frames identical to in-process |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for label, n, secs, ok in rows:
        lines.append(f"| {label} | {n} | {secs:.2f} | {args.samples / secs:.3f} | "
                     f"{one / secs:.2f}x | {ok} |")
    lines += [
        "",
        "Notes",
        "",
        "- Warm rows reuse a pool or cluster that already ran a warm-up sweep (imports, catalogues);",
        "  the cold row is `sweep(scenario, ..., max_workers=2)` as a user calls it, spawning its pool.",
        "- Each solve is CP-SAT's deterministic interleaved search, which uses 8 threads in every",
        "  process; with 2 cores the processes share them, so 2 workers cannot reach 2x.",
        "- The load average shows how busy the machine was with other work during the run; numbers",
        "  from a loaded machine understate what the same code does on an idle one.",
        "- `KPIs only`: the per-sample KPIs match the in-process run but some plan details (which",
        "  missions, hence the binding-limit findings) do not. Two solves of the same sample in one",
        "  process differ the same way: CP-SAT's interleaved search on 8 threads",
        "  (`logistics.solve._solver`, deterministic mode) is not bit-reproducible on models",
        "  with several optimal plans; with `num_workers = 1` it is (checked 4 of 4 repeats).",
        "",
    ]
    Path(args.out).write_text("\n".join(lines), encoding="utf-8")
    print(f"written to {args.out}")
    return 0 if all(ok in ("yes", "reference") for *_, ok in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
