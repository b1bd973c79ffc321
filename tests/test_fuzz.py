"""Fuzz: malformed and mutated scenario and plan files never give a traceback.

1,000 scenario files (mutations of the bundled scenarios and of the browser test's tiny
Kuwait case) and 200 plan files (mutations of a solved tiny plan's JSON), made by a
seeded random generator, go through every way in: the library (``load_scenario``,
``Plan.load``), the CLI (``logistics validate`` and ``logistics verify``, through
:func:`logistics.cli.main`) and the app's upload paths (the Scenario page's
``state.load_bytes``, the Plan page's ``plan_upload.read_plan_upload``).

For each file: no exception but the documented one (:class:`ScenarioError`,
:class:`PlanError`) leaves the library; the CLI never raises and exits 2 on bad input,
every problem line naming the file; each problem names the file, and each injected
fault is reported at its entry and field; a file with two independent faults reports
both (every problem in one pass).
"""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from logistics.cli import main
from logistics.errors import PlanError, Problem, ScenarioError
from logistics.plan import Plan
from logistics.scenario import Scenario, load_scenario, parse_text

ROOT = Path(__file__).resolve().parent.parent
SEED = 20240607
N_SCENARIOS = 1000
N_PLANS = 200
BASES = {  # name: (file, share of the files)
    "tiny": (ROOT / "tests" / "e2e" / "tiny-kuwait.yaml", 0.5),
    "baghdad": (ROOT / "data" / "scenarios" / "baghdad-embassy-2020.yaml", 0.35),
    "gulf": (ROOT / "data" / "scenarios" / "gulf-buildup-2019.yaml", 0.15),
}
#: mutated scenarios keep this many units of their base and a short description (reading
#: YAML and checking routes is what takes time, and the faults need only a few units);
#: faults in the text use the whole file
UNITS_KEPT = 4
GARBAGE = [{"a": [[{"b": None}], {"c": [1, "x", {"d": {}}]}]}, [[[]], [{}], "?"], {"": {"": {"": [None]}}}]
WRONG = ["many", [1, 2], {"x": 1}, None, "", "12 h", [[{"deep": ["er"]}]]]


@dataclass
class Case:
    """One fuzzed file: its bytes, and where each injected fault must be reported."""

    name: str
    raw: bytes
    expect: list[str] = field(default_factory=list)  # loc prefixes, one per fault
    kinds: list[str] = field(default_factory=list)
    must_fail: bool = False  # a fault that no reading may accept


# ----- scenario mutations --------------------------------------------------------------------
_REQUIRED = {"units": ["id", "origin", "destinations"], "aircraft": ["type", "count"],
             "destinations": ["airfield"]}
_NUMBERS = {"units": ["pax", "bulk_stons", "ready_hour", "required_hour", "priority"],
            "aircraft": ["count", "available_hour"], "destinations": ["capacity_pax"]}


def _entry(d: dict, rng: random.Random, taken: set[tuple[str, int]]) -> tuple[str, int]:
    """A (section, index) of an entry not used by another fault of the file."""
    while True:
        sec = rng.choice(["units", "units", "aircraft", "destinations"])
        i = rng.randrange(len(d[sec]))
        if (sec, i) not in taken:
            taken.add((sec, i))
            return sec, i


def f_delete(d: dict, rng: random.Random, taken: set) -> tuple[str, str]:
    sec, i = _entry(d, rng, taken)
    key = rng.choice(_REQUIRED[sec])
    d[sec][i].pop(key, None)
    return "delete", f"{sec}[{i}].{key}"


def f_wrong_type(d: dict, rng: random.Random, taken: set) -> tuple[str, str]:
    sec, i = _entry(d, rng, taken)
    key = rng.choice(_NUMBERS[sec])
    d[sec][i][key] = rng.choice([w for w in WRONG if w is not None or key not in ("required_hour", "capacity_pax")])
    return "wrong type", f"{sec}[{i}].{key}"


def f_negative(d: dict, rng: random.Random, taken: set) -> tuple[str, str]:
    sec, i = _entry(d, rng, taken)
    key = rng.choice(_NUMBERS[sec])
    d[sec][i][key] = -rng.choice([1, 5, 0.5, 1e9])
    return "negative", f"{sec}[{i}].{key}"


