"""Pages of long lists without counting every row on every page.

`CappedPaginator` counts at most LIST_COUNT_CAP rows (default 10,000): below, the count and the
number of pages are exact; beyond, the page says « plus de 10 000 » and knows only whether a next
page exists (it reads one row more than it shows). A page asked past the end of such a list is
the one case that counts every row, once, to find the last page.

A page is read in two steps: the ids of its rows, which the database sorts and skips through as
narrow rows (often from an index alone), then those rows with their joins. Sorting on a joined
column or reading a deep page then no longer drags every joined row along.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import QuerySet

DEFAULT_COUNT_CAP = 10_000

if TYPE_CHECKING:  # generic in django-stubs only
    _Page = Page[Any]
    _Paginator = Paginator[Any]
else:
    _Page = Page
    _Paginator = Paginator


def count_cap() -> int:
    return int(getattr(settings, "LIST_COUNT_CAP", DEFAULT_COUNT_CAP))


class CappedPage(_Page):
    """A page of a list whose length is not known: the next page exists if a row followed."""

    def __init__(self, object_list: Any, number: int, paginator: Any, *, has_more: bool) -> None:
        super().__init__(object_list, number, paginator)
        self.has_more = has_more

    def has_next(self) -> bool:
        return self.has_more

    def end_index(self) -> int:
        return self.start_index() + len(self) - 1


class CappedPaginator(_Paginator):
    def __init__(self, object_list: QuerySet[Any], per_page: int, *, cap: int | None = None):
        super().__init__(object_list, per_page)
        self.queryset = object_list
        self.cap = count_cap() if cap is None else cap
        self.exact = False

    @cached_property
    def count(self) -> int:
        """The number of rows up to `cap`; `cap` + 1 means « more than `cap` »."""
        # The ordering is useless to a count and would make the database sort what it counts.
        counted: int = self.queryset.order_by()[: self.cap + 1].count()
        return counted

    @property
    def is_capped(self) -> bool:
        return not self.exact and self.count > self.cap

    def validate_number(self, number: Any) -> int:
        if not self.is_capped:
            return super().validate_number(number)
        # The number of pages is unknown: any page from 1 on, page() finds out whether it exists.
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return int(number)

    def page(self, number: Any) -> Page[Any]:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if not self.is_capped:
            top = bottom + self.per_page
            if top + self.orphans >= self.count:
                top = self.count
            return Page(self._rows(bottom, top), number, self)
        rows = self._rows(bottom, bottom + self.per_page + 1)
        if not rows:
            raise EmptyPage(self.error_messages["no_results"])
        return CappedPage(rows[: self.per_page], number, self, has_more=len(rows) > self.per_page)

    def _rows(self, start: int, stop: int) -> list[Any]:
        ids = list(self.queryset.values_list("pk", flat=True)[start:stop])
        found = self.queryset.order_by().in_bulk(ids)
        return [found[pk] for pk in ids if pk in found]

    def get_page(self, number: Any) -> Page[Any]:
        try:
            return super().get_page(number)
        except EmptyPage:
            # Past the end of a list longer than the cap: count it all, once, for its last page.
            self.__dict__["count"] = self.queryset.order_by().count()
            self.__dict__.pop("num_pages", None)
            self.exact = True
            return super().get_page(number)
