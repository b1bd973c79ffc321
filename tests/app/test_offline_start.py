"""The README's command starts the page without asking any host but this machine."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# loaded by the server's interpreter (PYTHONPATH): every name looked up and every
# internet socket connected that is not this machine is written to OUTSIDE_LOG
SPY = textwrap.dedent('''
    import os, socket
    _LOCAL = {"localhost", "127.0.0.1", "::1", "0.0.0.0", "::", None}
    _log = os.environ["OUTSIDE_LOG"]

    def _note(what):
        with open(_log, "a") as fh:
            fh.write(what + "\\n")

    _connect, _resolve = socket.socket.connect, socket.getaddrinfo

    def connect(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6) and address[0] not in _LOCAL:
            _note(f"connect {address!r}")
        return _connect(self, address)

    def getaddrinfo(host, *args, **kwargs):
        if (host.decode() if isinstance(host, bytes) else host) not in _LOCAL:
            _note(f"resolve {host!r}")
        return _resolve(host, *args, **kwargs)

    socket.socket.connect = connect
    socket.getaddrinfo = getaddrinfo
''')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_page_starts_without_an_outside_request(tmp_path: Path) -> None:
    # exactly the README's `streamlit run app/main.py` (only the port differs), so that
    # the repository's .streamlit/config.toml decides. Headless, Streamlit looks up the
    # machine's public address (checkip.amazonaws.com) to print it, unless
    # browser.serverAddress is set; the e2e tests pass --server.address and so would
    # not see it
    (tmp_path / "sitecustomize.py").write_text(SPY)
    log = tmp_path / "outside.log"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), *filter(None, [os.environ.get(
        "PYTHONPATH")])]), "OUTSIDE_LOG": str(log)}
    port = _free_port()
    out = tmp_path / "server.log"
    with open(out, "w") as fh:
        proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app/main.py", "--server.port", str(port)],
                                cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.time() + 60
        while True:
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            assert proc.poll() is None and time.time() < deadline, out.read_text()[-3000:]
            time.sleep(0.3)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as r:
            assert r.status == 200
        # the banner is printed after the server is up: wait for it
        while "URL:" not in out.read_text() and time.time() < deadline:
            time.sleep(0.3)
        assert f"http://localhost:{port}" in out.read_text()
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    assert not log.exists(), log.read_text()
