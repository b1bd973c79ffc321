"""The bridge from a pure integer CP-SAT model to SCIP, the MIP solver in OR-Tools.

The time-indexed relaxation (:mod:`logistics.bounds.relax`) is a covering-and-packing
integer program whose linear relaxation SCIP's cuts and branching close far faster
than CP-SAT's search. :func:`solve_mip` translates such a model (linear rows and
at-most-one sets) row by row and solves it under the project's one budget rules:
seconds, or a repeatable count of nodes and simplex iterations.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from ..runtime import run_stoppable

__all__ = ["MIP_ITERATIONS_PER_UNIT", "MIP_NODES_PER_UNIT", "MipResult", "solve_mip"]


@dataclass
class MipResult:
    """A relaxation solved as a MIP (:func:`solve_mip`)."""

    status: str  # optimal | feasible | infeasible | cutoff (nothing below it) | unknown
    value: int | None  # best solution's objective (model units), if any
    bound: int | None  # proven lower bound of the objective (rounded up), if any
    solution: list[int] | None  # a value per variable of the CP-SAT model
    seconds: float
    spent: float  # seconds, or deterministic units (see ``solve_mip``)


#: deterministic mode: SCIP branch-and-bound nodes per deterministic unit of budget
MIP_NODES_PER_UNIT = 40

#: deterministic mode: simplex iterations charged as one unit (about a second of SCIP on
#: this project's 2-core machine, like CP-SAT's deterministic second): a node of a large
#: relaxation costs far more than one of a small one (generated M's five-unit group:
#: 31,000 iterations and 20 s at its first node), and charging nodes alone let its
#: flying-hours stage run 533 s on a budget of a few units
MIP_ITERATIONS_PER_UNIT = 1500


def solve_mip(m: cp_model.CpModel, limit: float, *, deterministic: bool = False,
              stop: threading.Event | None = None, cutoff: int | None = None,
              first: bool = False) -> MipResult | None:
    """Minimise a pure integer CP-SAT model (linear rows and at-most-one sets, as
    :class:`Relaxation` builds) with SCIP, the MIP solver that ships with OR-Tools.

    The relaxation is a covering-and-packing integer program whose LP bound SCIP's
    cuts and branching close far faster than CP-SAT's search: Baghdad's last wave at
    the proven closure, minimising flying hours, is solved to optimality by SCIP in
    16 s, where CP-SAT left a 406-503 h gap after 600 s.

    The objective is integral and SCIP runs with no relative gap, so "optimal" is
    exact. ``cutoff``: look only for solutions below it (a row); status ``cutoff``
    proves there are none. SCIP reports a bound only with a solution in hand, so a
    run cut off before finding one proves nothing more.

    ``limit``: seconds, or in ``deterministic`` mode a budget of
    :data:`MIP_NODES_PER_UNIT` nodes per unit (single-threaded SCIP repeats exactly
    under a node limit; a wall-clock cap of 20 s per unit guards against one slow LP),
    charged by the nodes used or, if more, the simplex iterations
    (:data:`MIP_ITERATIONS_PER_UNIT` a unit). ``first``: stop at the first solution
    (below ``cutoff``: all a yes-or-no question needs). Returns None if the model holds a
    constraint the conversion does not take.
    """
    t0 = time.perf_counter()
    proto = m.Proto()
    s = pywraplp.Solver.CreateSolver("SCIP")
    if s is None:  # an OR-Tools build without SCIP
        return None
    xs = _translate(s, proto)
    if xs is None:
        return None
    obj, scale = _objective(s, proto, xs, cutoff)
    # no relative gap: the default 1e-4 would let "optimal" stop minutes short
    mp = pywraplp.MPSolverParameters()
    mp.SetDoubleParam(mp.RELATIVE_MIP_GAP, 0.0)
    params = "limits/solutions = 1\n" if first else ""
    if deterministic:
        params += f"limits/totalnodes = {max(1, int(limit * MIP_NODES_PER_UNIT))}\n"
        s.SetTimeLimit(int(max(1.0, limit * 20) * 1000))
    else:
        s.SetTimeLimit(int(max(0.1, limit) * 1000))
    if params:
        s.SetSolverSpecificParametersAsString(params)
    if stop is not None and stop.is_set():
        return MipResult("unknown", None, None, None, 0.0, 0.0)
    st = run_stoppable(lambda: s.Solve(mp), s.InterruptSolve, stop)
    secs = time.perf_counter() - t0
    # deterministic: the nodes and simplex iterations SCIP used (repeatable counts), not
    # the whole budget, so that many small MIPs (a branching over destinations) can share
    # one budget; a large LP's iterations beyond the budget are charged too
    spent = max(min(limit, max(1, s.nodes()) / MIP_NODES_PER_UNIT),
                s.iterations() / MIP_ITERATIONS_PER_UNIT) if deterministic else secs
    if st == pywraplp.Solver.INFEASIBLE:
        if cutoff is not None:
            return MipResult("cutoff", None, cutoff, None, secs, spent)
        return MipResult("infeasible", None, None, None, secs, spent)
    has = st in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE)
    lb = obj.BestBound() if has else None
    lb_int = math.ceil(lb * scale - 1e-6) if lb is not None and math.isfinite(lb) and abs(lb) < 1e19 else None
    if not has:
        return MipResult("unknown", None, None, None, secs, spent)
    sol = [int(round(x.solution_value())) for x in xs]
    val = int(round(obj.Value() * scale))
    status = "optimal" if st == pywraplp.Solver.OPTIMAL else "feasible"
    if status == "optimal":
        lb_int = val
    return MipResult(status, val, lb_int, sol, secs, spent)


def _translate(s: pywraplp.Solver, proto) -> list | None:
    """SCIP's variables and rows for a CP-SAT model's; None if the model holds a
    constraint other than a plain linear row or an at-most-one (exactly-one) set."""
    inf = s.infinity()
    xs = []
    for i, v in enumerate(proto.variables):
        d = list(v.domain)
        if len(d) != 2:
            return None
        xs.append(s.IntVar(d[0], d[1], f"x{i}"))

    def bound(b: int) -> float:
        return b if abs(b) < 2**62 else (inf if b > 0 else -inf)

    for c in proto.constraints:
        if len(c.enforcement_literal):
            return None
        kind = str(c).split("{", 1)[0].strip()
        if kind == "linear":
            d = list(c.linear.domain)
            if len(d) != 2:
                return None
            # a ranged row as two one-sided rows: SCIP solves Baghdad's last wave in
            # 16 s this way and not in 100 s with ranged rows (same model)
            for lo, hi in ((bound(d[0]), inf), (-inf, bound(d[1]))):
                if lo == -inf and hi == inf:
                    continue
                row = s.RowConstraint(lo, hi)
                for v, k in zip(c.linear.vars, c.linear.coeffs, strict=True):
                    row.SetCoefficient(xs[v], row.GetCoefficient(xs[v]) + k)
        elif kind in ("at_most_one", "exactly_one"):
            lits = list(c.at_most_one.literals if kind == "at_most_one" else c.exactly_one.literals)
            neg = sum(1 for lit in lits if lit < 0)
            row = s.RowConstraint(-inf if kind == "at_most_one" else 1 - neg, 1 - neg)
            for lit in lits:
                x = xs[lit] if lit >= 0 else xs[-lit - 1]
                row.SetCoefficient(x, row.GetCoefficient(x) + (1 if lit >= 0 else -1))
        else:
            return None
    return xs


def _objective(s: pywraplp.Solver, proto, xs: list, cutoff: int | None):
    """The model's objective (minimised) and, with ``cutoff``, the row that keeps it
    below; (SCIP's objective, the proto's scaling factor)."""
    obj = s.Objective()
    o = proto.objective
    for v, k in zip(o.vars, o.coeffs, strict=True):
        obj.SetCoefficient(xs[v], obj.GetCoefficient(xs[v]) + k)
    obj.SetOffset(o.offset)
    obj.SetMinimization()
    scale = o.scaling_factor or 1.0
    if cutoff is not None:  # objective ≤ cutoff - 1, in the proto's unscaled terms
        row = s.RowConstraint(-s.infinity(), (cutoff - 1) / scale - o.offset)
        for v, k in zip(o.vars, o.coeffs, strict=True):
            row.SetCoefficient(xs[v], row.GetCoefficient(xs[v]) + k)
    return obj, scale
