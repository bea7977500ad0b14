"""The Dockerfile stays honest without a Docker engine: hadolint passes, and the exact install
and start commands it runs work here (install into a fresh venv, start with its CMD and ENV)."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from feedgen import rss, story, write_config
from feedserver import FeedServer

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def test_hadolint_passes() -> None:
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    result = subprocess.run(
        [hadolint, str(ROOT / "Dockerfile")], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_image_is_multi_stage_and_runs_as_non_root() -> None:
    assert len(re.findall(r"^FROM ", DOCKERFILE, re.M)) >= 2
    user = re.findall(r"^USER (\S+)", DOCKERFILE, re.M)
    assert user and not user[-1].startswith(("root", "0"))


def _env() -> dict[str, str]:
    """The ENV block of the runtime stage, as a dict."""
    block = re.search(r"^ENV ((?:.*\\\n)*.*)$", DOCKERFILE.split("FROM ")[-1], re.M)
    assert block
    pairs = re.findall(r"(\w+)=(\S+)", block.group(1).replace("\\\n", " "))
    return dict(pairs)


def test_the_install_and_start_commands_of_the_image_work(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    install = re.search(r"^RUN /opt/venv/bin/(pip install .*)$", DOCKERFILE, re.M)
    cmd = json.loads(re.search(r"^CMD (\[.*\])$", DOCKERFILE, re.M).group(1))  # type: ignore[union-attr]
    assert install and cmd[:2] == ["monitor", "run"]
    venv = tmp_path / "venv"
    # Reuse this environment's installed packages: the step under test is the project install.
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    site = subprocess.run(
        [sys.executable, "-c", "import site; print(site.getsitepackages()[0])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    (
        venv
        / "lib"
        / f"python{sys.version_info.major}.{sys.version_info.minor}"
        / "site-packages"
        / "outer.pth"
    ).write_text(site + "\n")
    args = install.group(1).split()
    build = subprocess.run(
        [str(venv / "bin" / "python"), "-m", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert build.returncode == 0, build.stderr
    env = {**os.environ, **_env()}
    env.update(
        PATH=f"{venv / 'bin'}:{env.get('PATH', '')}",
        MONITOR_MIGRATIONS_DIR=str(ROOT / "migrations"),
        # the shipped feeds.yaml names internet sources; tests stay on loopback
        MONITOR_CONFIG=str(write_config(tmp_path, {"wire": feed_server.url("/a.xml")})),
        DATABASE_URL=f"sqlite:///{tmp_path / 'data' / 'monitor.db'}",
    )
    env.pop("PYTHONPATH", None)
    feed_server.set_feed("/a.xml", rss([story(1, "Clearview AI news")]))
    proc = subprocess.Popen(
        cmd, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        _wait_for(lambda: feed_server.hits("/a.xml") > 0, proc)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    assert "monitor running" in err and "monitor stopped" in err
    assert (tmp_path / "data" / "monitor.db").exists()


def _wait_for(condition, proc: subprocess.Popen[str], timeout: float = 60) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        if proc.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"image command did not start: {proc.communicate()[1]}")
        time.sleep(0.2)


def test_the_image_serves_health_on_its_port_for_a_config_without_a_health_block(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    env = _env()
    assert (env["MONITOR_HEALTH_HOST"], env["MONITOR_HEALTH_PORT"]) == ("0.0.0.0", "8080")
    port = _free_port()  # the image's 8080 may be taken on this shared machine
    config = write_config(tmp_path, {"wire": feed_server.url("/a.xml")})  # no settings.health
    assert "health:" not in config.read_text()
    feed_server.set_feed("/a.xml", rss([story(1, "Clearview AI news")]))
    cmd = json.loads(re.search(r"^CMD (\[.*\])$", DOCKERFILE, re.M).group(1))  # type: ignore[union-attr]
    run_env = {**os.environ, **env, "MONITOR_HEALTH_PORT": str(port)}
    run_env.update(
        MONITOR_MIGRATIONS_DIR=str(ROOT / "migrations"),
        MONITOR_CONFIG=str(config),
        DATABASE_URL=f"sqlite:///{tmp_path / 'data' / 'monitor.db'}",
        PATH=f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}",
    )
    proc = subprocess.Popen(
        cmd, cwd=tmp_path, env=run_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 60
        while not _answers(f"http://127.0.0.1:{port}/healthz"):
            assert proc.poll() is None and time.monotonic() < deadline, "nothing serves /healthz"
            time.sleep(0.2)
        ready = _answers(f"http://127.0.0.1:{port}/readyz")
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert ready, err
    assert f"health and metrics on http://0.0.0.0:{port}/healthz" in err


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
