"""PACE texts: parsing them into numbered units, comparing adopted and draft, importing them.

Front doors: ``tracker.texts.parsing.parse_text`` (any text: plain text copied from
pace.coe.int or the older assembly.coe.int viewer, PDF text, Markdown, HTML),
``tracker.texts.seeding.seed_database`` (load ``seeds/``) and the ``tracker texts parse|import``
commands (``tracker.texts.cli``).

Conventions of the parser:

- Units are the numbered paragraphs at every depth ("9", "9.2", "9.2.1"), written with or
  without a trailing dot ("3.1 develop", "1 The") or without a space ("3.The"), maybe in
  Markdown emphasis ("**1.** The"). A number only starts a unit when it continues the
  numbering (the first child or a sibling at any depth of the previous unit), so a wrapped
  line starting with "2 October" or "71.3 %" stays text.
  Numbering starts at 1; a dotted number out of sequence is an error.
- A lettered or roman list item ("a.", "(b)", "i.", "ii)") under a unit is a unit numbered
  ``4.a``, ``4.a.ii``, with that unit as parent. After "h", "i" is a letter; otherwise "i"
  opens a roman list. An item written with its whole number ("24.2.a.", as the Rules of
  Procedure do) is the same unit, and only counts under that number.
- Footnote marks (¹, ``[^1]``, ``<sup>1</sup>``, Pandoc's ``^1^``, the website's "(1)"
  line, a plain digit glued to a word in PDF text when a note 1 exists) are removed from unit
  text and kept as footnotes with their mark. A note text is paired with the reference
  before it; when two notes share a mark and that pairing is not unique, parsing fails naming
  the mark.
- The addressee of a unit is the one its own call names ("The Assembly calls on the
  authorities of Kazakhstan to:", "recommends that the Committee of Ministers:"), written as
  in the text, else the one inherited from the nearest chapeau above it that names one.
- The Assembly's headers ("Resolution 2616 (2025)", "Provisional version", "Parliamentary
  Assembly", "Author(s): ...", "Origin - Assembly debate on ...", "Text adopted by the
  Assembly on ...", "See Doc. 16245, report of ...", an older text's "The Assembly,"), the older
  viewer's "(open)" and PDF page residue (page numbers, "Pag. 2", the running title,
  "Provisional version", the Strasbourg footer, rules, the ft.dk stamp and page images) are not
  text. A committee report's "A. Draft resolution" is read up to "B. Explanatory memorandum";
  an appendix, or the title line of another text, ends the text. A section heading between
  units ("A. General principles", "II. Final provisions") is a header. The debate and adoption
  lines printed after the text (older pages) and the websites' own lines ("See related
  documents", "Print", "See also:") are headers too.
- The title is what follows the title line up to the headers, else the block just above the
  title line (pace.coe.int prints it there). A title line before "Parliamentary Assembly" or
  the debate line replaces an earlier one (a table of contents); after them it is a reference.
  A "Texts adopted" compilation thus gives its first text.
- PDF pages: a note at the foot of a page ends at the page's footer or the next running title,
  or when after a finished note sentence comes a lower-case line, or a capitalised one that
  does not read like a note ("Text adopted ...", "See ...", "Resolution 2700 (2028)"); among
  notes the next undotted number ("2 See ...") is the next note. A soft hyphen at a line end
  joins the word; a plain hyphen there is kept ("non-\ngovernmental" is "non-governmental"),
  as nothing tells a layout's hyphenation from a compound. No-break spaces are spaces;
  zero-width characters go; a PDF's ligatures ("ﬁ") are letters again.
- HTML made from a PDF, one block per printed line (three or more blocks that end
  mid-sentence and go on in lower case), is read as lines, not as paragraphs apart.
- The older viewer's note inside a paragraph ("(1)", then "Doc. 10957 which revealed ...")
  keeps the reference as the note and gives the words after it back to the paragraph; a
  camera.it note is "(1) Assembly debate ..." on one line, and its reference "(2023)(1)" is
  one when such a note line exists (not after a digit: "Article 6(1)" is the law's); a word
  processor's "[1]" references and "[1] ..." notes are read the same way. A name
  with a star ("Kosovo*") refers to the "* ..." note.
- A call's addressee ends at the call's "to" (not a preposition: "States Parties to the
  Convention to:"), extends over a relative clause ("States which have been found to practise
  X, in particular Y, to"), may follow clauses ("Given X, in the light of Y, the Assembly
  calls on") or "and" ("condemns X and calls on Y to:"; in a chapeau the call before the colon
  counts, elsewhere the first). A unit whose last sentence is a chapeau of its own ("... In
  particular, it urges:") passes that sentence's scope to its sub-units.
- Inside a quotation opened with “ or « at the start of a line and not yet closed, a dotted
  number is the quoted text's ("replace Article 5 with: “1. Each Party ... 2. ...”");
  inside straight quotes only a number that cannot continue the numbering is.
- A form feed (pdftotext's page break) explains the gap after it: the cut unit goes on, even
  with a capital letter, and a wrapped "2 Member States" stays text.
- An undotted number after a line ending in a comma starts a unit (an older text's
  considerations: "1 In the light of ...,", "2 Instructs the Bureau to ..."). In a text whose
  first unit is undotted, a bare letter or roman numeral after a finished line is a list item
  too ("a adopt the emblem;"); in a dotted text "a new law" stays text. A text without any
  numbered paragraph whose unnumbered call ("Recommends that the Committee of Ministers") is
  followed by "a ..." has units ``a``, ``b`` at the top, addressed as that call says. The
  title comes before "Parliamentary Assembly" and the debate line, never after them.
"""
