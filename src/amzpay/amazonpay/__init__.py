"""Amazon's wire protocols: the legacy API client and IPN verification.

    gateway.py    the PaymentGateway port: Observation, PaymentState, the error tree
    unavailable.py  a gateway for when no client is configured (every call fails, retryable)
    mws/          the legacy API (OffAmazonPayments 2013-01-01): regions, signing, wire,
                  errors, transport, client, and ``MwsGateway`` (the port's adapter)
    ipn/          SNS-signed Instant Payment Notifications: verification and reading
    throttle.py   client-side token buckets per operation
    calllog.py    the API call log port, its in-memory implementation, redaction

Imports amzpay.domain, the standard library, httpx and cryptography; never the simulator,
store, oms, services or web.
"""
