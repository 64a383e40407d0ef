from __future__ import annotations

from amzpay.amazonpay.calllog import REDACTED, redact


def test_redaction_keeps_ids_amounts_and_flags_and_hides_everything_else():
    parameters = {
        "Action": "Authorize",
        "AuthorizationReferenceId": "au-1",
        "AuthorizationAmount.Amount": "30.00",
        "AuthorizationAmount.CurrencyCode": "EUR",
        "CaptureNow": "true",
        "MWSAuthToken": "amzn.mws.token",
        "AccessToken": "Atza|token",
        "SellerAuthorizationNote": "for Ada",
        "SomeFutureParameter": "unknown",
    }

    kept = redact(parameters)

    assert kept["AuthorizationReferenceId"] == "au-1"
    assert kept["AuthorizationAmount.Amount"] == "30.00"
    assert kept["CaptureNow"] == "true"
    for hidden in ("MWSAuthToken", "AccessToken", "SellerAuthorizationNote", "SomeFutureParameter"):
        assert kept[hidden] == REDACTED
