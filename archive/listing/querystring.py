"""Links that change one thing in a listing's query string, for browse and search.

Every function takes the page's *cleaned* query (a ``QueryDict`` such as
``ArticleFilter.querydict()`` or ``SearchForm.querydict()``) and returns an
href: ``path`` followed by the new query string. Changing a filter drops
``page``, so the reader lands on the first page of the new result set.

The presenters (``link_facets``, ``active_filters``, ``page_links``) add those
hrefs to the search contract's values (``Facet``, ``FacetValue``) so the shared
partials in ``templates/includes/`` can render them without logic.
"""

import functools
import urllib.parse
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.http import QueryDict
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from archive.listing.facets import facet_names, facet_spec
from archive.listing.types import Facet

# Parameters that do not change which articles match.
NON_FILTERS = ("page", "more", "format")


def href(query: QueryDict, path: str = "") -> str:
    """Return ``path`` with ``query`` appended (``"?"`` alone when both are empty)."""
    encoded = query.urlencode()
    if encoded:
        return f"{path}?{encoded}"
    return path or "?"


def _copy(query: QueryDict, *, keep_page: bool = False) -> QueryDict:
    new = query.copy()
    if not keep_page:
        new.pop("page", None)
    new.pop("format", None)
    return new


def _remove(query: QueryDict, key: str, value: str) -> None:
    values = [v for v in query.getlist(key) if v != value]
    if values:
        query.setlist(key, values)
    else:
        query.pop(key, None)


def add_pair(query: QueryDict, key: str, value: str, path: str = "") -> str:
    """Link that adds ``key=value`` (once) and drops ``page``."""
    new = _copy(query)
    if value not in new.getlist(key):
        new.appendlist(key, value)
    return href(new, path)


def remove_pair(query: QueryDict, key: str, value: str, path: str = "") -> str:
    """Link that removes ``key=value`` and drops ``page``."""
    new = _copy(query)
    _remove(new, key, value)
    return href(new, path)


def toggle_pair(query: QueryDict, key: str, value: str, path: str = "") -> str:
    """Link that removes ``key=value`` when present, else adds it; drops ``page``."""
    if value in query.getlist(key):
        return remove_pair(query, key, value, path)
    return add_pair(query, key, value, path)


def replace_value(
    query: QueryDict, key: str, value: str | None, path: str = "", *, keep_page=False
) -> str:
    """Link with ``key`` set to the single ``value`` (removed when None)."""
    new = _copy(query, keep_page=keep_page)
    new.pop(key, None)
    if value is not None:
        new[key] = value
    return href(new, path)


def format_url(query: QueryDict, fmt: str, path: str = "") -> str:
    """Link to the same listing in ``fmt``; feeds and CSV cover the whole set, so no page."""
    new = _copy(query, keep_page=fmt == "json")
    new.pop("more", None)
    new["format"] = fmt
    return href(new, path)


def listing_link_query(query: QueryDict, origin: str) -> str:
    """The query string an article link carries so its page knows the listing."""
    return urlencode({"back": query.urlencode(), "from": origin})


def filter_inputs(query: QueryDict) -> list[tuple[str, str]]:
    """The (name, value) pairs a search box must carry as hidden inputs to keep the filters."""
    return [
        (key, value)
        for key, values in query.lists()
        if key not in (*NON_FILTERS, "q")
        for value in values
    ]


@dataclass(frozen=True)
class LinkedFacetValue:
    value: str
    label: str
    count: int
    selected: bool
    excluded: bool
    toggle_url: str
    exclude_url: str


@dataclass(frozen=True)
class LinkedFacet:
    name: str
    label: str
    values: tuple[LinkedFacetValue, ...]
    truncated: bool
    # Link listing every value ("" unless truncated), and back to the short list.
    more_url: str
    fewer_url: str


def link_facets(
    facets: Iterable[Facet], query: QueryDict, path: str = ""
) -> list[LinkedFacet]:
    """Give each facet value its toggle and exclude links, and each facet its "more" link."""
    linked = []
    links = QueryLinks(query, path)
    for facet in facets:
        expanded = facet.name in query.getlist("more")
        values = tuple(
            LinkedFacetValue(
                value=fv.value,
                label=fv.label,
                count=fv.count,
                selected=fv.selected,
                excluded=fv.excluded,
                toggle_url=links.toggle(facet.name, fv.value),
                exclude_url=links.exclude(facet.name, fv.value),
            )
            for fv in facet.values
        )
        more = query.copy()
        more.appendlist("more", facet.name)
        fewer = query.copy()
        _remove(fewer, "more", facet.name)
        linked.append(
            LinkedFacet(
                name=facet.name,
                label=facet.label,
                values=values,
                truncated=facet.truncated,
                more_url=href(_copy(more, keep_page=True), path)
                if facet.truncated and not expanded
                else "",
                fewer_url=href(_copy(fewer, keep_page=True), path) if expanded else "",
            )
        )
    return linked


