"""The treaty watch-list: the state vocabulary, the one writer of a treaty's state, polls' meaning.

Front doors: ``tracker.treaties.changes`` (the only writer of a treaty's state, pending state and
last-seen fields), ``tracker.treaties.observations`` (what a poll result means),
``tracker.treaties.states`` (the vocabulary), ``tracker.treaties.deadlines`` (invitations).
"""
