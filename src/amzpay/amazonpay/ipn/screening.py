"""The checks an IPN passes before any certificate is fetched for it: its topic and its
recipient.

Both read fields the signature covers (TopicArn, Message), so a message that fails them would
be refused after verification as well; checking them first makes a forged message cost a
regular expression and a JSON parse instead of a certificate fetch.

- TopicArn is an SNS topic ARN, ``arn:aws:sns:<region>:<account>:<name>`` (research B.1), and
  the configured topic when the shop names one; its region is the region of the SNS host
  that must serve the certificate.
- The inner Message's SellerId and ReleaseEnvironment are the configured ones (a Message
  that is not a JSON object, or lacks either, will never be accepted either).

Raises UnexpectedTopic, InvalidJson, MissingField, InvalidField and ForeignNotification.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

from amzpay.amazonpay.ipn.errors import (
    ForeignNotification,
    InvalidField,
    MissingField,
    UnexpectedTopic,
)

_TOPIC_ARN: Final = re.compile(
    r"arn:aws(-cn|-us-gov)?:sns:(?P<region>[a-z]{2}(-[a-z]+)+-[0-9]):[0-9]{12}:[A-Za-z0-9_-]{1,256}"
)


def topic_region(topic_arn: str, expected: str | None) -> str:
    """The region of ``topic_arn``, once it is an SNS topic ARN and the ``expected`` one."""
    if expected is not None and topic_arn != expected:
        raise UnexpectedTopic(topic_arn, f"the shop's topic is {expected!r}")
    match = _TOPIC_ARN.fullmatch(topic_arn)
    if match is None:
        raise UnexpectedTopic(topic_arn, "not an SNS topic ARN")
    return match["region"]


def check_recipient(message: Mapping[str, object], seller_id: str, environment: str) -> None:
    """The Message is addressed to ``seller_id`` in ``environment`` (Sandbox or Live)."""
    for field, expected in (("SellerId", seller_id), ("ReleaseEnvironment", environment)):
        value = message.get(field)
        if value is None:
            raise MissingField(f"Message.{field}")
        if type(value) is not str:
            raise InvalidField(f"Message.{field}", "expected a string")
        if value != expected:
            raise ForeignNotification(field, expected, value)
