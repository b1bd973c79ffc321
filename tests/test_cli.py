"""The ``logistics`` command: validate, schema, solve, generate, verify, prove and sweep;
``--version``, ``--json``, ``-v``, and results on stdout with progress on stderr."""

from __future__ import annotations

import importlib
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import make_scenario

from logistics.catalog import scenarios_dir
from logistics.cli import main, main_legs, progress_printer, table
from logistics.scenario import json_schema, load_scenario, save_scenario

BUNDLED = sorted(scenarios_dir().glob("*.yaml"))
BAD = Path(__file__).resolve().parent / "data" / "bad"
SECTIONS = ("Units: ", "Fleet", "Airfields used", "Destinations", "En-route stops",
            "Main legs (geodesic, WGS-84)", "Warnings: ")


@pytest.mark.parametrize("path", BUNDLED, ids=[p.name for p in BUNDLED])
def test_validate_bundled(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    s = load_scenario(path)
    assert main(["validate", str(path)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    for title in SECTIONS:
        assert f"\n{title}" in out, title
    assert f"{path}: valid logistics-scenario/1" in out
    assert s.name in out
    for u in s.units:
        assert u.id in out
    total = sum(u.pax for u in s.units)
    assert f"total pax {total:,}" in out
    for t in s.fleet_types:
        assert t in out
    for e in s.enroute:
        assert e in out


@pytest.mark.parametrize("path", BUNDLED, ids=[p.name for p in BUNDLED])
def test_validate_json(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    s = load_scenario(path)
    assert main(["validate", "--json", str(path)]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["ok"] is True and doc["name"] == s.name
    assert doc["units"] == len(s.units)
    assert doc["pax"] == sum(u.pax for u in s.units)
    assert doc["stons"]["outsize"] == pytest.approx(sum(u.outsize_stons for u in s.units))
    assert {f["type"]: f["count"] for f in doc["fleet"]} == {t: s.fleet_count(t) for t in s.fleet_types}
    assert {a["icao"] for a in doc["airfields"]} == set(s.airfield_codes)
    assert all(a["mog"] is not None for a in doc["airfields"])
    kinds = {d["kind"] for d in doc["distances_nm"]}
    assert kinds == ({"direct", "to stop", "from stop"} if s.enroute else {"direct"})
    assert doc["warnings"] == []


def test_main_legs_cover_origins_stops_and_destinations() -> None:
    s = make_scenario(enroute=["ETAR", "LERT"],
                      destinations=[{"airfield": "OKAS"}, {"airfield": "OTBH"}],
                      units=[{"id": "U1", "origin": "KPOB", "destinations": ["OKAS", "OTBH"], "pax": 10}])
    legs = {(k, a, b): nm for k, a, b, nm in main_legs(s)}
    assert set(legs) == {
        ("direct", "KPOB", "OKAS"), ("direct", "KPOB", "OTBH"),
        ("to stop", "KPOB", "ETAR"), ("to stop", "KPOB", "LERT"),
        ("from stop", "ETAR", "OKAS"), ("from stop", "ETAR", "OTBH"),
        ("from stop", "LERT", "OKAS"), ("from stop", "LERT", "OTBH"),
    }
    assert legs[("direct", "KPOB", "OKAS")] == pytest.approx(5893, rel=0.01)
    assert legs[("from stop", "ETAR", "OKAS")] == pytest.approx(2173, rel=0.01)


def test_validate_prints_warnings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    s = make_scenario(units=[{"id": "U1", "origin": "KPOB", "destinations": ["OKAS"], "pax": 100,
                              "ready_hour": 10, "required_hour": 12, "latest_arrival_hour": 40}])
    path = save_scenario(s, tmp_path / "late.yaml")
    assert main(["validate", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Warnings: 1" in out
    assert "units[0].required_hour: 12 is before the earliest possible arrival" in out


def test_schema_prints_the_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc == json_schema()
    assert doc["$id"] == "logistics-scenario/1" and "units" in doc["properties"]


def test_bad_file_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    path = BAD / "negative-pax.yaml"
    assert main(["validate", str(path)]) == 2
    out, err = capsys.readouterr()
    assert f"{path}: units[1].pax: must be >= 0 (got -5)" in err
    assert "Traceback" not in err and out == ""


def test_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "nope.yaml"
    assert main(["validate", str(path)]) == 2
    assert f"{path}: cannot read file" in capsys.readouterr().err


def test_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert main(["frobnicate"]) == 2
    assert main(["solve", "x.yaml", "--time-limit", "-3"]) == 2
    assert "must be > 0" in capsys.readouterr().err
    assert main(["--help"]) == 0
    assert "validate" in capsys.readouterr().out


def test_python_dash_m(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "logistics", "schema"], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["$id"] == "logistics-scenario/1"


def test_table_aligns_numbers_right() -> None:
    text = table(["id", "pax", "st"], [["A", 5, 1.5], ["LONGER", 1200, 30.0], ["C", None, 2.0]])
    assert text.splitlines() == [
        "  id        pax    st",
        "  ------  -----  ----",
        "  A           5   1.5",
        "  LONGER  1,200  30.0",
        "  C           -   2.0",
    ]
    # a column of whole numbers shows no decimals
    assert table(["x"], [[3.0], [1500.0]]).splitlines()[3].strip() == "1,500"


def test_progress_printer() -> None:
    from types import SimpleNamespace

    err = io.StringIO()
    cb = progress_printer(err)
    p = SimpleNamespace(stage="closure", stage_index=2, n_stages=4, objective=40.0, bound=30.0, gap=0.25,
                        elapsed=1.5)
    assert cb(p) is None
    assert err.getvalue() == "[3/4 closure] incumbent 40.00  bound 30.00  gap 25.0%  1.5 s\n"
    quiet = io.StringIO()
    progress_printer(quiet, quiet=True)(p)
    assert quiet.getvalue() == ""


# ----- solve -------------------------------------------------------------------------------
def test_solve_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("logistics.solve")
    from logistics.plan import Plan

    scen = save_scenario(make_scenario(), tmp_path / "tiny.yaml")
    out_path = tmp_path / "plan.json"
    rc = main(["solve", str(scen), "--time-limit", "20", "--seed", "1", "--workers", "2",
               "--out", str(out_path)])
    out, err = capsys.readouterr()
    assert rc == 0, out + err
    assert "verify: 0 violations" in out
    for title in ("Goals (in order)", "KPIs", "Units", "Missions: ", "Findings: "):
        assert title in out
    assert "[1/4 undelivered]" in err  # progress on stderr
    plan = Plan.load(out_path)
    assert plan.status in ("optimal", "feasible")
    assert plan.kpis["undelivered_pax"] == 0
    assert f"missions           {plan.kpis['missions']}" in out
    assert "KPOB-ETAR-OKAS" in out or "KPOB-LERT-OKAS" in out or "KPOB-OKAS" in out

    # quiet: no progress lines; CSV export
    csv_path = tmp_path / "plan.csv"
    assert main(["solve", str(scen), "--time-limit", "20", "--quiet", "--out", str(csv_path)]) == 0
    out, err = capsys.readouterr()
    assert "[1/4" not in err
    assert csv_path.read_text(encoding="utf-8").startswith("mission,")


def test_solve_rejects_bad_input_before_solving(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    solve_mod = importlib.import_module("logistics.solve")

    def boom(*a: Any, **k: Any) -> None:
        raise AssertionError("must not solve")

    monkeypatch.setattr(solve_mod, "solve", boom)
    scen = save_scenario(make_scenario(), tmp_path / "tiny.yaml")
    assert main(["solve", str(scen), "--out", str(tmp_path / "plan.pdf")]) == 2
    assert "unknown plan file type" in capsys.readouterr().err
    assert main(["solve", str(BAD / "windows.yaml")]) == 2
    assert "units[0].latest_arrival_hour" in capsys.readouterr().err


def test_solve_reports_violations(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """With a canned plan: the summary, the progress callback, and exit 1 on violations."""
    from logistics.plan import Plan, SolveInfo

    # the package binds the functions solve/verify over their module names: patch the modules
    solve_mod = importlib.import_module("logistics.solve")
    verify_mod = importlib.import_module("logistics.verify")

    calls: dict[str, Any] = {}

    def fake_solve(scenario: Any, *, time_limit: float, seed: int, workers: int | None,
                   on_progress: Any) -> Plan:
        calls.update(time_limit=time_limit, seed=seed, workers=workers)
        on_progress(solve_mod.Progress(stage="undelivered", stage_index=0, n_stages=4,
                                             objective=10.0, bound=0.0, elapsed=0.1))
        info = SolveInfo(solver="fake", objective=[15.0, 0.0], bound=[0.0, 0.0],
                         goals=["undelivered", "lateness"])
        return Plan.from_missions(scenario, [], status="feasible", solve=info)

    class V:
        def __str__(self) -> str:
            return "delivery: U1 is short of 3 pax"

    monkeypatch.setattr(solve_mod, "solve", fake_solve)
    monkeypatch.setattr(verify_mod, "verify", lambda s, p: [V()])
    scen = save_scenario(make_scenario(), tmp_path / "tiny.yaml")
    rc = main(["solve", str(scen), "--time-limit", "3", "--seed", "9", "--workers", "1"])
    out, err = capsys.readouterr()
    assert rc == 1
    assert calls == {"time_limit": 3.0, "seed": 9, "workers": 1}
    assert "[1/4 undelivered] incumbent 10.00  bound 0.00  gap 100.0%" in err
    assert "Status: feasible" in out and "solver: fake" in out
    assert "undelivered_pax    100" in out  # nothing flown: the whole unit is undelivered
    assert "100 pax, 20.0 st" in out
    assert "verify: 1 violation\n  delivery: U1 is short of 3 pax" in out


# ----- --version, -v -------------------------------------------------------------------------
def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    import logistics

    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"logistics {logistics.__version__}\n"


def test_verbose_logs_on_stderr_only(capsys: pytest.CaptureFixture[str]) -> None:
    path = BUNDLED[0]
    assert main(["validate", str(path)]) == 0
    assert capsys.readouterr().err == ""
    for argv in (["-v", "validate", str(path)], ["validate", str(path), "-v"]):
        assert main(argv) == 0
        out, err = capsys.readouterr()
        assert f"INFO logistics.cli: {path}: scenario" in err
        assert "INFO" not in out
    import logging

    assert not logging.getLogger("logistics").handlers  # the command's handler is gone afterwards


# ----- a verified plan of a tiny scenario, for verify and prove ------------------------------
@pytest.fixture(scope="module")
def tiny_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from logistics.solve import solve

    d = tmp_path_factory.mktemp("tiny")
    scen = save_scenario(make_scenario(), d / "tiny.yaml")
    s = load_scenario(scen)  # from the file, so that the plan names the file's sha256
    plan = solve(s, time_limit=20, seed=1, workers=2)
    good = plan.save(d / "plan.json", s)
    doc = json.loads(good.read_text())
    leg = doc["missions"][0]["legs"][0]
    leg["arrive_hour"] = leg["depart_hour"] + 0.5  # faster than the aircraft flies
    bad = d / "fast.json"
    bad.write_text(json.dumps(doc))
    other = save_scenario(make_scenario(name="another", horizon_hours=100), d / "another.yaml")
    return {"scenario": scen, "plan": good, "bad": bad, "other": other, "dir": d}


def _json(capsys: pytest.CaptureFixture[str]) -> tuple[dict[str, Any], str]:
    out, err = capsys.readouterr()
    return json.loads(out), err


def test_solve_json(tiny_files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    out_path = tiny_files["dir"] / "solved.json"
    rc = main(["solve", str(tiny_files["scenario"]), "--time-limit", "20", "--seed", "1", "--workers", "2",
               "--out", str(out_path), "--json"])
    doc, err = _json(capsys)
    assert rc == 0
    assert "[1/4 undelivered]" in err  # progress stays on stderr
    assert doc["ok"] is True and doc["status"] in ("optimal", "feasible")
    assert [g["goal"] for g in doc["goals"]] == ["undelivered", "lateness", "closure", "flying_hours"]
    assert doc["objective"] == [g["objective"] for g in doc["goals"]]
    assert doc["bound"] == [g["bound"] for g in doc["goals"]]
    assert doc["kpis"]["undelivered_pax"] == 0 and doc["kpis"]["missions"] == doc["missions"] >= 1
    assert doc["out"] == str(out_path) and out_path.exists()
    assert doc["violations"] == []


def test_json_bad_input_exits_2_with_the_message(capsys: pytest.CaptureFixture[str],
                                                  tmp_path: Path) -> None:
    scen = save_scenario(make_scenario(), tmp_path / "tiny.yaml")
    assert main(["solve", str(scen), "--out", str(tmp_path / "plan.pdf"), "--json"]) == 2
    doc, err = _json(capsys)
    assert "plan.pdf: unknown plan file type" in err
    assert doc["ok"] is False and "plan.pdf: unknown plan file type" in doc["errors"][0]
    bad = BAD / "negative-pax.yaml"
    for argv in (["solve", str(bad)], ["sweep", str(bad)], ["prove", str(bad), "plan.json"],
                 ["verify", str(bad), "plan.json"]):
        assert main([*argv, "--json"]) == 2
        doc, err = _json(capsys)
        assert f"{bad}: units[1].pax: must be >= 0 (got -5)" in err
        assert doc == {"ok": False, "errors": [f"{bad}: units[1].pax: must be >= 0 (got -5)", "1 problem found."]}


# ----- verify ----------------------------------------------------------------------------------
def test_verify_exit_codes(tiny_files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    scen, good, bad = str(tiny_files["scenario"]), str(tiny_files["plan"]), str(tiny_files["bad"])
    assert main(["verify", scen, good]) == 0
    out, err = capsys.readouterr()
    assert out == "OK: the plan satisfies every rule (SPEC section 3)\n" and err == ""

    assert main(["verify", scen, bad]) == 1
    out, err = capsys.readouterr()
    assert out.startswith("2 violations (speed 1, reported 1)\n")
    assert "[speed] M0001: leg 0 KPOB-" in out and "takes 0.500 h" in out

    missing = str(tiny_files["dir"] / "nope.json")
    assert main(["verify", scen, missing]) == 2
    assert f"{missing}: cannot read file" in capsys.readouterr().err
    assert main(["verify", str(BAD / "windows.yaml"), good]) == 2
    assert "units[0].latest_arrival_hour" in capsys.readouterr().err
    assert main(["verify", scen]) == 2  # usage
    capsys.readouterr()

    other = str(tiny_files["other"])
    assert main(["verify", other, good]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert f"{good} is a plan for another scenario than {other}" in err
    assert "the plan names scenario 'tiny'" in err and f"{other} ('another')" in err


def test_verify_json(tiny_files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    scen, good, bad = str(tiny_files["scenario"]), str(tiny_files["plan"]), str(tiny_files["bad"])
    assert main(["verify", scen, good, "--json"]) == 0
    assert _json(capsys)[0] == {"ok": True, "scenario": scen, "plan": good, "counts": {}, "violations": []}
    assert main(["verify", scen, bad, "--json"]) == 1
    doc, _ = _json(capsys)
    assert doc["ok"] is False and doc["counts"] == {"speed": 1, "reported": 1}
    assert [v["rule"] for v in doc["violations"]] == ["speed", "reported"]
    assert doc["violations"][0]["subject"] == "M0001"
    assert main(["verify", str(tiny_files["other"]), good, "--json"]) == 2
    doc, err = _json(capsys)
    assert doc["ok"] is False and "another scenario" in doc["errors"][0] and "another scenario" in err


def test_python_m_logistics_verify(tiny_files: dict[str, Path]) -> None:
    """``python -m logistics.verify`` is ``logistics verify``, and runpy does not warn."""
    proc = subprocess.run([sys.executable, "-m", "logistics.verify", "--help"], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("usage: python -m logistics.verify")
    assert proc.stderr == ""  # no RuntimeWarning
    proc = subprocess.run([sys.executable, "-m", "logistics.verify", str(tiny_files["scenario"]),
                           str(tiny_files["bad"]), "--json"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1 and proc.stderr == ""
    assert json.loads(proc.stdout)["counts"] == {"speed": 1, "reported": 1}


# ----- prove and sweep -------------------------------------------------------------------------
def test_prove_progress_on_stderr_result_on_stdout(tiny_files: dict[str, Path],
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    scen, good = str(tiny_files["scenario"]), str(tiny_files["plan"])
    assert main(["prove", scen, good, "--time-limit", "60"]) == 0
    out, err = capsys.readouterr()
    step = "closure: 18.65 PROVEN least - the relaxation of U1 alone"
    progress = [ln for ln in err.splitlines() if ln.startswith("[")]
    assert progress and all(" s] " in ln for ln in progress)  # timestamped steps as they come
    assert any(step in ln for ln in progress)
    assert " s] " not in out  # the result only: the argument, the table, the verdict
    assert out.splitlines()[2].startswith(step)
    assert "flying_hours: 52.55 PROVEN least" in out
    assert f"PROVEN: no plan does better than {good}" in out

    assert main(["prove", scen, good, "--time-limit", "60", "--quiet"]) == 0
    assert capsys.readouterr().err == ""


def test_prove_json(tiny_files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    scen, good, bad = str(tiny_files["scenario"]), str(tiny_files["plan"]), str(tiny_files["bad"])
    assert main(["prove", scen, good, "--time-limit", "60", "--json"]) == 0
    doc, err = _json(capsys)
    assert doc["ok"] is True and doc["proven"] is True and doc["plan"] == good
    assert [(g["goal"], g["proven"]) for g in doc["goals"]] == [
        ("undelivered", True), ("lateness", True), ("closure", True), ("flying_hours", True)]
    assert doc["flying"]["bound_minutes"] == doc["flying"]["upper_minutes"]
    assert doc["argument"][-1].startswith("flying_hours: ") and err.count(" s] ") >= len(doc["argument"])
    assert main(["prove", scen, bad, "--json"]) == 1
    doc, _ = _json(capsys)
    assert doc["ok"] is False and doc["proven"] is False and doc["violations"][0]["rule"] == "speed"


def test_sweep_json(tiny_files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    out_path = tiny_files["dir"] / "sweep.csv"
    rc = main(["sweep", str(tiny_files["scenario"]), "--samples", "2", "--seed", "3", "--workers", "1",
               "--time-limit", "2", "--out", str(out_path), "--json"])
    doc, err = _json(capsys)
    assert rc == 0, err
    assert doc["ok"] is True and doc["samples"] == 2 and doc["seed"] == 3
    summary = doc["summary"]
    assert summary["samples"] == 2 and summary["violations"] == 0
    assert set(summary["closure"]) == {"P10", "P50", "P90", "mean"}
    assert [u["unit"] for u in summary["units"]] == ["U1"]
    assert set(summary["units"][0]) >= {"p_late", "p_undelivered", "mean_late_hours", "p90_closure_hour"}
    assert isinstance(summary["limits"], list)
    assert doc["out"] == [str(out_path), str(out_path.with_name("sweep.units.csv")),
                          str(out_path.with_name("sweep.limits.csv"))]
