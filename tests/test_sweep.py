"""What-if sweeps: the perturbation draws, identical frames on every executor, files.

The executor test runs one small sweep three ways (in process, on the default local
process pool, on a 2-worker Dask LocalCluster) and needs the same frames from each,
apart from the placement columns (solve seconds, worker).
"""

from __future__ import annotations

import threading

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest
from conftest import make_scenario

from logistics.catalog import scenarios_dir
from logistics.scenario import Scenario, load_scenario
from logistics.sweep import (
    VOLATILE_COLUMNS,
    InlineExecutor,
    SweepResult,
    Variations,
    draw_sample,
    perturbation_columns,
    sweep,
)

SEED = 11
N = 6
LIMIT = 0.5


def _small() -> Scenario:
    """One unit KPOB->OKAS on 8 C-17s and a CRAF 747: each solve takes a fraction of a second."""
    return make_scenario(aircraft=[{"type": "C-17A", "count": 8},
                                   {"type": "CRAF-B747-PAX", "count": 1}])


def _fleet() -> Scenario:
    """A larger fleet and two units, for the draws only (never solved here)."""
    return make_scenario(
        horizon_hours=120,
        aircraft=[{"type": "C-17A", "count": 20}, {"type": "C-5M", "count": 10},
                  {"type": "KC-46A", "count": 10}, {"type": "CRAF-B747-PAX", "count": 5, "available_hour": 6},
                  {"type": "C-17A", "count": 4, "available_hour": 24}],
        units=[
            {"id": "U1", "origin": "KPOB", "destinations": ["OKAS"], "pax": 100, "bulk_stons": 20},
            {"id": "U2", "origin": "KPOB", "destinations": ["OKAS"], "pax": 50, "ready_hour": 20,
             "latest_arrival_hour": 21},
        ],
    )


# ----- the draws ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def draws() -> tuple[Scenario, list[tuple[Scenario, dict]]]:
    s = _fleet()
    return s, [draw_sample(s, None, 3, i) for i in range(150)]


def test_availability_is_binomial_and_never_exceeds_the_count(draws):
    s, out = draws
    v = Variations()
    for t in s.fleet_types:
        n = s.fleet_count(t)
        got = np.array([p[f"available.{t}"] for _, p in out])
        assert got.min() >= 0 and got.max() <= n
        # mean of Binomial(n, p) is n p; 150 draws: standard error <= sqrt(n/4/150)
        assert abs(got.mean() - n * v.mission_capable(t)) < 4 * np.sqrt(n / 4 / 150) + 1e-9
        for sc, p in out:
            assert sc.fleet_count(t) == p[f"available.{t}"] or (
                p[f"available.{t}"] == 0 and sc.fleet_steps(t) == [(s.horizon_hours, 1)])
    assert v.mission_capable("C-17A") == 0.85 and v.mission_capable("C-5M") == 0.70
    assert v.mission_capable("KC-46A") == 0.90


def test_mog_cuts_are_between_1_and_50_percent_never_below_1(draws):
    s, out = draws
    cut = []
    for sc, p in out:
        for code in s.airfield_codes:
            base, new = s.airfield(code).mog, p[f"mog.{code}"]
            assert sc.airfield(code).mog == new
            assert 1 <= new <= base
            if new < base:
                assert base - new <= max(1, round(0.5 * base))
            cut.append(new < base)
    # probability 0.2 per airfield (all of these have MOG > 1): 150 x 5 draws
    assert 0.14 < np.mean(cut) < 0.26


