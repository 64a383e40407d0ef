"""Who may use amzpay: back-office users, their sessions, the REST API's tokens.

Secrets never reach the database: sessions and tokens are stored as SHA-256 digests (the
services hash them), passwords as argon2 hashes.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import ColumnElement, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from amzpay.ports.access import ApiToken, FailureTally, LoginFailureRow, StaffSessionRow, StaffUser
from amzpay.ports.errors import DuplicateName
from amzpay.store import tables as t
from amzpay.store.base import Rows


class AccessRows(Rows):
    # -- users ------------------------------------------------------------------------------

    def add_user(
        self, username: str, password_hash: str, display_name: str | None, at: datetime
    ) -> None:
        """Raises DuplicateName when ``username`` is taken."""
        try:
            with self.conn.begin_nested():
                self.conn.execute(
                    insert(t.staff_users).values(
                        username=username,
                        display_name=display_name,
                        password_hash=password_hash,
                        active=True,
                        created_at=at,
                    )
                )
        except IntegrityError as taken:
            raise DuplicateName("user", username) from taken

    def user(self, username: str) -> StaffUser | None:
        row = self.conn.execute(
            select(t.staff_users).where(t.staff_users.c.username == username)
        ).first()
        return None if row is None else _user(row)

    def users(self) -> list[StaffUser]:
        rows = self.conn.execute(select(t.staff_users).order_by(t.staff_users.c.username))
        return [_user(row) for row in rows]

    def update_user(self, username: str, **values: object) -> bool:
        """Set columns (``password_hash``, ``active``, ``last_login_at``); False: no such user."""
        done = self.conn.execute(
            update(t.staff_users).where(t.staff_users.c.username == username).values(**values)
        )
        return done.rowcount > 0

    # -- sessions ---------------------------------------------------------------------------

    def add_session(
        self, token_hash: str, user_id: int, csrf_token: str, at: datetime, expires_at: datetime
    ) -> None:
        self.conn.execute(
            insert(t.staff_sessions).values(
                token_hash=token_hash,
                user_id=user_id,
                csrf_token=csrf_token,
                created_at=at,
                expires_at=expires_at,
            )
        )

    def session(self, token_hash: str, now: datetime) -> StaffSessionRow | None:
        """The unexpired session of an active user with this token digest."""
        s, u = t.staff_sessions, t.staff_users
        row = self.conn.execute(
            select(s.c.csrf_token, s.c.expires_at, u)
            .join(u, u.c.id == s.c.user_id)
            .where(s.c.token_hash == token_hash, s.c.expires_at > now, u.c.active.is_(True))
        ).first()
        return None if row is None else StaffSessionRow(_user(row), row.csrf_token, row.expires_at)

    def drop_session(self, token_hash: str) -> None:
        self.conn.execute(
            delete(t.staff_sessions).where(t.staff_sessions.c.token_hash == token_hash)
        )

    def drop_sessions_of(self, user_id: int) -> None:
        self.conn.execute(delete(t.staff_sessions).where(t.staff_sessions.c.user_id == user_id))

    def drop_expired_sessions(self, now: datetime) -> int:
        done = self.conn.execute(
            delete(t.staff_sessions).where(t.staff_sessions.c.expires_at <= now)
        )
        return done.rowcount

    # -- failed logins --------------------------------------------------------------------

    def add_login_failure(self, username: str, address: str, outcome: str, at: datetime) -> None:
        self.conn.execute(
            insert(t.login_failures).values(
                at=at, username=username, address=address, outcome=outcome
            )
        )

    def failures_of_user(
        self, username: str, since: datetime, outcomes: Collection[str]
    ) -> FailureTally:
        """Failed logins as ``username`` with one of ``outcomes``, after ``since``."""
        return self._tally(t.login_failures.c.username == username, since, outcomes)

    def failures_from_address(
        self, address: str, since: datetime, outcomes: Collection[str]
    ) -> FailureTally:
        """Failed logins from ``address`` with one of ``outcomes``, after ``since``."""
        return self._tally(t.login_failures.c.address == address, since, outcomes)

    def login_failures(
        self, limit: int, offset: int = 0, username: str | None = None
    ) -> tuple[list[LoginFailureRow], int]:
        """The failed logins, newest first (a page of them), and how many there are."""
        f = t.login_failures
        where = [] if username is None else [f.c.username == username]
        total = self.conn.scalar(select(func.count()).select_from(f).where(*where)) or 0
        rows = self.conn.execute(
            select(f)
            .where(*where)
            .order_by(f.c.at.desc(), f.c.id.desc())
            .limit(limit)
            .offset(offset)
        )
        found = [LoginFailureRow(r.at, r.username, r.address, r.outcome) for r in rows]
        return found, int(total)

    def login_failure_counts(self, since: datetime) -> dict[str, int]:
        """username -> failed logins since ``since``."""
        f = t.login_failures
        rows = self.conn.execute(
            select(f.c.username, func.count()).where(f.c.at > since).group_by(f.c.username)
        )
        return {r[0]: int(r[1]) for r in rows}

    def drop_login_failures_before(self, at: datetime) -> int:
        done = self.conn.execute(delete(t.login_failures).where(t.login_failures.c.at < at))
        return done.rowcount

    def _tally(
        self, key: ColumnElement[bool], since: datetime, outcomes: Collection[str]
    ) -> FailureTally:
        f = t.login_failures
        row = self.conn.execute(
            select(func.count(), func.max(f.c.at)).where(
                key, f.c.at > since, f.c.outcome.in_(list(outcomes))
            )
        ).one()
        return FailureTally(int(row[0]), row[1])

    # -- API tokens -------------------------------------------------------------------------

    def add_api_token(self, name: str, token_hash: str, at: datetime) -> None:
        """Raises DuplicateName when a token of that name exists (revoked ones included)."""
        try:
            with self.conn.begin_nested():
                self.conn.execute(
                    insert(t.api_tokens).values(name=name, token_hash=token_hash, created_at=at)
                )
        except IntegrityError as taken:
            raise DuplicateName("API token", name) from taken

    def api_token(self, token_hash: str) -> str | None:
        """The name of the live token with this digest."""
        found = self.conn.scalar(
            select(t.api_tokens.c.name).where(
                t.api_tokens.c.token_hash == token_hash, t.api_tokens.c.revoked_at.is_(None)
            )
        )
        return None if found is None else str(found)

    def touch_api_token(self, name: str, at: datetime) -> None:
        self.conn.execute(
            update(t.api_tokens).where(t.api_tokens.c.name == name).values(last_used_at=at)
        )

    def revoke_api_token(self, name: str, at: datetime) -> bool:
        done = self.conn.execute(
            update(t.api_tokens)
            .where(t.api_tokens.c.name == name, t.api_tokens.c.revoked_at.is_(None))
            .values(revoked_at=at)
        )
        return done.rowcount > 0

    def api_tokens(self) -> list[ApiToken]:
        rows = self.conn.execute(select(t.api_tokens).order_by(t.api_tokens.c.name))
        return [
            ApiToken(r.name, r.created_at, r.last_used_at, r.revoked_at is not None) for r in rows
        ]


def _user(row: object) -> StaffUser:
    return StaffUser(
        row.id,  # type: ignore[attr-defined]
        row.username,  # type: ignore[attr-defined]
        row.display_name,  # type: ignore[attr-defined]
        row.password_hash,  # type: ignore[attr-defined]
        bool(row.active),  # type: ignore[attr-defined]
        row.last_login_at,  # type: ignore[attr-defined]
    )
