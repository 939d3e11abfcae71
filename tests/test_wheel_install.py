"""Point 1 of the packaging rule: a wheel installed into a fresh venv runs from any directory."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import venv
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parent.parent
COPY_IGNORE = shutil.ignore_patterns(
    ".venv", ".git", "build", "*.egg-info", "__pycache__", "instance", "test-results"
)

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _run(command: list[str], *, cwd: Path, env: dict[str, str], timeout: int = 600) -> str:
    done = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert done.returncode == 0, f"{command} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _get(url: str) -> tuple[int, str, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - 127.0.0.1 only
        return response.status, response.headers.get("Content-Type", ""), response.read()


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """Build a wheel from a copy of the checkout and install it (not editable) into a new venv."""
    root = tmp_path_factory.mktemp("wheel")
    source = root / "source"
    shutil.copytree(CHECKOUT, source, ignore=COPY_IGNORE)
    dist = root / "dist"
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(source)],
        cwd=root,
        env=env,
    )
    (wheel,) = dist.glob("kz_resolution_tracker-*.whl")
    shutil.rmtree(source)  # nothing may be read from the sources once installed
    target = root / "venv"
    venv.EnvBuilder(with_pip=True).create(target)
    pip = [str(target / "bin" / "python"), "-m", "pip", "install", "-q"]
    _run([*pip, str(wheel)], cwd=root, env=env)
    return target


def test_the_installed_tracker_migrates_seeds_and_serves_from_elsewhere(installed, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRACKER_", "PYTHON"))}
    # No TRACKER_INSTANCE_PATH: the database and key go to the user's data folder.
    env |= {"HOME": str(home), "XDG_DATA_HOME": str(home / "data"), "PATH": "/usr/bin:/bin"}
    tracker = str(installed / "bin" / "tracker")
    where = _run(
        [str(installed / "bin" / "python"), "-c", "import tracker; print(tracker.__file__)"],
        cwd=elsewhere,
        env=env,
    )
    assert "site-packages" in where and str(CHECKOUT) not in where

    assert "Database at head" in _run([tracker, "db", "upgrade"], cwd=elsewhere, env=env)
    _run([tracker, "seed"], cwd=elsewhere, env=env)
    data = home / "data" / "kz-resolution-tracker"
    assert (data / "tracker.sqlite3").is_file() and (data / "secret_key").is_file()
    package = Path(where.strip()).parent
    assert not (package / "instance").exists() and not (package.parent / "instance").exists()
    release = _run([tracker, "export", str(tmp_path / "release")], cwd=elsewhere, env=env)
    assert "SHA256SUMS" in release and (tmp_path / "release" / "items.csv").is_file()
    assert not list(elsewhere.iterdir())

    port = _free_port()
    server = subprocess.Popen(
        [tracker, "serve", "--port", str(port), "--workers", "1"],
        cwd=elsewhere,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                status, kind, body = _get(base + "/")
                break
            except OSError:
                assert server.poll() is None, "tracker serve exited"
                assert time.monotonic() < deadline, "tracker serve did not answer in 60 s"
                time.sleep(0.3)
        assert status == 200 and kind.startswith("text/html")
        assert "9.2.1" in body.decode()  # seeded paragraphs, rendered by a packaged template
        status, kind, css = _get(base + "/static/tracker.css")
        assert status == 200 and kind.startswith("text/css") and css
        for path, media_type in (
            ("/api/", "text/html"),
            ("/api/v1/openapi.json", "application/json"),
            ("/texts/res-2616/9.2.1/feed.atom", "application/atom+xml"),
            ("/deadlines.ics", "text/calendar"),
            ("/export/items.csv", "text/csv"),
        ):
            status, kind, _ = _get(base + path)
            assert status == 200 and kind.startswith(media_type), path
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_instance_path_setting_wins(installed, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRACKER_", "PYTHON"))}
    env |= {"TRACKER_INSTANCE_PATH": str(tmp_path / "inst"), "HOME": str(tmp_path / "home")}
    _run([str(installed / "bin" / "tracker"), "db", "upgrade"], cwd=tmp_path, env=env)
    assert (tmp_path / "inst" / "tracker.sqlite3").is_file()
    assert not (tmp_path / "home").exists()
