"""Settings: read from the environment (prefix ``AMZPAY_``) and an optional TOML file.

    settings = Settings.load(os.environ)              # AMZPAY_SETTINGS_FILE names the file
    settings = Settings.load({}, file=Path("amzpay.toml"))

Nested groups take a double underscore: ``AMZPAY_SMTP__HOST``, ``AMZPAY_AMAZON__SELLER_ID``.
The environment wins over the file, the file over the defaults. Nothing is read at import
time: ``bootstrap.build`` is handed a ``Settings`` made once, by the command line or a test.

Imports pydantic and the standard library only.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any, Final, Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

FILE_VARIABLE: Final = "AMZPAY_SETTINGS_FILE"
DEFAULT_DATABASE_URL: Final = "sqlite:///amzpay.db"
# The databases amzpay runs on, with the driver it ships (psycopg for PostgreSQL).
_DATABASE_URL: Final = re.compile(r"(sqlite(\+pysqlite)?|postgresql\+psycopg)://", re.IGNORECASE)
_SCHEME: Final = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://")
DEFAULT_POLL_SCHEDULE: Final = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
)
DEFAULT_MAIL_RETRIES: Final = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
)


class Group(BaseModel):
    """A group of settings (``[smtp]`` in the file, ``AMZPAY_SMTP__*`` in the environment):
    a key it does not know is refused, never ignored."""

    model_config = ConfigDict(extra="forbid")


class AmazonSettings(Group):
    """The seller's Amazon Pay account (legacy API)."""

    seller_id: str = ""
    access_key_id: str = ""
    secret_key: SecretStr = SecretStr("")
    region: Literal["na", "eu", "uk", "jp"] = "eu"
    sandbox: bool = True
    endpoint_url: str | None = None  # another endpoint than Amazon's: the local simulator
    simulator_host: str | None = None  # trust this host's IPN certificates (sandbox only)
    # The SNS topic Amazon sends this seller's IPNs from; set, IPNs from any other are refused
    # before their certificate is fetched.
    ipn_topic_arn: str | None = None
    # The storefront's "Pay with Amazon" button: Login with Amazon's client id and the widgets
    # script (default: Amazon's for the region, sandbox or live).
    client_id: str = ""
    widgets_url: str | None = None
    # Where a verified IPN is applied: by the worker (``worker``: the endpoint only verifies,
    # stores and answers; the worker of ``amzpay serve``'s process is woken at once and
    # applies it moments later, a separate ``amzpay worker`` on its next round), or in the
    # transaction that stores it, before the 200 (``at-receipt``: a commit fewer per message
    # and the 200 means applied, but the endpoint answers far fewer IPNs a second).
    ipn_apply: Literal["at-receipt", "worker"] = "worker"
    # Sandbox-simulator mode: ``amzpay serve`` runs the local simulator in its own server and
    # points the gateway, the IPNs and the certificate trust at it (never with live calls).
    simulator: bool = False

    @field_validator("ipn_topic_arn")
    @classmethod
    def _blank_topic_is_none(cls, value: str | None) -> str | None:
        return value or None  # AMZPAY_AMAZON__IPN_TOPIC_ARN= (empty): any SNS topic

    @model_validator(mode="after")
    def _simulator_is_sandbox(self) -> AmazonSettings:
        if self.simulator and not self.sandbox:
            raise ValueError("simulator mode is a sandbox mode: set amazon.sandbox to true")
        return self

    @property
    def release_environment(self) -> Literal["Sandbox", "Live"]:
        return "Sandbox" if self.sandbox else "Live"


class AmazonV2Settings(Group):
    """The seller's Amazon Pay API v2 credentials: the public key id Seller Central shows and
    the file holding its private key (read when a client is built, never stored here)."""

    public_key_id: str = ""
    private_key_file: Path | None = None
    region: Literal["na", "eu", "jp"] = "eu"  # the UK and Germany are served by "eu"
    sandbox: bool = True
    endpoint_url: str | None = None  # another endpoint than Amazon's: the local simulator
    # The shop's gateway speaks API v2 with these credentials instead of the legacy API.
    enabled: bool = False
    # The storefront's v2 button (the v2 checkout works with a key, enabled or not): the
    # store id (default: amazon.client_id) and checkout.js (default: Amazon's for the region).
    store_id: str = ""
    checkout_js_url: str | None = None

    @field_validator("private_key_file", mode="before")
    @classmethod
    def _blank_file_is_none(cls, value: object) -> object:
        return value or None  # AMZPAY_AMAZON_V2__PRIVATE_KEY_FILE= (empty): no key

    @field_validator("endpoint_url")
    @classmethod
    def _blank_url_is_none(cls, value: str | None) -> str | None:
        return value or None  # AMZPAY_AMAZON_V2__ENDPOINT_URL= (empty): Amazon's endpoint

    @model_validator(mode="after")
    def _enabled_needs_credentials(self) -> AmazonV2Settings:
        if self.enabled and not (self.public_key_id and self.private_key_file is not None):
            raise ValueError("API v2 is enabled: set its public_key_id and private_key_file")
        return self

    @property
    def configured(self) -> bool:
        return bool(self.public_key_id) or self.private_key_file is not None


