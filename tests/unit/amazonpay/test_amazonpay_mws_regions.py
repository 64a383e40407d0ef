from __future__ import annotations

import pytest

from amzpay.amazonpay.mws.regions import Endpoint, Environment, Region


@pytest.mark.parametrize(
    ("region", "environment", "url"),
    [
        (
            Region.NA,
            Environment.LIVE,
            "https://mws.amazonservices.com/OffAmazonPayments/2013-01-01",
        ),
        (
            Region.NA,
            Environment.SANDBOX,
            "https://mws.amazonservices.com/OffAmazonPayments_Sandbox/2013-01-01",
        ),
        (
            Region.EU,
            Environment.LIVE,
            "https://mws-eu.amazonservices.com/OffAmazonPayments/2013-01-01",
        ),
        (
            Region.UK,
            Environment.SANDBOX,
            "https://mws-eu.amazonservices.com/OffAmazonPayments_Sandbox/2013-01-01",
        ),
        (Region.JP, Environment.LIVE, "https://mws.amazonservices.jp/OffAmazonPayments/2013-01-01"),
    ],
)
def test_each_region_and_environment_has_amazons_endpoint(region, environment, url):
    assert Endpoint.of(region, environment).url == url


def test_a_local_endpoint_keeps_its_port_because_the_signature_covers_it():
    endpoint = Endpoint.at("http://127.0.0.1:8321/OffAmazonPayments_Sandbox/2013-01-01")

    assert endpoint.host == "127.0.0.1:8321"
    assert endpoint.path == "/OffAmazonPayments_Sandbox/2013-01-01"


@pytest.mark.parametrize("url", ["ftp://host/x", "not a url", "https:///path-only"])
def test_an_endpoint_must_be_an_http_url(url):
    with pytest.raises(ValueError, match="not an http"):
        Endpoint.at(url)
