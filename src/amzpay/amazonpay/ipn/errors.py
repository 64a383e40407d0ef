"""Why an IPN was refused. Every failure of ``ipn`` is one of these, never anything else.

    IpnError (ValueError)
    ├── BodyTooLarge              the body is above the configured cap
    ├── InvalidJson               the body, or the inner Message, is not a JSON object
    ├── MissingField              a required field or element is absent
    ├── InvalidField              a field has the wrong type or an unusable value
    ├── InvalidXml                NotificationData is not well-formed, or declares entities/DTD
    ├── UnexpectedTopic           TopicArn is not an SNS topic ARN, or not the configured topic
    ├── UntrustedCertificateUrl   SigningCertURL breaks the certificate URL rules
    ├── CertificateUnavailable    the certificate could not be fetched or read (or failed lately)
    ├── CertificateBusy           no certificate fetch may start now (retryable)
    ├── InvalidSignature          the signature does not match the signed fields
    └── ForeignNotification       meant for another seller or another environment

A web endpoint answers them with 400: Amazon does not retry a 4xx (Amazon Pay integration
guide, "IPN response"), which is right for a message that will never verify. The ``retryable``
ones (a fetch refused for now, a certificate host that timed out or answered 5xx) may verify
later: they are answered 503, so that Amazon delivers the message again.
"""

from __future__ import annotations


class IpnError(ValueError):
    """Base of every reason an IPN is refused; ``retryable`` when the same message may verify
    later."""

    retryable = False


class BodyTooLarge(IpnError):
    """Raised when the body is longer than the configured maximum."""

    def __init__(self, size: int, limit: int) -> None:
        self.size, self.limit = size, limit
        super().__init__(f"IPN body of {size} bytes is above the {limit} byte limit")


class InvalidJson(IpnError):
    """Raised when the SNS body or its inner Message is not a UTF-8 JSON object."""


class MissingField(IpnError):
    """Raised when a required envelope field, message field or XML element is absent."""

    def __init__(self, field: str) -> None:
        self.field = field
        super().__init__(f"IPN field {field} is missing")


class InvalidField(IpnError):
    """Raised when a field is present but unusable (a number where text belongs, an unknown
    SignatureVersion, a malformed amount or timestamp in NotificationData)."""

    def __init__(self, field: str, reason: str) -> None:
        self.field, self.reason = field, reason
        super().__init__(f"IPN field {field}: {reason}")


class InvalidXml(IpnError):
    """Raised when NotificationData is not well-formed XML or carries a DTD, an entity
    declaration or an external reference (entity expansion attacks included)."""


class UnexpectedTopic(IpnError):
    """Raised when TopicArn is not an SNS topic ARN, or not the topic the shop configured.
    Nothing is fetched for such a message."""

    def __init__(self, topic_arn: str, reason: str) -> None:
        self.topic_arn, self.reason = topic_arn, reason
        super().__init__(f"TopicArn {topic_arn!r}: {reason}")


class UntrustedCertificateUrl(IpnError):
    """Raised when SigningCertURL is not an https .pem URL on an allowed host. Nothing is
    fetched from such a URL."""

    def __init__(self, url: str, reason: str) -> None:
        self.url, self.reason = url, reason
        super().__init__(f"untrusted SigningCertURL {url!r}: {reason}")


class CertificateUnavailable(IpnError):
    """Raised when the signing certificate cannot be fetched in time, is too large, or is not
    a PEM certificate with an RSA key. ``retryable`` when the host timed out, could not be
    reached or answered 429/5xx; ``remembered`` when the fetch failed a short while ago and
    was not tried again."""

    def __init__(
        self, url: str, reason: str, *, retryable: bool = False, remembered: bool = False
    ) -> None:
        self.url, self.reason = url, reason
        self.retryable, self.remembered = retryable, remembered
        super().__init__(f"signing certificate {url!r} unavailable: {reason}")


class CertificateBusy(IpnError):
    """Raised when a certificate is needed but no fetch may start now: as many fetches as
    allowed are in flight, or the budget of fetches of unknown URLs is spent. Retryable:
    nothing is known to be wrong with the message."""

    retryable = True

    def __init__(self, url: str, reason: str) -> None:
        self.url, self.reason = url, reason
        super().__init__(f"signing certificate {url!r} not fetched now: {reason}")


class InvalidSignature(IpnError):
    """Raised when the signature is not valid base64 or does not verify."""


class ForeignNotification(IpnError):
    """Raised when a notification names another SellerId or ReleaseEnvironment than the
    configured ones (checked before its signature: such a message is refused either way)."""

    def __init__(self, field: str, expected: str, actual: str) -> None:
        self.field, self.expected, self.actual = field, expected, actual
        super().__init__(f"IPN {field} is {actual!r}, expected {expected!r}")
