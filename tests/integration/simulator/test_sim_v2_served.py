"""``amzpay simulator --tls`` serves API v2 at the root of its host and port over https, with
a certificate issued by a CA it makes, so a client that only speaks https (as Amazon's
official v2 SDKs do) reaches it after trusting that CA."""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from v2kit import SANDBOX_SELLER, Pay

from amzpay.cli.simulator import build, simulator_config, tls_files
from amzpay.simulator import SystemClock


@pytest.fixture
def served_tls(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    files = tls_files("127.0.0.1", tmp_path)
    app = build(simulator_config("127.0.0.1", port, SANDBOX_SELLER, throttle=False, tls=True))
    config = uvicorn.Config(
        app,
        log_level="critical",
        ssl_certfile=str(files.certificate),
        ssl_keyfile=str(files.key),
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    for _ in range(500):
        if server.started:
            break
        thread.join(0.01)
    yield f"https://127.0.0.1:{port}", files.ca_certificate
    server.should_exit = True
    thread.join(10)
    listener.close()


def test_a_signed_v2_call_over_https_is_answered_by_the_served_simulator(
    served_tls: tuple[str, Path],
) -> None:
    url, ca = served_tls
    trust = ssl.create_default_context(cafile=str(ca))
    with httpx.Client(base_url=url, verify=trust, timeout=10) as http:
        pay = Pay(http, SystemClock())
        body = {
            "webCheckoutDetails": {"checkoutReviewReturnUrl": "https://shop.example/review"},
            "storeId": "store",
        }
        created = pay.ok("POST", "/v2/checkoutSessions", body)
        assert created["statusDetails"]["state"] == "Open"
        fetched = pay.ok("GET", f"/v2/checkoutSessions/{created['checkoutSessionId']}")
        assert fetched["checkoutSessionId"] == created["checkoutSessionId"]


def test_a_client_that_does_not_trust_the_ca_is_refused_the_connection(
    served_tls: tuple[str, Path],
) -> None:
    url, _ = served_tls
    with httpx.Client(base_url=url, timeout=10) as http, pytest.raises(httpx.ConnectError):
        http.get("/v2/checkoutSessions/x")
