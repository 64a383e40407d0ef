"""E-mails rendered in the order's language, with amounts in its locale."""

from __future__ import annotations

import pytest

from amzpay.domain.money import Money
from amzpay.mail.messages import Mail, MailKind, Shop
from amzpay.mail.render import environment, format_amount, language_of, render

SHOP = Shop("Kaffeerösterei Berg", "shop@berg.example", "hilfe@berg.example")


def mail(kind, locale="en_GB", **facts):
    facts.setdefault("amount", Money(2490, "EUR"))
    return Mail(kind, "buyer@example.com", locale, "DE--1001", **facts)


def text_and_html(message):
    return (
        message.get_body(preferencelist=("plain",)).get_content(),
        message.get_body(preferencelist=("html",)).get_content(),
    )


@pytest.mark.parametrize("kind", list(MailKind))
@pytest.mark.parametrize("locale", ["en_GB", "de_DE"])
def test_every_mail_has_a_subject_text_and_html_naming_the_order(kind, locale):
    message = render(environment(), mail(kind, locale, reason_code="AmazonRejected"), SHOP)

    text, html = text_and_html(message)
    assert "DE--1001" in message["Subject"]
    assert "\n" not in message["Subject"]
    assert "DE--1001" in text
    assert "DE--1001" in html
    assert (message["From"], message["To"]) == (SHOP.sender, "buyer@example.com")
    assert html.lstrip().startswith("<!doctype html>")


def test_a_suspended_authorization_asks_the_buyer_for_another_payment_method():
    text, _ = text_and_html(render(environment(), mail(MailKind.AUTHORIZATION_SUSPENDED), SHOP))

    assert "choose another payment method" in text


def test_a_declined_authorization_asks_the_buyer_to_contact_the_shop_and_says_why():
    env = environment()
    invalid, _ = text_and_html(
        render(env, mail(MailKind.AUTHORIZATION_DECLINED, reason_code="InvalidPaymentMethod"), SHOP)
    )
    rejected, _ = text_and_html(
        render(env, mail(MailKind.AUTHORIZATION_DECLINED, reason_code="AmazonRejected"), SHOP)
    )

    assert "hilfe@berg.example" in invalid
    assert "hilfe@berg.example" in rejected
    assert "declined the payment method you chose" in invalid
    assert "declined the payment method" not in rejected


def test_a_completed_refund_tells_the_buyer_the_amount_and_items_in_german():
    message = render(
        environment(),
        mail(MailKind.REFUND_COMPLETED, "de_DE", items=("Espresso 1 kg", "Mühle")),
        SHOP,
    )

    text, html = text_and_html(message)
    assert "24,90\xa0€" in message["Subject"]
    assert "  - Espresso 1 kg\n  - Mühle\n" in text
    assert "<li>Mühle</li>" in html


@pytest.mark.parametrize(
    ("reason", "advice"),
    [
        ("AmazonRejected", "seller account's balance"),
        ("ProcessingFailure", "could not process the refund"),
        ("SomethingNew", "Check the refund in Seller Central"),
    ],
)
def test_a_declined_refund_tells_staff_amazons_reason_and_what_to_do(reason, advice):
    message = render(environment(), mail(MailKind.REFUND_DECLINED, reason_code=reason), SHOP)

    text, _ = text_and_html(message)
    assert reason in message["Subject"]
    assert f"Reason:  {reason}" in text
    assert advice in text


def test_item_names_are_escaped_in_html_but_not_in_text():
    message = render(
        environment(), mail(MailKind.REFUND_COMPLETED, items=("<script>x</script> & co",)), SHOP
    )

    text, html = text_and_html(message)
    assert "<script>x</script> & co" in text
    assert "&lt;script&gt;x&lt;/script&gt; &amp; co" in html
    assert "<script>" not in html


@pytest.mark.parametrize(
    ("locale", "language"),
    [("de_DE", "de"), ("de-AT", "de"), ("en_US", "en"), ("fr_FR", "en"), ("", "en")],
)
def test_a_locale_without_templates_falls_back_to_english(locale, language):
    assert language_of(locale) == language


@pytest.mark.parametrize(
    ("amount", "locale", "text"),
    [
        (Money(2490, "EUR"), "de_DE", "24,90\xa0€"),
        (Money(2490, "EUR"), "en_GB", "€24.90"),
        (Money(1000, "JPY"), "ja_JP", "￥1,000"),
        (Money(1500, "KWD"), "en_GB", "KWD1.500"),
        (Money(12345, "IQD"), "en_GB", "IQD12.345"),  # CLDR shows IQD without decimals
        (Money(2490, "EUR"), "not a locale", "€24.90"),
    ],
)
def test_amounts_are_written_exactly_for_the_locale(amount, locale, text):
    assert format_amount(amount, locale) == text


def test_a_mail_survives_a_round_trip_through_json():
    original = mail(MailKind.REFUND_DECLINED, reason_code="AmazonRejected", items=("A", "B"))

    assert Mail.from_json(original.to_json()) == original
    assert (
        Mail.from_json(mail(MailKind.AUTHORIZATION_SUSPENDED, amount=None).to_json()).amount is None
    )
