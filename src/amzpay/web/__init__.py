"""The HTTP face of amzpay: the REST API (``/api/v1``), the IPN endpoint
(``POST /amazonpay/ipn``), the back office (``/``), health and metrics.

``create_app(services)`` builds the FastAPI application from the services a running amzpay
holds (``bootstrap.App`` is one); this layer sits beside the worker, above the services, and
never reads the settings itself.
"""
