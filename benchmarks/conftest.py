"""pytest options and the result collector of the benchmark suite.

``--bench-sizes bundled,S,M,L,XL`` picks the instances (default: all);
``--bench-write`` writes SCALING.md, results.json and scaling.png at the end;
``--bench-no-mip`` skips the MIP peer; ``--bench-no-targets`` skips the wall-clock
target runs.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench import SIZES, instances  # noqa: E402

_RECORDS: dict[str, dict] = {}
_TARGETS: dict[str, dict] = {}


def pytest_addoption(parser: pytest.Parser) -> None:
    g = parser.getgroup("airlift benchmarks")
    g.addoption("--bench-sizes", default="bundled," + ",".join(SIZES),
                help="comma-separated instance kinds: bundled,S,M,L,XL")
    g.addoption("--bench-write", action="store_true", help="write SCALING.md, results.json, scaling.png")
    g.addoption("--bench-no-mip", action="store_true", help="skip the MIP peer")
    g.addoption("--bench-no-targets", action="store_true", help="skip the wall-clock target runs")
    g.addoption("--bench-out", default=None, help="folder for the report (default: benchmarks/)")
    g.addoption("--bench-resume", action="store_true",
                help="keep the instances already in the folder's results.json and run only the others")


def _out(config: pytest.Config) -> Path:
    from bench import HERE

    o = config.getoption("--bench-out")
    return Path(o) if o else HERE


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("--bench-resume"):
        import json

        f = _out(config) / "results.json"
        if f.exists():
            data = json.loads(f.read_text(encoding="utf-8"))
            for r in data.get("instances", []):
                _RECORDS[r["instance"]] = r
            for r in data.get("targets", []):
                _TARGETS[r["instance"]] = r


def _kinds(config: pytest.Config) -> list[str]:
    return [k.strip() for k in config.getoption("--bench-sizes").split(",") if k.strip()]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "instance" in metafunc.fixturenames:
        insts = instances(_kinds(metafunc.config))
        metafunc.parametrize("instance", insts, ids=[i.name for i in insts])
    if "target" in metafunc.fixturenames:
        kinds = _kinds(metafunc.config)
        picks = []
        if not metafunc.config.getoption("--bench-no-targets"):
            for inst in instances(kinds):
                if inst.name.startswith("baghdad"):
                    picks.append((inst, 2.0))
                elif inst.kind == "M":
                    picks.append((inst, 30.0))
                elif inst.kind == "XL":
                    picks.append((inst, 120.0))
        metafunc.parametrize("target", picks, ids=[f"{i.name}-{t:g}s" for i, t in picks])


@pytest.fixture
def records(request: pytest.FixtureRequest) -> dict[str, dict]:
    return _RECORDS


@pytest.fixture
def target_records() -> dict[str, dict]:
    return _TARGETS


@pytest.fixture
def resumed(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--bench-resume"))


def _write(config: pytest.Config) -> None:
    if not config.getoption("--bench-write") or not _RECORDS:
        return
    from bench import write_report

    order = {i.name: n for n, i in enumerate(instances(("bundled", *SIZES)))}
    recs = sorted(_RECORDS.values(), key=lambda r: order.get(r["instance"], 99))
    write_report(recs, list(_TARGETS.values()), _out(config), command="python benchmarks/run.py")


def pytest_runtest_logfinish(nodeid: str, location: tuple) -> None:
    # the report after every instance: a run that is stopped keeps what it measured
    if _CONFIG:
        _write(_CONFIG[0])


_CONFIG: list[pytest.Config] = []


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    _CONFIG.append(session.config)


@pytest.fixture
def with_mip(request: pytest.FixtureRequest) -> bool:
    return not request.config.getoption("--bench-no-mip")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    _write(session.config)