def f_unknown_field(d: dict, rng: random.Random, taken: set) -> tuple[str, str]:
    sec, i = _entry(d, rng, taken)
    d[sec][i]["colour"] = rng.choice(["red", 7, GARBAGE[0]])
    return "unknown field", f"{sec}[{i}].colour"


def f_garbage(d: dict, rng: random.Random, taken: set) -> tuple[str, str]:
    sec, i = _entry(d, rng, taken)
    if rng.random() < 0.5:
        d[sec][i] = copy.deepcopy(rng.choice(GARBAGE))
        return "nested garbage", f"{sec}[{i}]"
    key = rng.choice(_REQUIRED[sec])
    d[sec][i][key] = copy.deepcopy(rng.choice(GARBAGE))
    return "nested garbage", f"{sec}[{i}].{key}"


def f_unknown_airfield(d: dict, rng: random.Random, taken: set) -> tuple[str, str]:
    code = rng.choice(["ZZZZ", "QX9Q", "XXX"])
    sec = rng.choice(["units", "destinations"])
    i = next((j for j in rng.sample(range(len(d[sec])), len(d[sec])) if (sec, j) not in taken), None)
    if i is None:
        return f_negative(d, rng, taken)
    taken.add((sec, i))
    if sec == "units":
        d["units"][i]["origin"] = code
        return "unknown airfield", f"units[{i}].origin"
    d["destinations"][i]["airfield"] = code
    return "unknown airfield", f"destinations[{i}].airfield"


def f_duplicate_id(d: dict, rng: random.Random, taken: set) -> tuple[str, str]:
    i = next((j for j in rng.sample(range(len(d["units"])), len(d["units"])) if ("units", j) not in taken), None)
    if i is None:
        return f_negative(d, rng, taken)
    d["units"].append(copy.deepcopy(d["units"][i]))
    j = len(d["units"]) - 1
    taken.update({("units", i), ("units", j)})
    return "duplicate id", f"units[{j}].id"


def f_window(d: dict, rng: random.Random, taken: set) -> tuple[str, str]:
    i = next((j for j in rng.sample(range(len(d["units"])), len(d["units"])) if ("units", j) not in taken), None)
    if i is None:
        return f_negative(d, rng, taken)
    taken.add(("units", i))
    u = d["units"][i]
    u["ready_hour"] = 50 + rng.randrange(10)
    u["latest_arrival_hour"] = 10
    u.pop("required_hour", None)
    return "impossible window", f"units[{i}].latest_arrival_hour"


def f_top(d: dict, rng: random.Random, taken: set) -> tuple[str, str]:
    key = rng.choice(["start", "horizon_hours", "name"])
    how = rng.random()
    if how < 0.3:
        d.pop(key)
    elif key == "horizon_hours":
        d[key] = rng.choice([-5, 0, "soon", "NaN", float("nan"), GARBAGE[1]])
    else:
        d[key] = rng.choice(["yesterday", "", "2020-01-01T00:00:00", GARBAGE[2]] if key == "start" else ["", GARBAGE[0]])
    return "top-level field", key


#: faults that stay valid or not (huge numbers, NaN text): read without a traceback
def f_maybe(d: dict, rng: random.Random, taken: set) -> tuple[str, str]:
    sec, i = _entry(d, rng, taken)
    key = rng.choice(_NUMBERS[sec])
    d[sec][i][key] = rng.choice([1e308, 10**40, float("inf"), "NaN", "nan", ".inf", 1e-300, 2**63])
    return "huge or NaN", ""


FIELD_FAULTS: list[Callable] = [f_delete, f_wrong_type, f_negative, f_unknown_field, f_garbage]
CROSS_FAULTS: list[Callable] = [f_unknown_airfield, f_duplicate_id, f_window]


def _dump(d: Any, rng: random.Random, stem: str) -> tuple[str, bytes]:
    if rng.random() < 0.5:
        return f"{stem}.yaml", yaml.safe_dump(d, sort_keys=False, allow_unicode=True).encode()
    return f"{stem}.json", json.dumps(d, indent=rng.choice([None, 2])).encode()


