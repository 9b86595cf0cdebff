"""SearchForm: the only reader of the search page's query string.

Whatever arrives (unknown slugs, impossible dates, repeated or huge values,
control characters) becomes a well-formed ``SearchParams`` plus a list of
plain-text notices saying what was ignored or changed. It never raises.
"""

import datetime
import re

from django.http import QueryDict

from archive.exports import UnknownFormat, requested_format
from archive.models import Article, Author, Source, Tag
from archive.params import clean_text, echo, parse_date
from search import conf
from search.types import FACET_NAMES, SORTS, SearchParams

MAX_QUERY_LENGTH = 500
# Enough for any real selection; a URL with thousands of values is cut short
# before it reaches the database.
MAX_VALUES_PER_FILTER = 50
FACET_LIMIT = 10

FACET_NOUNS = {
    "source": "source",
    "tag": "tag",
    "author": "author",
    "year": "year",
    "lang": "language",
    "kind": "kind",
}
SLUG_MODELS = {"source": Source, "tag": Tag, "author": Author}
CHOICE_LABELS = {
    "lang": dict(Article.Language.choices),
    "kind": dict(Article.Kind.choices),
}
SINGLE_VALUED = ("q", "from", "to", "sort", "page", "exact", "format")

_YEAR = re.compile(r"[1-9]\d{3}", re.ASCII)


class SearchForm:
    """Turn a search query string into ``params`` and reader-facing ``notices``."""

    def __init__(self, data: QueryDict, *, max_page: int | None = None):
        self.data = data
        self.max_page = max_page or conf.get("SEARCH_MAX_PAGE")
        self._notices: list[str] = []
        # (facet, value) -> what the page calls it ("bloomberg" -> "Bloomberg").
        self.labels: dict[tuple[str, str], str] = {}
        self.format = "html"
        self.format_error: UnknownFormat | None = None
        self.date_from_text = ""
        self.date_to_text = ""
        self.requested_page = 1
        self.params = self._clean()

    @property
    def notices(self) -> tuple[str, ...]:
        """Plain-text messages about what was ignored or changed (escape on output)."""
        return tuple(self._notices)

    def _clean(self) -> SearchParams:
        for name in SINGLE_VALUED:
            self._check_single(name)
        self.format = self._clean_format()
        q = self._clean_query()
        selected = self._clean_facets("")
        excluded = self._clean_facets("not_")
        contradictory = selected & excluded
        for facet, value in sorted(contradictory):
            self._notices.append(
                f"The {FACET_NOUNS[facet]} {echo(self.labels[facet, value])} was both "
                "chosen and excluded; it is excluded."
            )
        date_from, date_to = self._clean_dates()
        return SearchParams(
            q=q,
            selected=frozenset(selected - contradictory),
            excluded=frozenset(excluded),
            date_from=date_from,
            date_to=date_to,
            sort=self._clean_sort(q),
            page=self._clean_page(),
            page_size=conf.get("SEARCH_PAGE_SIZE"),
            expand_variants=self._clean_exact(),
            facet_limit=FACET_LIMIT,
            expanded_facets=self._clean_more(),
        )

    def _first(self, name: str) -> str:
        values = self.data.getlist(name)
        return clean_text(values[0]) if values else ""

    def _check_single(self, name: str) -> None:
        values = {clean_text(v) for v in self.data.getlist(name)}
        if len(values) > 1:
            self._notices.append(
                f"“{name}” was given {len(self.data.getlist(name))} times; "
                "only the first was used."
            )

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
            self._notices.append(
                f"The query was longer than {MAX_QUERY_LENGTH} characters; "
                "only its beginning was searched."
            )
        return q

    def _clean_facets(self, prefix: str) -> set[tuple[str, str]]:
        chosen = set()
        for facet in FACET_NAMES:
            name = prefix + facet
            values = list(
                dict.fromkeys(filter(None, map(clean_text, self.data.getlist(name))))
            )
            if len(values) > MAX_VALUES_PER_FILTER:
                self._notices.append(
                    f"Only the first {MAX_VALUES_PER_FILTER} values of “{name}” were used."
                )
                values = values[:MAX_VALUES_PER_FILTER]
            known = self._known_values(facet, values)
            for value in values:
                if value in known:
                    self.labels[facet, value] = known[value]
                    chosen.add((facet, value))
                else:
                    self._notices.append(
                        f"There is no {FACET_NOUNS[facet]} {echo(value)}; "
                        "that filter was ignored."
                    )
        return chosen

    def _known_values(self, facet: str, values: list[str]) -> dict[str, str]:
        if not values:
            return {}
        if facet in SLUG_MODELS:
            rows = SLUG_MODELS[facet].objects.filter(slug__in=values)
            return dict(rows.values_list("slug", "name"))
        if facet == "year":
            return {v: v for v in values if _YEAR.fullmatch(v)}
        return {v: CHOICE_LABELS[facet][v] for v in values if v in CHOICE_LABELS[facet]}

    def _clean_dates(self) -> tuple[datetime.date | None, datetime.date | None]:
        bounds = []
        for name, noun in (("from", "start"), ("to", "end")):
            text = self._first(name)
            bound = parse_date(text) if text else None
            if text and bound is None:
                self._notices.append(
                    f"The {noun} date {echo(text)} is not a date (use 2012, 2012-05 "
                    "or 2012-05-09); it was ignored."
                )
            bounds.append(bound)
        start, end = bounds
        if start and end and start.first > end.last:
            start, end = end, start
            self._notices.append(
                "The start date was after the end date; the two were swapped."
            )
        self.date_from_text = start.text if start else ""
        self.date_to_text = end.text if end else ""
        return (start.first if start else None, end.last if end else None)

    def _clean_sort(self, q: str) -> str:
        value = self._first("sort")
        default = "relevance" if q else "newest"
        if not value:
            return default
        if value not in SORTS:
            self._notices.append(
                f"Unknown sort order {echo(value)}; "
                f"sorted by {default} instead (choose relevance, newest or oldest)."
            )
            return default
        return value

    def _clean_page(self) -> int:
        value = self._first("page")
        if not value:
            return 1
        try:
            page = int(value)
        except ValueError:
            self._notices.append(
                f"Page {echo(value)} is not a page number; showing page 1."
            )
            return 1
        if page < 1:
            self._notices.append(f"There is no page {page}; showing page 1.")
            return 1
        self.requested_page = page
        # The last page is known only after searching; the page itself says
        # when the requested one was past it.
        return min(page, self.max_page)

    def _clean_exact(self) -> bool:
        value = self._first("exact").lower()
        if value in ("", "0", "false", "off", "no"):
            return True
        if value not in ("1", "true", "on", "yes"):
            self._notices.append(
                f"exact={echo(value)} is not understood (use exact=1); "
                "spelling variants were included."
            )
            return True
        return False

    def _clean_more(self) -> frozenset[str]:
        facets = set()
        for value in map(clean_text, self.data.getlist("more")):
            if value in FACET_NAMES:
                facets.add(value)
            elif value:
                self._notices.append(
                    f"There is no facet {echo(value)} to show in full."
                )
        return frozenset(facets)

    def querydict(self) -> QueryDict:
        """The cleaned search as a mutable query string: what every link on the page starts from."""
        params = self.params
        pairs = [("q", params.q)]
        for prefix, chosen in (("", params.selected), ("not_", params.excluded)):
            pairs += [
                (prefix + f, v)
                for f in FACET_NAMES
                for _, v in sorted(p for p in chosen if p[0] == f)
            ]
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
