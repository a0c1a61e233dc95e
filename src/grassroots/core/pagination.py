"""Paginate a queryset but render (mask, audit) only the page that is returned."""

from __future__ import annotations


class LazyRows:
    """Lets ninja's paginator count and slice the queryset; `render` sees only the returned page."""

    def __init__(self, qs, render):
        self.qs, self.render = qs, render

    def __len__(self) -> int:
        return self.qs.count()

    def __getitem__(self, item):
        return self.render(list(self.qs[item]))