class SmtpConfig(Group):
    """Where e-mails leave; no host means they wait in the outbox."""

    host: str | None = None
    port: int = Field(default=25, ge=1, le=65535)
    username: str | None = None
    password: SecretStr | None = None
    starttls: bool = False
    timeout_seconds: float = 10.0

    @field_validator("host")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value or None  # AMZPAY_SMTP__HOST= (empty) turns mail off


class ShopSettings(Group):
    """Who the e-mails come from and which staff address hears of declined refunds."""

    name: str = "Our shop"
    sender: str = "shop@example.com"
    support: str = "support@example.com"
    staff: str = "staff@example.com"
    staff_locale: str = "en_GB"  # staff mails are in the back office's language, not the buyer's


class PollingSettings(Group):
    """The fallback for lost IPNs: when pending objects are asked about, and when a
    pending refund counts as stuck."""

    schedule: tuple[timedelta, ...] = DEFAULT_POLL_SCHEDULE
    stuck_after: timedelta = timedelta(hours=24)

    @field_validator("schedule")
    @classmethod
    def _not_empty(cls, value: tuple[timedelta, ...]) -> tuple[timedelta, ...]:
        if not value or any(step <= timedelta(0) for step in value):
            raise ValueError("the poll schedule needs at least one positive interval")
        return value


class WebSettings(Group):
    """Where ``amzpay serve`` listens (its --host and --port win)."""

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)


