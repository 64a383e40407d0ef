"""Wiring: ``build(settings) -> App``, the one place that picks real or fake adapters.

    app = build(Settings.load(os.environ))
    app.orders.import_order(spec)
    app.worker("w1").run_once()
    app.close()

The gateway is the one the settings describe: with ``amazon_v2.enabled``, ``V2Gateway`` over
the API v2 client with the v2 key (the region's endpoint, or ``amazon_v2.endpoint_url``);
with Amazon credentials, ``MwsGateway`` over the legacy API client at Amazon's quotas for
the environment (the region's endpoint, or ``amazon.endpoint_url``, e.g. a local simulator);
with both, a ``RoutingGateway`` sending each order's calls to the adapter of the API the
order is paid through (``Order.api``, as stored); without either, ``UnavailableGateway``,
whose every call is retried later with its reference id. Tests and the demo hand in their own
``gateway_factory``, ``http`` client (its transport is the test seam), clock, mailer,
certificate fetcher and a cheaper argon2 ``password_hasher``. Nothing is built at import time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Final

import httpx
from argon2 import PasswordHasher

from amzpay.amazonpay.calllog import CallLog
from amzpay.amazonpay.checkout_sessions import CheckoutSessions
from amzpay.amazonpay.gateway import PaymentGateway
from amzpay.amazonpay.ipn import (
    CertificateFetcher,
    CertificateUrlPolicy,
    HttpxCertificateFetcher,
    IpnSettings,
    IpnVerifier,
)
from amzpay.amazonpay.mws.client import MwsClient
from amzpay.amazonpay.mws.gateway import MwsGateway
from amzpay.amazonpay.mws.regions import Endpoint, Environment, Region, widgets_url
from amzpay.amazonpay.mws.transport import Credentials, Pacing
from amzpay.amazonpay.routing import Gateways, RoutingGateway
from amzpay.amazonpay.throttle import LIVE_QUOTAS, SANDBOX_QUOTAS, Throttle, WaitTally
from amzpay.amazonpay.unavailable import UnavailableGateway
from amzpay.amazonpay.v2 import quotas as v2_quotas, regions as v2_regions
from amzpay.amazonpay.v2.checkout import V2CheckoutSessions
from amzpay.amazonpay.v2.client import V2Client
from amzpay.amazonpay.v2.gateway import V2Gateway
from amzpay.amazonpay.v2.keys import KeyFileError, read_private_key
from amzpay.amazonpay.v2.signing import Signer
from amzpay.config import AmazonV2Settings, Settings, SettingsError
from amzpay.domain.order import AmazonApi
from amzpay.mail.messages import Shop
from amzpay.mail.render import environment
from amzpay.mail.sender import SmtpMailer, SmtpSettings
from amzpay.oms.engine import Engine
from amzpay.ports.unit import Storage, UnitOfWork
from amzpay.processes.call_log import StoreCallLog
from amzpay.processes.catalog import api_of, build_engine, processes_of
from amzpay.services.access import AccessService
from amzpay.services.checkout import ButtonSettings, CheckoutService
from amzpay.services.checkout_v2 import V2ButtonSettings, V2CheckoutService
from amzpay.services.external_refunds import ExternalRefundService
from amzpay.services.inbox import InboxProcessor
from amzpay.services.ipn import IpnReceiver
from amzpay.services.ledger import LedgerService
from amzpay.services.mailbox import MailLog
from amzpay.services.orders import ChargePermissions, OrderService
from amzpay.services.outbox import Mailer, Outbox
from amzpay.services.polling import Poller
from amzpay.services.queries import QueryService
from amzpay.services.refunds import RefundService
from amzpay.services.routing import StoredApis
from amzpay.store.database import Database
from amzpay.worker import Arrivals, Worker

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
GatewayFactory = Callable[[Settings, CallLog], PaymentGateway | Gateways]
"""The gateway for the settings: one adapter for every order, or one per API (``Gateways``),
which ``build`` routes by each order's API."""
CheckoutSessionsFactory = Callable[[Settings, CallLog], CheckoutSessions | None]


def utc_now() -> datetime:
    return datetime.now(UTC)


def amazon_configured(settings: Settings) -> bool:
    """Whether ``settings`` hold the credentials an Amazon client needs: API v2 enabled (its
    settings refuse it without a key id and a key file), or the legacy API's; without them
    every Amazon call waits (``UnavailableGateway``), which ``amzpay serve`` and ``amzpay
    worker`` say when they start."""
    return settings.amazon_v2.enabled or legacy_configured(settings)


