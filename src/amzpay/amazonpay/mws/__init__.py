"""The legacy Amazon Pay API (OffAmazonPayments, version 2013-01-01).

    regions     endpoints per region and environment
    signing     Signature Version 2, HmacSHA256 (pure functions)
    elements    safe XML reading by local name (defusedxml)
    wire        responses and Details elements as frozen dataclasses
    errors      the error tree and ``from_response``, the one place codes become classes
    transport   throttle, sign, POST, record, retry
    client      ``MwsClient``: one method per operation

Imports amzpay.domain, the standard library, httpx and defusedxml; never the simulator.
"""
