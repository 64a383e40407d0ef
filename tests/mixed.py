"""A shop paid through both of Amazon's APIs: amzpay built with the legacy gateway and the v2
gateway in front of one simulator (its seller has legacy credentials and a v2 key), each
order's calls routed by the API the order is stored with."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Final

from amzpay.amazonpay.routing import Gateways
from amzpay.bootstrap import App, build
from amzpay.domain.money import Money
from amzpay.domain.order import AmazonApi
from amzpay.mail.sink import SmtpSink
from amzpay.services.order_spec import read_order
from shop import SELLER, Shop, SimulatedAmazon, order_spec, settings

MIXED_SELLER: Final = replace(SELLER, public_key_id="SANDBOX-AFLOWMIXEDKEY01")
ORDER_TOTAL: Final = Money(9388, "EUR")  # order_spec: two mugs, a tea set, the delivery


def mixed_amazon() -> SimulatedAmazon:
    """The simulator for a seller with both APIs' credentials (a v2 key made here)."""
    return SimulatedAmazon(MIXED_SELLER)


def built_mixed(
    database_url: str, amazon: SimulatedAmazon, sink: SmtpSink | None = None, **options: Any
) -> App:
    """amzpay on ``database_url`` with both gateways in front of ``amazon``."""
    return build(
        settings(database_url, amazon, sink),
        gateway_factory=lambda _, call_log: Gateways(
            amazon.gateway(call_log), amazon.v2_gateway(call_log), AmazonApi.LEGACY
        ),
        clock=amazon.clock.now,
        certificates=amazon.certificates,
        **options,
    )


class MixedShop(Shop):
    """A ``Shop`` whose orders may be paid through API v2 too."""

    def place_v2(self, process: str | None = None, **changes: Any) -> str:
        """A buyer's completed v2 checkout, its charge permission imported as a v2 order (in
        ``process``, the settings' by default) and its charge made."""
        spec = self.spec(**changes)
        lines = read_order({**spec, "amazon_order_reference_id": "(at checkout)"}).lines()
        total = Money.total((line.price_to_pay for line in lines), spec["currency"])
        permission = self.amazon.v2_checkout(total)
        spec["amazon_order_reference_id"] = permission
        order = self.app.orders.import_order(spec, process=process, api=AmazonApi.V2)
        self.work()
        return order

    def closed_v2_order(self, **changes: Any) -> str:
        """A v2 order charged, captured in full and its charge permission closed."""
        order = self.place_v2(**changes)
        self.app.orders.fire(order, "capture", None, actor="staff")
        self.work()
        self.later(1)
        return order


def mixed_shop_on(database_url: str, sink: SmtpSink | None = None) -> MixedShop:
    amazon = mixed_amazon()
    return MixedShop(built_mixed(database_url, amazon, sink), amazon, order_spec)