def test_readiness_delays_and_craf_activation(draws):
    s, out = draws
    delays = []
    for sc, p in out:
        for u in s.units:
            d = p[f"ready_delay.{u.id}"]
            assert d >= 0
            assert sc.unit(u.id).ready_hour == pytest.approx(u.ready_hour + d)
            assert sc.unit(u.id).ready_hour < sc.lad(sc.unit(u.id))  # never past the LAD
            if u.id == "U1":
                delays.append(d)
        c = p["craf_delay"]
        assert 0 <= c <= 24
        if p["available.CRAF-B747-PAX"] > 0:
            assert sc.fleet_steps("CRAF-B747-PAX")[0][0] == pytest.approx(6 + c)
        assert sc.fleet_steps("C-17A")[-1][0] in (0, 24)  # only CRAF types are shifted
    d = np.array(delays)
    assert 0.2 < (d > 0).mean() < 0.4  # probability 0.3
    assert 2.5 < d[d > 0].mean() < 5.5  # exponential, mean 4 h
    # U2 is ready at 20 with its LAD at 21: a delay is cut to 0.01 h before the LAD
    assert max(p["ready_delay.U2"] for _, p in out) <= 0.99 + 1e-9


def test_triangular_delays_stay_within_three_means():
    s = _fleet()
    v = Variations(delay_distribution="triangular", delay_probability=1.0)
    d = np.array([draw_sample(s, v, 0, i)[1]["ready_delay.U1"] for i in range(60)])
    assert d.min() >= 0 and d.max() <= 12 and 2.5 < d.mean() < 5.5


def test_draws_are_reproducible_and_per_sample():
    s = _fleet()
    a, pa = draw_sample(s, None, 5, 7)
    b, pb = draw_sample(s, None, 5, 7)
    assert a == b and pa == pb
    assert any(draw_sample(s, None, 5, i)[1] != pa for i in (6, 8))
    assert draw_sample(s, None, 6, 7)[1] != pa
    # switching one kind off leaves the others' draws alone
    _, pn = draw_sample(s, Variations(mog_probability=0.0), 5, 7)
    assert {k: v for k, v in pn.items() if not k.startswith("mog.")} == \
        {k: v for k, v in pa.items() if not k.startswith("mog.")}


def test_no_variation_is_the_base_scenario():
    s = _fleet()
    out, p = draw_sample(s, Variations.none(), 1, 2)
    assert out == s
    assert p["craf_delay"] == 0 and all(p[f"ready_delay.{u.id}"] == 0 for u in s.units)


def test_a_type_with_no_aircraft_left_stays_in_the_fleet_at_the_horizon():
    s = make_scenario(aircraft=[{"type": "C-17A", "count": 2}])
    out, p = draw_sample(s, Variations(availability={"C-17A": 0.0}), 0, 0)
    assert p["available.C-17A"] == 0
    assert out.fleet_steps("C-17A") == [(s.horizon_hours, 1)]


# ----- one sweep, three executors ------------------------------------------------------------
@pytest.fixture(scope="module")
def inline_result() -> tuple[SweepResult, list[tuple[int, int]]]:
    calls: list[tuple[int, int]] = []
    r = sweep(_small(), samples=N, seed=SEED, executor="inline", time_limit=LIMIT,
              on_sample=lambda done, total: calls.append((done, total)))
    return r, calls


def _same(a: SweepResult, b: SweepResult) -> None:
    for name, df in a.frames().items():
        pdt.assert_frame_equal(df, b.frames()[name], obj=name)


def test_every_sampled_plan_passes_the_checker(inline_result):
    r, calls = inline_result
    s = r.samples
    assert s["sample"].tolist() == list(range(N))
    assert (s["violations"] == 0).all(), s[["sample", "status", "error"]]
    assert s["status"].isin(["optimal", "feasible"]).all()
    assert calls == [(k, N) for k in range(1, N + 1)]
    assert len(r.units) == N * len(_small().units)
    assert set(perturbation_columns(s)) >= {"available.C-17A", "mog.OKAS", "ready_delay.U1", "craf_delay"}
    assert r.meta["complete"] and r.meta["seed"] == SEED


