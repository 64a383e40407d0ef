"""The SNS envelope: reading it, and the exact text its signature covers.

Amazon Pay IPNs are Amazon SNS HTTP notifications (research: amazonpay-api.md B.2, B.3; AWS
SNS developer guide, "Verifying the signatures of Amazon SNS messages"):

- ``Notification``: the string to sign is ``Key\\nValue\\n`` for each of Message, MessageId,
  Subject (only when present), Timestamp, TopicArn, Type, in that order;
- ``SubscriptionConfirmation`` / ``UnsubscribeConfirmation``: Message, MessageId, SubscribeURL,
  Timestamp, Token, TopicArn, Type;
- ``SignatureVersion`` "1" is RSA PKCS#1 v1.5 with SHA1, "2" the same with SHA256.

Values are signed as JSON-decoded strings (Message is the escaped inner JSON's text). Bodies
are read by orjson, which is strict where ``json`` is lenient: NaN, infinite numbers and
lone surrogates (``"\\ud800"``) are InvalidJson, as is nesting beyond 1024.

Raises the errors of ``ipn.errors``: BodyTooLarge, InvalidJson, MissingField, InvalidField,
InvalidSignature.
"""

from __future__ import annotations

import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

import orjson
from cryptography.hazmat.primitives import hashes

from amzpay.amazonpay.ipn.errors import (
    BodyTooLarge,
    InvalidField,
    InvalidJson,
    InvalidSignature,
    IpnError,
    MissingField,
)


class MessageType(StrEnum):
    NOTIFICATION = "Notification"
    SUBSCRIPTION_CONFIRMATION = "SubscriptionConfirmation"
    UNSUBSCRIBE_CONFIRMATION = "UnsubscribeConfirmation"


_CONFIRMATION_FIELDS: Final = (
    "Message",
    "MessageId",
    "SubscribeURL",
    "Timestamp",
    "Token",
    "TopicArn",
    "Type",
)
SIGNED_FIELDS: Final[Mapping[MessageType, tuple[str, ...]]] = {
    MessageType.NOTIFICATION: ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"),
    MessageType.SUBSCRIPTION_CONFIRMATION: _CONFIRMATION_FIELDS,
    MessageType.UNSUBSCRIBE_CONFIRMATION: _CONFIRMATION_FIELDS,
}
_KINDS: Final[Mapping[str, MessageType]] = {kind.value: kind for kind in MessageType}
_OPTIONAL_FIELDS: Final = frozenset({"Subject"})
_UNSIGNED_REQUIRED: Final = ("SignatureVersion", "Signature", "SigningCertURL")
_REQUIRED: Final[Mapping[MessageType, tuple[str, ...]]] = {
    kind: (*_UNSIGNED_REQUIRED, *(f for f in signed if f not in _OPTIONAL_FIELDS))
    for kind, signed in SIGNED_FIELDS.items()
}

HASHES: Final[Mapping[str, hashes.HashAlgorithm]] = {
    "1": hashes.SHA1(),  # algorithm descriptors are stateless: shared by every message
    "2": hashes.SHA256(),
}


@dataclass(frozen=True, slots=True)
class Envelope:
    """A read SNS body, not yet verified."""

    type: MessageType
    message_id: str
    topic_arn: str
    message: str
    timestamp: str
    signature_version: str
    signature: bytes
    signing_cert_url: str
    subscribe_url: str | None
    signed_text: bytes

    @property
    def hash_algorithm(self) -> hashes.HashAlgorithm:
        return HASHES[self.signature_version]


def _json_object(body: bytes | str, what: str) -> dict[str, object]:
    """``body`` parsed by orjson: strict UTF-8 and RFC 8259 (no NaN, no lone surrogates)."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:  # also bad UTF-8, too deep nesting
        raise InvalidJson(f"{what} is not valid UTF-8 JSON") from None
    if not isinstance(data, dict):
        raise InvalidJson(f"{what} is not a JSON object")
    return data


def _refused(data: Mapping[str, object], field: str) -> IpnError:
    """Why ``field`` of ``data`` is not a string: absent (or null), or of another type."""
    value = data.get(field)
    if value is None:
        return MissingField(field)
    return InvalidField(field, f"expected a string, got {type(value).__name__}")


def _text(data: Mapping[str, object], field: str) -> str:
    value = data.get(field)
    if type(value) is not str:
        raise _refused(data, field)
    return value


def _check_fields(data: Mapping[str, object], kind: MessageType) -> None:
    """Every field ``kind`` needs is a string, and so is Subject when present."""
    for name in _REQUIRED[kind]:
        if type(data.get(name)) is not str:
            raise _refused(data, name)
    subject = data.get("Subject")
    if subject is not None and type(subject) is not str:
        raise _refused(data, "Subject")


def _signed_text(fields: Mapping[str, str], kind: MessageType) -> bytes:
    """``Name\\nValue\\n`` for each signed field present, in the order SNS signs them."""
    parts: list[str] = []
    for name in SIGNED_FIELDS[kind]:
        value = fields.get(name)
        if value is not None:  # only Subject may be absent: the others were checked
            parts += (name, "\n", value, "\n")
    return "".join(parts).encode("utf-8")


def _signature(text: str) -> bytes:
    try:
        # strict_mode: only the base64 alphabet and correct padding, as b64decode(validate=True)
        return binascii.a2b_base64(text, strict_mode=True)
    except ValueError:  # binascii.Error, and a non-ASCII str
        raise InvalidSignature("Signature is not base64") from None


def read_envelope(body: bytes, max_bytes: int) -> Envelope:
    """The envelope of an SNS POST body of at most ``max_bytes`` bytes."""
    if len(body) > max_bytes:
        raise BodyTooLarge(len(body), max_bytes)
    data = _json_object(body, "the IPN body")
    type_name = _text(data, "Type")
    kind = _KINDS.get(type_name)
    if kind is None:
        raise InvalidField("Type", f"unknown SNS message type {type_name!r}")
    _check_fields(data, kind)
    fields: Mapping[str, str] = data  # type: ignore[assignment]  # every field read is a str
    version = fields["SignatureVersion"]
    if version not in HASHES:
        raise InvalidField("SignatureVersion", f"{version!r} is neither '1' nor '2'")
    return Envelope(
        type=kind,
        message_id=fields["MessageId"],
        topic_arn=fields["TopicArn"],
        message=fields["Message"],
        timestamp=fields["Timestamp"],
        signature_version=version,
        signature=_signature(fields["Signature"]),
        signing_cert_url=fields["SigningCertURL"],
        subscribe_url=fields.get("SubscribeURL") if kind is not MessageType.NOTIFICATION else None,
        signed_text=_signed_text(fields, kind),
    )


def read_message_object(message: str) -> dict[str, object]:
    """The inner Message as a JSON object (raises InvalidJson)."""
    return _json_object(message, "the IPN Message")
