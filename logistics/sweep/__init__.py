"""What-if sweeps: solve many randomly perturbed copies of a scenario, on any executor.

A sweep asks how robust a plan is to the things that go wrong in a real deployment:
aircraft that are not mission-capable, ramps that hold fewer aircraft than planned,
units that are late to load, and a late CRAF activation. :func:`sweep` draws
``samples`` perturbed scenarios from the distributions of a :class:`Variations`
config, solves each one in CP-SAT's deterministic mode, checks the plan with
:func:`~logistics.verify.verify`, and gathers one row per sample and one row per
(sample, unit) into a :class:`SweepResult`.

The perturbations (:func:`draw_sample`)
---------------------------------------
Each sample ``i`` draws from ``numpy.random.default_rng([seed, i])``, split into one
independent child stream per kind of perturbation (``spawn(4)``), so a sample never
depends on which worker runs it or in what order, and switching one kind off leaves the
other kinds' draws unchanged.

* **Aircraft availability** (``available.<type>``): each aircraft of a fleet entry is
  mission-capable with probability ``p`` (default 0.85 for the C-17A, 0.70 for the
  C-5M, 0.90 for every other type), so an entry of ``count`` aircraft keeps
  ``Binomial(count, p)`` of them. A type left with no aircraft at all stays in the
  fleet as one aircraft available only at the horizon (it can deliver nothing, and the
  scenario stays valid when that type was the only one able to carry a cargo class;
  the solver then reports that cargo undelivered).
* **MOG reductions** (``mog.<icao>``): every airfield the scenario uses (origins,
  en-route stops, destinations) independently, with probability ``q`` (default 0.2),
  loses a share ``f ~ U(1 %, 50 %)`` of its MOG: ``mog - max(1, round(f * mog))``,
  never below 1 (an airfield whose MOG is already 0 or 1 keeps it). By default a cut
  lasts the whole window; with ``mog_cut_hours=h`` it lasts ``h`` hours from a start
  ``U(0, horizon - h)`` (column ``mog_from.<icao>``), a ``mog_changes`` interval.
* **Readiness delays** (``ready_delay.<unit>``): each unit, with probability 0.3, is
  ready later by an exponential delay of mean 4 h (or, with
  ``delay_distribution="triangular"``, ``Triangular(0, 0, 3 * mean)``, which has the
  same mean and never exceeds 12 h), rounded to 0.01 h. A delay never pushes the ready
  hour to or past the unit's latest arrival (it is cut to 0.01 h before it).
* **CRAF activation delay** (``craf_delay``): every fleet entry whose type starts with
  ``CRAF-`` becomes available ``U(0, 24)`` h later (one draw per sample: CRAF is
  activated as a whole), rounded to 0.01 h.

:meth:`Variations.none` switches every perturbation off (each sample is then the base
scenario).

Executors
---------
Workers receive the base scenario as a plain JSON-able dict
(:func:`~logistics.scenario.scenario_to_dict`) with the sample's seed and index, draw
the sample themselves and return plain rows (:func:`run_sample`), so any executor works:

* ``None``: a local :class:`~concurrent.futures.ProcessPoolExecutor` (``spawn``
  processes, ``max_workers`` default ``os.cpu_count()``), one solve per process;
* ``"inline"``: in this process, one sample after another (:class:`InlineExecutor`);
* any :class:`concurrent.futures.Executor` (including a Dask client's
  ``client.get_executor()``);
* a Dask ``distributed.Client``, or a scheduler address such as
  ``"tcp://host:8786"`` (a client is opened for the sweep and closed after it). The
  base scenario and the warm-start plan are scattered to the workers once
  (``broadcast=True``) and each task refers to them; a task that raises is run again up
  to ``retries`` times (:data:`~logistics.sweep.run.DEFAULT_RETRIES`).

Results come back sorted by sample index, so the same seed gives identical data frames
whatever the executor, apart from the placement columns :data:`VOLATILE_COLUMNS`
(solve seconds, which worker).

The parts
---------
* :mod:`~logistics.sweep.variations`: :class:`Variations` and :func:`draw_sample`;
* :mod:`~logistics.sweep.worker`: :func:`run_sample`, what a worker runs for one sample;
* :mod:`~logistics.sweep.run`: :func:`sweep` and the executors;
* :mod:`~logistics.sweep.result`: :class:`SweepResult`, :class:`SweepSummary`, files;
* :mod:`~logistics.sweep.job`: :class:`SweepJob`, a sweep in a background thread.
"""

from __future__ import annotations

from .job import SweepJob
from .result import VOLATILE_COLUMNS, SweepResult, SweepSummary, perturbation_columns
from .run import InlineExecutor, sweep
from .variations import Variations, draw_sample
from .worker import run_sample

__all__ = [
    "InlineExecutor",
    "SweepJob",
    "SweepResult",
    "SweepSummary",
    "VOLATILE_COLUMNS",
    "Variations",
    "draw_sample",
    "perturbation_columns",
    "run_sample",
    "sweep",
]
