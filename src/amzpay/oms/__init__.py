"""The generic order state machine engine: states, events, transitions, conditions,
commands, timeouts. Knows nothing of Amazon.

Empty until its issue lands; it exists now so the layer contracts in pyproject.toml hold
from the first commit.
"""