class QueryLinks:
    """Many links that each change one value of ``query`` (and drop ``page``).

    A facet list links each of its values twice, a year chart each year;
    copying and encoding the whole query for every link was a tenth of a
    search page. The query's pairs are encoded once here, and each link
    only joins them anew.
    """

    def __init__(self, query: QueryDict, path: str):
        self.path = path
        self.lists = dict(_copy(query).lists())

    def toggle(self, name: str, value: str) -> str:
        """Choose the value (lifting any exclusion of it), or unchoose it."""
        return self._switch(name, f"not_{name}", value)

    def exclude(self, name: str, value: str) -> str:
        """Exclude the value (unchoosing it), or lift its exclusion."""
        return self._switch(f"not_{name}", name, value)

    def toggle_pair(self, key: str, value: str) -> str:
        """What ``toggle_pair(query, key, value, path)`` links to."""
        return self._switch(key, None, value)

    def _switch(self, key: str, opposite: str | None, value: str) -> str:
        lists = dict(self.lists)
        if value in lists.get(key, ()):
            _drop(lists, key, value)
        else:
            _drop(lists, opposite, value)
            # A key already there keeps its place; a new one goes last.
            lists[key] = [*lists.get(key, ()), value]
        encoded = "&".join(
            _encoded(key, value) for key, values in lists.items() for value in values
        )
        if encoded:
            return f"{self.path}?{encoded}"
        return self.path or "?"


def _drop(lists: dict, key: str | None, value: str) -> None:
    values = [v for v in lists.get(key, ()) if v != value]
    if values:
        lists[key] = values
    else:
        lists.pop(key, None)


@functools.lru_cache(maxsize=4096)
def _encoded(key: str, value: str) -> str:
    """``key=value`` as ``QueryDict.urlencode`` writes it."""
    return urllib.parse.urlencode({key: value})


@dataclass(frozen=True)
class ActiveFilter:
    name: str  # the URL parameter ("source", "not_tag", "from")
    label: str  # what it is ("Source", "Published from")
    value: str
    value_label: str  # what the value is called ("Bloomberg")
    excluded: bool
    remove_url: str


def active_filters(
    query: QueryDict, labels: Mapping[tuple[str, str], str], path: str = ""
) -> list[ActiveFilter]:
    """List the filters in effect, each with a link that removes it alone."""
    active = []
    for excluded, prefix in ((False, ""), (True, "not_")):
        for name in facet_names():
            for value in query.getlist(prefix + name):
                active.append(
                    ActiveFilter(
                        name=prefix + name,
                        label=str(facet_spec(name).label),
                        value=value,
                        value_label=labels.get((name, value), value),
                        excluded=excluded,
                        remove_url=remove_pair(query, prefix + name, value, path),
                    )
                )
    for name, label in (("from", _("Published from")), ("to", _("Published until"))):
        if value := query.get(name):
            active.append(
                ActiveFilter(
                    name,
                    label,
                    value,
                    value,
                    False,
                    remove_pair(query, name, value, path),
                )
            )
    return active


def describe_filters(active: Iterable[ActiveFilter]) -> str:
    """Say in words what a listing is filtered by ("Source: Bloomberg; not Tag: radio")."""
    parts = [
        (_("not %(facet)s: %(value)s") if f.excluded else _("%(facet)s: %(value)s"))
        % {"facet": f.label, "value": f.value_label}
        for f in active
    ]
    return _("; ").join(parts)


def clear_filters_url(query: QueryDict, path: str = "") -> str:
    """Link to the same listing with no filters (the query and sort order stay)."""
    new = QueryDict(mutable=True)
    for key in ("q", "sort", "exact"):
        if key in query:
            new.setlist(key, query.getlist(key))
    return href(new, path)


@dataclass(frozen=True)
class PageLink:
    number: int | None  # None marks a gap ("…")
    url: str
    current: bool


@dataclass(frozen=True)
class Pagination:
    page: int
    pages: int
    previous_url: str
    next_url: str
    links: tuple[PageLink, ...]


def page_links(
    query: QueryDict,
    page: int,
    pages: int,
    path: str = "",
    *,
    window: int = 2,
    cursors: Mapping[int, object] | None = None,
) -> Pagination:
    """Links to the neighbouring pages, the first and last, and ``window`` pages either side.

    ``cursors`` maps page numbers to what opens them without counting rows
    (``archive.paging.Cursor``); their parameters join those pages' links.
    """

    def url(number: int) -> str:
        new = _copy(query)
        if number > 1:
            new["page"] = str(number)
        if cursors and number in cursors:
            new.update(cursors[number].params())
        return href(new, path)

    shown = sorted(
        {1, pages, *range(max(1, page - window), min(pages, page + window) + 1)}
    )
    links: list[PageLink] = []
    for number in shown:
        if links and links[-1].number is not None and number > links[-1].number + 1:
            links.append(PageLink(None, "", False))
        links.append(PageLink(number, url(number), number == page))
    return Pagination(
        page=page,
        pages=pages,
        previous_url=url(page - 1) if page > 1 else "",
        next_url=url(page + 1) if page < pages else "",
        links=tuple(links) if pages > 1 else (),
    )
