"""Public responses kept in memory by their ETag: a page whose ETag is unchanged is unchanged.

The weak ETag of a public response (``tracker.web.caching``) stands for everything the page
shows, so a response a 304 may confirm may also be sent again as it was rendered. One cache per
app and process, bounded in bytes, least recently used out first; its only writer is ``put``
(``keep`` for a response already read).
"""

import threading
from collections import OrderedDict
from dataclasses import dataclass

from flask import Flask, Response

#: Bytes of bodies kept per process: a few hundred pages of the size of the dashboard.
MAX_BYTES = 32 * 1024 * 1024
#: A body larger than this (an export, a long history) is rendered each time.
MAX_BODY = 2 * 1024 * 1024


@dataclass(frozen=True)
class Kept:
    """What a view returned: status, the headers it set, the body."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def response(self, response_class: type[Response]) -> Response:
        """Return a new response with the kept status, headers and body."""
        return response_class(self.body, status=self.status, headers=list(self.headers))


class ResponseCache:
    """Rendered public responses by ETag, at most ``max_bytes`` of bodies."""

    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self._kept: OrderedDict[str, Kept] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()  # gthread workers share the process

    def get(self, etag: str) -> Kept | None:
        """Return the response kept for this ETag, if any."""
        with self._lock:
            kept = self._kept.get(etag)
            if kept is not None:
                self._kept.move_to_end(etag)
            return kept

    def put(self, etag: str, response: Response) -> None:
        """Keep a plain (not streamed) response under its ETag, within the byte bound."""
        if response.is_streamed or response.direct_passthrough:
            return
        body = response.get_data()
        self.keep(etag, Kept(response.status_code, tuple(response.headers.items()), body))

    def keep(self, etag: str, kept: Kept) -> None:
        """Keep a response already read, within the byte bound (one over ``MAX_BODY`` is not)."""
        body = kept.body
        if len(body) > MAX_BODY:
            return
        with self._lock:
            old = self._kept.pop(etag, None)
            self._bytes -= len(old.body) if old else 0
            self._kept[etag] = kept
            self._bytes += len(body)
            while self._bytes > self.max_bytes and self._kept:
                _, dropped = self._kept.popitem(last=False)
                self._bytes -= len(dropped.body)


def responses(app: Flask) -> ResponseCache:
    """Return the app's cache (each app its own: two apps may serve different data)."""
    return app.extensions.setdefault("tracker_responses", ResponseCache())
