"""E-mails to buyers and staff: what to say (``messages``), how it reads in the order's
locale (``render`` with the templates), and how it leaves (``sender``: SMTP; ``sink``: a local
SMTP server for the demo and the tests).

Sending is never part of a state change: the services queue a ``Mail`` and send it after the
commit, retrying what failed, so a mail server that is down blocks and rolls back nothing.
"""
