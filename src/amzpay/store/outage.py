"""A database that does not answer: how to tell.

    database_unavailable(error)   True for a connection refused, lost or timed out (transient),
                                  False for a bug or a schema problem (asking again won't help)

The store turns such an error into ``StorageUnavailable`` (``amzpay.ports.errors``), which is
what the layers above see; ``amzpay.ports.outage`` is how their loops wait it out.
"""

from __future__ import annotations

from typing import Final

from sqlalchemy.exc import DBAPIError, OperationalError, TimeoutError

# SQLite reports a schema that is missing, and a write inside a read, as an OperationalError
# too: bugs, not outages.
_SCHEMA_PROBLEMS: Final = ("no such table", "no such column", "attempt to write a readonly")


def database_unavailable(error: BaseException) -> bool:
    """Whether ``error`` says the database cannot be reached now (asking later may work)."""
    if isinstance(error, TimeoutError):  # no pooled connection came free in time
        return True
    if isinstance(error, OperationalError):
        return not str(error.orig).startswith(_SCHEMA_PROBLEMS)
    return isinstance(error, DBAPIError) and error.connection_invalidated
