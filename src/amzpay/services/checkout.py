"""The buyer's checkout with the legacy API, for a shop's storefront: the button's settings,
the buyer and shipping address Amazon shows for the buyer's order reference, and placing the
order (Amazon Pay integration guide, "Integrate with Login and Pay"; research
amazonpay-api.md A.4, A.5, A.9; spryker-amazonpay.md §5.4).

    button()                        seller id, client id, the widgets script, sandbox or live
    details(order_reference, token)  GetOrderReferenceDetails with the consent token
    place(cart, order_reference, token)
        GetOrderReferenceDetails (the buyer and address, the order reference still Draft)
        SetOrderReferenceDetails (the cart's total, the shop's order id)
        ConfirmOrderReference
        the order stored as an import stores it, with the buyer and address; its process
        asks for the authorization

Amazon's refusals become ``CheckoutRefused`` naming the cause, in ``refusal`` alone. No unit
of work is open while Amazon is asked.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Protocol

from amzpay.amazonpay.gateway import CallRefused, CheckoutDetails, PaymentState
from amzpay.domain.buyer import OrderBuyer
from amzpay.services.errors import CheckoutRefused
from amzpay.services.order_spec import read_order
from amzpay.services.orders import OrderReferenceSetup, OrderService

# Amazon's error codes (Amazon Pay API reference, "Error codes") by the cause a storefront acts on.
_TOKEN: Final = frozenset({"InvalidAddressConsentToken"})
_UNKNOWN: Final = frozenset({"InvalidOrderReferenceId"})
_NOT_DRAFT: Final = frozenset({"OrderReferenceNotModifiable", "InvalidOrderReferenceStatus"})
_AMOUNT: Final = frozenset(
    {"CurrencyMismatch", "InvalidParameterValue", "TransactionAmountExceeded", "AmountNotSet"}
)
# Constraints the buyer lifts by choosing another payment method (research A.7: "Constraints").
_PAYMENT_METHOD: Final = ("PaymentMethodNotAllowed", "PaymentPlanNotSet")
CHOOSE_AGAIN: Final = (
    "Amazon declined the buyer's payment method: let the buyer choose another one in Amazon's "
    "wallet, then place the order again"
)


class CheckoutGateway(OrderReferenceSetup, Protocol):
    """What the checkout needs of the PaymentGateway port."""

    def checkout_details(
        self, order_reference_id: str, *, consent_token: str
    ) -> CheckoutDetails: ...


@dataclass(frozen=True, slots=True)
class ButtonSettings:
    """What a storefront's page needs to show Amazon's button and widgets: the seller,
    the Login with Amazon client id, the widgets script to load and whether it is the
    sandbox."""

    seller_id: str
    client_id: str
    widgets_url: str
    sandbox: bool


class CheckoutService:
    def __init__(
        self, orders: OrderService, gateway: CheckoutGateway, button: ButtonSettings
    ) -> None:
        self.orders, self.gateway, self._button = orders, gateway, button

    def button(self) -> ButtonSettings:
        return self._button

    def details(self, order_reference_id: str, consent_token: str) -> CheckoutDetails:
        """The buyer, shipping address and payment method of the buyer's order reference.

        Raises:
            CheckoutRefused: the token is unknown, expired or another buyer's, or the order
                reference is unknown.
            CallFailed: Amazon could not be asked now.
        """
        try:
            return self.gateway.checkout_details(order_reference_id, consent_token=consent_token)
        except CallRefused as refused:
            raise refusal(refused) from refused

    def place(self, cart: Mapping[str, Any], order_reference_id: str, consent_token: str) -> str:
        """Place the order of ``cart`` (an order spec without customer and Amazon order
        reference: the buyer's e-mail comes from Amazon) on the buyer's Draft order reference;
        return the order's reference.

        Raises:
            InvalidOrderSpec: the cart is malformed (the field is named).
            CheckoutRefused: Amazon refused (the cause is named); nothing is stored.
            DuplicateOrder: the shop's order id is taken.
            CallFailed: Amazon could not be asked now; nothing is stored.
        """
        locale = cart.get("locale", "en_GB")
        spec = {
            **{key: value for key, value in cart.items() if key != "locale"},
            # a stand-in until Amazon names the buyer: the cart is checked before Amazon is asked
            "customer": {"email": "buyer@checkout.invalid", "locale": locale},
            "amazon_order_reference_id": order_reference_id,
        }
        read_order(spec)  # a malformed cart is refused before Amazon is asked
        details = self.details(order_reference_id, consent_token)
        state = details.order_reference.state
        if state is not PaymentState.DRAFT:
            raise CheckoutRefused(
                "order_reference_not_draft",
                f"Amazon's order reference {order_reference_id} is {state.value}, not draft: "
                "it was confirmed or canceled already; start a new checkout",
                status=409,
                field="amazon_order_reference_id",
            )
        if details.buyer is None:
            raise CheckoutRefused(
                "buyer_not_shown",
                "Amazon did not show the buyer for this consent token; sign in again",
                status=409,
                field="consent_token",
            )
        spec["customer"] = {"email": details.buyer.email, "locale": locale}
        buyer = OrderBuyer(details.buyer, details.shipping_address)
        try:
            return self.orders.import_order(spec, confirm=True, buyer=buyer)
        except CallRefused as refused:
            raise refusal(refused) from refused


def refusal(refused: CallRefused) -> CheckoutRefused:
    """The checkout's cause for Amazon's refusal ``refused``."""
    code, said = refused.code, f"Amazon: {refused.code}: {refused.message}"
    if code in _TOKEN:
        return CheckoutRefused(
            "consent_token_invalid",
            f"the buyer's consent token is unknown, expired or another buyer's: the buyer "
            f"signs in again ({said})",
            status=422,
            field="consent_token",
        )
    if code in _UNKNOWN:
        return CheckoutRefused(
            "order_reference_not_found",
            f"Amazon knows no such order reference ({said})",
            status=404,
            field="amazon_order_reference_id",
        )
    if code in _NOT_DRAFT:
        return CheckoutRefused(
            "order_reference_not_draft",
            f"the order reference is not draft: it was confirmed or canceled already ({said})",
            status=409,
            field="amazon_order_reference_id",
        )
    if code in _AMOUNT:
        return CheckoutRefused(
            "amount_refused", f"Amazon refused the amount or currency ({said})", status=422
        )
    if code == "ConstraintsExist" and any(c in refused.message for c in _PAYMENT_METHOD):
        return CheckoutRefused("payment_method_declined", f"{CHOOSE_AGAIN} ({said})", status=409)
    if code == "ConstraintsExist":
        return CheckoutRefused(
            "constraints_exist",
            f"Amazon cannot confirm the order reference yet ({said})",
            status=409,
        )
    return CheckoutRefused("amazon_refused", said, status=409)
