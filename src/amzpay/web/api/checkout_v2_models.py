"""What a storefront sends and gets back in the API v2 checkout (``checkout_v2.py``)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from amzpay.web.api.requests import CartRequest, _Strict
from amzpay.web.api.responses import AddressOut, BuyerOut, MoneyOut

ReturnUrl = Annotated[
    str,
    StringConstraints(min_length=8, max_length=1024, pattern=r"^https?://[^\s\x00-\x1f\x7f]+$"),
    Field(examples=["https://shop.example/checkout/review"]),
]
CheckoutSessionId = Annotated[
    str,
    StringConstraints(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.-]+$"),
]


class V2ButtonRequest(_Strict):
    review_return_url: ReturnUrl = Field(
        description="checkoutReviewReturnUrl: the shop's review page, where Amazon sends the "
        "buyer back with ?amazonCheckoutSessionId=…"
    )


class V2PaymentRequest(CartRequest):
    """The cart (its total and the shop's order id go to Amazon) and where Amazon sends the
    buyer after the payment's confirmation."""

    result_return_url: ReturnUrl = Field(
        description="checkoutResultReturnUrl: the shop's page the buyer comes back to, with "
        "?amazonCheckoutSessionId=…, after confirming the payment at amazonPayRedirectUrl"
    )


class V2PlaceOrderRequest(CartRequest):
    """The cart as the buyer confirmed it: its total and order id must be the ones set."""


class CreateCheckoutSessionConfigOut(BaseModel):
    """checkout.js's ``createCheckoutSessionConfig``, to hand over exactly as it is."""

    payloadJSON: str = Field(description="The button's payload, exactly as it was signed")
    signature: str
    publicKeyId: str
    algorithm: str


class V2ButtonOut(BaseModel):
    """What ``amazon.Pay.renderButton('#AmazonPayButton', {...})`` takes, and the script."""

    checkout_js_url: str = Field(description="Amazon's checkout.js, for the page to load")
    merchant_id: str
    ledger_currency: str
    checkout_language: str
    product_type: str = "PayAndShip"
    placement: str = "Cart"
    sandbox: bool
    create_checkout_session_config: CreateCheckoutSessionConfigOut


class V2CheckoutSessionOut(BaseModel):
    """The buyer's checkout session as Amazon shows it."""

    checkout_session_id: str
    state: str = Field(description="open, completed or canceled")
    reason_code: str | None = Field(description="Amazon's, when canceled: Expired, BuyerCanceled…")
    buyer: BuyerOut | None
    shipping_address: AddressOut | None
    payment_descriptor: str | None = Field(description='As Amazon shows it: "Visa ****1111"')
    charge_amount: MoneyOut | None = Field(description="The amount set with the payment")
    reference: str | None = Field(description="The shop's order id set with the payment")
    amazon_pay_redirect_url: str | None = Field(
        description="Where the buyer confirms the payment, once amount and result URL are set"
    )
