"""Who may use amzpay: back-office staff (password, then a session) and machine clients of the
REST API (a bearer token).

    access.add_user("ada", "correct horse battery")        # amzpay user add
    session = access.log_in("ada", "correct horse battery", "203.0.113.7")  # the client's address
    access.session(session.token)                          # -> StaffSession, or None
    secret = access.add_api_token("erp")                   # amzpay token add; shown once
    access.api_client(secret)                              # -> "erp", or None

Passwords are hashed with argon2id; session and API tokens are random (256 bits) and stored
only as their SHA-256, so reading the database opens nothing. Every session carries its own
CSRF token for the back office's forms. Failed logins are recorded and limited per username and
per client address (``login_limits``); a login over the limits is refused before its password
is checked, so it costs no argon2 time.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from amzpay.ports.access import ApiToken, LoginFailureRow, StaffUser
from amzpay.ports.unit import Storage
from amzpay.services.errors import ServiceError
from amzpay.services.login_limits import (
    ADDRESS_LENGTH,
    USERNAME_LENGTH,
    LoginFailure,
    LoginLimits,
    in_words,
)

Clock = Callable[[], datetime]

MIN_PASSWORD_LENGTH = 12
USERNAME_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789._-@")
DEFAULT_SESSION_LIFETIME = timedelta(hours=8)
FAILURES_KEPT = timedelta(days=30)  # how long failed logins stay in the history
PRUNE_EVERY = timedelta(minutes=5)  # expired sessions and old failures are dropped this often


class LoginRefused(ServiceError, PermissionError):
    """Raised for a wrong username or password, or a disabled user; the message never says
    which, so that it tells no one which usernames exist."""

    def __init__(self) -> None:
        super().__init__("wrong username or password")


class LoginThrottled(ServiceError, PermissionError):
    """Raised for a login over the limits of failed logins, before its password is checked;
    ``retry_after`` says when the next may be."""

    def __init__(self, retry_after: timedelta) -> None:
        self.retry_after = retry_after
        super().__init__(
            "too many failed logins for this username or from this address: "
            f"try again in {in_words(retry_after)}"
        )


class InvalidCredentials(ServiceError, ValueError):
    """Raised when a new user's name or password is unacceptable; ``field`` names which."""

    def __init__(self, field: str, reason: str) -> None:
        self.field, self.reason = field, reason
        super().__init__(f"{field}: {reason}")


@dataclass(frozen=True, slots=True)
class StaffSession:
    token: str  # the cookie's value; only its digest is stored
    username: str
    display_name: str | None
    csrf_token: str
    expires_at: datetime

    @property
    def name(self) -> str:
        return self.display_name or self.username


