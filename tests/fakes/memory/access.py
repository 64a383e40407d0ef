"""Who may use amzpay, in memory: what ``AccessRows`` does (back-office users, their
sessions, failed logins, the REST API's tokens)."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import replace
from datetime import datetime

from amzpay.ports.access import ApiToken, FailureTally, LoginFailureRow, StaffSessionRow, StaffUser
from amzpay.ports.errors import DuplicateName
from fakes.memory.base import ConstraintViolation, MemoryRows, maybe_utc, utc
from fakes.memory.tables import FailureRow, SessionRow, TokenRow, UserRow

_USER_COLUMNS = frozenset({"display_name", "password_hash", "active", "last_login_at"})


class MemoryAccessRows(MemoryRows):
    # -- users ------------------------------------------------------------------------------

    def add_user(
        self, username: str, password_hash: str, display_name: str | None, at: datetime
    ) -> None:
        """Raises DuplicateName when ``username`` is taken."""
        tables = self._writes("add_user")
        if username in tables.users:
            raise DuplicateName("user", username)
        tables.users[username] = UserRow(
            tables.new_id("users"), username, display_name, password_hash, True, utc(at)
        )

    def user(self, username: str) -> StaffUser | None:
        found = self.tables.users.get(username)
        return None if found is None else _user(found)

    def users(self) -> list[StaffUser]:
        return [_user(row) for _, row in sorted(self.tables.users.items())]

    def update_user(self, username: str, **values: object) -> bool:
        """Set columns (``password_hash``, ``active``, ``last_login_at``); False: no such user."""
        unknown = set(values) - _USER_COLUMNS
        if unknown:
            raise TypeError(f"update_user cannot set {sorted(unknown)}")
        tables = self._writes("update_user")
        found = tables.users.get(username)
        if found is None:
            return False
        if isinstance(values.get("last_login_at"), datetime):
            values["last_login_at"] = maybe_utc(values["last_login_at"])  # type: ignore[arg-type]
        tables.users[username] = replace(found, **values)  # type: ignore[arg-type]
        return True

    # -- sessions ---------------------------------------------------------------------------

    def add_session(
        self, token_hash: str, user_id: int, csrf_token: str, at: datetime, expires_at: datetime
    ) -> None:
        tables = self._writes("add_session")
        if token_hash in tables.sessions:
            raise ConstraintViolation("staff_sessions", "the token digest is taken")
        if not any(u.id == user_id for u in tables.users.values()):
            raise ConstraintViolation("staff_sessions", f"no user {user_id}")
        tables.sessions[token_hash] = SessionRow(
            token_hash, user_id, csrf_token, utc(at), utc(expires_at)
        )

    def session(self, token_hash: str, now: datetime) -> StaffSessionRow | None:
        """The unexpired session of an active user with this token digest."""
        found = self.tables.sessions.get(token_hash)
        if found is None or found.expires_at <= now:
            return None
        user = next(u for u in self.tables.users.values() if u.id == found.user_id)
        if not user.active:
            return None
        return StaffSessionRow(_user(user), found.csrf_token, found.expires_at)

    def drop_session(self, token_hash: str) -> None:
        self._writes("drop_session").sessions.pop(token_hash, None)

    def drop_sessions_of(self, user_id: int) -> None:
        self._drop_sessions("drop_sessions_of", lambda s: s.user_id == user_id)

    def drop_expired_sessions(self, now: datetime) -> int:
        return self._drop_sessions("drop_expired_sessions", lambda s: s.expires_at <= now)

    def _drop_sessions(self, method: str, which: Callable[[SessionRow], bool]) -> int:
        tables = self._writes(method)
        dropped = [key for key, row in tables.sessions.items() if which(row)]
        for key in dropped:
            del tables.sessions[key]
        return len(dropped)

    # -- failed logins --------------------------------------------------------------------

    def add_login_failure(self, username: str, address: str, outcome: str, at: datetime) -> None:
        tables = self._writes("add_login_failure")
        failure_id = tables.new_id("failures")
        tables.failures[failure_id] = FailureRow(failure_id, utc(at), username, address, outcome)

    def failures_of_user(
        self, username: str, since: datetime, outcomes: Collection[str]
    ) -> FailureTally:
        """Failed logins as ``username`` with one of ``outcomes``, after ``since``."""
        return self._tally(lambda f: f.username == username, since, outcomes)

    def failures_from_address(
        self, address: str, since: datetime, outcomes: Collection[str]
    ) -> FailureTally:
        """Failed logins from ``address`` with one of ``outcomes``, after ``since``."""
        return self._tally(lambda f: f.address == address, since, outcomes)

    def login_failures(
        self, limit: int, offset: int = 0, username: str | None = None
    ) -> tuple[list[LoginFailureRow], int]:
        """The failed logins, newest first (a page of them), and how many there are."""
        found = [
            f for f in self.tables.failures.values() if username is None or f.username == username
        ]
        found.sort(key=lambda f: (f.at, f.id), reverse=True)
        page = found[offset : offset + limit]
        return [LoginFailureRow(f.at, f.username, f.address, f.outcome) for f in page], len(found)

    def login_failure_counts(self, since: datetime) -> dict[str, int]:
        """username -> failed logins since ``since``."""
        counts: dict[str, int] = {}
        for failure in self.tables.failures.values():
            if failure.at > since:
                counts[failure.username] = counts.get(failure.username, 0) + 1
        return counts

    def drop_login_failures_before(self, at: datetime) -> int:
        tables = self._writes("drop_login_failures_before")
        dropped = [f.id for f in tables.failures.values() if f.at < at]
        for failure_id in dropped:
            del tables.failures[failure_id]
        return len(dropped)

    def _tally(
        self, key: Callable[[FailureRow], bool], since: datetime, outcomes: Collection[str]
    ) -> FailureTally:
        stamps = [
            f.at
            for f in self.tables.failures.values()
            if key(f) and f.at > since and f.outcome in outcomes
        ]
        return FailureTally(len(stamps), max(stamps, default=None))

    # -- API tokens -------------------------------------------------------------------------

    def add_api_token(self, name: str, token_hash: str, at: datetime) -> None:
        """Raises DuplicateName when a token of that name exists (revoked ones included)."""
        tables = self._writes("add_api_token")
        if name in tables.tokens or any(t.token_hash == token_hash for t in tables.tokens.values()):
            raise DuplicateName("API token", name)
        tables.tokens[name] = TokenRow(name, token_hash, utc(at))

    def api_token(self, token_hash: str) -> str | None:
        """The name of the live token with this digest."""
        for token in self.tables.tokens.values():
            if token.token_hash == token_hash and token.revoked_at is None:
                return token.name
        return None

    def touch_api_token(self, name: str, at: datetime) -> None:
        tables = self._writes("touch_api_token")
        found = tables.tokens.get(name)
        if found is not None:
            tables.tokens[name] = replace(found, last_used_at=utc(at))

    def revoke_api_token(self, name: str, at: datetime) -> bool:
        tables = self._writes("revoke_api_token")
        found = tables.tokens.get(name)
        if found is None or found.revoked_at is not None:
            return False
        tables.tokens[name] = replace(found, revoked_at=utc(at))
        return True

    def api_tokens(self) -> list[ApiToken]:
        return [
            ApiToken(t.name, t.created_at, t.last_used_at, t.revoked_at is not None)
            for _, t in sorted(self.tables.tokens.items())
        ]


def _user(row: UserRow) -> StaffUser:
    return StaffUser(
        row.id, row.username, row.display_name, row.password_hash, row.active, row.last_login_at
    )
