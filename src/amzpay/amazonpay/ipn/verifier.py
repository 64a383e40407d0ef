"""Verify an IPN, then read it: the order every check happens in.

1. the body is at most ``max_body_bytes`` (BodyTooLarge);
2. the SNS envelope is a JSON object with every field its type signs (InvalidJson,
   MissingField, InvalidField); given ``x-amz-sns-*`` headers agree with it (InvalidField);
3. SigningCertURL obeys the URL policy (UntrustedCertificateUrl), and only then is the
   certificate fetched, or its key taken from the cache (CertificateUnavailable);
4. the signature verifies over the canonical string (InvalidSignature);
5. only now is the inner Message read (InvalidJson, MissingField, InvalidField, InvalidXml),
   and its SellerId and ReleaseEnvironment must be the configured ones (ForeignNotification).

A SubscriptionConfirmation is verified the same way and returned as is: confirming it means
fetching SubscribeURL, which is the operator's decision, never done here.

Raises only the errors of ``ipn.errors``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from cryptography.exceptions import InvalidSignature as CryptoInvalidSignature
from cryptography.hazmat.primitives.asymmetric import padding

from amzpay.amazonpay.ipn.certificates import (
    CertificateCache,
    CertificateFetcher,
    CertificateUrlPolicy,
)
from amzpay.amazonpay.ipn.envelope import Envelope, MessageType, read_envelope
from amzpay.amazonpay.ipn.errors import ForeignNotification, InvalidField, InvalidSignature
from amzpay.amazonpay.ipn.notification import IpnMessage, read_message
from amzpay.amazonpay.mws.regions import Environment

_PKCS1: Final = padding.PKCS1v15()  # stateless: one for every verification
DEFAULT_MAX_BODY_BYTES: Final = 64 * 1024  # Amazon Pay IPNs are 2-5 KB; SNS caps at 256 KB


@dataclass(frozen=True, slots=True)
class IpnSettings:
    """What a notification must match to be accepted."""

    seller_id: str
    release_environment: Environment  # "Sandbox" or "Live", as Amazon spells it
    url_policy: CertificateUrlPolicy = field(default_factory=CertificateUrlPolicy)
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES

    def __post_init__(self) -> None:
        # Accept the plain strings "Sandbox"/"Live"; refuse anything else at once.
        object.__setattr__(self, "release_environment", Environment(self.release_environment))


@dataclass(frozen=True, slots=True)
class VerifiedNotification:
    """A notification whose signature verified and whose message was read."""

    envelope: Envelope
    message: IpnMessage

    @property
    def message_id(self) -> str:
        """SNS's MessageId: the key that makes redelivered IPNs recognisable."""
        return self.envelope.message_id


@dataclass(frozen=True, slots=True)
class VerifiedSubscription:
    """A verified Subscription- or UnsubscribeConfirmation."""

    envelope: Envelope

    @property
    def subscribe_url(self) -> str | None:
        return self.envelope.subscribe_url


class IpnVerifier:
    """Verifies and reads IPN bodies against ``settings``; ``fetch`` gets certificates (an
    ``HttpxCertificateFetcher`` in production), whose keys are cached."""

    def __init__(
        self, settings: IpnSettings, fetch: CertificateFetcher, *, cache_size: int = 32
    ) -> None:
        self._settings = settings
        # The cache is private: it only ever holds URLs that passed this verifier's policy,
        # so a cached URL needs no second check.
        self._keys = CertificateCache(fetch, max_entries=cache_size)

    @property
    def cached_certificates(self) -> int:
        return len(self._keys)

    def verify(
        self, body: bytes, headers: Mapping[str, str] | None = None
    ) -> VerifiedNotification | VerifiedSubscription:
        """The verified notification ``body`` holds (``headers`` as received, optional)."""
        envelope = self.verify_envelope(body, headers)
        if envelope.type is not MessageType.NOTIFICATION:
            return VerifiedSubscription(envelope)
        message = read_message(envelope.message)
        self._check_recipient(message)
        return VerifiedNotification(envelope, message)

    def verify_envelope(self, body: bytes, headers: Mapping[str, str] | None = None) -> Envelope:
        """Steps 1-4: the envelope, once its signature is known to be Amazon's."""
        envelope = read_envelope(body, self._settings.max_body_bytes)
        _check_headers(envelope, headers)
        key = self._keys.get(envelope.signing_cert_url)
        if key is None:
            self._settings.url_policy.check(envelope.signing_cert_url)
            key = self._keys.load(envelope.signing_cert_url)
        try:
            key.verify(
                envelope.signature,
                envelope.signed_text,
                _PKCS1,
                envelope.hash_algorithm,
            )
        except (CryptoInvalidSignature, ValueError):
            raise InvalidSignature("the IPN signature does not verify") from None
        return envelope

    def _check_recipient(self, message: IpnMessage) -> None:
        expected = self._settings
        if message.seller_id != expected.seller_id:
            raise ForeignNotification("SellerId", expected.seller_id, message.seller_id)
        if message.release_environment != expected.release_environment:
            raise ForeignNotification(
                "ReleaseEnvironment", expected.release_environment, message.release_environment
            )


def _check_headers(envelope: Envelope, headers: Mapping[str, str] | None) -> None:
    """SNS repeats Type, MessageId and TopicArn in headers; when given, they must agree with
    the signed body (as the PHP, Java and Python SDKs check; research B.3)."""
    if headers is None:
        return
    # Header names are case-insensitive; a plain dict may carry any spelling.
    lowered = {name.lower(): value for name, value in headers.items()}
    signed = {
        "x-amz-sns-message-type": envelope.type.value,
        "x-amz-sns-message-id": envelope.message_id,
        "x-amz-sns-topic-arn": envelope.topic_arn,
    }
    for name, value in signed.items():
        declared = lowered.get(name)
        if declared is not None and declared != value:
            raise InvalidField(name, f"{declared!r} but the signed body says {value!r}")
