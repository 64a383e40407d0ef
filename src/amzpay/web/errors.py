"""The JSON errors of the REST API and the IPN endpoint, in one shape:

    {"error": {"code": "order_not_found", "message": "no order 'DE-1'", "field": "reference"}}

``field`` names what the client got wrong (``lines[0].unit_price``, ``items``, ``limit``), or
is null. ``api_error_of`` is the one place the layers' exceptions become HTTP answers; the
API's routes (``ApiRoute``) answer through it, and ``install_json_errors`` gives the same
shape to what happens outside a route (no such path, a method not allowed) under the JSON
prefixes only: the back office renders its own HTML errors.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Coroutine, Iterable, Sequence
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.dependencies.models import Dependant
from fastapi.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
)
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from amzpay.amazonpay.gateway import CallFailed, CallRefused
from amzpay.domain.errors import (
    DomainError,
    EmptyRefund,
    ItemNotRefundable,
    RefundError,
    UnknownItem,
)
from amzpay.oms.errors import TransitionRefused, UnknownProcess
from amzpay.ports.errors import (
    DuplicateName,
    DuplicateOrder,
    OrderNotFound,
    RecordNotFound,
    StorageFailed,
    StorageUnavailable,
)
from amzpay.ports.outage import RETRY_AFTER_SECONDS
from amzpay.services.access import InvalidCredentials
from amzpay.services.errors import (
    CheckoutRefused,
    InvalidOrderSpec,
    NoteTooLong,
    OrderReferenceNotOpen,
    ProcessNotForApi,
)
from amzpay.services.queries import InvalidPaging

log = logging.getLogger(__name__)

JSON_PREFIXES = ("/api/", "/amazonpay/")
MAX_BODY_BYTES = 1024 * 1024  # an order of 100 lines with options is well under 100 KiB


class ErrorDetail(BaseModel):
    code: str
    message: str
    field: str | None = None


class ErrorBody(BaseModel):
    """What every error of the API and the IPN endpoint answers."""

    error: ErrorDetail


class ApiError(Exception):
    """An answer other than success, raised anywhere below a route."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        field: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.status, self.code, self.message, self.field = status, code, message, field
        self.headers = headers
        super().__init__(message)

    def response(self) -> JSONResponse:
        body = ErrorBody(error=ErrorDetail(code=self.code, message=self.message, field=self.field))
        return JSONResponse(body.model_dump(), status_code=self.status, headers=self.headers)


def database_unreachable() -> ApiError:
    """A database outage: transient, so a 503 the client may retry (no URL, no driver text)."""
    return ApiError(
        503,
        "database_unavailable",
        "the database is unreachable; try again shortly",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def api_error_of(error: Exception) -> ApiError | None:
    """The answer for ``error``, or None for one that is a bug of ours (answered 500)."""
    if isinstance(error, StorageUnavailable):
        return database_unreachable()
    match error:
        case ApiError():
            return error
        case RequestValidationError():
            return _validation_error(error.errors())
        case HTTPException(status_code=400):  # FastAPI could not parse the body at all
            return ApiError(422, "invalid_body", f"the body cannot be read: {error.detail}", "body")
        case HTTPException():
            return ApiError(error.status_code, _slug(str(error.detail)), str(error.detail))
        case ProcessNotForApi():
            return ApiError(422, "process_not_for_api", str(error), error.field)
        case InvalidOrderSpec() | InvalidPaging() | InvalidCredentials():
            return ApiError(422, "invalid_value", str(error), error.field)
        case NoteTooLong():
            return ApiError(422, "note_too_long", str(error), "note")
        case OrderNotFound():
            return ApiError(404, "order_not_found", str(error), "reference")
        case RecordNotFound():
            return ApiError(404, f"{error.kind}_not_found", str(error), "reference_id")
        case DuplicateOrder():
            return ApiError(409, "duplicate_order", str(error), "reference")
        case DuplicateName():
            return ApiError(409, "duplicate_name", str(error), "name")
        case EmptyRefund() | UnknownItem():
            return ApiError(422, _code(error), str(error), "items")
        case ItemNotRefundable() | RefundError():
            return ApiError(409, _code(error), str(error), "items")
        case TransitionRefused():
            return ApiError(409, _code(error), str(error), "event")
        case OrderReferenceNotOpen():
            return ApiError(409, "order_reference_not_open", str(error), "event")
        case UnknownProcess():
            return ApiError(422, "unknown_process", str(error), "process")
        case CheckoutRefused():
            return ApiError(error.status, error.code, str(error), error.field)
        case CallRefused():
            return ApiError(409, "amazon_refused", str(error))
        case CallFailed():
            return ApiError(503, "amazon_unavailable", str(error), headers={"Retry-After": "60"})
        case DomainError():
            return ApiError(422, _code(error), str(error))
    return None


def answer(error: Exception) -> Response:
    """The JSON answer for any exception raised below a route."""
    known = api_error_of(error)
    if known is None:
        log.exception("unexpected error", exc_info=error)
        known = ApiError(500, "internal_error", "an unexpected error; it has been logged")
    return known.response()


class ApiRoute(APIRoute):
    """A route whose every error (validation, authentication, the services') is answered in
    the JSON error shape, whatever handlers the rest of the application installs."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        return with_json_errors(super().get_route_handler(), _query_names(self.dependant))


def with_json_errors(
    handle: Callable[[Request], Coroutine[Any, Any, Response]], known: set[str]
) -> Callable[[Request], Coroutine[Any, Any, Response]]:
    """``handle`` answering as an ``ApiRoute`` does: a body announced too large and a query
    parameter not in ``known`` refused, every error in the JSON shape."""

    async def handle_with_json_errors(request: Request) -> Response:
        try:
            _refuse_large(request.headers.get("content-length"))
            _refuse_unknown(request.query_params.keys(), known)
            return await handle(request)
        except Exception as error:
            return answer(error)

    return handle_with_json_errors


def _refuse_large(content_length: str | None) -> None:
    """A body announced larger than any request of ours is refused before it is read."""
    length = int(content_length) if content_length and content_length.isdigit() else 0
    if length > MAX_BODY_BYTES:
        raise ApiError(413, "body_too_large", f"a request body is at most {MAX_BODY_BYTES} bytes")


def _query_names(dependant: Dependant) -> set[str]:
    names = {field.alias for field in dependant.query_params}
    for dependency in dependant.dependencies:
        names |= _query_names(dependency)
    return names


def _refuse_unknown(names: Iterable[str], known: set[str]) -> None:
    """A misspelt query parameter (``?stat=pending``) is refused, never silently ignored."""
    for name in names:
        if name not in known:
            expected = ", ".join(sorted(known)) or "none"
            raise ApiError(
                422, "unknown_parameter", f"no query parameter {name!r}; expected: {expected}", name
            )


def install_json_errors(app: FastAPI, prefixes: Sequence[str] = JSON_PREFIXES) -> None:
    """Answer errors that happen outside a route (no such path, method not allowed, a
    validation error of a plain route) in the JSON shape under ``prefixes``; elsewhere
    FastAPI's own answers stand."""

    async def on_http_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, HTTPException)
        if not request.url.path.startswith(tuple(prefixes)):
            return await http_exception_handler(request, error)
        headers = dict(error.headers) if error.headers else None
        code = _slug(str(error.detail))
        return ApiError(error.status_code, code, str(error.detail), headers=headers).response()

    async def on_validation_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, RequestValidationError)
        if not request.url.path.startswith(tuple(prefixes)):
            return await request_validation_exception_handler(request, error)
        return _validation_error(error.errors()).response()

    app.add_exception_handler(HTTPException, on_http_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)


