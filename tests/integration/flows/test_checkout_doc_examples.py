"""docs/checkout.md is the example a shop's developers copy: its requests are taken as shown
and amzpay answers what it shows, against the simulator (the button as ``amzpay serve
--simulator`` on port 8000 gives it, Erika's details, the order placed from its cart)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from amzpay.cli.sandbox import sandbox_settings
from amzpay.config import Settings
from amzpay.services.checkout import ButtonSettings
from shop import Shop, api_client, shop_on

DOC = Path(__file__).resolve().parents[3] / "docs" / "checkout.md"
ERIKA = "erika.mustermann@example.com"


def section(heading: str) -> str:
    """The doc's section whose heading starts with ``heading``, up to the next one."""
    text = DOC.read_text()
    start = text.index(f"\n## {heading}")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def json_blocks(text: str) -> list[Any]:
    return [json.loads(block) for block in re.findall(r"```json\n(.*?)```", text, re.S)]


def curl_body(text: str) -> dict[str, Any]:
    [body] = re.findall(r"-d '(.*?)'", text, re.S)
    loaded: dict[str, Any] = json.loads(body)
    return loaded


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[Shop]:
    with shop_on(f"sqlite:///{tmp_path / 'doc.db'}") as made:
        yield made


@pytest.fixture
def api(shop: Shop) -> Iterator[httpx.Client]:
    with api_client(shop) as client:
        yield client


def signed_in(shop: Shop) -> tuple[str, str]:
    return shop.amazon.sim.create_order_reference(), shop.amazon.sim.sign_in(ERIKA)


def test_the_buttons_settings_are_those_serve_with_the_simulator_gives():
    [shown] = json_blocks(section("The button's settings"))
    amazon = sandbox_settings(Settings.load({}), "http://127.0.0.1:8000").amazon

    given = ButtonSettings(amazon.seller_id, amazon.client_id, amazon.widgets_url or "", True)

    assert shown == {
        "seller_id": given.seller_id,
        "client_id": given.client_id,
        "widgets_url": given.widgets_url,
        "sandbox": given.sandbox,
    }


def test_the_details_answer_is_the_one_shown(shop, api):
    order_reference, token = signed_in(shop)
    request = curl_body(section("The buyer and the address"))
    [shown] = json_blocks(section("The buyer and the address"))

    answer = api.post(
        "/api/v1/checkout/details",
        json=request | {"amazon_order_reference_id": order_reference, "consent_token": token},
    )

    assert answer.status_code == 200
    assert answer.json() == shown | {"amazon_order_reference_id": order_reference}


def test_the_order_shown_is_placed_with_the_total_said_and_the_buyer_from_amazon(shop, api):
    order_reference, token = signed_in(shop)
    placing = section("Placing the order")
    request = curl_body(placing)
    [said] = re.findall(r"`OrderTotal` the cart's total \(here ([0-9.]+) EUR\)", placing)

    answer = api.post(
        "/api/v1/checkout/orders",
        json=request | {"amazon_order_reference_id": order_reference, "consent_token": token},
    )

    assert answer.status_code == 201, answer.text
    placed = answer.json()
    assert placed["reference"] == request["reference"]
    assert placed["total"]["amount"] == said
    assert (placed["buyer"]["email"], placed["customer_email"]) == (ERIKA, ERIKA)
    assert placed["shipping_address"]["city"] == "Koeln"
    at_amazon = shop.app.gateway.order_reference_details(order_reference)
    assert at_amazon.state.value == "open"
    assert at_amazon.amount is not None
    assert str(at_amazon.amount.minor) == said.replace(".", "")
    read = api.get(f"/api/v1/orders/{request['reference']}").json()
    assert {key: read[key] for key in placed if key != "history"} == {
        key: value for key, value in placed.items() if key != "history"
    }


def test_every_error_code_the_table_lists_is_one_the_checkout_answers_with():
    table = section("Errors")
    listed = set(re.findall(r"^\| \d{3} \| `([a-z_]+)` \|", table, re.M))
    sources = Path(__file__).resolve().parents[3] / "src" / "amzpay"
    answered = "\n".join(
        path.read_text()
        for path in (
            sources / "services" / "checkout.py",
            sources / "services" / "errors.py",
            sources / "web" / "errors.py",
            sources / "web" / "api" / "auth.py",
        )
    )

    assert len(listed) >= 10
    assert sorted(code for code in listed if f'"{code}"' not in answered) == []


def test_every_cause_the_checkout_names_is_in_the_table():
    listed = set(re.findall(r"^\| \d{3} \| `([a-z_]+)` \|", section("Errors"), re.M))
    service = Path(__file__).resolve().parents[3] / "src" / "amzpay" / "services" / "checkout.py"
    named = set(re.findall(r'CheckoutRefused\(\s*"([a-z_]+)"', service.read_text()))

    assert named
    assert sorted(named - listed) == []
