"""The browse page's filters: a django-filter FilterSet over the database.

It reads the same parameters as the search page (``search/forms.py``) with the
same meaning: values of one facet are ORed, facets ANDed, ``not_*`` excludes.
Like the search form it never rejects a request: a value it cannot use is
dropped and a plain-text notice says so.
"""

import django_filters
from django.db.models import QuerySet
from django.http import QueryDict

from archive.browse_form import (
    DEFAULT_SORT,
    SORT_ORDERS,
    BrowseForm,
    TextField,
    ValuesField,
)
from archive.listing.facets import facet_names, facet_spec
from archive.listing.params import DateBound, facet_pairs
from archive.listing.types import FACET_LIMIT, PAGE_SIZE, SearchParams
from archive.models import Article


class FacetFilter(django_filters.Filter):
    """Keep (or with ``exclude``, drop) articles having any of the chosen values."""

    field_class = ValuesField

    def __init__(self, facet: str, **kwargs):
        self.facet = facet
        super().__init__(**kwargs)

    def filter(self, qs: QuerySet, value: list[str]) -> QuerySet:
        if not value:
            return qs
        condition = facet_spec(self.facet).values.condition(value)
        return qs.exclude(condition) if self.exclude else qs.filter(condition)


class DateBoundFilter(django_filters.Filter):
    """``from``/``to``: keep articles published within the span a date names."""

    field_class = TextField

    def __init__(self, *, end: bool, **kwargs):
        self.end = end
        super().__init__(**kwargs)

    def filter(self, qs: QuerySet, value: DateBound | None) -> QuerySet:
        if value is None:
            return qs
        if self.end:
            return qs.filter(published__lte=value.last)
        return qs.filter(published__gte=value.first)


class SortFilter(django_filters.Filter):
    field_class = TextField

    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        return qs.order_by(*SORT_ORDERS[value or DEFAULT_SORT])


class ArticleFilter(django_filters.FilterSet):
    """Filter published articles by the shared URL parameters; never raises on input."""

    sort = SortFilter()

    class Meta:
        model = Article
        fields: list[str] = []
        form = BrowseForm

    def __init__(self, data: QueryDict | None = None, queryset=None, **kwargs):
        if queryset is None:
            queryset = Article.objects.published()
        super().__init__(QueryDict() if data is None else data, queryset, **kwargs)
        # ``<facet>`` and ``not_<facet>`` for every declared facet.
        for name in facet_names():
            for key, exclude in ((name, False), (f"not_{name}", True)):
                self.filters[key] = FacetFilter(name, exclude=exclude)
                self.filters[key].model = self.queryset.model
                self.filters[key].parent = self

    def filter_queryset(self, queryset: QuerySet, *, ignore: str = "") -> QuerySet:
        """Apply every filter; with ``ignore``, skip that facet's own choices and exclusions."""
        skipped = {ignore, f"not_{ignore}"} if ignore else set()
        for name, value in self.cleaned_data.items():
            if name in self.filters and name not in skipped:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def queryset_without(self, facet: str) -> QuerySet:
        """The filtered articles as if ``facet`` had no filter: what its counts count."""
        return self.filter_queryset(self.queryset.all(), ignore=facet)

    @property
    def cleaned_data(self) -> dict:
        if not self.form.is_valid():  # BrowseForm never adds errors; kept for safety
            return {}
        return self.form.cleaned_data

    @property
    def notices(self) -> tuple[str, ...]:
        """Plain-text messages about what was ignored or changed (escape on output)."""
        self.form.is_valid()
        return tuple(getattr(self.form, "notices", ()))

    @property
    def labels(self) -> dict[tuple[str, str], str]:
        self.form.is_valid()
        return getattr(self.form, "labels", {})

    @property
    def sort_order(self) -> str:
        return self.cleaned_data.get("sort") or DEFAULT_SORT

    @property
    def ordering(self) -> tuple[str, ...]:
        return SORT_ORDERS[self.sort_order]

    def params(self, *, page: int = 1) -> SearchParams:
        """The cleaned filters in the search contract's shape (for facets and links)."""
        data = self.cleaned_data
        start, end = data.get("from"), data.get("to")
        return SearchParams(
            selected=facet_pairs(data),
            excluded=facet_pairs(data, "not_"),
            date_from=start.first if start else None,
            date_to=end.last if end else None,
            sort=self.sort_order,
            page=page,
            page_size=PAGE_SIZE,
            facet_limit=FACET_LIMIT,
            expanded_facets=self.expanded_facets,
        )

    @property
    def expanded_facets(self) -> frozenset[str]:
        return self.cleaned_data.get("more") or frozenset()

    @property
    def page(self) -> int:
        """The page asked for (at least 1; the paginator caps it at the last page)."""
        return self.cleaned_data.get("page") or 1

    def querydict(self) -> QueryDict:
        """The cleaned filters as a mutable query string: what the page's links start from."""
        data = self.cleaned_data
        query = QueryDict(mutable=True)
        for prefix in ("", "not_"):
            for name in facet_names():
                for value in data.get(prefix + name, ()):
                    query.appendlist(prefix + name, value)
        for name in ("from", "to"):
            if data.get(name):
                query[name] = data[name].text
        if self.sort_order != DEFAULT_SORT:
            query["sort"] = self.sort_order
        for facet in sorted(self.expanded_facets):
            query.appendlist("more", facet)
        return query


ArticleFilter.base_filters["from"] = DateBoundFilter(end=False)
ArticleFilter.base_filters["to"] = DateBoundFilter(end=True)
