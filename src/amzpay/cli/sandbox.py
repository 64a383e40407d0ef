"""Sandbox-simulator mode for ``amzpay serve`` (``AMZPAY_AMAZON__SIMULATOR=true`` or
``--simulator``): the local simulator inside the same server, under ``/simulator``.

Everything points at it: the gateway's endpoint is the simulator's sandbox path on this
server, the simulator delivers its IPNs to this server's ``POST /amazonpay/ipn``, and its
certificate host (this server's) is trusted, in this mode only. Its clock is the real clock,
so a sandbox IPN arrives seconds after the change, as Amazon's do; the sandbox's throttling
is on, as Amazon's is. The seller is the one the settings name, or the simulator's own test
seller when they name none.

The simulator serves both of Amazon's APIs and the shop speaks both, each order through the
API it is paid by: API v2 with the key the settings name (``AMZPAY_AMAZON_V2__PUBLIC_KEY_ID``
and ``__PRIVATE_KEY_FILE``), or with a sandbox key made once on this machine
(``sandbox_v2_key``), whose public half the simulator registers for its seller.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Final

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from starlette.applications import Starlette

from amzpay.amazonpay.v2.keys import read_private_key
from amzpay.cli.local_amazon import public_pem
from amzpay.config import Settings
from amzpay.simulator import Seller, SimulatorConfig, Throttling, create_simulator, simulator_of

if TYPE_CHECKING:
    from amzpay.mail.sink import SmtpSink

log = logging.getLogger(__name__)

PREFIX: Final = "/simulator"
WIDGETS_PATH: Final = "/OffAmazonPayments/de/sandbox/lpa/js/Widgets.js"  # the buyer's pages
SANDBOX_PATH: Final = "/OffAmazonPayments_Sandbox/2013-01-01"
IPN_PATH: Final = "/amazonpay/ipn"
CHECKOUT_JS_PATH: Final = "/checkout.js"  # API v2's button script and hosted pages
TICK_SECONDS: Final = 0.2  # how often the simulator's due work and IPNs are looked at
SANDBOX_V2_KEY_ID: Final = "SANDBOX-ASIMULATORKEY0001"  # the sandbox key's public key id


_ANY_INTERFACE: Final = frozenset({"0.0.0.0", "::", ""})


def base_url(host: str, port: int) -> str:
    """The server's URL as it calls itself (the loopback when it listens everywhere)."""
    reachable = "127.0.0.1" if host in _ANY_INTERFACE else host
    return f"http://{f'[{reachable}]' if ':' in reachable else reachable}:{port}"


def wired_like_serve(settings: Settings, served_at: str | None = None) -> Settings:
    """The settings a command other than ``serve`` runs with: in sandbox-simulator mode it
    calls the simulator of the ``amzpay serve`` that serves the same database, at
    ``served_at`` (the URL that serve recorded there), else at ``web.host`` and ``web.port``
    (the settings serve reads). The mode is on when the settings say so, or when they leave
    it unsaid and serve recorded it; an endpoint URL in the settings always wins."""
    amazon = settings.amazon
    if amazon.endpoint_url:
        return settings
    said = "simulator" in amazon.model_fields_set
    if amazon.simulator:
        return sandbox_settings(
            settings, served_at or base_url(settings.web.host, settings.web.port)
        )
    if said or served_at is None:
        return settings
    return sandbox_settings(settings, served_at)


def seller_of(settings: Settings, base_url: str) -> Seller:
    """The simulator's seller: the configured credentials, else the simulator's test seller;
    its API v2 public key the half of the key ``sandbox_v2_key`` names."""
    amazon, default = settings.amazon, Seller()
    secret = amazon.secret_key.get_secret_value()
    key_id, key_file = sandbox_v2_key(settings)
    return Seller(
        seller_id=amazon.seller_id or default.seller_id,
        access_key_id=amazon.access_key_id or default.access_key_id,
        secret_key=secret or default.secret_key,
        ipn_url=base_url + IPN_PATH,
        client_id=amazon.client_id or default.client_id,
        public_key_id=key_id,
        public_key_pem=public_pem(read_private_key(key_file)),
    )


