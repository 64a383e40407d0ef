"""``parse_xml`` feeds expat straight into ElementTree's C tree builder: it reads what
``ElementTree.fromstring`` read, and refuses what it refused."""

from __future__ import annotations

import pytest

from amzpay.amazonpay.mws.elements import MalformedXml, parse_xml

NS = "https://mws.amazonservices.com/ipn/OffAmazonPayments/2013-01-01"


def test_elements_are_found_by_local_name_whatever_the_namespace_or_prefix():
    root = parse_xml(
        f'<a:R xmlns:a="{NS}" xmlns="urn:other"><a:Price><Amount>1.00</Amount></a:Price></a:R>'
    )

    assert root.name == "R"
    assert root.child("Price").text("Amount") == "1.00"


def test_text_is_read_whole_across_entities_character_references_cdata_and_comments():
    root = parse_xml(
        "<R><Note>a &amp; b &#x3C;<![CDATA[ <c> ]]><!-- skipped --><?pi skipped?> d</Note></R>"
    )

    assert root.text("Note") == "a & b < <c>  d"


def test_long_text_split_by_the_parser_is_joined():
    root = parse_xml("<R><Note>" + "x" * 20000 + "</Note></R>")

    assert root.text("Note") == "x" * 20000


def test_the_declared_encoding_of_a_text_argument_does_not_change_its_reading():
    root = parse_xml('<?xml version="1.0" encoding="ISO-8859-1"?><R><Name>Müller</Name></R>')

    assert root.text("Name") == "Müller"


@pytest.mark.parametrize(
    "xml",
    [
        "<a:R/>",  # an undeclared prefix
        "<R></S>",
        "<R/><S/>",
        "<R/>junk",
        "",
        "   ",
        "<R>\x00</R>",
        "<R>\ud800</R>",  # a lone surrogate: not encodable as UTF-8
        "<R a='1' a='2'/>",
    ],
    ids=repr,
)
def test_what_is_not_well_formed_is_malformed_xml(xml):
    with pytest.raises(MalformedXml, match="unreadable XML"):
        parse_xml(xml)