def legacy_configured(settings: Settings) -> bool:
    """Whether ``settings`` hold the legacy API's credentials."""
    amazon = settings.amazon
    return bool(amazon.seller_id and amazon.access_key_id and amazon.secret_key.get_secret_value())


def configured_gateway(
    http: httpx.Client, clock: Clock, waits: WaitTally | None = None
) -> GatewayFactory:
    """The gateway ``settings.amazon`` describes, sending over ``http``; its throttle adds
    every wait to ``waits``."""

    def gateway(settings: Settings, call_log: CallLog) -> PaymentGateway | Gateways:
        legacy = legacy_gateway(settings, http, clock, call_log, waits)
        if not settings.amazon_v2.enabled:
            return legacy or UnavailableGateway()
        v2 = v2_gateway(settings.amazon_v2, http, clock, call_log, waits)
        return v2 if legacy is None else Gateways(legacy, v2, AmazonApi.LEGACY)

    return gateway


def legacy_gateway(
    settings: Settings,
    http: httpx.Client,
    clock: Clock,
    call_log: CallLog,
    waits: WaitTally | None = None,
) -> MwsGateway | None:
    """``MwsGateway`` over the legacy API client, or None without its credentials."""
    amazon = settings.amazon
    if not legacy_configured(settings):
        return None
    secret = amazon.secret_key.get_secret_value()
    environment_name = Environment(amazon.release_environment)
    endpoint = (
        _endpoint_at(amazon.endpoint_url)
        if amazon.endpoint_url
        else Endpoint.of(Region(amazon.region), environment_name)
    )
    quotas = SANDBOX_QUOTAS if amazon.sandbox else LIVE_QUOTAS
    client = MwsClient(
        http,
        endpoint,
        Credentials(amazon.seller_id, amazon.access_key_id, secret),
        pacing=Pacing(throttle=Throttle(quotas, tally=waits), now=clock),
        call_log=call_log,
    )
    return MwsGateway(client, now=clock, quotas=quotas)


def v2_gateway(
    v2: AmazonV2Settings,
    http: httpx.Client,
    clock: Clock,
    call_log: CallLog,
    waits: WaitTally | None = None,
) -> V2Gateway:
    """``V2Gateway`` with the key ``v2`` names, sending over ``http`` at v2's quotas for the
    environment. Raises SettingsError when the key file does not read or the URL is no URL."""
    client, _ = v2_client(v2, http, clock, call_log, waits)
    return V2Gateway(client, now=clock)


def v2_checkout_sessions(
    settings: Settings, http: httpx.Client, clock: Clock, call_log: CallLog
) -> CheckoutSessions | None:
    """The v2 checkout over the v2 key the settings name (whether or not the gateway speaks
    v2); None without a key."""
    v2 = settings.amazon_v2
    if not v2.public_key_id or v2.private_key_file is None:
        return None
    client, signer = v2_client(v2, http, clock, call_log)
    return V2CheckoutSessions(client, signer)


def v2_client(
    v2: AmazonV2Settings,
    http: httpx.Client,
    clock: Clock,
    call_log: CallLog,
    waits: WaitTally | None = None,
) -> tuple[V2Client, Signer]:
    """The API v2 client with the key ``v2`` names, and its signer. Raises SettingsError
    when the key file does not read or the URL is no URL."""
    if v2.private_key_file is None:
        raise SettingsError(["AMZPAY_AMAZON_V2__PRIVATE_KEY_FILE: no private key file"])
    try:
        key = read_private_key(v2.private_key_file)
    except KeyFileError as error:
        raise SettingsError([f"AMZPAY_AMAZON_V2__PRIVATE_KEY_FILE: {error}"]) from None
    region = v2_regions.Region(v2.region)
    environment_name = v2_regions.Environment.SANDBOX if v2.sandbox else v2_regions.Environment.LIVE
    try:
        endpoint = (
            v2_regions.Endpoint.at(v2.endpoint_url, region)
            if v2.endpoint_url
            else v2_regions.Endpoint.of(region, environment_name, v2.public_key_id)
        )
    except ValueError as error:
        raise SettingsError([f"AMZPAY_AMAZON_V2__ENDPOINT_URL: {error}"]) from None
    quotas = v2_quotas.SANDBOX_QUOTAS if v2.sandbox else v2_quotas.LIVE_QUOTAS
    signer = Signer(v2.public_key_id, key)
    client = V2Client(
        http,
        endpoint,
        signer,
        quotas=quotas,
        pacing=Pacing(throttle=Throttle(quotas, tally=waits), now=clock),
        call_log=call_log,
    )
    return client, signer


