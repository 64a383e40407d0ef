"""Driving the simulator's buyer pages over HTTP as a browser would: sign in, open the address
book and the wallet, choose; and reading what a page tells the shop's page by postMessage."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
from simkit import SELLER

ORIGIN = "https://shop.example"
SCOPE = "profile payments:widget payments:shipping_address"
ERIKA = "erika.mustermann@example.com"
JOHN = "john.smith@example.co.uk"
PASSWORD = "sandbox-password"
CLIENT_ID = SELLER.client_id

_MESSAGES = re.compile(r'<script type="application/json" id="amazon-messages">(.*?)</script>')


def messages(page: httpx.Response) -> dict[str, Any]:
    """What ``page`` posts to the shop's page: its target origin and its messages."""
    found = _MESSAGES.search(page.text)
    assert found is not None, page.text
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def kinds(page: httpx.Response) -> list[str]:
    return [m["type"] for m in messages(page)["messages"]]


def sign_in(http: httpx.Client, email: str = ERIKA, password: str = PASSWORD) -> httpx.Response:
    return http.post(
        "/ap/signin",
        data={
            "client_id": CLIENT_ID,
            "scope": SCOPE,
            "origin": ORIGIN,
            "email": email,
            "password": password,
        },
    )


def token_of(http: httpx.Client, email: str = ERIKA) -> str:
    page = sign_in(http, email)
    assert page.status_code == 200, page.text
    token: str = messages(page)["messages"][0]["access_token"]
    return token


def widget_fields(token: str, order_id: str | None = None) -> dict[str, str]:
    fields = {"sellerId": SELLER.seller_id, "access_token": token, "origin": ORIGIN}
    if order_id is not None:
        fields["amazonOrderReferenceId"] = order_id
    return fields


def open_address_book(http: httpx.Client, token: str) -> tuple[str, httpx.Response]:
    """The address book as first shown: the order reference it created, and the page."""
    page = http.get("/widgets/address-book", params=widget_fields(token))
    assert page.status_code == 200, page.text
    created = messages(page)["messages"][0]
    assert created["type"] == "orderReferenceCreate"
    return created["amazonOrderReferenceId"], page


def choose(http: httpx.Client, widget: str, token: str, order_id: str, **choice: str) -> None:
    answer = http.post(f"/widgets/{widget}", data=widget_fields(token, order_id) | choice)
    assert answer.status_code == 303, answer.text
