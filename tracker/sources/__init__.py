"""Everything that talks to the outside: the Treaty Office client, evidence, source health.

Front doors: ``tracker.sources.treaty_office.TreatyOfficeClient``; ``tracker.sources.evidence``
(raw responses kept and hashed); ``tracker.sources.health`` (the one writer of a source's
check results and validators).
"""
