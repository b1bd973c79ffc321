"""Benchmark comparators, not part of the product API.

What the optimiser is measured against in ``benchmarks/``: the hand-planning greedy
(:func:`~logistics.peers.greedy.greedy`, the rules a planner works by without an
optimiser), the naive planner (:func:`~logistics.peers.naive.naive`: one unit per
mission in the earliest slot, the best of three unit orders) and a time-indexed MIP
peer (:func:`~logistics.peers.mip.solve_mip`, the model an analyst with a MIP solver
would write). All return verified plans built from the same precomputed missions as
the optimiser.
"""

from .greedy import greedy
from .mip import solve_mip
from .naive import naive

__all__ = ["greedy", "naive", "solve_mip"]