def _text_case(raw: bytes, rng: random.Random, stem: str) -> Case:
    """A fault in the text: truncated, broken syntax, not UTF-8, empty, not a mapping."""
    how = rng.choice(["truncated", "syntax", "syntax", "not utf-8", "empty", "not a mapping"])
    if how == "truncated":
        return Case(f"{stem}.yaml", raw[:rng.randrange(1, len(raw))], kinds=[how])
    if how == "syntax":
        lines = raw.split(b"\n")
        k = rng.randrange(len(lines))
        lines[k] = lines[k] + rng.choice([b" {[", b": : :", b"\t- ]", b' "unclosed', b" &a *b"])
        return Case(f"{stem}.yaml", b"\n".join(lines), kinds=[how])
    if how == "not utf-8":
        k = rng.randrange(len(raw))
        return Case(f"{stem}.yaml", raw[:k] + b"\xff\xfe\xc3" + raw[k:], kinds=[how], must_fail=True)
    if how == "empty":
        return Case(f"{stem}.json", rng.choice([b"", b"   \n", b"# nothing\n"]), kinds=[how], must_fail=True)
    return Case(f"{stem}.json", rng.choice([b"[1, 2]", b'"text"', b"42", b"[{}]"]), kinds=[how], must_fail=True)


def scenario_cases() -> list[Case]:
    rng = random.Random(SEED)
    data = {k: parse_text(p.read_text()) for k, (p, _) in BASES.items()}
    for d in data.values():
        d["units"] = d["units"][:UNITS_KEPT]
        d["description"] = d.get("description", "")[:60]
    names, weights = list(BASES), [w for _, w in BASES.values()]
    out = []
    for n in range(N_SCENARIOS):
        base = rng.choices(names, weights)[0]
        stem = f"s{n:04d}-{base}"
        kind = rng.random()
        if kind < 0.15:
            out.append(_text_case((BASES[base][0]).read_bytes(), rng, stem))
            continue
        d = copy.deepcopy(data[base])
        taken: set[tuple[str, int]] = set()
        if kind < 0.25:
            kinds, expect = zip(*[f_maybe(d, rng, taken)], strict=True)
        elif kind < 0.35:
            kinds, expect = zip(*[f_top(d, rng, taken), rng.choice(FIELD_FAULTS)(d, rng, taken)], strict=True)
        elif kind < 0.65:  # two independent faults: both reported
            one, two = rng.choice(FIELD_FAULTS + CROSS_FAULTS), rng.choice(FIELD_FAULTS + CROSS_FAULTS)
            kinds, expect = zip(*[one(d, rng, taken), two(d, rng, taken)], strict=True)
        else:
            kinds, expect = zip(*[rng.choice(FIELD_FAULTS + CROSS_FAULTS + [f_top])(d, rng, taken)], strict=True)
        name, raw = _dump(d, rng, stem)
        exp = [e for e in expect if e]
        out.append(Case(name, raw, exp, list(kinds), must_fail=bool(exp)))
    return out


