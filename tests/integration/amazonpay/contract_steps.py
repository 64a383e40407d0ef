"""Builders for the contract tests: a confirmed order, an authorization, a capture, made
through the port as the shop makes them."""

from __future__ import annotations

import itertools
from datetime import timedelta

from amzpay.amazonpay.gateway import SYNCHRONOUS, Observation
from amzpay.domain.money import Money
from integration.amazonpay.amazon_sides import AmazonSide

_numbers = itertools.count(1)


def eur(text: str) -> Money:
    return Money.parse(text, "EUR")


def fresh(prefix: str) -> str:
    """A reference id never used before (Amazon wants them unique per seller)."""
    return f"{prefix}-{next(_numbers)}"


def confirmed_order(amazon: AmazonSide, total: str = "100.00", method: str = "visa") -> str:
    """An order reference open for authorization of ``total``, as each API's buyer leaves it."""
    return amazon.chargeable_order(total, method)


def authorized(
    amazon: AmazonSide,
    amount: str = "100.00",
    *,
    order_id: str | None = None,
    capture_now: bool = False,
    timeout: timedelta = SYNCHRONOUS,
    note: str | None = None,
) -> Observation:
    return amazon.gateway.authorize(
        order_reference_id=order_id or confirmed_order(amazon, amount),
        reference_id=fresh("auth"),
        amount=eur(amount),
        capture_now=capture_now,
        transaction_timeout=timeout,
        note=note,
    )


def captured(amazon: AmazonSide, amount: str = "100.00", note: str | None = None) -> Observation:
    auth = authorized(amazon, amount)
    return amazon.gateway.capture(
        authorization_id=auth.amazon_id, reference_id=fresh("cap"), amount=eur(amount), note=note
    )


def simulation(state: str, reason_code: str | None = None) -> str:
    """A SandboxSimulation string for a note field (research A.11)."""
    inner = f'"State":"{state}"' + (f', "ReasonCode":"{reason_code}"' if reason_code else "")
    return '{"SandboxSimulation": {' + inner + "}}"
