"""Mail: subscriptions, tokens, content, alerts and digests queued into the outbox, SMTP sending.

Front doors: ``tracker.mail.alerts`` and ``tracker.mail.digests`` queue; ``tracker.mail.outbox``
is the one writer of an outbox row's state; ``tracker.mail.sending.send_due_mail`` sends, each
message written out by ``tracker.mail.wire``.
"""