def _endpoint_at(url: str) -> Endpoint:
    try:
        return Endpoint.at(url)
    except ValueError as error:
        raise SettingsError([f"AMZPAY_AMAZON__ENDPOINT_URL: {error}"]) from None


@dataclass
class App:
    """Everything a running amzpay holds; ``close`` releases it."""

    settings: Settings
    database: Storage
    gateway: PaymentGateway
    engine: Engine[UnitOfWork]
    clock: Clock
    orders: OrderService
    refunds: RefundService
    ipn: IpnReceiver
    inbox: InboxProcessor
    poller: Poller
    outbox: Outbox
    ledger: LedgerService
    access: AccessService
    external_refunds: ExternalRefundService
    queries: QueryService
    mails: MailLog
    checkout: CheckoutService
    checkout_v2: V2CheckoutService
    throttle_waits: WaitTally = field(default_factory=WaitTally)  # this process's, for /metrics
    # Set when an IPN is stored for the worker to apply: the worker of ``amzpay serve`` waits
    # on it between rounds (``Worker.run``'s ``wake``) and gives way to the endpoint by it.
    ipn_waiting: Arrivals = field(default_factory=Arrivals)
    _closers: list[Callable[[], None]] = field(default_factory=list)

    def worker(self, name: str, ipn_pause: Callable[[], None] | None = None) -> Worker:
        """A worker that also applies stored IPNs (calling ``ipn_pause`` before each
        transaction of them), polls, sends queued mails and drops expired sessions and old
        failed logins."""
        news = (partial(self.inbox.apply_due, pause=ipn_pause),)
        tasks = (self.poller.poll_due, self.outbox.send_due, self.access.prune)
        return Worker(self.database, self.engine, name, tasks=tasks, news=news)

    def close(self) -> None:
        for close in reversed(self._closers):
            close()


def build(
    settings: Settings,
    *,
    gateway_factory: GatewayFactory | None = None,
    http: httpx.Client | None = None,
    clock: Clock = utc_now,
    mailer: Mailer | None = None,
    certificates: CertificateFetcher | None = None,
    password_hasher: PasswordHasher | None = None,
    database: Storage | None = None,
    checkout_sessions: CheckoutSessionsFactory | None = None,
) -> App:
    """The application ``settings`` describe (see the module docstring for what to inject;
    ``database``: the storage to work on instead of the database at ``settings.database_url``;
    ``checkout_sessions``: the v2 checkout's Amazon instead of the one the v2 key reaches;
    ``close`` ends a ``Database``, given or opened here)."""
    processes = default_processes(settings)
    database = database or Database(settings.database_url)
    closers: list[Callable[[], None]] = []
    if isinstance(database, Database):
        closers.append(database.dispose)
    if http is None:
        http = httpx.Client(timeout=httpx.Timeout(20.0, connect=5.0))
        closers.append(http.close)
    waits = WaitTally()
    factory = gateway_factory or configured_gateway(http, clock, waits)
    call_log = StoreCallLog(database)
    made = factory(settings, call_log)
    gateway: PaymentGateway = (
        RoutingGateway(made, StoredApis(database)) if isinstance(made, Gateways) else made
    )
    v2 = made.v2 if isinstance(made, Gateways) else made
    sessions = v2 if isinstance(v2, ChargePermissions) else None
    engine = build_engine(gateway, clock, settings.polling.schedule, call_log)
    if certificates is None:
        certificates = HttpxCertificateFetcher(http)
    verifier = _verifier(settings, certificates)
    closers.append(verifier.close)
    inbox = InboxProcessor(database, engine, clock, gateway=gateway)
    ipn_waiting = Arrivals()
    at_receipt = settings.amazon.ipn_apply == "at-receipt"
    receiver = IpnReceiver(
        database, verifier, clock, inbox if at_receipt else None, on_waiting=ipn_waiting.set
    )
    outbox = _outbox(settings, database, mailer, clock)
    orders = OrderService(database, engine, clock, processes, gateway, call_log, sessions=sessions)
    sessions_factory = checkout_sessions or (
        lambda given, log: v2_checkout_sessions(given, http, clock, log)
    )
    return App(
        settings=settings,
        database=database,
        gateway=gateway,
        engine=engine,
        clock=clock,
        orders=orders,
        refunds=RefundService(database, engine),
        ipn=receiver,
        inbox=inbox,
        poller=Poller(
            database,
            engine,
            gateway,
            clock,
            settings.polling.schedule,
            settings.polling.stuck_after,
        ),
        outbox=outbox,
        ledger=LedgerService(database),
        access=AccessService(database, clock, hasher=password_hasher),
        external_refunds=ExternalRefundService(database, clock),
        queries=QueryService(database, clock),
        mails=MailLog(database, outbox),
        checkout=CheckoutService(orders, gateway, button_settings(settings)),
        checkout_v2=V2CheckoutService(
            orders, sessions_factory(settings, call_log), v2_button_settings(settings)
        ),
        throttle_waits=waits,
        ipn_waiting=ipn_waiting,
        _closers=closers,
    )


