"""Whatever proves and never plans: search-free bounds, the time-indexed relaxation, the SCIP
bridge, the flying-hours bounds per group of units and the coupling proof (``logistics prove``).

The solve uses these to report how far a plan can be from the best; none of them
returns a plan.
"""
