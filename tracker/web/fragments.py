"""Parts of public pages rendered once per exact key, per process.

A part is kept only under a key that names everything it shows, so that the same key always
renders the same HTML: the status chart is named by its timeline's key
(``tracker.items.timeline.timeline_key``: the status history's head, the operative paragraphs,
the day) and the language. A page whose ETag moved for something else (a source check, a
query argument) renders the rest and takes the part as it was. The only writer is ``rendered``.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable

from flask import current_app
from markupsafe import Markup

#: Parts kept per process: a few per text and language.
MAX_PARTS = 256


class Parts:
    """Rendered parts by key, least recently used out first."""

    def __init__(self, max_parts: int = MAX_PARTS) -> None:
        self.max_parts = max_parts
        self._kept: OrderedDict[tuple, Markup] = OrderedDict()
        self._lock = threading.Lock()  # gthread workers share the process

    def rendered(self, key: tuple, render: Callable[[], str]) -> Markup:
        """Return the part kept under ``key``, rendering and keeping it the first time."""
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None:
                self._kept.move_to_end(key)
                return kept
        part = Markup(render())  # outside the lock: rendering may take milliseconds
        with self._lock:
            self._kept[key] = part
            while len(self._kept) > self.max_parts:
                self._kept.popitem(last=False)
        return part


def parts() -> Parts:
    """Return the current app's parts (each app its own)."""
    return current_app.extensions.setdefault("tracker_parts", Parts())
