"""What the buyer does in Amazon's hosted widgets, on the simulator's books: sign in, have
the address book widget create a Draft order reference, pick a shipping address and a
payment method from the wallet (amazonpay-api.md part A; the widgets: ``widgets.py``).

Every action names the buyer by the access token the sign-in handed out; a widget error
(``WidgetError``) carries the code Amazon's widgets report to the page's ``onError``.
"""

from __future__ import annotations

from dataclasses import replace

from .buyers import PAYMENT_METHODS, sandbox_account
from .config import Seller
from .ledger import Ledger
from .logins import Login, read_scope
from .model import OrderReference
from .orders import change_payment_method, open_order_reference

_DRAFT_ONLY = ("Draft",)


class WidgetError(Exception):
    """Why a widget cannot do what was asked: Amazon's widget error code, a message for the
    buyer and the HTTP status of the simulator's page."""

    def __init__(self, code: str, message: str, status: int) -> None:
        self.code, self.message, self.status = code, message, status
        super().__init__(f"{code}: {message}")


def sign_in(ledger: Ledger, seller: Seller, email: str, password: str, scope: str) -> Login:
    """The buyer signs in with a sandbox test account on ``seller``'s button."""
    try:
        scopes = read_scope(scope)
    except ValueError as error:
        raise WidgetError("InvalidScope", str(error), 400) from None
    account = sandbox_account(email)
    if account is None or account.password != password:
        raise WidgetError(
            "InvalidCredentials", "There was a problem: the e-mail or password is wrong.", 401
        )
    return ledger.logins.sign_in(account, seller.seller_id, scopes, ledger.now())


def signed_in(ledger: Ledger, token: str, seller_id: str) -> Login:
    """The sign-in behind ``token`` on ``seller_id``'s page; BuyerSessionExpired otherwise."""
    login = ledger.logins.of(token, ledger.now()) if token else None
    if login is None or login.seller_id != seller_id:
        raise WidgetError(
            "BuyerSessionExpired", "The buyer's session has expired: sign in again.", 401
        )
    return login


def start_order(ledger: Ledger, login: Login, sandbox: bool) -> str:
    """The address book widget's Draft order reference, shipping to the buyer's default
    address and paid with the wallet's first payment method until the buyer chooses."""
    return open_order_reference(ledger, login.seller_id, login.account.paying(), sandbox)


def order_of(ledger: Ledger, login: Login, order_id: str) -> OrderReference:
    """The buyer's own order reference ``order_id``, made on this seller's page."""
    order = ledger.orders.get(order_id)
    if order is None or order.seller_id != login.seller_id:
        raise WidgetError(
            "InvalidOrderReferenceId", f"The order reference {order_id} is unknown.", 404
        )
    if order.buyer.email != login.account.email:
        raise WidgetError(
            "BuyerNotAssociated", f"The order reference {order_id} is another buyer's.", 403
        )
    return order


def choose_address(ledger: Ledger, login: Login, order_id: str, index: int) -> None:
    """Ship the Draft order reference to the address book's entry ``index``."""
    order = order_of(ledger, login, order_id)
    addresses = login.account.addresses
    if not 0 <= index < len(addresses):
        raise WidgetError("InvalidParameterValue", f"There is no address {index}.", 400)
    if order.status.state not in _DRAFT_ONLY:
        raise WidgetError(
            "InvalidOrderReferenceStatus",
            f"The order reference {order_id} is {order.status.state}: its address is fixed.",
            409,
        )
    order.buyer = replace(order.buyer, address=addresses[index])


def choose_payment_method(ledger: Ledger, login: Login, order_id: str, method: str) -> None:
    """Pay the order reference with the wallet's ``method`` (a key of PAYMENT_METHODS)."""
    order_of(ledger, login, order_id)
    if method not in PAYMENT_METHODS:
        raise WidgetError("InvalidParameterValue", f"There is no payment method {method}.", 400)
    try:
        change_payment_method(ledger, order_id, method)
    except ValueError as error:
        raise WidgetError("InvalidOrderReferenceStatus", str(error), 409) from None
