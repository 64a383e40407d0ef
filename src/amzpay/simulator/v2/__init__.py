"""Amazon Pay API v2 beside the legacy API: checkout sessions, charge permissions, charges
and refunds, signed with RSASSA-PSS, with idempotency keys, sandbox simulation codes,
throttling, faults and v2 IPNs (amazonpay-api.md part C). ``Simulator.v2`` holds it; its
routes are in ``api`` and its control routes in ``control``.
"""
