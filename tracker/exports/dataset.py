"""A dated, citable release of the open data: CSV and JSON of each table, and SHA256SUMS."""

import hashlib
import json
from datetime import datetime
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, select

from tracker.exports.records import Links
from tracker.exports.tables import TABLES, csv_text, json_rows
from tracker.models import Event

MANIFEST = "SHA256SUMS"


def write_dataset(session: Session, directory: Path, links: Links, *, now: datetime) -> list[str]:
    """Write every table as CSV and JSON, a metadata file and the manifest; return file names."""
    directory.mkdir(parents=True, exist_ok=True)
    if session.get_bind().dialect.name == "postgresql":
        # One snapshot for every table, so the files agree with each other and the log's head.
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    head = session.exec(select(func.max(Event.id))).one() or 0
    stamp = {
        "generated_at": now.isoformat(),
        "date": now.date().isoformat(),
        "source": links.base_url,
        "event_log_head": head,
    }
    contents: dict[str, bytes] = {}
    for name, build in TABLES.items():
        table = build(session, links, today=now.date())
        contents[f"{name}.csv"] = csv_text(table).encode("utf-8")
        document = {**stamp, "table": name, "columns": list(table.columns)}
        document["rows"] = json_rows(table)
        contents[f"{name}.json"] = _json(document)
    counts = {name.removesuffix(".json"): len(json.loads(body)["rows"])
              for name, body in contents.items() if name.endswith(".json")}
    contents["metadata.json"] = _json({**stamp, "files": sorted(contents), "rows": counts})
    for name, body in contents.items():
        (directory / name).write_bytes(body)
    # The format `sha256sum -c SHA256SUMS` checks: "<hex>  <name>", one file a line.
    sums = "".join(f"{hashlib.sha256(body).hexdigest()}  {name}\n"
                   for name, body in sorted(contents.items()))
    (directory / MANIFEST).write_text(sums, encoding="utf-8")
    return [*sorted(contents), MANIFEST]


def _json(document: dict) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
