"""The store's exception tree.

StoreError
├── OrderNotFound (LookupError)
├── DuplicateOrder (ValueError)
├── RecordNotFound (LookupError)   a payment record looked up by an id that is unknown
└── DuplicateName (ValueError)     a user or API token name that is taken
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