def install_outage_answers(app: FastAPI, page: Callable[[Request], Response]) -> None:
    """Answer a database outage outside the API's routes too: a JSON 503 under the JSON
    prefixes, ``page`` (the back office's) elsewhere; both carry ``Retry-After``. Any other
    database error stays a bug of ours: a 500, logged with its traceback."""

    async def on_database_error(request: Request, error: Exception) -> Response:
        if not isinstance(error, StorageUnavailable):
            raise error
        if request.url.path.startswith(JSON_PREFIXES):
            return database_unreachable().response()
        return page(request)

    app.add_exception_handler(StorageFailed, on_database_error)


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI ``responses`` of a route's errors, each in the JSON error shape."""
    meaning = {
        401: "No API token, or one that is unknown or revoked",
        404: "Not found",
        409: "The order's or refund's state refuses it",
        410: "Gone: the checkout session expired",
        413: "The request body is too large",
        422: "The request is malformed; ``field`` names what",
        503: "Amazon Pay or the database could not be asked now; try again after Retry-After",
    }
    return {s: {"model": ErrorBody, "description": meaning.get(s, "Error")} for s in statuses}


def _validation_error(errors: Sequence[Any]) -> ApiError:
    """FastAPI's validation errors as one answer naming the first field that is wrong."""
    if not errors:
        return ApiError(422, "invalid_request", "the request is malformed")
    first = errors[0]
    field = field_name(first.get("loc", ()))
    message = str(first.get("msg", "invalid"))
    if first.get("type") == "json_invalid":
        return ApiError(422, "invalid_json", "the body is not valid JSON", "body")
    return ApiError(422, "invalid_value", f"{field}: {message}" if field else message, field)


def field_name(location: Sequence[Any]) -> str | None:
    """``("body", "lines", 0, "unit_price")`` -> ``lines[0].unit_price``; a query, path or
    header parameter by its name; the whole body as ``body``."""
    parts = list(location)
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        where = parts.pop(0)
        if not parts:
            return str(where)
    name = ""
    for part in parts:
        if isinstance(part, int):
            name += f"[{part}]"
        else:
            name += f".{part}" if name else str(part)
    return name or None


def _slug(detail: str) -> str:
    """``"Not Found"`` -> ``not_found``."""
    return re.sub(r"\W+", "_", detail.lower()).strip("_") or "error"


def _code(error: Exception) -> str:
    """``ItemNotRefundable`` -> ``item_not_refundable``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(error).__name__).lower()
