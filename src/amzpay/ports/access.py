"""Who may use amzpay: staff users, their sessions, failed logins, API tokens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class StaffUser:
    id: int
    username: str
    display_name: str | None
    password_hash: str
    active: bool
    last_login_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class StaffSessionRow:
    user: StaffUser
    csrf_token: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class LoginFailureRow:
    at: datetime
    username: str
    address: str
    outcome: str


@dataclass(frozen=True, slots=True)
class FailureTally:
    """How many failed logins match, and when the last of them was (None: none)."""

    count: int
    last_at: datetime | None


@dataclass(frozen=True, slots=True)
class ApiToken:
    name: str
    created_at: datetime
    last_used_at: datetime | None
    revoked: bool
