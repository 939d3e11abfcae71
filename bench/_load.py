"""Serve an app with gunicorn and hit it from a separate load-generator process."""

import http.client
import itertools
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from contextlib import ExitStack
from pathlib import Path

from _support import ROOT, BenchError, ask, free_port, spawn, tail

HELLO_APP = """from flask import Flask

app = Flask(__name__)
app.add_url_rule("/", "hello", lambda: "Hello, World!")
"""


def get(url: str, *, etag: list[str] | None = None) -> tuple[int, str]:
    """Fetch one page over a fresh connection; return its status and body (and note its ETag)."""
    host, _, rest = url.removeprefix("http://").partition("/")
    connection = http.client.HTTPConnection(host, timeout=30)
    try:
        connection.request("GET", "/" + rest)
        response = connection.getresponse()
        if etag is not None and response.getheader("ETag"):
            etag.append(response.getheader("ETag"))
        return response.status, response.read().decode()
    finally:
        connection.close()


def serve(stack: ExitStack, spec: str, *, env: dict[str, str], workers: int, log: Path) -> str:
    """Start gunicorn on a free port, wait until ``/`` answers 200, and return its base URL."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        spec,
    ]
    env = {"PATH": str(Path(sys.executable).parent), **env}
    if "PYTHONPATH" in os.environ and "PYTHONPATH" not in env:  # e.g. another checkout to compare
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    with log.open("w") as output:
        process = spawn(
            stack,
            command,
            pipes=False,
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url, deadline = f"http://127.0.0.1:{port}", time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            status, _body = get(url + "/")
        except OSError:
            time.sleep(0.2)
            continue
        if status == 200:
            return url
        raise BenchError(f"{spec} answered {status} at {url}/:\n{tail(log)}")
    raise BenchError(f"{spec} did not start on port {port}:\n{tail(log)}")


def generate_load(
    url: str,
    *,
    requests: int,
    connections: int,
    seconds: float,
    headers: dict[str, str] | None = None,
    expect: int = 200,
) -> dict:
    """Send up to ``requests`` GETs from ``connections`` threads within ``seconds``; time them."""
    host, _, rest = url.removeprefix("http://").partition("/")
    tickets, latencies, failures = itertools.count(), [], []
    deadline = time.perf_counter() + seconds

    def client() -> None:
        connection = http.client.HTTPConnection(host, timeout=60)  # reopens when servers close
        try:
            while not failures and (ticket := next(tickets)) < requests:
                if time.perf_counter() >= deadline:
                    break
                began = time.perf_counter()
                # "{n}" in the URL becomes the request's number: a URL no cache has seen.
                connection.request(
                    "GET", "/" + rest.replace("{n}", str(ticket)), headers=headers or {}
                )
                response = connection.getresponse()
                response.read()
                if response.status != expect:
                    failures.append(f"{url} answered {response.status}")
                latencies.append(time.perf_counter() - began)
        except (OSError, http.client.HTTPException) as error:
            failures.append(f"{url}: {error!r}")
        finally:
            connection.close()

    threads = [threading.Thread(target=client) for _ in range(connections)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    median = statistics.median(latencies) if latencies else float("nan")
    return {"rps": len(latencies) / elapsed, "ms": median * 1000, "failures": failures[:3]}


def run_load_generator() -> None:
    """Answer each job read as a JSON line on stdin with a JSON line of results."""
    for line in sys.stdin:
        print(json.dumps(generate_load(**json.loads(line))), flush=True)


def measure(generator: subprocess.Popen, url: str, **job) -> dict:
    """Have the load generator process hit ``url`` and return its results."""
    line = ask(generator, json.dumps({"url": url, **job}))
    if not line:
        raise BenchError("the load generator process exited")
    result = json.loads(line)
    if result["failures"]:
        raise BenchError("; ".join(result["failures"]))
    return result
