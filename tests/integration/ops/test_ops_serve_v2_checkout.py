"""``amzpay serve --simulator`` runs the API v2 checkout too: a key made for the run, its
public half registered with the simulator, the demo shop's v2 button signed with it, the
buyer's hosted pages and amazonPayRedirectUrl on the same server, and the order placed."""

from __future__ import annotations

import json
import re

import httpx
from servekit import environment, free_port, served


def test_the_served_demo_shop_takes_a_payment_with_amazon_pay_v2(sqlite_url, tmp_path):
    port = free_port()
    env = environment(DATABASE_URL=sqlite_url, AMAZON__SIMULATOR="true", WEB__PORT=str(port))
    with served(env, tmp_path) as server, httpx.Client(base_url=server.url, timeout=10) as web:
        web.post("/shop/cart", data={"sku": "mug"})
        cart = web.get("/shop/cart").text
        found = re.search(r'id="amazon-pay-v2">(.*?)</script>', cart)
        assert found is not None, cart
        config = json.loads(found.group(1))
        script = web.get("/simulator/checkout.js").text
        signed = config["createCheckoutSessionConfig"]
        started = web.post(
            "/simulator/checkout/v2/start",
            data={"merchantId": config["merchantId"], "sandbox": "true", **signed},
        )
        signed_in = web.post(
            started.headers["location"],
            data={"email": "erika.mustermann@example.com", "password": "sandbox-password"},
        )
        chosen = web.post(signed_in.headers["location"], data={"address": "0", "card": "visa"})
        review = web.get(chosen.headers["location"])
        session = review.url.params["amazonCheckoutSessionId"]
        placed = web.post("/shop/v2/place", data={"checkout_session_id": session})
        confirmed = web.post(placed.headers["location"], data={"outcome": "pass"})
        result = web.get(confirmed.headers["location"])

    assert f'src="{server.url}/simulator/checkout.js"' in cart
    assert "renderButton" in script
    assert signed["publicKeyId"].startswith("SANDBOX-")
    assert started.status_code == 303, started.text
    assert "Heidestrasse 17" in review.text
    assert placed.headers["location"] == f"{server.url}/simulator/_sim/v2/checkout/{session}"
    assert result.status_code == 303, result.text
    assert result.headers["location"].startswith("/shop/thanks/SHOP-")