def sandbox_v2_key(settings: Settings, folder: Path | None = None) -> tuple[str, Path]:
    """The API v2 public key id and private key file of sandbox-simulator mode: the
    configured ones, else ``SANDBOX_V2_KEY_ID`` with a key made once in ``folder`` (a
    folder of this user's in the temporary directory), so that ``serve`` and the commands
    beside it sign with the same key."""
    v2 = settings.amazon_v2
    if v2.public_key_id and v2.private_key_file is not None:
        return v2.public_key_id, v2.private_key_file
    folder = folder or Path(tempfile.gettempdir()) / f"amzpay-sandbox-{os.getuid()}"
    path = folder / "v2-private-key.pem"
    if not path.exists():
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        made = folder / f".v2-key-{os.getpid()}.pem"
        made.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        made.chmod(0o600)
        try:
            os.link(made, path)  # never replaces a key another process made meanwhile
        except FileExistsError:
            pass
        finally:
            made.unlink()
    return SANDBOX_V2_KEY_ID, path


def sandbox_settings(settings: Settings, base_url: str) -> Settings:
    """``settings`` pointed at the simulator served at ``base_url`` (this server's URL)."""
    seller = seller_of(settings, base_url)
    amazon = settings.amazon.model_copy(
        update={
            "simulator": True,
            "sandbox": True,
            "seller_id": seller.seller_id,
            "access_key_id": seller.access_key_id,
            "secret_key": type(settings.amazon.secret_key)(seller.secret_key),
            "endpoint_url": base_url + PREFIX + SANDBOX_PATH,
            "simulator_host": base_url.split("://", 1)[1],
            "client_id": seller.client_id,
            "widgets_url": f"{base_url}{PREFIX}{WIDGETS_PATH}?sellerId={seller.seller_id}",
        }
    )
    key_id, key_file = sandbox_v2_key(settings)
    amazon_v2 = settings.amazon_v2.model_copy(
        update={
            "enabled": True,
            "sandbox": True,
            "public_key_id": key_id,
            "private_key_file": key_file,
            "endpoint_url": base_url + PREFIX,  # API v2 at the mounted simulator's root
            "checkout_js_url": base_url + PREFIX + CHECKOUT_JS_PATH,
        }
    )
    return settings.model_copy(update={"amazon": amazon, "amazon_v2": amazon_v2})


@dataclass
class SandboxSimulator:
    """The simulator's ASGI app, and the thread that settles its due work and sends its IPNs
    (a mounted app's own lifespan never runs, so its background ticking is done here)."""

    app: Starlette
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    @classmethod
    def for_server(cls, settings: Settings, base_url: str) -> SandboxSimulator:
        seller = seller_of(settings, base_url)
        config = SimulatorConfig(
            sellers=(seller,),
            public_url=base_url + PREFIX,
            throttling=Throttling(enabled=True),
        )
        return cls(create_simulator(config))

    def start(self) -> None:
        self._thread = threading.Thread(target=self._tick, name="simulator", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=20)

    def _tick(self) -> None:
        simulator = simulator_of(self.app)
        while not self._stop.wait(TICK_SECONDS):
            try:
                simulator.settle_due()
            except Exception:  # the simulator's loop outlives one bad delivery
                log.exception("simulator: settling due work failed")


def with_mail_sink(settings: Settings) -> tuple[Settings, SmtpSink | None]:
    """In sandbox-simulator mode with no SMTP server configured: ``settings`` sending to a
    local SMTP sink on the loopback (not started yet), so that mails leave the outbox and the
    back office's e-mail page shows them sent. A configured server is always used as is."""
    if not settings.amazon.simulator or settings.smtp.host is not None:
        return settings, None
    from amzpay.mail.sink import SmtpSink  # aiosmtpd: only a serving run needs it

    sink = SmtpSink("127.0.0.1")
    plain = {"username": None, "password": None, "starttls": False}
    smtp = settings.smtp.model_copy(update={"host": sink.host, "port": sink.port, **plain})
    return settings.model_copy(update={"smtp": smtp}), sink
