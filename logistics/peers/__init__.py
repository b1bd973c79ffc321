"""Benchmark comparators, not part of the product API.

What the optimiser is measured against in ``benchmarks/``: the hand-planning greedy
(:func:`~logistics.peers.greedy.greedy`, the rules a planner works by without an
optimiser) and a time-indexed MIP peer (:func:`~logistics.peers.mip.solve_mip`, the
model an analyst with a MIP solver would write). Both return verified plans built
from the same precomputed missions as the optimiser.
"""

from .greedy import greedy
from .mip import solve_mip

__all__ = ["greedy", "solve_mip"]