class LogSettings(Group):
    """How the command line's long-running processes (serve, worker) log."""

    format: Literal["text", "json"] = "text"  # json: one object a line, for log shippers
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @field_validator("format", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value

    @field_validator("level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value


class MailSettings(Group):
    """How often an e-mail that could not be delivered is tried again."""

    retries: tuple[timedelta, ...] = DEFAULT_MAIL_RETRIES


class Settings(BaseSettings):
    """Everything amzpay can be told; every field has a default that runs locally."""

    model_config = SettingsConfigDict(
        env_prefix="AMZPAY_", env_nested_delimiter="__", extra="forbid", frozen=True
    )
    database_url: str = DEFAULT_DATABASE_URL
    process: str = "amazon-pay-async"  # the legacy API's orders' process
    process_v2: str = "amazon-pay-v2"  # API v2's orders' process
    amazon: AmazonSettings = Field(default_factory=AmazonSettings)
    amazon_v2: AmazonV2Settings = Field(default_factory=AmazonV2Settings)
    smtp: SmtpConfig = Field(default_factory=SmtpConfig)
    shop: ShopSettings = Field(default_factory=ShopSettings)
    polling: PollingSettings = Field(default_factory=PollingSettings)
    mail: MailSettings = Field(default_factory=MailSettings)
    web: WebSettings = Field(default_factory=WebSettings)
    log: LogSettings = Field(default_factory=LogSettings)

    @field_validator("database_url")
    @classmethod
    def _a_database_amzpay_runs_on(cls, value: str) -> str:
        return database_url_of(value)

    @classmethod
    def load(cls, environ: Mapping[str, str], *, file: Path | None = None) -> Settings:
        """Settings from ``environ`` over ``file`` (default: ``$AMZPAY_SETTINGS_FILE``).

        Raises:
            pydantic.ValidationError: a value does not fit, naming the field.
            FileNotFoundError: the settings file does not exist.
            tomllib.TOMLDecodeError: the settings file is not TOML.
        """
        data = _file_data(_settings_file(environ, file))
        return cls(**_merge(data, _from_environ(environ)))

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Only what ``load`` hands over: never the process's own environment behind the
        # caller's back (tests and the demo pass theirs).
        return (init_settings,)


class SettingsError(ValueError):
    """The settings cannot be read: one line per problem, each naming the variable or the
    settings file's key, never the value given (it may be a secret)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = tuple(problems)


def load_settings(environ: Mapping[str, str], *, file: Path | None = None) -> Settings:
    """``Settings.load``, with every problem said in words an operator acts on.

    Raises:
        SettingsError: the file is missing, unreadable or not TOML, or values do not fit.
    """
    path = _settings_file(environ, file)
    try:
        data = _file_data(path)
    except FileNotFoundError as missing:
        raise SettingsError([str(missing)]) from None
    except tomllib.TOMLDecodeError as broken:
        raise SettingsError([f"settings file {path}: not valid TOML ({broken})"]) from None
    except (OSError, UnicodeDecodeError) as unreadable:
        reason = getattr(unreadable, "strerror", None) or type(unreadable).__name__
        raise SettingsError([f"settings file {path} cannot be read ({reason})"]) from None
    from_environ = _from_environ(environ)
    try:
        return Settings(**_merge(data, from_environ))
    except ValidationError as failure:
        problems = [_problem(error, from_environ, data, path) for error in failure.errors()]
        raise SettingsError(problems) from None


def database_url_of(value: str) -> str:
    """``value`` as the database URL; blank means the SQLite default.

    Raises:
        ValueError: not a URL of a database amzpay runs on; the message never holds the URL,
            which may hold a password.
    """
    if not value.strip():
        return DEFAULT_DATABASE_URL
    if _DATABASE_URL.match(value):
        try:
            _ = urlsplit(value).port  # raises for a port, or an IPv6 host, that is not one
        except ValueError:
            raise ValueError("the host or the port in the URL is not valid") from None
        return value
    scheme = _SCHEME.match(value)
    expected = "sqlite:///FILE or postgresql+psycopg://USER@HOST/DATABASE"
    if scheme is None:
        raise ValueError(f"not a database URL; expected {expected}")
    name = scheme.group(1).lower()
    if name.startswith("postgres"):
        raise ValueError(f"PostgreSQL is reached through psycopg; expected {expected}")
    raise ValueError(f"amzpay runs on SQLite or PostgreSQL, not {name}; expected {expected}")


def _settings_file(environ: Mapping[str, str], file: Path | None) -> Path | None:
    return file or (Path(environ[FILE_VARIABLE]) if environ.get(FILE_VARIABLE) else None)


def _file_data(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    if not path.is_file():
        raise FileNotFoundError(f"settings file {path} does not exist")
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _problem(
    error: Any, from_environ: dict[str, Any], data: dict[str, Any], path: Path | None
) -> str:
    """One validation error: the variable (or the file's key) it is about, and what is
    wrong; pydantic's messages name the expected kind, not the input."""
    loc = tuple(str(part) for part in error["loc"])
    keys = [part for part in loc if not part.isdigit()]  # list positions are not names
    variable = "AMZPAY_" + "__".join(keys).upper()
    if path is not None and not _holds(from_environ, loc) and _holds(data, loc):
        variable = f"settings file {path}: {'.'.join(keys)}"
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        message = "not a setting amzpay knows"
    return f"{variable}: {message}"


def _holds(data: Any, loc: tuple[str, ...]) -> bool:
    for part in loc:
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            return False
    return True


_NOT_OURS: Final = frozenset({FILE_VARIABLE, "AMZPAY_DATABASE_URL_TEST"}) | {
    f"AMZPAY_SIM_{name}" for name in ("SELLER_ID", "ACCESS_KEY", "SECRET_KEY", "IPN_URL")
}


def _from_environ(environ: Mapping[str, str]) -> dict[str, Any]:
    """``AMZPAY_SMTP__HOST=x`` -> ``{"smtp": {"host": "x"}}``."""
    found: dict[str, Any] = {}
    for key, value in environ.items():
        if not key.startswith("AMZPAY_") or key in _NOT_OURS:
            continue
        path = key[len("AMZPAY_") :].lower().split("__")
        target = found
        for part in path[:-1]:
            target = target.setdefault(part, {})
        target[path[-1]] = _list(value) if path[-1] in ("schedule", "retries") else value
    return found


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _list(value: str) -> list[int | str]:
    """A schedule given as "60,300,1800" (seconds) or ISO 8601 durations ("PT1M,PT5M")."""
    parts = [part.strip() for part in value.split(",") if part.strip()]
    return [int(part) if part.isdigit() else part for part in parts]


def from_os_environ() -> Settings:
    """The settings of this process (the command line's entry)."""
    return Settings.load(os.environ)
