"""Reading Amazon's XML safely: no DOCTYPE, names without namespaces, typed leaf values.

Amazon's responses use ``http://mws.amazonservices.com/schema/OffAmazonPayments/2013-01-01``
while IPN NotificationData uses ``https://mws(-eu).amazonservices.com/ipn/...``; element order
is not stable either. So elements are found by local name only, never by position or namespace
(research: amazonpay-api.md A.5, B.4). Any DOCTYPE is refused before the (C) parser runs: with
no DTD there are no entity declarations, which stops entity expansion ("billion laughs") and
external entity attacks (``parse_xml``).

    WireError (ValueError)
    ├── MalformedXml       not UTF-8, not well-formed, or a DOCTYPE anywhere
    ├── MissingElement     a required element is absent or empty
    └── InvalidValue       an amount, currency, timestamp or boolean that cannot be read

Imports the standard library and ``amzpay.domain.money`` only.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Final
from xml.etree.ElementTree import Element, TreeBuilder
from xml.parsers import expat

from amzpay.domain.errors import MoneyError
from amzpay.domain.money import Money


class WireError(ValueError):
    """Base of the reasons Amazon's XML cannot be read into typed values."""


class MalformedXml(WireError):
    """Raised for text that is not well-formed XML, or that declares a DTD or entities."""


class MissingElement(WireError):
    """Raised when a required element is absent or has no text; ``path`` names it."""

    def __init__(self, path: str) -> None:
        self.path = path
        super().__init__(f"missing element {path}")


class InvalidValue(WireError):
    """Raised when an element's text is not a valid value of its kind."""

    def __init__(self, path: str, value: str, reason: str) -> None:
        self.path, self.value, self.reason = path, value, reason
        super().__init__(f"invalid {path} {value!r}: {reason}")


_DOCTYPE: Final = "<!DOCTYPE"


def parse_xml(data: bytes | str) -> Node:
    """The document element of ``data``.

    A document type declaration is refused before parsing, wherever it appears. Without one
    no entity can be declared, so neither entity expansion ("billion laughs") nor external
    entities or DTDs can occur, and the C parser may read the rest: an undeclared entity
    reference is a syntax error there. Bytes must be UTF-8, as Amazon's responses and IPNs
    are (the check runs on the decoded text, so no other encoding can hide a DOCTYPE).

    Raises:
        MalformedXml: not UTF-8, not well-formed, or a DOCTYPE inside.
    """
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    except UnicodeError:
        raise MalformedXml("unreadable XML: not UTF-8") from None
    if _DOCTYPE in text:
        raise MalformedXml("a DOCTYPE is refused: no DTD, entity or external reference")
    try:
        root = _element_tree(text)
    except (expat.ExpatError, UnicodeError) as error:
        raise MalformedXml(f"unreadable XML: {error}") from None
    return Node(root, _local(root.tag))


def _element_tree(text: str) -> Element:
    """``text`` parsed by expat straight into ElementTree's C tree builder.

    The same parse as ``ElementTree.fromstring`` without its per-document XMLParser, whose
    construction alone costs about 7 µs (docs/performance.md): expat calls the builder's C
    methods directly, and ``buffer_text`` hands it each text run in one piece. Names arrive
    as ``uri}local`` (the separator), so the local name is still what follows the last ``}``.
    """
    builder = TreeBuilder()
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.StartElementHandler = builder.start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    parser.Parse(text, True)
    return builder.close()


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


class Node:
    """An element read by local names; ``path`` names it in error messages."""

    __slots__ = ("_element", "_index", "_parent", "_step")

    def __init__(self, element: Element, step: str, parent: Node | None = None) -> None:
        self._element = element
        self._index: dict[str, Element] | None = None
        # The path is spelled out only for an error: a read asks for dozens of nodes.
        self._parent, self._step = parent, step

    @property
    def path(self) -> str:
        parent = self._parent
        return self._step if parent is None else f"{parent.path}/{self._step}"

    @property
    def name(self) -> str:
        return _local(self._element.tag)

    def _children(self) -> dict[str, Element]:
        # Built once per node: reading a Details element asks for a dozen children. The hot
        # readers below look at ``_index`` first and call this only the first time.
        index = self._index = {
            child.tag.rpartition("}")[2]: child for child in reversed(self._element)
        }
        return index

    def find(self, name: str) -> Node | None:
        """The first child called ``name``, or None."""
        found = (self._index or self._children()).get(name)
        return Node(found, name, self) if found is not None else None

    def child(self, name: str) -> Node:
        found = self.find(name)
        if found is None:
            raise MissingElement(f"{self.path}/{name}")
        return found

    def children(self, name: str) -> Iterator[Node]:
        for child in self._element:
            if _local(child.tag) == name:
                yield Node(child, name, self)

    def descendant(self, name: str) -> Node | None:
        """The first element called ``name`` below this one, in document order."""
        for element in self._element.iter():
            if element is not self._element and _local(element.tag) == name:
                return Node(element, f"/{name}", self)
        return None

    @property
    def value(self) -> str:
        """This element's stripped text ("" when it has none)."""
        return (self._element.text or "").strip()

    # -- leaf values ----------------------------------------------------------------------

    def optional_text(self, name: str) -> str | None:
        found = (self._index or self._children()).get(name)
        if found is None:
            return None
        return (found.text or "").strip() or None

    def text(self, name: str) -> str:
        found = (self._index or self._children()).get(name)
        text = (found.text or "").strip() if found is not None else ""
        if not text:
            raise MissingElement(f"{self.path}/{name}")
        return text

    def money(self, name: str) -> Money:
        """A Price element (``Amount`` and ``CurrencyCode``, in either order) as Money."""
        return _money(self.child(name))

    def optional_money(self, name: str) -> Money | None:
        price = self.find(name)
        return _money(price) if price is not None else None

    def optional_timestamp(self, name: str) -> datetime | None:
        text = self.optional_text(name)
        if text is None:
            return None
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise InvalidValue(f"{self.path}/{name}", text, "not an ISO 8601 time") from None
        if moment.tzinfo is None:
            raise InvalidValue(f"{self.path}/{name}", text, "has no time zone")
        return moment

    def optional_boolean(self, name: str) -> bool | None:
        text = self.optional_text(name)
        if text is None:
            return None
        if text.lower() not in {"true", "false"}:
            raise InvalidValue(f"{self.path}/{name}", text, "expected true or false")
        return text.lower() == "true"

    def ids(self, name: str) -> tuple[str, ...]:
        """The ``member`` texts of an IdList-like element (empty when it is absent)."""
        found = self.find(name)
        if found is None:
            return ()
        return tuple(member.value for member in found.children("member") if member.value)


def _money(price: Node) -> Money:
    amount, currency = price.text("Amount"), price.text("CurrencyCode")
    try:
        return Money.parse(amount, currency)
    except MoneyError as error:
        raise InvalidValue(price.path, f"{amount} {currency}", str(error)) from None