# ----- plan mutations ------------------------------------------------------------------------
def _plan_spots(d: dict, rng: random.Random) -> tuple[list, str]:
    """A random (container, key) inside the plan and its loc, e.g. ``missions[2].legs[0].to``."""
    where = rng.choice(["mission", "mission", "leg", "leg", "load", "unit", "amount", "kpi", "solve", "top"])
    if where == "top":
        key = rng.choice(["status", "kpis", "units", "missions", "scenario"])
        return [d, key], key
    if where == "kpi":
        key = rng.choice(["missions", "closure_hour", "undelivered_pax"])
        return [d["kpis"], key], f"kpis.{key}"
    if where == "solve":
        key = rng.choice(["seconds", "objective", "goals"])
        return [d["solve"], key], f"solve.{key}"
    if where in ("unit", "amount"):
        i = rng.randrange(len(d["units"]))
        if where == "amount":
            key = rng.choice(["pax", "bulk_stons"])
            which = rng.choice(["delivered", "undelivered"])
            return [d["units"][i][which], key], f"units[{i}].{which}.{key}"
        key = rng.choice(["id", "closure_hour", "delivered"])
        return [d["units"][i], key], f"units[{i}].{key}"
    i = rng.randrange(len(d["missions"]))
    m = d["missions"][i]
    if where == "leg":
        j = rng.randrange(len(m["legs"]))
        key = rng.choice(["from", "to", "depart_hour", "arrive_hour"])
        return [m["legs"][j], key], f"missions[{i}].legs[{j}].{key}"
    if where == "load" and m["loads"]:
        j = rng.randrange(len(m["loads"]))
        key = rng.choice(["unit", "pax", "bulk_stons"])
        return [m["loads"][j], key], f"missions[{i}].loads[{j}].{key}"
    key = rng.choice(["id", "aircraft", "origin", "legs"])
    return [m, key], f"missions[{i}].{key}"


_TEXT = ("from", "to", "id", "aircraft", "origin", "unit")
_OBJECT = ("kpis", "scenario", "delivered")
_LIST = ("units", "missions", "legs", "solve.objective", "solve.goals")


def _required(loc: str, key: str) -> bool:
    """Whether the file must have this key (kpis, solve and a load's amounts may be left out)."""
    if loc.startswith(("kpis.", "solve.", "scenario")) or (".loads[" in loc and key != "unit"):
        return False
    return True


def _bad_value(loc: str, key: str, rng: random.Random) -> Any:
    """A value of the wrong JSON type (or not finite, or not whole) for the field at ``loc``."""
    if key == "status":
        return rng.choice(["done", 1, None, "OPTIMAL"])
    if key in _TEXT:
        return rng.choice([7, 1.5, None, [], {}, True])
    if loc in _OBJECT or key == "delivered":
        return rng.choice(["x", 1, [], None, [[{}]]])
    if loc in _LIST or key == "legs":
        return rng.choice(["x", 1, {}, None, {"a": [[]]}])
    if key in ("pax", "missions", "undelivered_pax"):
        return rng.choice(["3", 1.5, True, [1], float("nan"), {}, None])
    nullable = key == "closure_hour"
    return rng.choice(["x", "12.5", True, [], {"v": 1}, float("nan"), float("inf"), 10**400]
                      + ([] if nullable else [None]))


def _fault_plan(d: dict, rng: random.Random, n: int) -> list[str]:
    """Inject ``n`` field faults at places apart (none inside another); returns their locs."""
    spots: list[tuple[Any, str, str]] = []
    while len(spots) < n:
        (obj, key), loc = _plan_spots(d, rng)
        if not any(loc == u or loc.startswith((u + ".", u + "[")) or u.startswith((loc + ".", loc + "["))
                   for _, _, u in spots):
            spots.append((obj, key, loc))
    for obj, key, loc in spots:
        if _required(loc, key) and rng.random() < 0.3:
            obj.pop(key, None)
        else:
            obj[key] = _bad_value(loc, key, rng)
    return [loc for _, _, loc in spots]


def _semantic(d: dict, rng: random.Random) -> str:
    """A fault of meaning with the JSON types right: the checker's business (exit 0 or 1)."""
    m = rng.choice(d["missions"])
    how = rng.choice(["negative", "unknown airfield", "duplicate id", "impossible times", "unknown unit",
                      "unknown aircraft", "no legs", "huge", "home", "extra keys"])
    if how == "negative":
        m["loads"][0]["pax"] = -rng.randrange(1, 500)
        m["legs"][0]["depart_hour"] = -3.0
    elif how == "unknown airfield":
        rng.choice(m["legs"])["to"] = "ZZZZ"
    elif how == "duplicate id":
        d["missions"].append(copy.deepcopy(m))
    elif how == "impossible times":
        lg = rng.choice(m["legs"])
        lg["arrive_hour"], lg["depart_hour"] = lg["depart_hour"] - 5, lg["arrive_hour"]
    elif how == "unknown unit":
        m["loads"][0]["unit"] = "NOBODY"
    elif how == "unknown aircraft":
        m["aircraft"] = rng.choice(["B-52", "", "c-17a"])
    elif how == "no legs":
        m["legs"] = []
        m["loads"] = rng.choice([[], m["loads"]])
    elif how == "huge":  # (hours of 1e9 and more hang the checker: see test_verify_of_a_leg_landing_at_hour_1e300)
        rng.choice(m["legs"])["arrive_hour"] = 1e5
        m["loads"][0]["bulk_stons"] = 1e300
        m["loads"][0]["pax"] = 10**30
    elif how == "home":
        m["home"] = rng.choice(["KPOB", "OKAS", None, "ZZZZ"])
    else:
        m["colour"] = GARBAGE[0]
        d["kpis"]["extra"] = GARBAGE[1]
    return how


