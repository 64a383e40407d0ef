"""Schemathesis against /openapi.json: requests generated from the schema itself, valid and
invalid, with a valid token, must never get a 5xx and every answer must match the schema
(status documented, body of the documented shape). Bounded so that it runs in well under a
minute; on SQLite, with one closed order in the shop so that some requests find something,
and an API v2 key so that the v2 checkout asks the simulator.

Not checked: that every schema-valid request is accepted (schemathesis' positive data
acceptance). The schema states shapes; meaning (a shipment the order has, a currency ISO 4217
knows, an item whose state allows the event) is checked by the services and refused with a
422 or 409 that names the field, which that check counts as a failure."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings, strategies as st
from schemathesis import Case
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from amzpay.mail.sink import SmtpSink
from amzpay.web.app import create_app
from shop import SELLER, Shop, SimulatedAmazon, shop_on

EXAMPLES = 15  # per operation and mode: about 400 requests in all


@pytest.fixture
def shop(sqlite_url: str, sink: SmtpSink) -> Iterator[Shop]:
    amazon = SimulatedAmazon(replace(SELLER, public_key_id="SANDBOX-ASCHEMAKEY0001"))
    environ = {"AMZPAY_AMAZON__CLIENT_ID": SELLER.client_id}  # the v2 button's store
    with shop_on(sqlite_url, sink, environ, amazon) as made:
        made.closed_order()
        yield made


@pytest.fixture
def secret(shop: Shop) -> str:
    return shop.app.access.add_api_token("schemathesis")


MODES = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]


def with_token(case: Case, secret: str) -> None:
    """Send the valid token, unless the headers are the part made invalid on purpose: then
    the answer must be the 401 that rejects them."""
    components = case.meta.components if case.meta is not None else {}
    headers = components.get(ParameterLocation.HEADER)
    if headers is not None and headers.mode.is_negative:
        return
    case.headers = {**(case.headers or {}), "Authorization": f"Bearer {secret}"}


@pytest.mark.parametrize("mode", MODES, ids=[m.value for m in MODES])
def test_no_request_gets_a_server_error_or_an_answer_outside_the_schema(shop, secret, mode):
    # schemathesis.pytest.from_fixture does not run on pytest 9: each operation's strategy is
    # drawn from here instead, with the same checks as call_and_validate runs.
    api_schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(shop.app))
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 12

    for operation in operations:
        run_cases(operation.as_strategy(generation_mode=mode), secret)


def run_cases(strategy: st.SearchStrategy[Case], secret: str) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.data())
    def check(data: st.DataObject) -> None:
        case = data.draw(strategy)
        with_token(case, secret)
        case.call_and_validate(excluded_checks=[positive_data_acceptance])

    check()
