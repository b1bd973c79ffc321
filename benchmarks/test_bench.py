"""Benchmarks: the optimiser against the lower bound, the hand-planning greedy, the AFPAM
estimate and a time-indexed MIP peer, on the bundled scenarios and generated S to XL.

Not part of the default test run (``tests/`` is the test path). Run everything and write
the report with ``python benchmarks/run.py``; ``python -m pytest benchmarks -q`` runs the
same measurements.
"""

from __future__ import annotations

import pytest
from bench import measure, run_solve, target_run


def test_instance(benchmark, instance, records, with_mip, resumed):
    """One instance: the deterministic solve is what pytest-benchmark times."""
    if resumed and instance.name in records:
        pytest.skip("measured in the run being resumed")
    s = instance.load()
    solved = benchmark.pedantic(run_solve, args=(s, instance.time_limit), rounds=1, iterations=1)
    rec = measure(instance, solved, mip=with_mip)
    records[instance.name] = rec
    o = rec["ours"]
    benchmark.extra_info.update({
        "status": o["status"], "objective": o["objective"], "bound": o["bound"],
        "closure_over_lb": o.get("closure_over_lb"), "closure_over_greedy": o.get("closure_over_greedy"),
        "ttq_seconds": rec.get("ttq_seconds"),
    })
    # every plan must satisfy every rule
    assert o["violations"] == 0, o["violation_examples"]
    if "greedy" in rec:
        assert rec["greedy"]["violations"] == 0
    if "mip" in rec:
        assert rec["mip"]["violations"] == 0
    # the bound is a proof: no plan that delivers everything closes earlier
    for who in ("ours", "greedy", "mip"):
        r = rec.get(who)
        if r and r.get("fully_delivered") and "lower_bound" in rec:
            assert r["kpis"]["closure_hour"] >= rec["lower_bound"] - 1e-6, who


def test_target(target, target_records, resumed):
    """The targets, run as a user runs the solver (wall clock, default workers)."""
    inst, limit = target
    if resumed and inst.name in target_records:
        pytest.skip("measured in the run being resumed")
    rec = target_run(inst, limit)
    target_records[inst.name] = rec
    assert rec["violations"] == 0