def test_same_frames_on_process_pool_and_dask(inline_result):
    distributed = pytest.importorskip("distributed")
    ref, _ = inline_result
    pool = sweep(_small(), samples=N, seed=SEED, time_limit=LIMIT, max_workers=2)
    _same(ref, pool)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        on_dask = sweep(_small(), samples=N, seed=SEED, executor=client, time_limit=LIMIT)
        _same(ref, on_dask)
        by_address = sweep(_small(), samples=2, seed=SEED, executor=cluster.scheduler_address,
                           time_limit=LIMIT)
        assert len(by_address.samples) == 2
        on_cf = sweep(_small(), samples=2, seed=SEED, executor=client.get_executor(),
                      time_limit=LIMIT)
        pdt.assert_frame_equal(on_cf.frames()["samples"], by_address.frames()["samples"])
    # the workers are other processes than this one
    assert not set(pool.samples["worker"]) & set(ref.samples["worker"])
    assert not set(on_dask.samples["worker"]) & set(ref.samples["worker"])


def test_summary(inline_result):
    r, _ = inline_result
    sm = r.summary()
    cl = r.samples["closure_hour"].dropna().to_numpy()
    assert sm.closure["P50"] == pytest.approx(np.percentile(cl, 50))
    assert sm.closure["P10"] <= sm.closure["P50"] <= sm.closure["P90"]
    assert sm.samples == N and sm.violations == 0
    assert list(sm.units["unit"]) == ["U1"]
    for c in ("p_late", "p_undelivered", "p_late_or_undelivered"):
        assert sm.units[c].between(0, 1).all()
    text = str(sm)
    assert "P10" in text and "P90" in text and "U1" in text
    assert set(sm.to_dict()) >= {"closure", "units", "limits", "status"}


def test_summary_counts_units_and_limits():
    samples = pd.DataFrame({"sample": [0, 1, 2, 3], "status": ["optimal"] * 4,
                            "closure_hour": [10.0, 20.0, 30.0, None], "violations": [0] * 4})
    units = pd.DataFrame({
        "sample": [0, 0, 1, 1, 2, 2, 3, 3], "unit": ["A", "B"] * 4,
        "closure_hour": [5, 10, 5, 20, 5, 30, None, None], "late_hours": [0, 0, 0, 5, 0, 15, None, None],
        "late": [False, False, False, True, False, True, False, False],
        "undelivered": [False, False, False, False, False, False, True, True],
    })
    limits = pd.DataFrame({"sample": [1, 2, 2, 3], "kind": ["mog", "mog", "fleet", "mog"],
                           "subject": ["OKAS", "OKAS", "C-17A", "OKBK"]})
    sm = SweepResult(samples, units, limits).summary()
    assert sm.closure["P50"] == 20.0
    b = sm.units.set_index("unit").loc["B"]
    assert b["p_late"] == 0.5 and b["p_undelivered"] == 0.25 and b["p_late_or_undelivered"] == 0.75
    assert sm.all_delivered == 0.75 and sm.on_time == 0.25
    top = sm.limits.iloc[0]
    assert (top["kind"], top["subject"], top["samples"], top["share"]) == ("mog", "OKAS", 2, 0.5)
    assert sm.kinds.set_index("kind").loc["mog", "samples"] == 3


def test_files_round_trip(inline_result, tmp_path):
    r, _ = inline_result
    written = r.to_parquet(tmp_path / "res.parquet")
    assert [p.name for p in written] == ["res.parquet", "res.units.parquet", "res.limits.parquet"]
    back = SweepResult.read_parquet(tmp_path / "res.parquet")
    for name in ("samples", "units", "limits"):
        pdt.assert_frame_equal(getattr(back, name), getattr(r, name), check_dtype=False)
    assert back.meta["seed"] == SEED
    csv = r.save(tmp_path / "res.csv")
    assert all(p.exists() for p in csv)
    assert len(pd.read_csv(csv[0])) == N


def test_stop_keeps_the_samples_done():
    stop = threading.Event()
    r = sweep(_small(), samples=4, seed=0, executor=InlineExecutor(), time_limit=LIMIT,
              on_sample=lambda done, total: stop.set(), stop=stop)
    assert len(r.samples) == 1 and not r.meta["complete"]


def test_bad_executor_and_volatile_columns():
    with pytest.raises(TypeError):
        sweep(_small(), samples=1, executor=object())
    r = SweepResult(pd.DataFrame(columns=["sample", *VOLATILE_COLUMNS]), pd.DataFrame(), pd.DataFrame())
    assert list(r.frames()["samples"].columns) == ["sample"]


