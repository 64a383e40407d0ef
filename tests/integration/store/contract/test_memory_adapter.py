"""The in-memory store stands in for the store's Transaction: every public method, with the
same parameters, defaults and types."""

from __future__ import annotations

import inspect
import typing

import pytest

from amzpay.store.transaction import Transaction
from fakes.memory import MemoryTransaction

# SQLAlchemy's own: the id of a row an INSERT returned, from its CursorResult.
_SQL_ONLY = {"inserted_id"}

PUBLIC = sorted(
    name
    for name, member in inspect.getmembers(Transaction)
    if not name.startswith("_") and callable(member) and name not in _SQL_ONLY
)


def test_the_store_has_the_methods_the_adapter_is_checked_against():
    assert len(PUBLIC) > 90
    assert {"add_order", "claim_job", "book_refund", "receive_ipn", "order_page"} <= set(PUBLIC)


@pytest.mark.parametrize("name", PUBLIC)
def test_the_memory_transaction_has_the_method_with_the_same_signature(name):
    ours, theirs = getattr(MemoryTransaction, name, None), getattr(Transaction, name)
    assert ours is not None, f"MemoryTransaction has no {name}"

    def shape(method):
        return [(p.name, p.kind, p.default) for p in inspect.signature(method).parameters.values()]

    assert shape(ours) == shape(theirs)
    assert typing.get_type_hints(ours) == typing.get_type_hints(theirs)
