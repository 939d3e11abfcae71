"""Point 4: CSV exports (RFC 4180, UTF-8, attachment) and ``tracker export DIR``."""

import csv
import hashlib
import io
import json

import pytest
from sqlmodel import select

from tests.open_data_helpers import TRICKY_NOTE, change_status, fetch
from tests.test_web import submit_change
from tracker.models import Treaty

pytest_plugins = ["tests.conftest_browser"]

BASE = "https://tracker.example.org"


def read_csv(body: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8"), newline="")))


@pytest.mark.parametrize("name", ["items", "history", "treaties"])
def test_csv_downloads_are_utf8_attachments_with_a_header(live_server, name):
    answer = fetch(f"{live_server}/export/{name}.csv")
    assert answer.status == 200
    assert answer.headers["Content-Type"] == "text/csv; charset=utf-8; header=present"
    assert answer.headers["Content-Disposition"] == f'attachment; filename="{name}.csv"'
    header = answer.body.split(b"\r\n", 1)[0].decode()
    assert header.split(",")[0] in {"text_slug", "id", "slug"}


def test_a_tricky_note_round_trips_exactly(engine, live_server):
    change_status(engine, "9.2.1", note=TRICKY_NOTE, evidence_url="https://x.example/a?b=1,2")
    body = fetch(f"{live_server}/export/history.csv").body
    (row,) = read_csv(body)
    assert row["note"] == TRICKY_NOTE
    assert row["evidence_url"] == "https://x.example/a?b=1,2"
    assert (row["text_slug"], row["item"]) == ("res-2616", "9.2.1")
    assert (row["from"], row["to"]) == ("not_assessed", "in_progress")
    assert row["by"] == "Ana Monitor" and row["item_url"] == f"{BASE}/texts/res-2616/9.2.1"
    # RFC 4180: records end with CRLF; the note's own line breaks stay inside its quotes.
    assert body.endswith(b"\r\n") and b'"Bill ""No. 12"", tabled' in body


def test_history_shows_a_public_name_never_the_address(client, login, live_server):
    email = login("reviewer@example.org")
    assert submit_change(client, "9.2.1", note="Seen").status_code == 302
    for path in ("/export/history.csv", "/api/v1/items/9.2.1", "/changes.atom",
                 "/texts/res-2616/9.2.1/feed.atom", "/api/v1/events"):
        body = fetch(live_server + path).body.decode()
        assert "Seen" in body or "In progress" in body, path
        assert email not in body and "reviewer@" not in body, path
    (row,) = read_csv(fetch(f"{live_server}/export/history.csv").body)
    assert row["by"] and "@" not in row["by"]


def test_items_and_treaties_have_one_row_each(engine, live_server, session):
    change_status(engine, "11.4", note="x")
    items = read_csv(fetch(f"{live_server}/export/items.csv").body)
    assert len(items) == 28
    by_number = {row["number"]: row for row in items}
    assert by_number["9.2.1"]["parent"] == "9.2" and by_number["1"]["parent"] == ""
    assert by_number["11.4"]["status"] == "in_progress" and by_number["11.4"]["since"]
    assert by_number["9.2.1"]["url"] == f"{BASE}/texts/res-2616/9.2.1"
    assert by_number["9.2.1"]["text"].strip()
    treaties = read_csv(fetch(f"{live_server}/export/treaties.csv").body)
    assert len(treaties) == len(session.exec(select(Treaty)).all())
    cets_210 = next(row for row in treaties if row["slug"] == "cets-210")
    assert cets_210["invitation_lapses_on"] == "2025-04-22"
    assert "res-2616/9.2.1" in cets_210["items"].split()


def test_tracker_export_writes_csv_json_and_a_manifest(app, engine, tmp_path):
    change_status(engine, "9.2.1", note=TRICKY_NOTE)
    target = tmp_path / "release"
    result = app.test_cli_runner().invoke(args=["export", str(target)])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in target.iterdir())
    assert names == sorted(["SHA256SUMS", "metadata.json", "items.csv", "items.json",
                            "history.csv", "history.json", "treaties.csv", "treaties.json"])
    sums = (target / "SHA256SUMS").read_text().splitlines()
    assert len(sums) == 7
    for line in sums:
        digest, name = line.split("  ")
        assert hashlib.sha256((target / name).read_bytes()).hexdigest() == digest
    metadata = json.loads((target / "metadata.json").read_text())
    assert metadata["date"] == metadata["generated_at"][:10] and metadata["source"] == BASE
    assert metadata["rows"] == {"items": 28, "history": 1, "treaties": 13}
    for name in ("items", "history", "treaties"):
        document = json.loads((target / f"{name}.json").read_text(encoding="utf-8"))
        as_csv = read_csv((target / f"{name}.csv").read_bytes())
        as_json = [{k: "" if v is None else str(v) for k, v in row.items()}
                   for row in document["rows"]]
        assert as_json == as_csv and document["date"] == metadata["date"]
    history = json.loads((target / "history.json").read_text(encoding="utf-8"))
    assert history["rows"][0]["note"] == TRICKY_NOTE


def test_the_download_equals_the_release_file(app, client, tmp_path):
    app.test_cli_runner().invoke(args=["export", str(tmp_path)])
    for name in ("items", "history", "treaties"):
        assert client.get(f"/export/{name}.csv").data == (tmp_path / f"{name}.csv").read_bytes()
