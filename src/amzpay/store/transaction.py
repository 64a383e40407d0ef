"""One unit of work's view of the database: every group of rows on one connection."""

from __future__ import annotations

from amzpay.store.access_rows import AccessRows
from amzpay.store.buyer_rows import BuyerRows
from amzpay.store.flow_rows import FlowRows
from amzpay.store.instance_rows import InstanceRows
from amzpay.store.log_rows import LogRows
from amzpay.store.mail_rows import MailRows
from amzpay.store.oms_rows import OmsRows
from amzpay.store.order_rows import OrderRows
from amzpay.store.payments import PaymentRows
from amzpay.store.query_rows import QueryRows


class Transaction(
    OrderRows,
    OmsRows,
    PaymentRows,
    LogRows,
    FlowRows,
    AccessRows,
    QueryRows,
    MailRows,
    InstanceRows,
    BuyerRows,
):
    """Made by ``Database.transaction()``; valid until that block ends."""
