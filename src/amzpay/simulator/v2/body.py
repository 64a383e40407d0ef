"""Reading a v2 request body the way Amazon validates it (amazonpay-api.md §C.6): JSON that
does not parse is InvalidRequestFormat, a field the operation does not know is
UnrecognizedField, a missing required one MissingParameterValue, a value of the wrong kind
or out of bounds InvalidParameterValue. Amounts go through the legacy side's money rules.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from ..errors import ApiError
from ..model import Price
from ..money import parse_amount, parse_currency
from .errors import V2Error, from_legacy, invalid, missing


class Body:
    """A JSON object of a request (or of one of its nested objects, named ``where``)."""

    def __init__(self, data: dict[str, Any], where: str = "") -> None:
        self.data, self.where = data, where

    @classmethod
    def parse(cls, raw: bytes, known: Iterable[str]) -> Body:
        """The body of a request; empty counts as ``{}``."""
        if not raw.strip():
            return cls({})
        try:
            data = json.loads(raw)
        except ValueError:
            raise V2Error("InvalidRequestFormat", "The request body is not valid JSON.") from None
        if not isinstance(data, dict):
            raise V2Error("InvalidRequestFormat", "The request body must be a JSON object.")
        body = cls(data)
        body.only(known)
        return body

    def only(self, known: Iterable[str]) -> None:
        """UnrecognizedField for any field not in ``known``."""
        unknown = sorted(set(self.data) - set(known))
        if unknown:
            raise V2Error("UnrecognizedField", f"Unrecognized field {self._name(unknown[0])}.")

    def has(self, name: str) -> bool:
        return self.data.get(name) is not None

    def text(self, name: str, limit: int | None = None, required: bool = False) -> str | None:
        value = self.data.get(name)
        if value is None:
            if required:
                raise missing(self._name(name))
            return None
        if not isinstance(value, str) or (limit is not None and len(value) > limit):
            raise invalid(self._name(name), value)
        if required and not value:
            raise missing(self._name(name))
        return value

    def required_text(self, name: str, limit: int | None = None) -> str:
        value = self.text(name, limit, required=True)
        assert value is not None
        return value

    def flag(self, name: str, default: bool) -> bool:
        value = self.data.get(name)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise invalid(self._name(name), value)
        return value

    def choice(self, name: str, options: Iterable[str]) -> str | None:
        value = self.text(name)
        if value is not None and value not in set(options):
            raise invalid(self._name(name), value)
        return value

    def nested(self, name: str, known: Iterable[str], required: bool = False) -> Body | None:
        value = self.data.get(name)
        if value is None:
            if required:
                raise missing(self._name(name))
            return None
        if not isinstance(value, dict):
            raise invalid(self._name(name), value)
        inner = Body(value, self._name(name))
        inner.only(known)
        return inner

    def price(self, name: str, required: bool = False) -> Price | None:
        """``{"amount": "12.30", "currencyCode": "EUR"}`` as a Price (JPY: ``"1000"``)."""
        inner = self.nested(name, ("amount", "currencyCode"), required)
        if inner is None:
            return None
        currency = inner.required_text("currencyCode")
        amount = inner.required_text("amount")  # a decimal string, as Amazon's samples send
        try:
            parse_currency(inner._name("currencyCode"), currency)
            return Price(parse_amount(inner._name("amount"), amount, currency), currency)
        except ApiError as error:
            raise from_legacy(error) from None

    def required_price(self, name: str) -> Price:
        value = self.price(name, required=True)
        assert value is not None
        return value

    def _name(self, name: str) -> str:
        return f"{self.where}.{name}" if self.where else name
