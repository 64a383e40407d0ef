"""Reading a list page's query string by hand, so that a bad value is a message on the page
(never a 422 in JSON), and the links to the next and previous pages keep the filters."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from urllib.parse import urlencode

from fastapi import Request

PAGE_SIZE = 50


@dataclass
class Query:
    """The filters of one list page as given, and what was wrong with them."""

    request: Request
    problems: list[str] = field(default_factory=list)

    def text(self, name: str) -> str | None:
        value = self.request.query_params.get(name, "").strip()
        return value or None

    def choice(self, name: str, allowed: tuple[str, ...]) -> str | None:
        value = self.text(name)
        if value is not None and value not in allowed:
            self.problems.append(f"{name}: {value!r} is not one of {', '.join(allowed)}")
            return None
        return value

    def day(self, name: str) -> datetime | None:
        """A date (YYYY-MM-DD) as the start of that day in UTC."""
        value = self.text(name)
        if value is None:
            return None
        try:
            return datetime.combine(date.fromisoformat(value), time(), tzinfo=UTC)
        except ValueError:
            self.problems.append(f"{name}: {value!r} is not a date like 2026-03-01")
            return None

    page: int = 1

    def __post_init__(self) -> None:
        value = self.text("page") or "1"
        if value.isdigit() and int(value) >= 1:
            self.page = int(value)
        else:
            self.problems.append(f"page: {value!r} is not a page number")

    @property
    def offset(self) -> int:
        return (self.page - 1) * PAGE_SIZE

    def link(self, page: int) -> str:
        """This page's URL with its filters, at ``page``."""
        params = {k: v for k, v in self.request.query_params.items() if k != "page" and v}
        if page > 1:
            params["page"] = str(page)
        return self.request.url.path + (f"?{urlencode(params)}" if params else "")


@dataclass(frozen=True, slots=True)
class Pager:
    previous: str | None
    next: str | None
    first: int  # 1-based number of the first row shown
    last: int
    total: int


def pager(query: Query, shown: int, total: int) -> Pager:
    page, offset = query.page, query.offset
    return Pager(
        previous=query.link(page - 1) if page > 1 else None,
        next=query.link(page + 1) if offset + shown < total else None,
        first=offset + 1 if shown else 0,
        last=offset + shown,
        total=total,
    )
