"""`entregent serve` runs the app under waitress: the login page and the admin's CSS answer."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent / "entregent"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read().decode("utf-8", "replace")


def _env(data_dir: Path) -> dict[str, str]:
    """A throw-away SQLite file, whatever DATABASE_URL the suite runs with."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "ENTREGENT_USER")}
    env["ENTREGENT_DATA_DIR"] = str(data_dir)
    return env


@pytest.mark.skipif(not BIN.exists(), reason="the entregent script is not installed")
def test_it_says_to_run_init_on_a_fresh_machine(tmp_path) -> None:
    result = subprocess.run(
        [BIN, "people"], env=_env(tmp_path), capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "run “entregent init”" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.skipif(not BIN.exists(), reason="the entregent script is not installed")
def test_it_serves_the_demo_with_waitress(tmp_path) -> None:
    env = _env(tmp_path)
    loaded = subprocess.run(
        [BIN, "demo", "--if-empty", "--people", "20"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert loaded.returncode == 0, loaded.stderr
    port = _free_port()
    server = subprocess.Popen(
        [BIN, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _attempt in range(100):
            try:
                status, body = _get(f"{base}/admin/login/")
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("the server did not answer within 10 seconds")
        assert status == 200 and "csrfmiddlewaretoken" in body
        status, css = _get(f"{base}/static/admin/css/base.css")
        assert status == 200 and "body" in css
    finally:
        server.terminate()
        out, _err = server.communicate(timeout=10)
    assert f"http://127.0.0.1:{port}/" in out and "demo / demo" in out
    assert (tmp_path / "entregent.sqlite3").exists()
