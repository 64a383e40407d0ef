"""Amazon's wire protocols: the legacy API client and IPN verification.

    mws/          the legacy API (OffAmazonPayments 2013-01-01): regions, signing, wire,
                  errors, transport, client
    ipn/          SNS-signed Instant Payment Notifications: verification and reading
    throttle.py   client-side token buckets per operation
    calllog.py    the API call log port, its in-memory implementation, redaction

The PaymentGateway port (gateway.py) and its legacy adapter come next. Imports amzpay.domain,
the standard library, httpx, defusedxml and cryptography; never the simulator, store, oms,
services or web.
"""
