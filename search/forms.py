"""SearchForm: the only reader of the search page's query string.

Whatever arrives (unknown slugs, impossible dates, repeated or huge values,
control characters) becomes a well-formed ``SearchParams`` plus a list of
plain-text notices saying what was ignored or changed. It never raises.
"""

import datetime

from django.http import QueryDict
from django.utils.translation import gettext as _

from archive.listing.exports import UnknownFormat, requested_format
from archive.listing.facets import facet_names
from archive.listing.params import ListingReader, clean_text, echo, facet_pairs
from archive.listing.types import (
    FACET_LIMIT,
    MAX_QUERY_LENGTH,
    PAGE_SIZE,
    SORTS,
    SearchParams,
)
from search import conf

SINGLE_VALUED = ("q", "from", "to", "sort", "page", "exact", "format")


class SearchForm:
    """Turn a search query string into ``params`` and reader-facing ``notices``."""

    def __init__(self, data: QueryDict, *, max_page: int | None = None):
        self.data = data
        self.max_page = max_page or conf.get("SEARCH_MAX_PAGE")
        self._reader = ListingReader()
        # (facet, value) -> what the page calls it ("bloomberg" -> "Bloomberg").
        self.labels: dict[tuple[str, str], str] = self._reader.labels
        self.format = "html"
        self.format_error: UnknownFormat | None = None
        self.date_from_text = ""
        self.date_to_text = ""
        self.requested_page = 1
        self.params = self._clean()

    @property
    def notices(self) -> tuple[str, ...]:
        """Plain-text messages about what was ignored or changed (escape on output)."""
        return tuple(self._reader.notices)

    def _clean(self) -> SearchParams:
        self._reader.repeats(self.data, SINGLE_VALUED)
        self.format = self._clean_format()
        q = self._clean_query()
        facets = self._reader.facets(dict(self.data.lists()))
        date_from, date_to = self._clean_dates()
        return SearchParams(
            q=q,
            selected=facet_pairs(facets),
            excluded=facet_pairs(facets, "not_"),
            date_from=date_from,
            date_to=date_to,
            sort=self._reader.sort(
                self._first("sort"), SORTS, "relevance" if q else "newest"
            ),
            page=self._clean_page(),
            page_size=PAGE_SIZE,
            expand_variants=self._clean_exact(),
            facet_limit=FACET_LIMIT,
            expanded_facets=self._reader.more(self.data.getlist("more")),
        )

    def _first(self, name: str) -> str:
        values = self.data.getlist(name)
        return clean_text(values[0]) if values else ""

    def _clean_format(self) -> str:
        try:
            return requested_format(self.data)
        except UnknownFormat as error:
            self.format_error = error
            return "html"

    def _clean_query(self) -> str:
        q = self._first("q")
        if len(q) > MAX_QUERY_LENGTH:
            q = q[:MAX_QUERY_LENGTH].rstrip()
            self._reader.notices.append(
                _(
                    "The query was longer than %(limit)d characters; "
                    "only its beginning was searched."
                )
                % {"limit": MAX_QUERY_LENGTH}
            )
        return q

    def _clean_dates(self) -> tuple[datetime.date | None, datetime.date | None]:
        start, end = self._reader.dates(self._first("from"), self._first("to"))
        self.date_from_text = start.text if start else ""
        self.date_to_text = end.text if end else ""
        return (start.first if start else None, end.last if end else None)

    def _clean_page(self) -> int:
        self.requested_page = self._reader.page(self._first("page"))
        # The last page is known only after searching; the page itself says
        # when the requested one was past it.
        return min(self.requested_page, self.max_page)

    def _clean_exact(self) -> bool:
        value = self._first("exact").lower()
        if value in ("", "0", "false", "off", "no"):
            return True
        if value not in ("1", "true", "on", "yes"):
            self._reader.notices.append(
                _(
                    "exact=%(value)s is not understood (use exact=1); "
                    "spelling variants were included."
                )
                % {"value": echo(value)}
            )
            return True
        return False

    def querydict(self) -> QueryDict:
        """The cleaned search as a mutable query string: what every link on the page starts from."""
        params = self.params
        pairs = [("q", params.q)]
        names = facet_names()
        pairs += [(f, v) for f in names for v in params.values(f)]
        pairs += [(f"not_{f}", v) for f in names for v in params.excluded_values(f)]
        pairs += [("from", self.date_from_text), ("to", self.date_to_text)]
        if params.sort != ("relevance" if params.q else "newest"):
            pairs.append(("sort", params.sort))
        if not params.expand_variants:
            pairs.append(("exact", "1"))
        pairs += [("more", facet) for facet in sorted(params.expanded_facets)]
        if params.page > 1:
            pairs.append(("page", str(params.page)))
        query = QueryDict(mutable=True)
        for key, value in pairs:
            if value:
                query.appendlist(key, value)
        return query