def plan_cases(plan_text: str) -> list[Case]:
    rng = random.Random(SEED + 1)
    base = json.loads(plan_text)
    out = []
    for n in range(N_PLANS):
        stem = f"p{n:03d}"
        kind = rng.random()
        d = copy.deepcopy(base)
        if kind < 0.15:
            case = _text_case(plan_text.encode(), rng, stem)
            case.name = f"{stem}.json"
            case.must_fail = case.must_fail or case.kinds == ["syntax"] or case.kinds == ["truncated"]
            out.append(case)
        elif kind < 0.35:
            how = _semantic(d, rng)
            out.append(Case(f"{stem}.json", json.dumps(d).encode(), kinds=[how]))
        else:
            locs = _fault_plan(d, rng, 1 if kind < 0.65 else 2)
            out.append(Case(f"{stem}.json", json.dumps(d).encode(), locs, ["field"] * len(locs), must_fail=True))
    return out


# ----- checks ------------------------------------------------------------------------------
def _check_problems(case: Case, problems: list[Problem], file: str) -> None:
    """Each problem names the file; each injected fault is reported at its place."""
    assert problems, case.name
    for p in problems:
        assert p.file == file, (case.name, str(p))
        assert str(p).startswith(f"{file}: "), (case.name, str(p))
        assert "could not be checked" not in p.message, (case.name, str(p))  # a crash, masked
    locs = [p.loc for p in problems]
    for want in case.expect:
        assert any(loc == want or loc.startswith((want + ".", want + "[")) for loc in locs), \
            (case.name, case.kinds, want, [str(p) for p in problems])


def _cli(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str]:
    try:
        rc = main(argv)
    except BaseException as exc:  # noqa: BLE001 - the point: nothing may escape
        pytest.fail(f"logistics {' '.join(argv)} raised {type(exc).__name__}: {exc}")
    return rc, capsys.readouterr().err


@pytest.fixture
def app_state(monkeypatch: pytest.MonkeyPatch) -> Any:
    """``app.state`` with a plain dict as its session state (no Streamlit run)."""
    import sys

    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from app import state

    box: dict[str, Any] = {}
    monkeypatch.setattr(state, "ss", lambda: box)
    return state, box


def test_a_thousand_malformed_scenarios(tmp_path: Path, capsys: pytest.CaptureFixture[str], app_state: Any) -> None:
    state, box = app_state
    cases = scenario_cases()
    assert len(cases) == N_SCENARIOS
    failed = 0
    for case in cases:
        path = tmp_path / case.name
        path.write_bytes(case.raw)
        # the library: a Scenario or a ScenarioError, nothing else
        try:
            load_scenario(path)
            problems = None
        except ScenarioError as exc:
            problems = exc.problems
        except Exception as exc:  # noqa: BLE001
            pytest.fail(f"{case.name} ({case.kinds}): load_scenario raised {type(exc).__name__}: {exc}")
        if case.must_fail:
            assert problems is not None, (case.name, case.kinds, "read as valid")
        if problems is not None:
            failed += 1
            _check_problems(case, problems, str(path))
        # the CLI: 0 when valid, 2 with every problem named, never a traceback
        rc, err = _cli(capsys, ["validate", str(path)])
        assert rc == (0 if problems is None else 2), (case.name, rc, err)
        if problems is not None:
            assert [ln for ln in err.splitlines()][:-1] == [str(p) for p in problems], case.name
        # the Scenario page's upload: the same problems, named by the upload's name
        box.clear()
        # (a file that parses is loaded, problems and all, to be fixed in the tables)
        got = state.load_bytes(case.raw, case.name) or state.problems()
        if problems is None:
            assert got == [] and box["scenario"] is not None, (case.name, [str(p) for p in got])
        else:
            _check_problems(case, got, case.name)
            if problems[0].loc:  # (a file that is no mapping is said in the page's words)
                assert [(p.loc, p.message) for p in got] == [(p.loc, p.message) for p in problems], \
                    (case.name, [str(p) for p in got])
    assert failed > 0.85 * N_SCENARIOS


