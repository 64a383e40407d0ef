"""Login with Amazon as the simulator plays it: a buyer signs in with a sandbox test account
and the shop's page receives an access token, the legacy widgets' "address consent token".

A token is good for an hour (Login with Amazon answers ``expires_in=3600``), for the buyer
who signed in and the seller whose client id asked. GetOrderReferenceDetails shows a Draft
order reference's full address and buyer only to a caller holding such a token
(amazonpay-api.md §A.4; ``orders.get_details``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from .buyers import SandboxAccount
from .ids import IdFactory

TOKEN_LIFETIME: Final = timedelta(seconds=3600)
SCOPES: Final = frozenset(
    {
        "profile",
        "profile:user_id",
        "postal_code",
        "payments:widget",
        "payments:shipping_address",
        "payments:billing_address",
    }
)
"""The scopes Login with Amazon grants a pay-with-Amazon button (Spryker asks for
``profile postal_code payments:widget payments:shipping_address payments:billing_address``)."""


@dataclass(frozen=True)
class Login:
    """One sign-in: whose it is, for which seller, and until when its token is good."""

    token: str
    account: SandboxAccount
    seller_id: str
    scope: tuple[str, ...]
    expires: datetime


class Logins:
    """Every access token handed out, by token."""

    def __init__(self, ids: IdFactory) -> None:
        self._ids = ids
        self._by_token: dict[str, Login] = {}

    def sign_in(
        self, account: SandboxAccount, seller_id: str, scope: tuple[str, ...], now: datetime
    ) -> Login:
        login = Login(self._ids.access_token(), account, seller_id, scope, now + TOKEN_LIFETIME)
        self._by_token[login.token] = login
        return login

    def of(self, token: str, now: datetime) -> Login | None:
        """The sign-in ``token`` stands for, or None if it is unknown or has expired."""
        login = self._by_token.get(token)
        if login is None or login.expires <= now:
            return None
        return login


def read_scope(text: str) -> tuple[str, ...]:
    """The scopes asked for (space-separated); raises ValueError naming an unknown one."""
    asked = tuple(dict.fromkeys(text.split()))
    unknown = [s for s in asked if s not in SCOPES]
    if not asked or unknown:
        raise ValueError(f"unknown scope {' '.join(unknown) or '(none given)'}")
    return asked
