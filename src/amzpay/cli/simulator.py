"""``amzpay simulator``: the local Amazon Pay sandbox simulator, served alone with uvicorn.

Only builds and serves the app; everything it does is in ``amzpay.simulator``. It runs on the
real clock plus an offset, so ``POST /_sim/clock/advance`` lets a shop in any language skip
Amazon's delays.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from amzpay.simulator import Seller, SimulatorConfig


_TEST_SELLER = "Default: the simulator's test seller."


def simulator_config(
    host: str,
    port: int,
    seller: Seller,
    time_scale: float = 1.0,
    throttle: bool = True,
    scale_throttling: bool = False,
) -> SimulatorConfig:
    """The configuration a command line run stands for."""
    from amzpay.simulator import SimulatorConfig, Throttling

    return SimulatorConfig(
        sellers=(seller,),
        public_url=f"http://{host}:{port}",
        time_scale=time_scale,
        throttling=Throttling(enabled=throttle, scale_with_time=scale_throttling),
    )


def build(config: SimulatorConfig) -> Starlette:
    """The app ``serve`` runs: the real clock plus an offset that ``/_sim/clock/advance``
    moves, settling due work and IPNs in the background."""
    from amzpay.simulator import OffsetClock, create_simulator

    return create_simulator(config, clock=OffsetClock(), background=True)


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
) -> None:
    """Run the local Amazon Pay sandbox simulator (legacy API 2013-01-01 and its IPNs).

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
    config = simulator_config(host, port, seller, time_scale, throttle, scale_throttling)
    Console().print(
        f"Amazon Pay simulator on [bold]http://{host}:{port}"
        "/OffAmazonPayments_Sandbox/2013-01-01[/bold], seller "
        f"[bold]{seller.seller_id}[/bold]; control API under /_sim\n"
        f"Buyer pages: [bold]http://{host}:{port}/OffAmazonPayments/de/sandbox/lpa/js/Widgets.js"
        f"?sellerId={seller.seller_id}[/bold], client id [bold]{seller.client_id}[/bold]"
    )
    uvicorn.run(build(config), host=host, port=port, log_level="warning")