def test_cli_sweep(tmp_path, capsys):
    from logistics.cli import main
    from logistics.scenario import save_scenario

    path = save_scenario(_small(), tmp_path / "small.yaml")
    rc = main(["sweep", str(path), "--samples", "2", "--seed", str(SEED), "--workers", "1",
               "--time-limit", str(LIMIT), "--quiet", "--out", str(tmp_path / "r.csv")])
    out = capsys.readouterr().out
    assert rc == 0, out
    assert "force closure (h): P10" in out and "checker violations: 0" in out
    df = pd.read_csv(tmp_path / "r.csv")
    assert df["sample"].tolist() == [0, 1]
    assert (tmp_path / "r.units.csv").exists() and (tmp_path / "r.limits.csv").exists()
    assert main(["sweep", str(path), "--out", str(tmp_path / "r.txt")]) == 2


def test_sweep_job_runs_in_the_background():
    from logistics.sweep import SweepJob

    job = SweepJob(_small(), samples=3, seed=SEED, executor="inline", time_limit=LIMIT).start()
    res = job.wait(120)
    assert job.finished and job.error is None and job.done == 3
    assert res is not None and res.samples["sample"].tolist() == [0, 1, 2]


def test_robustness_page_runs_a_sweep_and_shows_it():
    """The app's Robustness page: a sweep through the page's background job, then the charts."""
    import sys
    from pathlib import Path

    pytest.importorskip("streamlit")
    from streamlit.testing.v1 import AppTest

    from logistics.scenario import scenario_to_dict

    root = Path(__file__).resolve().parent.parent
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    at = AppTest.from_file(str(root / "app" / "main.py"), default_timeout=60)
    at.session_state["scenario_dict"] = scenario_to_dict(_small())
    at.run()
    at.switch_page("views/robustness.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Robustness"
    assert at.slider(key="sw_samples").value == 20  # the default
    at.slider(key="sw_samples").set_value(5)
    at.slider(key="sw_time_limit").set_value(LIMIT)
    at.number_input(key="sw_workers").set_value(1)
    at.button(key="sw_run").click().run()
    job = at.session_state["sweep_job"]
    assert job.samples == 5 and job.time_limit == LIMIT
    assert job.wait(180) is not None, job.error
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    res = at.session_state["sweep_result"]
    assert len(res.samples) == 5
    labels = [m.label for m in at.metric]
    assert {"Closure P10", "Closure P50", "Closure P90", "Checker violations"} <= set(labels)
    assert [m.value for m in at.metric if m.label == "Checker violations"] == ["0"]
    assert [s.value for s in at.subheader][:3] == [
        "Force closure", "Units late or not fully delivered", "Most frequent binding limits"]


def test_a_mog_cut_may_last_part_of_the_window() -> None:
    # mog_cut_hours=10: every cut (probability 1) is a mog_changes interval of 10 h
    # starting within [0, horizon - 10]; the MOGs drawn are those of the default draw
    s = load_scenario(scenarios_dir() / "baghdad-embassy-2020.yaml")
    whole, p_whole = draw_sample(s, Variations(mog_probability=1.0), seed=3, index=1)
    part, p_part = draw_sample(s, Variations(mog_probability=1.0, mog_cut_hours=10), seed=3, index=1)
    cut = [c for c in s.airfield_codes if p_part[f"mog.{c}"] != s.airfield(c).mog]
    assert cut and all(p_part[f"mog.{c}"] == p_whole[f"mog.{c}"] for c in s.airfield_codes)
    for c in cut:
        (ch,) = part.mog_changes(c)
        assert ch.to_hour - ch.from_hour == pytest.approx(10, abs=0.011)
        assert 0 <= ch.from_hour <= s.horizon_hours - 10 + 0.01
        assert ch.mog == p_part[f"mog.{c}"] and p_part[f"mog_from.{c}"] == ch.from_hour
        assert part.airfield(c).mog == s.airfield(c).mog  # outside the interval: as before
        assert whole.airfield(c).mog == p_whole[f"mog.{c}"]