@pytest.fixture(scope="module")
def tiny_solved(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Scenario, str]:
    from logistics.solve import solve

    src = BASES["tiny"][0]
    s = load_scenario(src)
    plan = solve(s, time_limit=1.0, deterministic=True)
    assert len(plan.missions) >= 2
    return src, s, plan.to_json()


def test_two_hundred_malformed_plans(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                     tiny_solved: tuple[Path, Scenario, str]) -> None:
    from app.plan_upload import read_plan_upload

    src, scen, text = tiny_solved
    cases = plan_cases(text)
    assert len(cases) == N_PLANS
    for case in cases:
        path = tmp_path / case.name
        path.write_bytes(case.raw)
        try:
            Plan.load(path)
            problems = None
        except PlanError as exc:
            problems = exc.problems
        except Exception as exc:  # noqa: BLE001
            pytest.fail(f"{case.name} ({case.kinds}): Plan.load raised {type(exc).__name__}: {exc}")
        if case.must_fail:
            assert problems is not None, (case.name, case.kinds, "read as valid")
        if problems is not None:
            _check_problems(case, problems, str(path))
        rc, err = _cli(capsys, ["verify", str(src), str(path)])
        if problems is not None:
            assert rc == 2, (case.name, rc, err)
            assert all(str(p) in err for p in problems), (case.name, err)
        else:
            assert rc in (0, 1, 2), (case.name, rc, err)
            assert rc != 2 or "is a plan for another scenario" in err, (case.name, err)
        got = read_plan_upload(case.raw, case.name, scen)
        if problems is None:
            assert got.problems == [] and (got.plan is not None or got.other), case.name
        else:
            _check_problems(case, got.problems, case.name)
            assert [(p.loc, p.message) for p in got.problems] == [(p.loc, p.message) for p in problems]


def test_verify_of_a_leg_landing_at_hour_1e300(tmp_path: Path, tiny_solved: tuple[Path, Scenario, str]) -> None:
    import subprocess
    import sys

    src, _, text = tiny_solved
    d = json.loads(text)
    d["missions"][0]["legs"][-1]["arrive_hour"] = 1e300
    path = tmp_path / "far.json"
    path.write_text(json.dumps(d))
    try:
        proc = subprocess.run([sys.executable, "-m", "logistics", "verify", str(src), str(path)],
                              capture_output=True, text=True, timeout=6)
    except subprocess.TimeoutExpired:
        pytest.fail("logistics verify did not finish in 6 s")
    # found by this fuzzer: the crew-hours rule walked every day such a leg spans
    assert proc.returncode == 1 and "violations" in proc.stdout, proc.stderr


def test_an_infinite_amount_is_an_input_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Found by the fuzzer: ``bulk_stons: .inf`` was read as valid and ``logistics validate``
    then raised OverflowError in its summary table."""
    d = parse_text(BASES["tiny"][0].read_text())
    d["units"][1]["bulk_stons"] = float("inf")
    d["aircraft"][0]["available_hour"] = float("nan")
    path = tmp_path / "inf.yaml"
    path.write_text(yaml.safe_dump(d))
    rc, err = _cli(capsys, ["validate", str(path)])
    assert rc == 2
    assert f"{path}: units[1].bulk_stons: must be a finite number (got inf)" in err
    assert f"{path}: aircraft[0].available_hour: must be a finite number (got nan)" in err
