"""Paginate a queryset but render (mask, audit) only the page that is returned."""

from __future__ import annotations

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

MAX_LIMIT = 500
MAX_OFFSET = 10_000_000


class LazyRows:
    """Lets ninja's paginator count and slice the queryset; `render` sees only the returned page."""

    def __init__(self, qs, render):
        self.qs, self.render = qs, render

    def __len__(self) -> int:
        return self.qs.count()

    def __getitem__(self, item):
        return self.render(list(self.qs[item]))


class BoundedLimitOffset(LimitOffsetPagination):
    """ninja's limit/offset paging with an upper bound on the offset too, so no request can overflow the
    database's integer (SQLite refuses offsets beyond 2^63 with a 500 otherwise)."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)
