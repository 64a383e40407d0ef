"""The REST API under ``/api/v1``, for the shop's own systems (bearer API tokens)."""