class AccessService:
    def __init__(
        self,
        database: Storage,
        clock: Clock,
        *,
        session_lifetime: timedelta = DEFAULT_SESSION_LIFETIME,
        hasher: PasswordHasher | None = None,
        limits: LoginLimits | None = None,
    ) -> None:
        self.database, self.clock, self.session_lifetime = database, clock, session_lifetime
        self.hasher = hasher or PasswordHasher()
        self.limits = limits or LoginLimits()
        self._decoy: str | None = None  # see _verify_decoy
        self._pruned_at: datetime | None = None

    # -- users ------------------------------------------------------------------------------

    def add_user(self, username: str, password: str, display_name: str | None = None) -> None:
        """Raises InvalidCredentials (the field named) or the store's DuplicateName."""
        _check_username(username)
        _check_password(password)
        with self.database.transaction() as tx:
            tx.add_user(username, self.hasher.hash(password), display_name, self.clock())

    def set_password(self, username: str, password: str) -> None:
        """Change the password and end the user's sessions. Raises InvalidCredentials."""
        _check_password(password)
        with self.database.transaction() as tx:
            user = tx.user(username)
            if user is None:
                raise InvalidCredentials("username", f"no user {username!r}")
            tx.update_user(username, password_hash=self.hasher.hash(password))
            tx.drop_sessions_of(user.id)

    def set_active(self, username: str, active: bool) -> None:
        """Enable or disable a user; disabling ends their sessions."""
        with self.database.transaction() as tx:
            user = tx.user(username)
            if user is None:
                raise InvalidCredentials("username", f"no user {username!r}")
            tx.update_user(username, active=active)
            if not active:
                tx.drop_sessions_of(user.id)

    def users(self) -> list[StaffUser]:
        with self.database.transaction() as tx:
            return tx.users()

    # -- sessions ---------------------------------------------------------------------------

    def log_in(self, username: str, password: str, address: str = "") -> StaffSession:
        """A new session for the user, who logs in from ``address`` (the client's IP address).

        Raises LoginThrottled (nothing checked) or LoginRefused (the failure recorded)."""
        name, address = username[:USERNAME_LENGTH], address[:ADDRESS_LENGTH]
        now = self.clock()
        with self.database.transaction() as tx:
            user = tx.user(name)
            since = None if user is None else user.last_login_at
            wait = self.limits.wait(tx, name, address, now, since)
            if wait:
                tx.add_login_failure(name, address, LoginFailure.THROTTLED, now)
        if wait:
            raise LoginThrottled(wait)
        failure = self._check(user, password)
        if failure is not None:
            with self.database.transaction() as tx:
                tx.add_login_failure(name, address, failure, self.clock())
            raise LoginRefused
        assert user is not None  # _check found the user and its password
        now = self.clock()
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        expires_at = now + self.session_lifetime
        with self.database.transaction() as tx:
            tx.add_session(_digest(token), user.id, csrf, now, expires_at)
            values: dict[str, object] = {"last_login_at": now}
            if self.hasher.check_needs_rehash(user.password_hash):
                values["password_hash"] = self.hasher.hash(password)
            tx.update_user(user.username, **values)
        return StaffSession(token, user.username, user.display_name, csrf, expires_at)

    def login_failures(
        self, limit: int, offset: int = 0, username: str | None = None
    ) -> tuple[list[LoginFailureRow], int]:
        """Failed logins, newest first (a page of them), and how many there are in all."""
        with self.database.transaction() as tx:
            return tx.login_failures(limit, offset, username)

    def recent_failures(self) -> dict[str, int]:
        """username -> failed logins within the limits' window (refused ones included)."""
        with self.database.transaction() as tx:
            return tx.login_failure_counts(self.clock() - self.limits.window)

    def locked_for(self, username: str) -> timedelta:
        """How long any login as ``username`` would be refused now (zero: not locked)."""
        now = self.clock()
        with self.database.transaction() as tx:
            user = tx.user(username)
            since = None if user is None else user.last_login_at
            return self.limits.wait_for_user(tx, username, now, since)

    def prune(self) -> int:
        """Drop expired sessions and failed logins older than ``FAILURES_KEPT``, at most once
        every ``PRUNE_EVERY`` (the worker calls this each round); returns how many rows went."""
        now = self.clock()
        if self._pruned_at is not None and now - self._pruned_at < PRUNE_EVERY:
            return 0
        self._pruned_at = now
        with self.database.transaction() as tx:
            sessions = tx.drop_expired_sessions(now)
            failures = tx.drop_login_failures_before(now - FAILURES_KEPT)
        return sessions + failures

    def session(self, token: str) -> StaffSession | None:
        """The live session ``token`` opens (None: unknown, expired, or its user disabled)."""
        if not token:
            return None
        with self.database.transaction() as tx:
            found = tx.session(_digest(token), self.clock())
        if found is None:
            return None
        user = found.user
        return StaffSession(
            token, user.username, user.display_name, found.csrf_token, found.expires_at
        )

    def log_out(self, token: str) -> None:
        with self.database.transaction() as tx:
            tx.drop_session(_digest(token))

    # -- API tokens -------------------------------------------------------------------------

    def add_api_token(self, name: str) -> str:
        """A new token for the machine client ``name``; the secret is returned once.

        Raises InvalidCredentials for an empty or odd name, DuplicateName when it is taken.
        """
        _check_username(name, field="name")
        secret = "amzpay_" + secrets.token_urlsafe(32)
        with self.database.transaction() as tx:
            tx.add_api_token(name, _digest(secret), self.clock())
        return secret

    def api_client(self, secret: str) -> str | None:
        """The name of the client whose live token ``secret`` is (None: unknown or revoked)."""
        if not secret:
            return None
        with self.database.transaction() as tx:
            name = tx.api_token(_digest(secret))
            if name is not None:
                tx.touch_api_token(name, self.clock())
        return name

    def revoke_api_token(self, name: str) -> bool:
        """False when there is no live token of that name."""
        with self.database.transaction() as tx:
            return tx.revoke_api_token(name, self.clock())

    def api_tokens(self) -> list[ApiToken]:
        with self.database.transaction() as tx:
            return tx.api_tokens()

    def _check(self, user: StaffUser | None, password: str) -> LoginFailure | None:
        """Why ``password`` does not open ``user``'s account (None: it does). An unknown or
        disabled user costs the same argon2 work as a wrong password."""
        if user is None or not user.active:
            self._verify_decoy(password)
            return LoginFailure.UNKNOWN_USER if user is None else LoginFailure.DISABLED_USER
        if not self._verify(user.password_hash, password):
            return LoginFailure.WRONG_PASSWORD
        return None

    def _verify_decoy(self, password: str) -> None:
        """Spend an argon2 verification on an unknown user too, so that the answer's time does
        not tell which usernames exist."""
        if self._decoy is None:
            self._decoy = self.hasher.hash(secrets.token_hex(16))
        self._verify(self._decoy, password)

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self.hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _check_username(name: str, *, field: str = "username") -> None:
    if not 1 <= len(name) <= 64:
        raise InvalidCredentials(field, "must be 1 to 64 characters long")
    if not set(name) <= USERNAME_CHARACTERS:
        raise InvalidCredentials(field, "may hold only a-z, 0-9 and . _ - @")


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidCredentials("password", f"must be at least {MIN_PASSWORD_LENGTH} characters")
    if password != password.strip():
        raise InvalidCredentials("password", "must not begin or end with spaces")
