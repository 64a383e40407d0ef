"""``amzpay simulator``: the local Amazon Pay sandbox simulator, served alone with uvicorn.

Only builds and serves the app; everything it does is in ``amzpay.simulator``. It runs on the
real clock plus an offset, so ``POST /_sim/clock/advance`` lets a shop in any language skip
Amazon's delays. API v2 is served at the root of the same host and port (``/v2/...``,
``/sandbox/v2/...``, ``/live/v2/...``), over https with a certificate it makes (``--tls``),
since Amazon's official v2 SDKs speak https only.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from amzpay.simulator import Seller, SimulatorConfig
    from amzpay.simulator.tls import TlsFiles


_TEST_SELLER = "Default: the simulator's test seller."


def simulator_config(
    host: str,
    port: int,
    seller: Seller,
    time_scale: float = 1.0,
    throttle: bool = True,
    scale_throttling: bool = False,
    tls: bool = False,
) -> SimulatorConfig:
    """The configuration a command line run stands for."""
    from amzpay.simulator import SimulatorConfig, Throttling

    scheme = "https" if tls else "http"
    return SimulatorConfig(
        sellers=(seller,),
        public_url=f"{scheme}://{host}:{port}",
        time_scale=time_scale,
        throttling=Throttling(enabled=throttle, scale_with_time=scale_throttling),
    )


def build(config: SimulatorConfig) -> Starlette:
    """The app ``serve`` runs: the real clock plus an offset that ``/_sim/clock/advance``
    moves, settling due work and IPNs in the background."""
    from amzpay.simulator import OffsetClock, create_simulator

    return create_simulator(config, clock=OffsetClock(), background=True)


def with_v2_key(seller: Seller, public_key_id: str | None, key_file: Path | None) -> Seller:
    """``seller`` with its API v2 public key registered; both or neither must be given, and
    the file must hold a PEM RSA public key (the private key never comes near the
    simulator)."""
    if public_key_id is None and key_file is None:
        return seller
    if public_key_id is None or key_file is None:
        raise typer.BadParameter("--v2-public-key-id and --v2-public-key go together")
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    try:
        pem = key_file.read_text()
        key = load_pem_public_key(pem.encode())
    except (OSError, ValueError) as error:
        raise typer.BadParameter(f"{key_file} is not a readable PEM public key: {error}") from None
    if not isinstance(key, rsa.RSAPublicKey):
        raise typer.BadParameter(f"{key_file} holds a public key that is not RSA")
    return replace(seller, public_key_id=public_key_id, public_key_pem=pem)


def tls_files(host: str, directory: Path | None) -> TlsFiles:
    """A fresh CA, certificate and key for serving https on ``host`` (in a new temporary
    directory unless ``directory`` is given)."""
    import tempfile

    from amzpay.simulator.clock import SystemClock
    from amzpay.simulator.tls import make_tls_files, names_for

    where = directory or Path(tempfile.mkdtemp(prefix="amzpay-simulator-tls-"))
    return make_tls_files(where, names_for(host), SystemClock().now())


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8900,
    seller_id: Annotated[
        str | None, typer.Option(envvar="AMZPAY_SIM_SELLER_ID", help=_TEST_SELLER)
    ] = None,
    access_key: Annotated[
        str | None, typer.Option(envvar="AMZPAY_SIM_ACCESS_KEY", help=_TEST_SELLER)
    ] = None,
    secret_key: Annotated[
        str | None, typer.Option(envvar="AMZPAY_SIM_SECRET_KEY", help=_TEST_SELLER)
    ] = None,
    ipn_url: Annotated[
        str | None, typer.Option(envvar="AMZPAY_SIM_IPN_URL", help="Where IPNs are POSTed.")
    ] = None,
    time_scale: Annotated[
        float,
        typer.Option(
            help="Run Amazon's delays (pending authorizations, captures and refunds, IPN "
            "retries, expiries) this many times faster. Throttle quotas keep refilling on "
            "Amazon's real time unless --scale-throttling."
        ),
    ] = 1.0,
    throttle: Annotated[
        bool,
        typer.Option(help="Throttle like Amazon's sandbox (on by default on the real clock)."),
    ] = True,
    scale_throttling: Annotated[
        bool,
        typer.Option(
            "--scale-throttling",
            help="Refill throttle quotas --time-scale times faster too (Amazon's 2 s is 0.2 s "
            "at 10).",
        ),
    ] = False,
    v2_public_key_id: Annotated[
        str | None,
        typer.Option(
            envvar="AMZPAY_SIM_V2_PUBLIC_KEY_ID",
            help="API v2: the seller's public key id (SANDBOX-... or LIVE-... call /v2/...; "
            "others call /sandbox/v2/... or /live/v2/...).",
        ),
    ] = None,
    v2_public_key: Annotated[
        Path | None,
        typer.Option(
            envvar="AMZPAY_SIM_V2_PUBLIC_KEY",
            help="API v2: the PEM file of that public key, which verifies request signatures.",
        ),
    ] = None,
    tls: Annotated[
        bool,
        typer.Option(
            "--tls",
            help="Serve https with a self-signed certificate made now, for localhost, the "
            "host and Amazon's v2 hosts (the official v2 SDKs speak https only).",
        ),
    ] = False,
    tls_dir: Annotated[
        Path | None,
        typer.Option(help="Where --tls writes its certificate and key (default: a new temp dir)."),
    ] = None,
) -> None:
    """Run the local Amazon Pay sandbox simulator (legacy API 2013-01-01, API v2, their IPNs).

    It runs on the real clock. POST /_sim/clock/advance {"seconds": N}
    moves it N seconds ahead (an offset over the real clock) and runs
    every authorization, capture, refund and IPN falling due on the way,
    so a shop need not wait for Amazon's delays. Request Timestamps are
    still checked against the real time.
    """
    import uvicorn  # only a serving run needs it
    from rich.console import Console

    from amzpay.simulator import Seller

    test_seller = Seller()
    seller = Seller(
        seller_id or test_seller.seller_id,
        access_key or test_seller.access_key_id,
        secret_key or test_seller.secret_key,
        ipn_url,
    )
    seller = with_v2_key(seller, v2_public_key_id, v2_public_key)
    config = simulator_config(host, port, seller, time_scale, throttle, scale_throttling, tls)
    console = Console()
    certificate = key_file = None
    if tls:
        files = tls_files(host, tls_dir)
        certificate, key_file = str(files.certificate), str(files.key)
        trust = f"TLS: the shop trusts the CA in [bold]{files.ca_certificate}[/bold]"
        console.print(trust, soft_wrap=True)  # a path to copy, not to wrap
    console.print(
        f"Amazon Pay simulator on [bold]{config.public_url}"
        "/OffAmazonPayments_Sandbox/2013-01-01[/bold], seller "
        f"[bold]{seller.seller_id}[/bold]; control API under /_sim\n"
        f"Buyer pages: [bold]http://{host}:{port}/OffAmazonPayments/de/sandbox/lpa/js/Widgets.js"
        f"?sellerId={seller.seller_id}[/bold], client id [bold]{seller.client_id}[/bold]"
    )
    if seller.public_key_id:
        console.print(
            f"API v2 on [bold]{config.public_url}/v2/...[/bold] (and /sandbox/v2, /live/v2), "
            f"public key id [bold]{seller.public_key_id}[/bold]",
            soft_wrap=True,
        )
    uvicorn.run(
        build(config),
        host=host,
        port=port,
        log_level="warning",
        ssl_certfile=certificate,
        ssl_keyfile=key_file,
    )
