"""Who bought an order and where it ships, in and out of ``order_buyers`` (one row per order,
absent while Amazon told the shop neither)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, delete, insert, select

from amzpay.domain.buyer import Buyer, OrderBuyer, ShippingAddress
from amzpay.store import tables as t
from amzpay.store.base import Rows

_LINES = ("ship_line1", "ship_line2", "ship_line3")


class BuyerRows(Rows):
    def set_order_buyer(self, order: str, buyer: OrderBuyer) -> None:
        """Keep who bought the order and where it ships (replacing what was kept). Raises
        OrderNotFound."""
        order_id = self.order_id(order)
        self.conn.execute(delete(t.order_buyers).where(t.order_buyers.c.order_id == order_id))
        self.conn.execute(insert(t.order_buyers).values(order_id=order_id, **_values(buyer)))

    def order_buyer(self, order: str) -> OrderBuyer:
        """Who bought the order and where it ships. Raises OrderNotFound."""
        order_id = self.order_id(order)
        row = self.conn.execute(
            select(t.order_buyers).where(t.order_buyers.c.order_id == order_id)
        ).first()
        return OrderBuyer() if row is None else _order_buyer(row)


def _values(kept: OrderBuyer) -> dict[str, object]:
    values: dict[str, object] = {}
    if (buyer := kept.buyer) is not None:
        values |= {"buyer_name": buyer.name, "buyer_email": buyer.email}
        values["buyer_phone"] = buyer.phone
    if (address := kept.shipping_address) is not None:
        values |= dict(zip(_LINES, address.lines, strict=False))
        values |= {
            "ship_name": address.name,
            "ship_city": address.city,
            "ship_postal_code": address.postal_code,
            "ship_country_code": address.country_code,
            "ship_region": address.region,
            "ship_phone": address.phone,
        }
    return values


def _order_buyer(row: Row[Any]) -> OrderBuyer:
    buyer = None
    if row.buyer_name is not None and row.buyer_email is not None:
        buyer = Buyer(row.buyer_name, row.buyer_email, row.buyer_phone)
    address = None
    if row.ship_name is not None and row.ship_city is not None:
        address = ShippingAddress(
            name=row.ship_name,
            lines=tuple(line for key in _LINES if (line := row._mapping[key]) is not None),
            city=row.ship_city,
            postal_code=row.ship_postal_code,
            country_code=row.ship_country_code,
            region=row.ship_region,
            phone=row.ship_phone,
        )
    return OrderBuyer(buyer, address)
