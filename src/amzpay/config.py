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
import tomllib
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any, Final, Literal

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

FILE_VARIABLE: Final = "AMZPAY_SETTINGS_FILE"
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


class AmazonSettings(BaseModel):
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


class SmtpConfig(BaseModel):
    """Where e-mails leave; no host means they wait in the outbox."""

    host: str | None = None
    port: int = 25
    username: str | None = None
    password: SecretStr | None = None
    starttls: bool = False
    timeout_seconds: float = 10.0

    @field_validator("host")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value or None  # AMZPAY_SMTP__HOST= (empty) turns mail off


class ShopSettings(BaseModel):
    """Who the e-mails come from and which staff address hears of declined refunds."""

    name: str = "Our shop"
    sender: str = "shop@example.com"
    support: str = "support@example.com"
    staff: str = "staff@example.com"
    staff_locale: str = "en_GB"  # staff mails are in the back office's language, not the buyer's


class PollingSettings(BaseModel):
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


class WebSettings(BaseModel):
    """Where ``amzpay serve`` listens (its --host and --port win)."""

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)


class LogSettings(BaseModel):
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


class MailSettings(BaseModel):
    """How often an e-mail that could not be delivered is tried again."""

    retries: tuple[timedelta, ...] = DEFAULT_MAIL_RETRIES


class Settings(BaseSettings):
    """Everything amzpay can be told; every field has a default that runs locally."""

    model_config = SettingsConfigDict(
        env_prefix="AMZPAY_", env_nested_delimiter="__", extra="forbid", frozen=True
    )
    database_url: str = "sqlite:///amzpay.db"
    process: str = "amazon-pay-async"
    amazon: AmazonSettings = Field(default_factory=AmazonSettings)
    smtp: SmtpConfig = Field(default_factory=SmtpConfig)
    shop: ShopSettings = Field(default_factory=ShopSettings)
    polling: PollingSettings = Field(default_factory=PollingSettings)
    mail: MailSettings = Field(default_factory=MailSettings)
    web: WebSettings = Field(default_factory=WebSettings)
    log: LogSettings = Field(default_factory=LogSettings)

    @classmethod
    def load(cls, environ: Mapping[str, str], *, file: Path | None = None) -> Settings:
        """Settings from ``environ`` over ``file`` (default: ``$AMZPAY_SETTINGS_FILE``).

        Raises:
            pydantic.ValidationError: a value does not fit, naming the field.
            FileNotFoundError: the settings file does not exist.
        """
        path = file or (Path(environ[FILE_VARIABLE]) if environ.get(FILE_VARIABLE) else None)
        data: dict[str, Any] = {}
        if path is not None:
            if not path.is_file():
                raise FileNotFoundError(f"settings file {path} does not exist")
            data = tomllib.loads(path.read_text(encoding="utf-8"))
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
