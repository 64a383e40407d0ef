"""What ``amzpay config check`` looks at, each check a function returning its findings.

A finding is an error (amzpay cannot do its job until it is fixed), a warning (it runs, but
probably not as meant) or fine. No finding ever holds a secret: credentials are named, never
shown, and URLs are shown without their password.
"""

from __future__ import annotations

import re
import smtplib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Final

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError

from amzpay.amazonpay.ipn import UnexpectedTopic
from amzpay.amazonpay.ipn.screening import topic_region
from amzpay.amazonpay.mws.regions import API_VERSION, Endpoint
from amzpay.amazonpay.v2.keys import KeyFileError, read_private_key
from amzpay.amazonpay.v2.regions import key_environment
from amzpay.cli.options import shown
from amzpay.cli.wiring import reason, sqlite_folder_problem
from amzpay.config import Settings
from amzpay.services.access import AccessService
from amzpay.store.database import Database
from amzpay.store.migrate import head_revision

CONNECT_TIMEOUT: Final = 5  # seconds, for the database and the SMTP host
_SELLER_ID: Final = re.compile(r"A[0-9A-Z]{9,20}")  # Seller Central's merchant ids
_ACCESS_KEY: Final = re.compile(r"[A-Z0-9]{16,32}")  # MWS access key ids (AKIA…)
_EXAMPLE: Final = "@example.com"


class Level(StrEnum):
    OK = "ok"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class Finding:
    level: Level
    area: str
    message: str


def ok(area: str, message: str) -> Finding:
    return Finding(Level.OK, area, message)


def warning(area: str, message: str) -> Finding:
    return Finding(Level.WARNING, area, message)


def error(area: str, message: str) -> Finding:
    return Finding(Level.ERROR, area, message)


def check_all(settings: Settings) -> list[Finding]:
    """Every check, in the order an operator fixes things."""
    found = list(check_database(settings))
    found += check_amazon(settings)
    found += check_amazon_v2(settings)
    found += check_ipn(settings)
    found += check_smtp(settings)
    found += check_shop(settings)
    return found


# -- the database and its users ------------------------------------------------------------


def check_database(settings: Settings) -> Iterator[Finding]:
    url = settings.database_url
    where = shown(url)
    parsed = make_url(url)
    sqlite = parsed.get_backend_name() == "sqlite"
    problem = sqlite_folder_problem(url)
    if problem is not None:
        yield error("database", f"{where}: {problem}")
        return
    if sqlite and parsed.database not in (None, "", ":memory:"):
        path = Path(parsed.database or "")
        if not path.exists():
            yield warning(
                "database",
                f"{where}: the file does not exist yet; amzpay creates and migrates it "
                "when it first starts",
            )
            return
    try:
        engine = _engine(url)
    except SQLAlchemyError as failure:
        yield error("database", f"{where}: cannot be opened ({reason(failure)})")
        return
    try:
        revision = _revision(engine)
    except SQLAlchemyError as failure:
        yield error("database", f"{where}: cannot connect ({reason(failure)})")
        return
    finally:
        engine.dispose()
    head = head_revision()
    if revision != head:
        at = "not migrated" if revision is None else f"at revision {revision}"
        fix = "amzpay migrates SQLite when it starts" if sqlite else "run: amzpay db upgrade"
        yield (warning if sqlite else error)(
            "database", f"{where}: {at}, this amzpay needs {head} ({fix})"
        )
        return
    yield ok("database", f"{where}: reachable, at the head revision {head}")
    yield from check_users(settings)


def check_users(settings: Settings) -> Iterator[Finding]:
    database = Database(settings.database_url, migrate=False)
    try:
        users = AccessService(database, lambda: datetime.now(UTC)).users()
    except SQLAlchemyError as failure:
        yield error("back office", f"the users could not be read ({reason(failure)})")
        return
    finally:
        database.dispose()
    active = [user for user in users if user.active]
    if not active:
        what = "no back-office user" if not users else "every back-office user is disabled"
        yield error("back office", f"{what}: nobody can log in (amzpay user add NAME)")
    else:
        yield ok("back office", f"{len(active)} active user(s)")


def _engine(url: str) -> Engine:
    if make_url(url).get_backend_name() == "postgresql":
        return create_engine(url, connect_args={"connect_timeout": CONNECT_TIMEOUT})
    return create_engine(url)


