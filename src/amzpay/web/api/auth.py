"""Who is calling: every route under ``/api`` needs ``Authorization: Bearer <token>``, a
token made by ``amzpay token add NAME`` (``AccessService.api_client``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from amzpay.web.context import Services
from amzpay.web.errors import ApiError

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="ApiToken",
    description="An API token made by `amzpay token add NAME`.",
)
_CHALLENGE = {"WWW-Authenticate": "Bearer"}


def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


def api_client(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> str:
    """The name of the calling client. Raises ApiError 401 without a live token."""
    if credentials is None:
        raise ApiError(
            401,
            "unauthorized",
            "send an API token: Authorization: Bearer <token>",
            "Authorization",
            headers=_CHALLENGE,
        )
    name = services(request).access.api_client(credentials.credentials)
    if name is None:
        raise ApiError(
            401,
            "invalid_token",
            "the API token is unknown or revoked",
            "Authorization",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    return name


ServicesDep = Annotated[Services, Depends(services)]
ClientDep = Annotated[str, Depends(api_client)]
