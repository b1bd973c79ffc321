"""The page listens on this machine only unless told otherwise, however it is started,
and with sign-in configured it shows nothing but the sign-in until a user signs in."""

from __future__ import annotations

import contextlib
import ipaddress
import os
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from pathlib import Path

import pytest
from apptest_support import ROOT, make_app

AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "c" * 32,
        "client_id": "airlift-planner", "client_secret": "not-a-secret",
        "server_metadata_url": "https://idp.example.org/.well-known/openid-configuration"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _outside_address() -> str | None:
    """An IPv4 address of this machine that is not loopback (``None`` if it has none)."""
    found: list[str] = []
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        found += subprocess.run(["hostname", "-I"], capture_output=True, text=True, timeout=5).stdout.split()
    with contextlib.suppress(OSError):
        found += [a[4][0] for a in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)]
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.connect(("192.0.2.1", 9))  # no packet is sent: the route picks the interface
        found.append(s.getsockname()[0])
    for a in found:
        with contextlib.suppress(ValueError):
            ip = ipaddress.ip_address(a)
            if ip.version == 4 and not ip.is_loopback and not ip.is_unspecified:
                return a
    return None


def test_both_config_files_say_the_same() -> None:
    # .streamlit/config.toml is read from the directory the command runs in (the README's),
    # app/.streamlit/config.toml from the entry script's folder, wherever it starts from
    project = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    script = tomllib.loads((ROOT / "app" / ".streamlit" / "config.toml").read_text())
    assert project == script
    assert project["server"]["address"] == "localhost"
    assert project["browser"]["gatherUsageStats"] is False
    assert project["browser"]["serverAddress"] == "localhost"


@pytest.mark.parametrize("where", ["repository", "elsewhere"])
def test_the_readme_command_serves_this_machine_only(where: str, tmp_path: Path) -> None:
    outside = _outside_address()
    if outside is None:
        pytest.skip("this machine has no address but loopback to try a connection from")
    port = _free_port()
    # the README's command (only the port differs); "elsewhere": from another directory,
    # the script named by its path
    cwd, script = (ROOT, "app/main.py") if where == "repository" else (tmp_path, str(ROOT / "app" / "main.py"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("STREAMLIT_")}
    env["LOGISTICS_APP_DATA"] = str(tmp_path / "data")
    log = tmp_path / "server.log"
    with open(log, "w") as fh:
        proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port)],
                                cwd=cwd, env=env, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.time() + 60
        while True:
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(f"http://localhost:{port}/_stcore/health", timeout=2) as r:
                    if r.status == 200 and r.read() == b"ok":
                        break
            assert proc.poll() is None and time.time() < deadline, log.read_text()[-3000:]
            time.sleep(0.3)
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection((outside, port), timeout=5).close()
        # and localhost still answers
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=5) as r:
            assert r.status == 200
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)


def test_with_sign_in_configured_the_page_shows_the_sign_in_only() -> None:
    at = make_app()
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": False}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert [b.label for b in at.button] == ["Sign in"]
    assert [t.value for t in at.title] == ["Airlift planner"]
    # nothing of the planner: no scenario loaded, no tables, no sidebar
    assert "scenario_dict" not in at.session_state
    assert not at.dataframe and not at.sidebar.children and not at.metric


def test_a_signed_in_user_plans_and_can_sign_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOGISTICS_APP_DATA", str(tmp_path))
    at = make_app()
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "email": "Planner@Example.org"}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.title] == ["Scenario"]
    side = [c.value for c in at.sidebar.caption]
    assert "Signed in as Planner@Example.org" in side
    assert [b.label for b in at.sidebar.button] == ["Sign out"]


def test_without_sign_in_nothing_changes_on_localhost() -> None:
    at = make_app().run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Scenario"]
    side = [c.value for c in at.sidebar.caption]
    assert not any("Signed in" in c or "without sign-in" in c for c in side), side


def test_served_to_the_network_without_sign_in_the_sidebar_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    import streamlit

    real = streamlit.get_option
    monkeypatch.setattr(streamlit, "get_option", lambda k: "0.0.0.0" if k == "server.address" else real(k))
    at = make_app().run()
    side = [c.value for c in at.sidebar.caption]
    assert any("Served on 0.0.0.0 without sign-in: see docs/deploy.md" in c for c in side), side


def test_behind_a_proxy_the_user_is_the_one_its_header_names(monkeypatch: pytest.MonkeyPatch) -> None:
    from app import auth

    monkeypatch.delenv(auth.ENV_USER_HEADER, raising=False)
    assert auth.proxy_user() is None and auth.user_key() == "local"
    assert auth.safe_key("ann.o'neil@example.org") == "ann.o_neil@example.org"
    assert auth.safe_key("../..") == "_" and auth.safe_key("..") == "user"
    from types import SimpleNamespace

    monkeypatch.setattr(auth.st, "context", SimpleNamespace(headers={"X-Forwarded-Email": "Ann@Example.org"}))
    assert auth.user_key() == "local"  # the header counts only when the setting names it
    monkeypatch.setenv(auth.ENV_USER_HEADER, "X-Forwarded-Email")
    assert auth.proxy_user() == "Ann@Example.org" and auth.user_key() == "ann@example.org"


def test_a_page_run_alone_also_asks_for_the_sign_in() -> None:
    # a page's script run without app/main.py (as Streamlit did when the scripts were in
    # app/pages) still shows the sign-in: the page's state.init() asks for it
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app" / "views" / "plan.py"), default_timeout=60)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": False}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert [b.label for b in at.button] == ["Sign in"] and "scenario_dict" not in at.session_state