def _revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        found = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        return None if found is None else str(found)


# -- Amazon Pay -----------------------------------------------------------------------------


def check_amazon(settings: Settings) -> Iterator[Finding]:
    amazon = settings.amazon
    if amazon.simulator:
        served = f" at {amazon.endpoint_url}" if amazon.endpoint_url else ""
        yield ok(
            "amazon",
            f"sandbox-simulator mode: amzpay serve runs the local simulator{served}; "
            "no call reaches Amazon",
        )
        return
    missing = [
        name
        for name, present in (
            ("AMZPAY_AMAZON__SELLER_ID", amazon.seller_id),
            ("AMZPAY_AMAZON__ACCESS_KEY_ID", amazon.access_key_id),
            ("AMZPAY_AMAZON__SECRET_KEY", amazon.secret_key.get_secret_value()),
        )
        if not present
    ]
    if missing:
        yield error(
            "amazon",
            f"credentials missing: {', '.join(missing)}; every Amazon call waits until they are "
            "set (or run in sandbox-simulator mode: AMZPAY_AMAZON__SIMULATOR=true)",
        )
    else:
        yield from _credential_shapes(settings)
    yield from _endpoint(settings)


def _credential_shapes(settings: Settings) -> Iterator[Finding]:
    amazon = settings.amazon
    if not _SELLER_ID.fullmatch(amazon.seller_id):
        yield warning(
            "amazon",
            f"seller id {amazon.seller_id!r} does not look like Seller Central's merchant id "
            "(A followed by 9 to 20 capitals and digits)",
        )
    if not _ACCESS_KEY.fullmatch(amazon.access_key_id):
        yield warning(
            "amazon",
            f"the access key id ({len(amazon.access_key_id)} characters) does not look like an "
            "MWS access key id (16 to 32 capitals and digits)",
        )
    if len(amazon.secret_key.get_secret_value()) < 20:
        yield warning("amazon", "the secret key is shorter than MWS secret keys are")
    environment = "sandbox" if amazon.sandbox else "LIVE (real money)"
    yield ok("amazon", f"credentials set for seller {amazon.seller_id}, {environment}")


def _endpoint(settings: Settings) -> Iterator[Finding]:
    amazon = settings.amazon
    if amazon.endpoint_url is None:
        yield ok("amazon", f"Amazon's {amazon.region.upper()} endpoint")
        return
    try:
        endpoint = Endpoint.at(amazon.endpoint_url)
    except ValueError as failure:
        yield error("amazon", f"AMZPAY_AMAZON__ENDPOINT_URL: {failure}")
        return
    sandbox_path = f"/OffAmazonPayments_Sandbox/{API_VERSION}"
    if endpoint.path.endswith(sandbox_path) != amazon.sandbox:
        said = "sandbox" if amazon.sandbox else "live"
        yield error(
            "amazon",
            f"the endpoint URL's path {endpoint.path} does not fit AMZPAY_AMAZON__SANDBOX ({said})",
        )
    elif not amazon.sandbox:
        yield warning("amazon", f"live calls go to {endpoint.host}, not to Amazon's endpoint")
    else:
        yield ok("amazon", f"sandbox calls go to {endpoint.scheme}://{endpoint.host}")


def check_amazon_v2(settings: Settings) -> Iterator[Finding]:
    """API v2's key: both halves set, the file an RSA private key kept from other users,
    the key id's environment the one configured. The key itself is never shown."""
    v2 = settings.amazon_v2
    if not v2.configured:
        yield ok("amazon v2", "no API v2 credentials: Amazon Pay calls use the legacy API only")
        return
    if not v2.public_key_id or v2.private_key_file is None:
        missing = "PUBLIC_KEY_ID" if not v2.public_key_id else "PRIVATE_KEY_FILE"
        yield error("amazon v2", f"AMZPAY_AMAZON_V2__{missing} is missing: API v2 needs both")
        return
    try:
        key = read_private_key(v2.private_key_file)
    except KeyFileError as unusable:
        yield error("amazon v2", f"AMZPAY_AMAZON_V2__PRIVATE_KEY_FILE: {unusable}")
    else:
        yield ok(
            "amazon v2", f"the private key file reads as an RSA private key ({key.key_size} bits)"
        )
        if v2.private_key_file.stat().st_mode & 0o077:
            yield warning(
                "amazon v2",
                f"{v2.private_key_file} may be read by other users (chmod 600 it)",
            )
    yield from _key_environment(settings)


