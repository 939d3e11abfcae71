"""Bench smoke test: every benchmark runs with --quick --json and ends with its JSON measures."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.bench

BENCH = Path(__file__).resolve().parent.parent / "bench"
# The stable keys each script's last line carries; None is allowed only where a measure may be
# absent (the 304 revalidation, when the dashboard answers without an ETag).
KEYS = {
    "dashboard.py": {
        "dashboard_vs_hello": False,
        "dashboard_304_vs_hello": True,
        "item_vs_hello": False,
        "dashboard_large_vs_small_time": False,
        "dashboard_1m_vs_1k": False,
        "dashboard_rendered_vs_hello": False,
        "item_rendered_vs_hello": False,
    },
    "poll.py": {"poll_unchanged_vs_bare": False},
    "sources.py": {"sources_vs_bare": False},
    "digest.py": {"digest_vs_smtplib": False, "digest_rss_10k_vs_1k": False},
    "scaling.py": {
        "dashboard_rps_1w": False,
        "api_rps_4w": False,
        "dashboard_rendered_rps_2w": False,
        "failover_runs": False,
    },
}


@pytest.fixture(scope="module")
def outputs() -> dict[str, subprocess.CompletedProcess]:
    """Run the quick benchmarks side by side (they take minutes one after the other)."""
    running = {
        name: subprocess.Popen(
            [sys.executable, str(BENCH / name), "--quick", "--json"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in KEYS
    }
    done = {}
    for name, process in running.items():
        try:
            stdout, stderr = process.communicate(timeout=900)
        except subprocess.TimeoutExpired:
            process.kill()
            stdout, stderr = process.communicate()
        done[name] = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    return done


@pytest.mark.parametrize("name", list(KEYS))
def test_quick_benchmark_ends_with_its_json_measures(outputs, name):
    result = outputs[name]
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.strip().splitlines()
    assert len(lines) > 1, "the table for people comes before the JSON line"
    measures = json.loads(lines[-1])
    for key, may_be_absent in KEYS[name].items():
        value = measures[key]
        if value is None and may_be_absent:
            continue
        assert isinstance(value, int | float) and value > 0, (key, value)
