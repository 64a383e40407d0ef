"""Amazon Pay API v2: checkout sessions, charge permissions, charges, refunds.

    regions    hosts per region, the environment in the path or in the public key id
    signing    the canonical request and RSASSA-PSS signatures (``Signer``)
    keys       the merchant's private key file, read and checked to be RSA
    wire       the JSON objects as frozen dataclasses, amounts as ``Money``, states as enums
    errors     ``error_of``: the one place replies become the port's errors
    quotas     v2's throttling quotas per operation
    logged     a request as the call log keeps it, redacted
    transport  throttle, sign, send, record, retry with the same idempotency key
    client     ``V2Client``: one method per operation

Imports amzpay.domain, the port (amzpay.amazonpay.gateway), the API-neutral modules of
amzpay.amazonpay (calllog, pacing, throttle), httpx, cryptography and the standard library;
never the legacy client, the simulator, the store, services or web.
"""
