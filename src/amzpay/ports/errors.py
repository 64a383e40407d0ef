"""What a unit of work raises, whichever storage is behind it.

StoreError
├── OrderNotFound (LookupError)
├── DuplicateOrder (ValueError)
├── RecordNotFound (LookupError)   a payment record looked up by an id that is unknown
├── DuplicateName (ValueError)     a user or API token name that is taken
└── StorageFailed                  the storage itself failed: a bug or a schema problem
    └── StorageUnavailable         it cannot be reached now (refused, lost, timed out):
                                   transient, asking again later may work

The storage's own exception (a driver's) is the ``__cause__`` of a ``StorageFailed``; only its
kind (``StorageFailed.kind``) is ever shown, never its text, which can hold a host, a user or
a URL.
"""

from __future__ import annotations


class StoreError(Exception):
    """Base of the errors the store raises."""


class OrderNotFound(StoreError, LookupError):
    def __init__(self, reference: str) -> None:
        self.reference = reference
        super().__init__(f"no order {reference!r}")


class DuplicateOrder(StoreError, ValueError):
    def __init__(self, reference: str) -> None:
        self.reference = reference
        super().__init__(f"order {reference!r} is already stored")


class RecordNotFound(StoreError, LookupError):
    def __init__(self, kind: str, key: str) -> None:
        self.kind, self.key = kind, key
        super().__init__(f"no {kind} {key!r}")


class DuplicateName(StoreError, ValueError):
    def __init__(self, kind: str, name: str) -> None:
        self.kind, self.name = kind, name
        super().__init__(f"a {kind} named {name!r} exists already")


class StorageFailed(StoreError):
    """The storage failed under a unit of work; ``kind`` names the underlying error."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        super().__init__(f"the database failed ({kind})")


class StorageUnavailable(StorageFailed):
    """The storage cannot be reached now; asking again later may work."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.args = (f"the database is unreachable ({kind})",)