def default_processes(settings: Settings) -> dict[AmazonApi, str]:
    """The process an order of each API follows unless its import names one: ``process``
    (``AMZPAY_PROCESS``) for legacy orders, ``process_v2`` (``AMZPAY_PROCESS_V2``) for API
    v2's. Raises SettingsError for a process that does not exist or runs the other API."""
    chosen = {AmazonApi.LEGACY: settings.process, AmazonApi.V2: settings.process_v2}
    variables = {AmazonApi.LEGACY: "AMZPAY_PROCESS", AmazonApi.V2: "AMZPAY_PROCESS_V2"}
    problems = []
    for api, name in chosen.items():
        made_for = api_of(name)
        if made_for is not api:
            choices = ", ".join(processes_of(api))
            what = "no such process" if made_for is None else f"a process for {made_for} orders"
            problems.append(f"{variables[api]}: {name!r} is {what}; choose one of {choices}")
    if problems:
        raise SettingsError(problems)
    return chosen


def button_settings(settings: Settings) -> ButtonSettings:
    """What a storefront's page needs for Amazon's button and widgets."""
    amazon = settings.amazon
    environment_name = Environment(amazon.release_environment)
    return ButtonSettings(
        seller_id=amazon.seller_id,
        client_id=amazon.client_id,
        widgets_url=amazon.widgets_url or widgets_url(Region(amazon.region), environment_name),
        sandbox=amazon.sandbox,
    )


# The v2 button's ledger currency and language by the seller's region.
_LEDGER: Final = {"eu": ("EUR", "en_GB"), "uk": ("GBP", "en_GB"), "na": ("USD", "en_US")}
_LEDGER_JP: Final = ("JPY", "ja_JP")


def v2_button_settings(settings: Settings) -> V2ButtonSettings:
    """What a storefront's page needs for checkout.js's button besides its signed payload."""
    amazon, v2 = settings.amazon, settings.amazon_v2
    currency, language = _LEDGER.get(amazon.region, _LEDGER_JP)
    script = v2.checkout_js_url or v2_regions.checkout_script_url(v2_regions.Region(v2.region))
    return V2ButtonSettings(
        merchant_id=amazon.seller_id,
        store_id=v2.store_id or amazon.client_id,
        checkout_js_url=script,
        sandbox=v2.sandbox,
        ledger_currency=currency,
        checkout_language=language,
    )


def _verifier(settings: Settings, certificates: CertificateFetcher) -> IpnVerifier:
    amazon = settings.amazon
    policy = CertificateUrlPolicy(
        sandbox_simulator_mode=amazon.sandbox and amazon.simulator_host is not None,
        simulator_host=amazon.simulator_host,
    )
    environment_name = Environment(amazon.release_environment)
    ipn = IpnSettings(
        amazon.seller_id, environment_name, url_policy=policy, topic_arn=amazon.ipn_topic_arn
    )
    return IpnVerifier(ipn, certificates)


def _outbox(settings: Settings, database: Storage, mailer: Mailer | None, clock: Clock) -> Outbox:
    smtp = settings.smtp
    if mailer is None and smtp.host is not None:
        password = None if smtp.password is None else smtp.password.get_secret_value()
        mailer = SmtpMailer(
            SmtpSettings(
                smtp.host, smtp.port, smtp.username, password, smtp.starttls, smtp.timeout_seconds
            )
        )
    shop = Shop(settings.shop.name, settings.shop.sender, settings.shop.support)
    return Outbox(
        database,
        mailer,
        environment(),
        shop,
        settings.shop.staff,
        clock,
        settings.mail.retries,
        staff_locale=settings.shop.staff_locale,
    )
