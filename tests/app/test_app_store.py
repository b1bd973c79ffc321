"""Plans and variants kept on disk (app/store.py): written as a session plans, read back
by a new session (a reload, a server restart) on the same scenario, one folder per user."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from apptest_support import make_app, tiny_dict, tiny_plan

from app import store
from logistics.plan import Plan
from logistics.scenario import Scenario, load_scenario


@pytest.fixture
def data(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    root = tmp_path / "data"
    monkeypatch.setenv(store.ENV_DATA, str(root))
    return root


def test_the_folder_is_the_env_setting_else_the_users_data_dir(monkeypatch: pytest.MonkeyPatch,
                                                              tmp_path: Path) -> None:
    monkeypatch.setenv(store.ENV_DATA, str(tmp_path / "x"))
    assert store.data_root() == tmp_path / "x"
    monkeypatch.delenv(store.ENV_DATA)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert store.data_root() == tmp_path / "xdg" / "logistics-app"
    monkeypatch.delenv("XDG_DATA_HOME")
    assert store.data_root() == Path.home() / ".local" / "share" / "logistics-app"
    with pytest.raises(ValueError):
        store.folder("local", "../etc")
    with pytest.raises(ValueError):
        store.folder("..", "ab12")


def test_write_and_read_back_per_user(data: Path) -> None:
    plan, scen = tiny_plan()
    key = scen.content_sha256()
    edited = scen.replace(horizon_hours=100)
    store.write_opened("a@example.org", key, scen)
    store.write_current("a@example.org", key, plan, edited)
    store.write_variant("a@example.org", key, "first", plan, scen, saved_at=1.0)
    store.write_variant("a@example.org", key, "second / with odd: chars", plan, edited, saved_at=2.0)
    ws = store.load("a@example.org", key)
    assert ws is not None and ws.scenario == scen
    assert ws.current is not None and ws.current.scenario == edited
    assert ws.current.plan.to_json() == plan.to_json()
    assert [v.name for v in ws.variants] == ["first", "second / with odd: chars"]
    assert ws.variants[1].scenario == edited and ws.variants[0].plan.to_json() == plan.to_json()
    # plain files a planner (or logistics verify) can read
    d = data / "a@example.org" / key
    assert Plan.load(d / "current.plan.json").to_json() == plan.to_json()
    assert load_scenario(d / "scenario.yaml") == scen
    assert store.summary("a@example.org", key) == (True, 2)
    # another user sees none of it
    assert store.load("b@example.org", key) is None and store.summary("b@example.org", key) == (False, 0)
    store.delete_variant("a@example.org", key, "first")
    store.write_current("a@example.org", key, None, None)
    ws = store.load("a@example.org", key)
    assert ws is not None and ws.current is None and [v.name for v in ws.variants] == ["second / with odd: chars"]


def _session_with_variants(data: Path):
    """A session on the tiny scenario that solved it and saved two variants."""
    plan, scen = tiny_plan()
    # after its first run AppTest runs the page alone, not app/main.py: the Compare page
    # takes plans up (state.collect) as main.py does on every page of a real server
    at = make_app().run()
    at.switch_page("views/compare.py").run()
    at.session_state["scenario_dict"] = tiny_dict()
    at.run()
    # what the loader does when the planner opens a file: a new workspace
    at.session_state["workspace"] = None
    at.session_state["_validated_key"] = None
    at.run()
    key = at.session_state["workspace"]
    assert key == scen.content_sha256()
    # a solve's plan is collected, then saved twice (the Compare page's button)
    at.session_state["plan"] = plan
    at.session_state["plan_scenario"] = scen
    at.run()
    other = copy.deepcopy(plan)
    other.kpis["missions"] += 1
    from app.state import Variant

    at.session_state["variants"] = {"baseline": Variant("baseline", plan, scen, 1.0),
                                    "more missions": Variant("more missions", other, scen, 2.0)}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["workspace_written"] == key
    return at, key, plan, other


def test_variants_survive_a_new_session(data: Path) -> None:
    at, key, plan, other = _session_with_variants(data)
    d = data / "local" / key
    assert (d / "scenario.yaml").exists() and (d / "current.plan.json").exists()
    assert len(list((d / "variants").glob("*.plan.json"))) == 2

    # a reload or a server restart: a fresh session with the same URL
    again = make_app()
    again.query_params["scenario"] = key
    again.run()
    assert not again.exception, [e.value for e in again.exception]
    ss = again.session_state
    assert ss["workspace"] == key and again.query_params["scenario"] == key  # kept in the URL
    assert isinstance(ss["scenario"], Scenario) and ss["scenario"].name == "tiny app test"
    assert ss["plan"].to_json() == plan.to_json()
    assert list(ss["variants"]) == ["baseline", "more missions"]
    assert ss["variants"]["more missions"].plan.kpis["missions"] == other.kpis["missions"]
    assert any("2 saved variant(s)" in c.value for c in again.sidebar.caption)
    again.switch_page("views/compare.py").run()
    assert not again.exception

    # a variant deleted in one session is gone for the next
    del ss["variants"]["baseline"]
    again.run()  # the Compare page
    third = make_app()
    third.query_params["scenario"] = key
    third.run()
    assert list(third.session_state["variants"]) == ["more missions"]


def test_a_new_tab_on_the_same_scenario_offers_the_kept_plans(data: Path) -> None:
    at, key, plan, _ = _session_with_variants(data)
    fresh = make_app().run()  # no ?scenario=: the default scenario, nothing restored
    assert fresh.session_state["plan"] is None and not fresh.session_state["variants"]
    assert not [b for b in fresh.sidebar.button if b.key == "restore_kept"]
    # the same scenario opened again in a new tab: the sidebar offers what was kept
    tab = make_app()
    tab.session_state["scenario_dict"] = tiny_dict()
    tab.session_state["scenario_source"] = "tiny.yaml"
    tab.run()
    assert tab.session_state["workspace"] == key and tab.session_state["plan"] is None
    assert [b.label for b in tab.sidebar.button if b.key == "restore_kept"] == [
        "Restore the plan and 2 variant(s) kept for this scenario"]
    tab.button(key="restore_kept").click().run()
    fresh = tab
    assert not fresh.exception, [e.value for e in fresh.exception]
    assert list(fresh.session_state["variants"]) == ["baseline", "more missions"]
    assert fresh.session_state["plan"].to_json() == plan.to_json()


def test_each_signed_in_user_has_their_own_folder(data: Path) -> None:
    plan, scen = tiny_plan()
    key = scen.content_sha256()
    store.write_opened("ann@example.org", key, scen)
    store.write_variant("ann@example.org", key, "ann's", plan, scen)
    auth = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
            "client_id": "planner", "client_secret": "s",
            "server_metadata_url": "https://idp.example.org/.well-known/openid-configuration"}
    for who, want in (("ann@example.org", ["ann's"]), ("bob@example.org", [])):
        at = make_app()
        at.secrets["auth"] = auth
        at.user = {"is_logged_in": True, "email": who}
        at.query_params["scenario"] = key
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        assert list(at.session_state["variants"]) == want, who
    # what bob saves goes to bob's folder
    at.switch_page("views/compare.py").run()
    at.session_state["plan"] = plan
    at.session_state["plan_scenario"] = scen
    at.run()
    opened = at.session_state["workspace"]  # bob has nothing kept: the default scenario
    assert (data / "bob@example.org" / opened / "current.plan.json").exists()
    assert not (data / "ann@example.org" / opened).exists()
