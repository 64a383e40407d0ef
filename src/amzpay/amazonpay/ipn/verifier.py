"""Verify an IPN, then read it: the order every check happens in, cheapest refusals first.

Screening (``IpnVerifier.screen``), before any certificate is fetched:

1. the body is at most ``max_body_bytes`` (BodyTooLarge);
2. the SNS envelope is a JSON object with every field its type signs (InvalidJson,
   MissingField, InvalidField); given ``x-amz-sns-*`` headers agree with it (InvalidField);
3. TopicArn is an SNS topic ARN, and the configured one when set (UnexpectedTopic);
4. SigningCertURL has the exact form of an SNS certificate URL on the SNS host of the topic's
   region (UntrustedCertificateUrl);
5. the URL's certificate did not fail to load lately (CertificateUnavailable, remembered);
6. a Notification's inner Message is a JSON object naming the configured SellerId and
   ReleaseEnvironment, or, for an API v2 Message (``v2message``), the configured seller as its
   MerchantID (InvalidJson, MissingField, InvalidField, ForeignNotification);
7. the key is taken from the cache, or its fetch starts within the limits of ``keys``
   (CertificateBusy).

Then (``IpnVerifier.finish``): the key is there (CertificateUnavailable), the signature
verifies over the canonical string (InvalidSignature), and only now is NotificationData read
(InvalidJson, MissingField, InvalidField, InvalidXml).

A SubscriptionConfirmation is verified the same way and returned as is: confirming it means
fetching SubscribeURL, which is the operator's decision, never done here.

Raises only the errors of ``ipn.errors``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Final

from cryptography.exceptions import InvalidSignature as CryptoInvalidSignature
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

from amzpay.amazonpay.ipn.certificates import CertificateFetcher, CertificateUrlPolicy
from amzpay.amazonpay.ipn.envelope import (
    Envelope,
    MessageType,
    read_envelope,
    read_message_object,
)
from amzpay.amazonpay.ipn.errors import InvalidField, InvalidSignature
from amzpay.amazonpay.ipn.keys import CertificateKeys, FetchLimits
from amzpay.amazonpay.ipn.notification import IpnMessage, read_message_from
from amzpay.amazonpay.ipn.screening import check_recipient, topic_region
from amzpay.amazonpay.ipn.v2message import V2IpnMessage, check_merchant, is_v2, read_v2_message
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
    topic_arn: str | None = None  # the shop's SNS topic; any SNS topic ARN when None

    def __post_init__(self) -> None:
        # Accept the plain strings "Sandbox"/"Live"; refuse anything else at once.
        object.__setattr__(self, "release_environment", Environment(self.release_environment))


@dataclass(frozen=True, slots=True)
class VerifiedNotification:
    """A notification whose signature verified and whose message was read: the legacy
    API's, or API v2's (a hint naming the object that changed)."""

    envelope: Envelope
    message: IpnMessage | V2IpnMessage

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


@dataclass(frozen=True, slots=True)
class Screened:
    """A message that passed every check made before its signature; ``key`` is its
    certificate's public key: done when cached, else being fetched."""

    body: bytes  # as received
    envelope: Envelope
    message: Mapping[str, object] | None  # a Notification's inner Message object
    key: Future[RSAPublicKey]


class IpnVerifier:
    """Verifies and reads IPN bodies against ``settings``; ``fetch`` gets certificates (an
    ``HttpxCertificateFetcher`` in production) within ``limits``, and their keys are cached."""

    def __init__(
        self,
        settings: IpnSettings,
        fetch: CertificateFetcher,
        *,
        cache_size: int = 32,
        limits: FetchLimits | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._settings = settings
        self._keys = CertificateKeys(
            fetch, cache_size=cache_size, limits=limits, monotonic=monotonic
        )

    @property
    def cached_certificates(self) -> int:
        return len(self._keys)

    @property
    def certificate_fetches(self) -> dict[str, int]:
        """Certificate fetches this verifier started, by outcome (``ok``, ``failed``)."""
        return self._keys.fetches

    def close(self) -> None:
        """Stop the certificate fetching thread(s)."""
        self._keys.close()

    def verify(
        self, body: bytes, headers: Mapping[str, str] | None = None
    ) -> VerifiedNotification | VerifiedSubscription:
        """The verified notification ``body`` holds (``headers`` as received, optional);
        waits for a certificate fetch when one is needed."""
        return self.finish(self.screen(body, headers))

    def screen(self, body: bytes, headers: Mapping[str, str] | None = None) -> Screened:
        """Steps 1-7 (see the module): every check that needs no certificate."""
        settings = self._settings
        envelope = read_envelope(body, settings.max_body_bytes)
        _check_headers(envelope, headers)
        region = topic_region(envelope.topic_arn, settings.topic_arn)
        url = envelope.signing_cert_url
        settings.url_policy.check(url, region)
        self._keys.refuse_remembered(url)
        message = None
        if envelope.type is MessageType.NOTIFICATION:
            message = read_message_object(envelope.message)
            if is_v2(message):
                check_merchant(message, settings.seller_id)
            else:
                check_recipient(message, settings.seller_id, settings.release_environment)
        return Screened(body, envelope, message, self._keys.key(url))

    def finish(self, screened: Screened) -> VerifiedNotification | VerifiedSubscription:
        """The signature of a screened message checked, and its notification read; waits for
        its key when that is still being fetched."""
        envelope = screened.envelope
        _check_signature(envelope, screened.key.result())
        if screened.message is None:
            return VerifiedSubscription(envelope)
        return VerifiedNotification(envelope, read_any_message(screened.message))

    def verify_envelope(self, body: bytes, headers: Mapping[str, str] | None = None) -> Envelope:
        """The envelope, once its signature is known to be Amazon's (NotificationData unread)."""
        screened = self.screen(body, headers)
        _check_signature(screened.envelope, screened.key.result())
        return screened.envelope


def read_any_message(message: Mapping[str, object]) -> IpnMessage | V2IpnMessage:
    """A verified Notification's inner Message, the legacy API's or API v2's."""
    return read_v2_message(message) if is_v2(message) else read_message_from(message)


def _check_signature(envelope: Envelope, key: RSAPublicKey) -> None:
    try:
        key.verify(envelope.signature, envelope.signed_text, _PKCS1, envelope.hash_algorithm)
    except (CryptoInvalidSignature, ValueError):
        raise InvalidSignature("the IPN signature does not verify") from None


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
