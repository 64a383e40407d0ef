"""``x-amz-pay-idempotency-key`` (amazonpay-api.md §C.4): POST requests only; at most 32
characters of ``a-z A-Z 0-9 - _``; unique per seller account and kept indefinitely. A repeat
with the same key and the same request gets the saved answer of the first; the same key on
another request (another body, path or operation) is DuplicateIdempotencyKey.

Only answers that succeeded are saved: a refused request leaves its key free, so a shop can
correct it and send it again.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from .errors import V2Error

HEADER = "x-amz-pay-idempotency-key"
_KEY = re.compile(r"[A-Za-z0-9_-]{1,32}")


@dataclass(frozen=True)
class Saved:
    fingerprint: str
    status: int
    body: bytes


def read_key(value: str | None, required: bool) -> str | None:
    """The key a request carries, checked against Amazon's format rules."""
    if value is None:
        if required:
            raise V2Error("MissingHeader", f"The request must carry the header {HEADER}.")
        return None
    if not value:
        raise V2Error("MissingHeaderValue", f"The header {HEADER} has no value.")
    if not _KEY.fullmatch(value):
        raise V2Error(
            "InvalidHeaderValue",
            f"The {HEADER} {value!r} must be 1 to 32 characters of a-z, A-Z, 0-9, - and _.",
        )
    return value


def fingerprint(operation: str, resource: str | None, body: bytes) -> str:
    """What makes two requests the same: operation, object and body (as JSON, so that
    spacing and key order do not count)."""
    try:
        content = json.dumps(json.loads(body), sort_keys=True) if body.strip() else ""
    except ValueError:
        content = body.decode(errors="replace")
    return json.dumps([operation, resource, content])


class IdempotencyKeys:
    """Every key a seller has used, with the answer it got."""

    def __init__(self) -> None:
        self._saved: dict[tuple[str, bool, str], Saved] = {}

    def replay(self, owner: tuple[str, bool], key: str, print_: str) -> Saved | None:
        """The saved answer of a repeat; None for a new key; DuplicateIdempotencyKey for a
        key used on another request."""
        saved = self._saved.get((*owner, key))
        if saved is None:
            return None
        if saved.fingerprint != print_:
            raise V2Error(
                "DuplicateIdempotencyKey",
                f"The {HEADER} {key} was already used with other request values.",
            )
        return saved

    def save(self, owner: tuple[str, bool], key: str, saved: Saved) -> None:
        self._saved[(*owner, key)] = saved
