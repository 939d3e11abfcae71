"""Open data: the public records of paragraphs, status changes and treaties, read page by page.

Front doors: ``tracker.exports.records`` (the public form of each row, shared by the API, the CSV
and JSON exports and the feeds), ``tracker.exports.queries`` (keyset pages: ``after`` is the key of
the last row a reader has), ``tracker.exports.tables`` (the export tables) and
``tracker.exports.dataset`` (``tracker export DIR``). Nothing here writes to the database.
"""
