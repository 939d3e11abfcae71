"""``tracker texts parse PATH|URL``: JSON on stdout, reasons on stderr, nothing changed."""

import http.server
import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests import text_shapes as shapes
from tracker.resources import SEEDS

ROOT = Path(__file__).resolve().parent.parent
TRACKER = str(Path(sys.executable).parent / "tracker")


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "TRACKER_DATABASE_URL": f"sqlite:///{cwd / 'never.sqlite3'}"}
    return subprocess.run(
        [TRACKER, "texts", "parse", *args], capture_output=True, text=True, cwd=cwd, env=env,
        timeout=60,
    )  # fmt: skip


@pytest.fixture
def server():
    """Serve a few pages on 127.0.0.1: an HTML text, a redirect, a too large body."""
    pages = {
        "/text.html": ("text/html; charset=utf-8", shapes.html_page().encode()),
        "/big.txt": ("text/plain", b"1. The Assembly notes.\n" * 300_000),
    }

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the http.server API)
            if self.path == "/moved":
                self.send_response(301)
                self.send_header("Location", "/text.html")
                self.end_headers()
                return
            if self.path not in pages:
                self.send_error(404)
                return
            content_type, body = pages[self.path]
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_parse_a_file_prints_json_and_changes_nothing(tmp_path):
    result = run(str(SEEDS / "resolution-2616-adopted.md"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert (document["kind"], document["number"], document["year"]) == (
        "resolution",
        "2616",
        "2025",
    )
    assert len(document["units"]) == 28
    assert document["units"][11] == {
        "number": "9.2.1",
        "parent": "9.2",
        "text": "accelerate progress towards the ratification of the Istanbul Convention;",
        "addressee": "the Parliament of Kazakhstan",
    }
    assert document["footnotes"][0]["mark"] == "1"
    assert list(tmp_path.iterdir()) == []  # no database, no file


def test_parse_a_url_follows_a_redirect(tmp_path, server):
    result = run(f"{server}/moved", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["units"] == shapes.expected_units()


@pytest.mark.parametrize(
    ("location", "reason"),
    [
        ("/nowhere/text.txt", "No such file"),
        ("ftp://127.0.0.1/text.txt", "only http and https"),
        ("file:///etc/passwd", "only http and https"),
    ],
)
def test_unreadable_sources_exit_1_with_the_reason(tmp_path, location, reason):
    result = run(location, cwd=tmp_path)
    assert result.returncode == 1
    assert reason in result.stderr
    assert result.stdout == ""


def test_http_errors_and_size_cap(tmp_path, server):
    missing = run(f"{server}/missing", cwd=tmp_path)
    assert missing.returncode == 1 and "HTTP 404" in missing.stderr
    big = run(f"{server}/big.txt", cwd=tmp_path)
    assert big.returncode == 1 and "larger than" in big.stderr


def test_no_numbered_units_exits_1_and_says_why(tmp_path):
    path = tmp_path / "news.txt"
    path.write_text("The Assembly met in Strasbourg.\nIt adopted a text.\n", encoding="utf-8")
    result = run(str(path), cwd=tmp_path)
    assert result.returncode == 1
    assert "no numbered paragraph" in result.stderr
    assert result.stdout == ""


def test_ambiguous_footnote_is_an_error_naming_the_mark(tmp_path):
    path = tmp_path / "text.md"
    path.write_text("1. One[^1].\n2. Two[^1].\n\n[^1]: A.\n[^1]: B.\n", encoding="utf-8")
    result = run(str(path), cwd=tmp_path)
    assert result.returncode == 1
    assert "footnote mark 1 " in result.stderr
