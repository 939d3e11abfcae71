"""PACE texts: parsing them into numbered units, comparing adopted and draft, importing them.

Front doors: ``tracker.texts.parsing.parse_text`` (any text: plain text copied from
pace.coe.int or the older assembly.coe.int viewer, PDF text, Markdown, HTML),
``tracker.texts.seeding.seed_database`` (load ``seeds/``) and the ``tracker texts parse|import``
commands (``tracker.texts.cli``).

Conventions of the parser:

- Units are the numbered paragraphs at every depth ("9", "9.2", "9.2.1"), written with or
  without a trailing dot ("3.1 develop", "1 The") or without a space ("3.The"). A number only
  starts a unit when it continues the numbering (the first child or a sibling at any depth of
  the previous unit), so a wrapped line starting with "2 October" or "71.3 %" stays text.
  Numbering starts at 1; a dotted number out of sequence is an error.
- A lettered or roman list item ("a.", "(b)", "i.", "ii)") under a unit is a unit numbered
  ``4.a``, ``4.a.ii``, with that unit as parent. After "h", "i" is a letter; otherwise "i"
  opens a roman list.
- Footnote marks (¹, ``[^1]``, ``<sup>1</sup>``, the website's "(1)" line, a plain digit glued
  to a word in PDF text when a note 1 exists) are removed from unit text and kept as footnotes
  with their mark. A note text is paired with the reference before it; when two notes share a
  mark and that pairing is not unique, parsing fails naming the mark.
- The addressee of a unit is the one its own call names ("The Assembly calls on the
  authorities of Kazakhstan to:", "recommends that the Committee of Ministers:"), written as
  in the text, else the one inherited from the nearest chapeau above it that names one.
- The Assembly's headers ("Resolution 2616 (2025)", "Provisional version", "Parliamentary
  Assembly", "Author(s): ...", "Origin - Assembly debate on ...", "Text adopted by the
  Assembly on ...", "See Doc. 16245, report of ..."), the older viewer's "(open)" and PDF page
  residue (page numbers, the running title, the Strasbourg footer) are not text. A committee
  report's "A. Draft resolution" is read up to "B. Explanatory memorandum"; an appendix ends
  the text.
"""
