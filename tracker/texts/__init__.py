"""PACE texts: parsing them into numbered paragraphs, comparing adopted and draft, seeding them.

Front door: ``tracker.texts.seeding.seed_database`` (load ``seeds/``); the parser is
``tracker.texts.parsing.parse_paragraphs``.
"""
