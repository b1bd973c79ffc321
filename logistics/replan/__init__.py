"""Re-planning from the current state (SPEC 5.3).

* :mod:`~logistics.replan.core`: :func:`replan` (the started missions kept, the rest
  re-planned from ``now``), :class:`ReplanError`;
* :mod:`~logistics.replan.assemble`: the plan being flown in model terms and the
  re-plan's missions back as a plan, ids kept where the missions are;
* :mod:`~logistics.replan.frozen`: rule FROZEN, read from the plans alone (used by
  :func:`logistics.verify`).
"""

from __future__ import annotations

from .core import ReplanError, replan
from .frozen import frozen_problems, split, started

__all__ = ["ReplanError", "frozen_problems", "replan", "split", "started"]
