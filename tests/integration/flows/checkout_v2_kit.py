"""What the API v2 checkout tests share: amzpay on the in-memory store with its v2 checkout in
front of the in-process simulator, and the buyer's part played at the simulator's hosted
pages over HTTP (the button pressed with the payload amzpay signed, sign-in, address and card,
the authentication step at amazonPayRedirectUrl)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from amzpay.amazonpay.routing import Gateways
from amzpay.bootstrap import App, build
from amzpay.config import Settings
from fakes.memory import MemoryStorage
from shop import SELLER, SIMULATOR_HOST, SimulatedAmazon

V2_SELLER = replace(SELLER, public_key_id="SANDBOX-AAPIFLOWKEY0001")
REVIEW_URL = "https://shop.example/checkout/review"
RESULT_URL = "https://shop.example/checkout/result"
SIM = f"http://{SIMULATOR_HOST}"
ERIKA = "erika.mustermann@example.com"


def v2_app(amazon: SimulatedAmazon) -> App:
    """amzpay on the in-memory store: both APIs' gateways and the v2 checkout, all in front
    of ``amazon``."""
    settings = Settings.load(
        {
            "AMZPAY_AMAZON__SELLER_ID": amazon.seller.seller_id,
            "AMZPAY_AMAZON__SIMULATOR_HOST": SIMULATOR_HOST,
            "AMZPAY_AMAZON__CLIENT_ID": amazon.seller.client_id,
            "AMZPAY_AMAZON_V2__CHECKOUT_JS_URL": f"{SIM}/checkout.js",
        }
    )
    return build(
        settings,
        gateway_factory=lambda _, call_log: Gateways(
            amazon.gateway(call_log), amazon.v2_gateway(call_log)
        ),
        checkout_sessions=lambda _, call_log: amazon.v2_checkout_sessions(call_log),
        clock=amazon.clock.now,
        certificates=amazon.certificates,
        database=MemoryStorage(),
    )


def press(amazon: SimulatedAmazon, config: dict[str, Any]) -> httpx.Response:
    """What checkout.js sends when the buyer presses the button ``config`` describes."""
    signed = config["create_checkout_session_config"]
    return amazon.http.post(
        f"{SIM}/checkout/v2/start",
        data={
            "merchantId": config["merchant_id"],
            "sandbox": "true",
            "payloadJSON": signed["payloadJSON"],
            "signature": signed["signature"],
            "publicKeyId": signed["publicKeyId"],
            "algorithm": signed["algorithm"],
        },
    )


def at_amazon(
    amazon: SimulatedAmazon, config: dict[str, Any], card: str = "visa", address: int = 0
) -> str:
    """The buyer presses the button, signs in, picks an address and a card, and is sent
    back to the review URL; returns the checkout session id."""
    started = press(amazon, config)
    assert started.status_code == 303, started.text
    signed_in = amazon.http.post(
        SIM + started.headers["location"], data={"email": ERIKA, "password": "sandbox-password"}
    )
    assert signed_in.status_code == 303, signed_in.text
    chosen = amazon.http.post(
        SIM + signed_in.headers["location"], data={"address": str(address), "card": card}
    )
    assert chosen.status_code == 303, chosen.text
    back = urlsplit(chosen.headers["location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == REVIEW_URL
    return parse_qs(back.query)["amazonCheckoutSessionId"][0]


def authenticate(amazon: SimulatedAmazon, redirect_url: str, outcome: str = "pass") -> None:
    """The buyer's authentication step at amazonPayRedirectUrl: ``pass``, ``fail`` or
    ``abandon``; Amazon sends the buyer to the result URL either way."""
    answer = amazon.http.post(redirect_url, data={"outcome": outcome})
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"].startswith(RESULT_URL)