def _key_environment(settings: Settings) -> Iterator[Finding]:
    v2 = settings.amazon_v2
    configured = "sandbox" if v2.sandbox else "live"
    named = key_environment(v2.public_key_id)
    where = f"region {v2.region.upper()}, {'sandbox' if v2.sandbox else 'LIVE (real money)'}"
    if named is None:
        yield ok(
            "amazon v2",
            f"public key id {v2.public_key_id} names no environment: calls go to "
            f"/{configured}/v2 ({where})",
        )
    elif named.value != configured:
        yield error(
            "amazon v2",
            f"public key id {v2.public_key_id} is a {named.value} key but "
            f"AMZPAY_AMAZON_V2__SANDBOX says {configured}: Amazon refuses every call",
        )
    else:
        yield ok("amazon v2", f"public key id {v2.public_key_id} ({where})")


def check_ipn(settings: Settings) -> Iterator[Finding]:
    amazon = settings.amazon
    if amazon.simulator:
        yield ok("ipn", "the simulator's IPNs arrive at this server's POST /amazonpay/ipn")
        return
    if amazon.simulator_host and not amazon.sandbox:
        yield warning(
            "ipn",
            "AMZPAY_AMAZON__SIMULATOR_HOST is ignored outside the sandbox: only Amazon's "
            "certificate hosts are trusted",
        )
    elif amazon.simulator_host:
        yield warning(
            "ipn",
            f"IPN certificates from {amazon.simulator_host} are trusted (a local simulator); "
            "unset AMZPAY_AMAZON__SIMULATOR_HOST for Amazon's sandbox",
        )
    if amazon.seller_id:
        yield ok(
            "ipn",
            f"IPNs are accepted for seller {amazon.seller_id} ({amazon.release_environment}); "
            "Seller Central's IPN URL must be https://<this server>/amazonpay/ipn",
        )
    yield from _topic(amazon.ipn_topic_arn)


def _topic(topic_arn: str | None) -> Iterator[Finding]:
    if topic_arn is None:
        return
    try:
        region = topic_region(topic_arn, None)
    except UnexpectedTopic:
        yield error(
            "ipn",
            "AMZPAY_AMAZON__IPN_TOPIC_ARN is not an SNS topic ARN "
            "(arn:aws:sns:<region>:<account>:<name>): every IPN would be refused",
        )
    else:
        yield ok("ipn", f"IPNs are accepted from the SNS topic {topic_arn} only ({region})")


# -- mail -----------------------------------------------------------------------------------


def check_smtp(settings: Settings) -> Iterator[Finding]:
    smtp = settings.smtp
    if smtp.host is None:
        yield warning(
            "smtp", "no SMTP host (AMZPAY_SMTP__HOST): e-mails wait in the outbox, none is sent"
        )
        return
    try:  # greeted and left with QUIT, as a mail client would: the server ends its session
        with smtplib.SMTP(smtp.host, smtp.port, timeout=CONNECT_TIMEOUT) as server:
            server.noop()
    except (OSError, smtplib.SMTPException) as failure:
        yield error("smtp", f"{smtp.host}:{smtp.port} cannot be reached ({reason(failure)})")
        return
    yield ok("smtp", f"{smtp.host}:{smtp.port} answers as an SMTP server")
    if smtp.username and smtp.password is None:
        yield warning("smtp", "a username is set but no password (AMZPAY_SMTP__PASSWORD)")


def check_shop(settings: Settings) -> Iterator[Finding]:
    shop = settings.shop
    # Staff hear of declined refunds by e-mail: the example address loses that, except on
    # the simulator, where nothing is real.
    staff_level = warning if settings.amazon.simulator else error
    for variable, address, example in (
        ("AMZPAY_SHOP__STAFF", shop.staff, staff_level),
        ("AMZPAY_SHOP__SENDER", shop.sender, warning),
    ):
        if "@" not in address.strip("@"):
            yield error("shop", f"{variable} is not an e-mail address: {address!r}")
        elif address.endswith(_EXAMPLE):
            yield example("shop", f"{variable} is still the example address {address}")
        else:
            yield ok("shop", f"{variable}: {address}")
