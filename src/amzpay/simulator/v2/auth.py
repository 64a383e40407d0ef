"""Who is calling v2, checked as Amazon checks it (amazonpay-api.md §C.1, §C.3): a signature
by a registered public key over every header the request lists in SignedHeaders, a signed
``x-amz-pay-date`` (``20180524T223710Z`` or ``2018-05-24T22:37:10Z``) near Amazon's clock,
and a key that belongs to the environment called.

Keys whose id starts ``SANDBOX-`` or ``LIVE-`` call ``/v2/...`` and belong to that
environment alone; other keys name the environment in the path (``/sandbox/v2/...``,
``/live/v2/...``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from ..config import Seller, SimulatorConfig
from . import signing
from .errors import V2Error

DATE_HEADER = "x-amz-pay-date"
_ENV_PREFIXES = {"SANDBOX-": True, "LIVE-": False}


@dataclass(frozen=True)
class SignedRequest:
    """A v2 request as it arrived: what the signature covers."""

    method: str
    path: str
    query: Sequence[tuple[str, str]]
    headers: Mapping[str, str]  # lowercase names
    body: bytes
    path_sandbox: bool | None  # from /sandbox or /live in the path; None for bare /v2


def authenticate(
    config: SimulatorConfig, request: SignedRequest, now: datetime
) -> tuple[Seller, bool]:
    """The calling seller and whether the call is a sandbox one; raises V2Error."""
    header = request.headers.get("authorization")
    if not header:
        raise _refused("The request carries no authorization header.")
    parsed = signing.parse_authorization(header)
    if parsed is None:
        raise _refused(
            "The authorization header is not '<algorithm> PublicKeyId=<id>, "
            "SignedHeaders=<names>, Signature=<base64>' with algorithm "
            "AMZN-PAY-RSASSA-PSS-V2 or AMZN-PAY-RSASSA-PSS."
        )
    seller = config.seller_by_public_key(parsed.public_key_id)
    if seller is None or seller.public_key_pem is None:
        raise V2Error(
            "UnauthorizedAccess", f"The public key id {parsed.public_key_id} is not registered."
        )
    sandbox = environment(parsed.public_key_id, request.path_sandbox)
    _check_signature(request, parsed, _public_key(seller.public_key_pem))
    _check_date(request.headers[DATE_HEADER], now, config.max_clock_skew_seconds)
    return seller, sandbox


def environment(public_key_id: str, path_sandbox: bool | None) -> bool:
    """Whether a call with this key on this path is a sandbox one; UnauthorizedAccess when
    the key belongs to the other environment or the path names none for a key that does
    not say its own."""
    own = next((env for p, env in _ENV_PREFIXES.items() if public_key_id.startswith(p)), None)
    if own is None and path_sandbox is None:
        raise V2Error(
            "UnauthorizedAccess",
            f"The public key id {public_key_id} is not environment specific: "
            "call /sandbox/v2/... or /live/v2/...",
        )
    if own is not None and path_sandbox is not None and own != path_sandbox:
        wanted = "sandbox" if own else "live"
        raise V2Error(
            "UnauthorizedAccess",
            f"The public key id {public_key_id} belongs to the {wanted} environment only.",
        )
    return own if own is not None else bool(path_sandbox)


def _check_signature(
    request: SignedRequest, parsed: signing.Authorization, key: rsa.RSAPublicKey
) -> None:
    names = {name.lower() for name in parsed.signed_headers}
    if DATE_HEADER not in request.headers:
        raise V2Error("MissingHeader", f"The request must carry the header {DATE_HEADER}.")
    if DATE_HEADER not in names:
        raise _refused(f"The header {DATE_HEADER} must be among the SignedHeaders.")
    absent = sorted(names - set(request.headers))
    if absent:
        raise _refused(f"The signed headers {', '.join(absent)} are not in the request.")
    canonical = signing.canonical_request(
        request.method, request.path, request.query, request.headers, names, request.body
    )
    text = signing.string_to_sign(parsed.algorithm, canonical)
    if not signing.verifies(key, parsed.algorithm, text, parsed.signature):
        shown = text.replace("\n", "\\n")
        raise _refused(f"Unable to verify signature, signing String [{shown}]")


def _check_date(text: str, now: datetime, skew_seconds: float) -> None:
    sent = parse_date(text)
    if sent is None:
        raise V2Error(
            "InvalidHeaderValue",
            f"The {DATE_HEADER} {text!r} is neither YYYYMMDDTHHMMSSZ nor YYYY-MM-DDTHH:MM:SSZ.",
        )
    if abs(now - sent) > timedelta(seconds=skew_seconds):
        raise V2Error(
            "InvalidHeaderValue",
            f"The {DATE_HEADER} {text} is more than {int(skew_seconds // 60)} minutes "
            "from Amazon's time.",
        )


def parse_date(text: str) -> datetime | None:
    """``20180524T223710Z`` (PHP, Java) or ``2018-05-24T22:37:10Z`` (Node), in UTC."""
    for form in ("%Y%m%dT%H%M%SZ", "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S.%fZ"):
        try:
            return datetime.strptime(text.strip(), form).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


@lru_cache(maxsize=64)
def _public_key(pem: str) -> rsa.RSAPublicKey:
    """The registered key; a registration that is no RSA public key refuses the seller's
    calls (an in-process config mistake, which the CLI checks before serving)."""
    try:
        key = load_pem_public_key(pem.encode())
    except ValueError:
        key = None
    if not isinstance(key, rsa.RSAPublicKey):
        raise V2Error("UnauthorizedAccess", "The registered public key is not an RSA PEM key.")
    return key


def _refused(message: str) -> V2Error:
    return V2Error("InvalidRequestSignature", message)
