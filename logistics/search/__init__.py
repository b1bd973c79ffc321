"""Whatever improves plans: searches that start from a plan and return a better one.

Each search works on a :class:`~logistics.search.context.SearchContext` (the model,
the earlier goals' values, the one budget) and returns a typed result:

* :func:`~logistics.search.closure.closure_search`: bisection on the closure, with
  bounds from the time-indexed relaxation and repairs it guides;
* :func:`~logistics.search.flying.flying_search`: fewer flying hours group by group,
  pairs of groups re-planned together, the groups held to the beds together;
* :func:`~logistics.search.repair.repair`: the step they share, re-planning some units
  in the slot model restricted to the shape a relaxation chose.
"""
