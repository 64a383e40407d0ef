"""Identifiers in Amazon's formats (amazonpay-api.md §A.6).

An order reference is ``S01-1234567-1234567`` in the sandbox (``P01-`` live); its
authorizations, captures and refunds append ``-A``, ``-C`` or ``-R`` and six digits.
Request ids are UUIDs. A seed makes every id of a run reproducible.
"""

from __future__ import annotations

import base64
import random
import uuid
from collections.abc import Callable


class IdFactory:
    """Makes fresh ids; never the same one twice in a run."""

    def __init__(self, seed: int | None = None) -> None:
        self._random = random.Random(seed)
        self._issued: set[str] = set()

    def order_reference(self, sandbox: bool) -> str:
        prefix = "S01" if sandbox else "P01"
        return self._fresh(lambda: f"{prefix}-{self._digits(7)}-{self._digits(7)}")

    def child(self, order_reference_id: str, letter: str) -> str:
        """An authorization (``A``), capture (``C``) or refund (``R``) id under an order."""
        return self._fresh(lambda: f"{order_reference_id}-{letter}{self._digits(6)}")

    def request_id(self) -> str:
        return str(uuid.UUID(int=self._random.getrandbits(128), version=4))

    def message_id(self) -> str:
        return self.request_id()

    def access_token(self) -> str:
        """A Login with Amazon access token, ``Atza|`` and opaque characters as Amazon's."""
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        return self._fresh(lambda: "Atza|" + "".join(self._random.choices(alphabet, k=64)))

    def page_token(self) -> str:
        """An opaque NextPageToken, base64 as in Amazon's samples."""
        return base64.b64encode(self.request_id().encode()).decode()

    def _digits(self, count: int) -> str:
        return "".join(self._random.choice("0123456789") for _ in range(count))

    def _fresh(self, make: Callable[[], str]) -> str:
        candidate = make()
        while candidate in self._issued:
            candidate = make()
        self._issued.add(candidate)
        return candidate
