"""Test data: legacy API XML as Amazon writes it (element names from the Amazon Pay API
reference; shapes as in the SDKs' response fixtures, research amazonpay-api.md A.3, A.5)."""

from __future__ import annotations

RESPONSE_NS = "http://mws.amazonservices.com/schema/OffAmazonPayments/2013-01-01"


def price(name: str, amount: str, currency: str = "EUR") -> str:
    return f"<{name}><Amount>{amount}</Amount><CurrencyCode>{currency}</CurrencyCode></{name}>"


def status(name: str, state: str, reason: str | None = None) -> str:
    reason_element = f"<ReasonCode>{reason}</ReasonCode>" if reason else ""
    return (
        f"<{name}><State>{state}</State>{reason_element}"
        f"<LastUpdateTimestamp>2026-11-28T10:00:01.000Z</LastUpdateTimestamp></{name}>"
    )


def order_reference_details(state: str = "Open", total: str = "30.00") -> str:
    return (
        "<OrderReferenceDetails>"
        "<AmazonOrderReferenceId>S02-1234567-1234567</AmazonOrderReferenceId>"
        "<Buyer><Name>Ada Buyer</Name><Email>ada@example.com</Email></Buyer>"
        + price("OrderTotal", total)
        + "<ReleaseEnvironment>Sandbox</ReleaseEnvironment>"
        "<SellerOrderAttributes><SellerOrderId>order-42</SellerOrderId></SellerOrderAttributes>"
        + status("OrderReferenceStatus", state)
        + "<IdList><member>S02-1234567-1234567-A000001</member></IdList>"
        "<CreationTimestamp>2026-11-28T09:00:00.000Z</CreationTimestamp>"
        "<ExpirationTimestamp>2027-05-27T09:00:00.000Z</ExpirationTimestamp>"
        "</OrderReferenceDetails>"
    )


def authorization_details(state: str = "Open", reason: str | None = None) -> str:
    return (
        "<AuthorizationDetails>"
        "<AmazonAuthorizationId>S02-1234567-1234567-A000001</AmazonAuthorizationId>"
        "<AuthorizationReferenceId>au-0001</AuthorizationReferenceId>"
        + price("AuthorizationAmount", "30.00")
        + price("CapturedAmount", "0")
        + price("AuthorizationFee", "0.00")
        + "<IdList/>"
        + status("AuthorizationStatus", state, reason)
        + "<CaptureNow>false</CaptureNow>"
        "<SoftDecline>false</SoftDecline>"
        "<CreationTimestamp>2026-11-28T10:00:00.000Z</CreationTimestamp>"
        "<ExpirationTimestamp>2026-12-28T10:00:00.000Z</ExpirationTimestamp>"
        "</AuthorizationDetails>"
    )


def capture_details(state: str = "Completed") -> str:
    # CurrencyCode before Amount here: Amazon's element order is not stable (research A.5).
    return (
        "<CaptureDetails>"
        "<AmazonCaptureId>S02-1234567-1234567-C000001</AmazonCaptureId>"
        "<CaptureReferenceId>ca-0001</CaptureReferenceId>"
        "<CaptureAmount><CurrencyCode>EUR</CurrencyCode><Amount>30.0</Amount></CaptureAmount>"
        + price("RefundedAmount", "0")
        + price("CaptureFee", "0.00")
        + "<IdList><member>S02-1234567-1234567-R000001</member>"
        "<member>S02-1234567-1234567-R000002</member></IdList>"
        + status("CaptureStatus", state)
        + "<CreationTimestamp>2026-11-28T10:00:02.000Z</CreationTimestamp>"
        "</CaptureDetails>"
    )


def refund_details(state: str = "Pending", amount: str = "12.30", currency: str = "EUR") -> str:
    return (
        "<RefundDetails>"
        "<AmazonRefundId>S02-1234567-1234567-R000001</AmazonRefundId>"
        "<RefundReferenceId>rf-0001</RefundReferenceId>"
        "<RefundType>SellerInitiated</RefundType>"
        + price("RefundAmount", amount, currency)
        + price("FeeRefunded", "0", currency)
        + "<CreationTimestamp>2026-11-28T10:05:00.000Z</CreationTimestamp>"
        + status("RefundStatus", state)
        + "<SoftDescriptor>AMZ*shop</SoftDescriptor>"
        "</RefundDetails>"
    )


def response(action: str, details: str = "", request_id: str = "b7a7c0e4-req") -> bytes:
    return (
        f'<?xml version="1.0"?><{action}Response xmlns="{RESPONSE_NS}">'
        f"<{action}Result>{details}</{action}Result>"
        f"<ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata>"
        f"</{action}Response>"
    ).encode()


def error_response(
    code: str, message: str = "refused", request_id: str = "e-req-1", error_type: str = "Sender"
) -> bytes:
    return (
        f'<ErrorResponse xmlns="{RESPONSE_NS}"><Error><Type>{error_type}</Type>'
        f"<Code>{code}</Code><Message>{message}</Message></Error>"
        f"<RequestId>{request_id}</RequestId></ErrorResponse>"
    ).encode()


THROTTLED = (
    f'<ErrorResponse xmlns="{RESPONSE_NS}"><Error><Type></Type><Code>RequestThrottled</Code>'
    "<Message>Request is throttled</Message></Error><RequestID>t-req-9</RequestID></ErrorResponse>"
).encode()
