"""Text the simulator writes into XML: whatever a caller sent, the document stays well-formed
(XML 1.0 §2.2), and what could not be carried is written as a visible escape."""

from __future__ import annotations

from xml.etree.ElementTree import fromstring

from hypothesis import given, strategies as st

from amzpay.simulator.errors import ApiError, invalid
from amzpay.simulator.wire import error_response, xml_text

# Everything a str may hold but lone surrogates, which no UTF-8 request can carry.
ANY_TEXT = st.text(st.characters(blacklist_categories=["Cs"]))
XML_TEXT = st.text(
    st.characters(
        blacklist_categories=["Cs"],
        blacklist_characters="\ufffe\uffff",
        min_codepoint=0x20,
    )
    | st.sampled_from("\t\n")
)


@given(ANY_TEXT)
def test_an_error_that_repeats_any_value_is_well_formed_xml(value: str) -> None:
    document = error_response(invalid("AmazonOrderReferenceId", value), "request-1")

    root = fromstring(document)

    assert root.tag.endswith("ErrorResponse")


@given(XML_TEXT)
def test_text_xml_can_carry_is_written_unchanged(value: str) -> None:
    assert xml_text(value) == value


def test_control_characters_are_written_as_visible_escapes() -> None:
    assert xml_text("S01\x01-\x1f\x7f") == "S01\\x01-\\x1f\x7f"
    assert xml_text("a\ufffeb\x00") == "a\\ufffeb\\x00"


def test_the_message_of_an_error_names_the_escaped_value() -> None:
    error = ApiError("InvalidParameterValue", "The Value 'S01\x02' is invalid")

    message = fromstring(error_response(error, "r")).findtext("{*}Error/{*}Message")

    assert message == "The Value 'S01\\x02' is invalid"
