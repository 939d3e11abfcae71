"""Tracked paragraphs: the status vocabulary, the one status writer, queries and review flags.

Front door: ``tracker.items.status_changes.record_status_change``, the only writer of an item's
status (with its history row and event); ``tracker.items.queries`` reads for the pages.
"""
