from __future__ import annotations

from amzpay.cli import main


def test_the_demo_runs_every_refund_path_and_its_books_equal_amazons(capsys):
    code = main(["demo"])

    out = capsys.readouterr().out
    assert code == 0
    assert "captured 93.88 EUR, refunded 93.88 EUR in 4 refund(s), pending 0.00 EUR" in out
    assert "Amazon says: captured 93.88 EUR, refunded 93.88 EUR" in out
    assert "29.40 EUR declined (AmazonRejected)" in out
    assert "to staff@shop.demo" in out
    assert out.count("to buyer@example.com") == 3
