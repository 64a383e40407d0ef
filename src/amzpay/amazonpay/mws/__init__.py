"""The legacy Amazon Pay API (OffAmazonPayments, version 2013-01-01).

    regions       endpoints per region and environment
    signing       Signature Version 2, HmacSHA256 (pure functions)
    elements      safe XML reading by local name (any DOCTYPE refused, then the C parser)
    wire          responses and Details elements as frozen dataclasses
    errors        the error tree and ``from_response``, the one place codes become classes
    transport     throttle, sign, POST, record, retry
    client        ``MwsClient``: one method per operation
    observations  ``…Details`` as the port's ``Observation``s: states, reason codes, soft declines
    checkout      the buyer, shipping address and payment descriptor a consent token shows
    gateway       ``MwsGateway``: the ``PaymentGateway`` port over ``MwsClient``

Imports amzpay.domain, amzpay.amazonpay (the port), the standard library and httpx; never the
simulator.
"""
