"""``amzpay simulator``: the command exists and builds a real-time simulator app."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import typer
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from amzpay.cli import build_app, main
from amzpay.cli.simulator import build, simulator_config, with_v2_key
from amzpay.simulator import OffsetClock, Seller, simulator_of
from amzpay.simulator.tls import make_tls_files, names_for


def test_the_simulator_command_is_registered() -> None:
    names = [command.name for command in build_app().registered_commands]

    assert "simulator" in names


def test_the_simulator_command_documents_its_options(capsys: object) -> None:
    assert main(["simulator", "--help"]) == 0


def test_the_standalone_simulator_throttles_like_amazon_unless_told_not_to() -> None:
    seller = Seller()

    assert simulator_config("127.0.0.1", 8900, seller).throttling.enabled
    assert not simulator_config("127.0.0.1", 8900, seller, throttle=False).throttling.enabled


def test_the_command_line_keeps_quotas_on_amazons_time_unless_told_otherwise() -> None:
    seller = Seller()

    assert not simulator_config("127.0.0.1", 8900, seller, time_scale=10).throttling.scale_with_time
    scaled = simulator_config("127.0.0.1", 8900, seller, time_scale=10, scale_throttling=True)
    assert scaled.throttling.scale_with_time


def test_the_help_says_how_time_scale_treats_quotas_and_how_to_move_the_clock(
    capsys: pytest.CaptureFixture[str],
) -> None:
    main(["simulator", "--help"])

    shown = " ".join(capsys.readouterr().out.split())
    assert "--scale-throttling" in shown
    assert "/_sim/clock/advance" in shown


def test_the_command_line_config_points_ipn_certificates_at_the_served_address() -> None:
    config = simulator_config(
        "127.0.0.1", 8123, Seller(ipn_url="http://shop/ipn"), time_scale=10, throttle=True
    )

    app = build(config)

    simulator = simulator_of(app)
    assert config.public_url == "http://127.0.0.1:8123"
    assert config.throttling.enabled
    assert isinstance(simulator.clock, OffsetClock)  # so /_sim/clock/advance can move it
    assert simulator.ipn_urls == {Seller().seller_id: "http://shop/ipn"}


def test_a_tls_run_gives_its_ipns_an_https_certificate_url() -> None:
    assert (
        simulator_config("127.0.0.1", 8443, Seller(), tls=True).public_url
        == "https://127.0.0.1:8443"
    )


def _public_pem(tmp_path: Path) -> Path:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = tmp_path / "public.pem"
    path.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return path


def test_the_v2_key_options_register_the_sellers_public_key(tmp_path: Path) -> None:
    path = _public_pem(tmp_path)
    seller = with_v2_key(Seller(), "SANDBOX-AKEY", path)
    assert (seller.public_key_id, seller.public_key_pem) == ("SANDBOX-AKEY", path.read_text())
    assert with_v2_key(Seller(), None, None) == Seller()


def test_the_v2_key_options_go_together_and_need_a_pem_public_key(tmp_path: Path) -> None:
    with pytest.raises(typer.BadParameter, match="go together"):
        with_v2_key(Seller(), "SANDBOX-AKEY", None)
    (tmp_path / "junk.pem").write_text("not a key")
    with pytest.raises(typer.BadParameter, match="not a readable PEM public key"):
        with_v2_key(Seller(), "SANDBOX-AKEY", tmp_path / "junk.pem")
    with pytest.raises(typer.BadParameter, match="not a readable PEM public key"):
        with_v2_key(Seller(), "SANDBOX-AKEY", tmp_path / "missing.pem")


def test_the_tls_certificate_names_the_host_localhost_and_amazons_v2_hosts(tmp_path: Path) -> None:
    files = make_tls_files(tmp_path, names_for("sim.internal"), datetime(2026, 3, 2, tzinfo=UTC))
    server, ca = x509.load_pem_x509_certificates(files.certificate.read_bytes())
    names = server.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.DNSName) == [
        "sim.internal",
        "localhost",
        "pay-api.amazon.com",
        "pay-api.amazon.eu",
        "pay-api.amazon.jp",
    ]
    assert [str(ip) for ip in names.get_values_for_type(x509.IPAddress)] == ["127.0.0.1"]
    assert server.issuer == ca.subject
    assert files.ca_certificate.read_bytes() == ca.public_bytes(serialization.Encoding.PEM)
    assert files.key.stat().st_mode & 0o077 == 0


def test_serve_with_tls_and_a_v2_key_hands_uvicorn_the_certificate_and_the_seller_its_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import uvicorn

    served: dict[str, object] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: served.update(app=app, **options))
    pem = _public_pem(tmp_path)
    arguments = ["simulator", "--port", "8943", "--tls", "--tls-dir", str(tmp_path / "tls")]
    arguments += ["--v2-public-key-id", "SANDBOX-AKEY", "--v2-public-key", str(pem)]

    assert main(arguments) == 0

    assert served["ssl_certfile"] == str(tmp_path / "tls" / "simulator-cert.pem")
    assert served["ssl_keyfile"] == str(tmp_path / "tls" / "simulator-key.pem")
    simulator = simulator_of(served["app"])  # type: ignore[arg-type]
    assert simulator.config.public_url == "https://127.0.0.1:8943"
    assert simulator.seller().public_key_id == "SANDBOX-AKEY"
    shown = " ".join(capsys.readouterr().out.split())
    assert "simulator-ca.pem" in shown
    assert "SANDBOX-AKEY" in shown
