"""Amazon Pay IPNs, legacy and API v2: SNS signature verification and notification reading.

    errors        the IpnError tree: every way an IPN is refused
    envelope      the SNS envelope and the canonical string its signature covers
    certificates  certificate URL rules, the fetcher (timeout, size cap), the bounded key cache
    keys          keys by URL: cached, failures remembered, fetches bounded on their own threads
    screening     the topic and recipient checks made before any certificate is fetched
    notification  the inner Message and the NotificationData XML of the four payment types
    v2message     API v2's inner Message: the object that changed, to be asked for
    verifier      ``IpnVerifier``: the checks, in order

    verifier = IpnVerifier(
        IpnSettings(seller_id="A1…", release_environment="Live"),
        HttpxCertificateFetcher(httpx.Client()),
    )
    notification = verifier.verify(body, headers)

Imports amzpay.domain, amzpay.amazonpay.mws (its XML readers), the standard library, httpx
and cryptography; never the simulator.
"""

from __future__ import annotations

from amzpay.amazonpay.ipn.certificates import (
    CertificateFetcher,
    CertificateUrlPolicy,
    HttpxCertificateFetcher,
)
from amzpay.amazonpay.ipn.errors import (
    BodyTooLarge,
    CertificateBusy,
    CertificateUnavailable,
    ForeignNotification,
    InvalidField,
    InvalidJson,
    InvalidSignature,
    InvalidXml,
    IpnError,
    MissingField,
    UnexpectedTopic,
    UntrustedCertificateUrl,
)
from amzpay.amazonpay.ipn.keys import FetchLimits
from amzpay.amazonpay.ipn.notification import (
    AuthorizationNotification,
    CaptureNotification,
    IpnMessage,
    OrderReferenceNotification,
    RefundNotification,
    UnknownNotification,
)
from amzpay.amazonpay.ipn.v2message import V2IpnMessage
from amzpay.amazonpay.ipn.verifier import (
    IpnSettings,
    IpnVerifier,
    Screened,
    VerifiedNotification,
    VerifiedSubscription,
)

__all__ = [
    "AuthorizationNotification",
    "BodyTooLarge",
    "CaptureNotification",
    "CertificateBusy",
    "CertificateFetcher",
    "CertificateUnavailable",
    "CertificateUrlPolicy",
    "FetchLimits",
    "ForeignNotification",
    "HttpxCertificateFetcher",
    "InvalidField",
    "InvalidJson",
    "InvalidSignature",
    "InvalidXml",
    "IpnError",
    "IpnMessage",
    "IpnSettings",
    "IpnVerifier",
    "MissingField",
    "OrderReferenceNotification",
    "RefundNotification",
    "Screened",
    "UnexpectedTopic",
    "UnknownNotification",
    "UntrustedCertificateUrl",
    "V2IpnMessage",
    "VerifiedNotification",
    "VerifiedSubscription",
]
