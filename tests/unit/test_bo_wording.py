"""The back office's small pure helpers: ages, reason codes, where a login may lead."""

from __future__ import annotations

from datetime import timedelta

import pytest

from amzpay.web.backoffice.rendering import age
from amzpay.web.backoffice.security import safe_next
from amzpay.web.backoffice.words import reason_in_words, reason_words, seller_central_url, tone


@pytest.mark.parametrize(
    ("span", "said"),
    [
        (timedelta(seconds=-5), "0 s"),
        (timedelta(seconds=45), "45 s"),
        (timedelta(minutes=12, seconds=59), "12 min"),
        (timedelta(hours=3), "3 h"),
        (timedelta(hours=3, minutes=5), "3 h 5 min"),
        (timedelta(days=2), "2 d"),
        (timedelta(days=2, hours=4, minutes=30), "2 d 4 h"),
    ],
)
def test_an_age_is_said_the_way_staff_say_it(span, said):
    assert age(span) == said


def test_a_known_reason_code_comes_with_its_meaning():
    assert reason_in_words("AmazonRejected").startswith("AmazonRejected: Amazon rejected it")
    assert "A-to-z" in reason_words("ProcessingFailure")


def test_an_unknown_reason_code_is_shown_as_it_is():
    assert reason_in_words("SomethingNew") == "SomethingNew"
    assert reason_words("SomethingNew") == ""
    assert reason_in_words(None) == ""


@pytest.mark.parametrize(
    ("state", "looks"),
    [
        ("refund pending", "wait"),
        ("capture requested", "wait"),
        ("refund declined", "bad"),
        ("failed", "bad"),
        ("refund completed", "good"),
        ("closed", "good"),
        ("new", ""),
        ("refund initiated", "wait"),
        ("authorization initiated", "wait"),
        ("charge declined", "bad"),
        ("authorized", "good"),
        ("captured", "good"),
        ("refunded", "good"),
        ("charge canceled", ""),
    ],
)
def test_a_state_looks_like_what_it_means(state, looks):
    assert tone(state) == looks


@pytest.mark.parametrize(
    ("given", "goes"),
    [
        ("/orders/DE-1?x=1", "/orders/DE-1?x=1"),
        ("", "/"),
        (None, "/"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example/", "/"),
        ("orders", "/"),
    ],
)
def test_after_logging_in_staff_go_only_to_a_page_of_this_site(given, goes):
    assert safe_next(given) == goes


@pytest.mark.parametrize(
    ("code", "meaning"),
    [
        ("SoftDeclined", "declined for now"),
        ("HardDeclined", "declined for good"),
        ("ChargeInProgress", "a charge is being decided"),
        ("MerchantClosed", "the shop closed it"),
        ("PaymentMethodExpired", "has expired"),
    ],
)
def test_api_v2s_reason_codes_come_with_their_meaning(code, meaning):
    assert reason_in_words(code).startswith(f"{code}: ")
    assert meaning in reason_words(code)


def test_both_apis_ids_link_to_the_same_seller_central_page():
    base = "https://sellercentral-europe.amazon.com"

    legacy = seller_central_url(base, "S02-1234567-1234567")
    v2 = seller_central_url(base, "S01-7654321-7654321")

    assert legacy == f"{base}/hz/me/pmd/payment-details?orderReferenceId=S02-1234567-1234567"
    assert v2 == f"{base}/hz/me/pmd/payment-details?orderReferenceId=S01-7654321-7654321"
