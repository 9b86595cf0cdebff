"""Pages of a listing that cost the same at page 4,000 as at page 1.

A page reached by a link from its neighbour seeks from the article next to
it (``after=<id>`` or ``before=<id>``: the rows past that article in the
listing's order, read from an index) instead of counting its way down with
OFFSET. The page number stays in the address, for the reader and for
bookmarks; a bare ``page=N`` (typed, or an old bookmark) still works by
skipping ids in an index, from whichever end of the listing is nearer.
A listing narrowed by filters is listed by the search index instead, when
there is one (``listed_page``): any of its pages costs what the first does.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from archive.listing.types import PAGE_SIZE
from archive.models import Article

# Parameters of a page reached from its neighbour: the article it follows or precedes.
CURSOR_PARAMS = ("after", "before")


@dataclass(frozen=True)
class Cursor:
    """Where a page starts: right after, or ends right before, the article ``pk``."""

    direction: str  # "after" or "before"
    pk: int

    def params(self) -> dict[str, str]:
        return {self.direction: str(self.pk)}


def read_cursor(data) -> Cursor | None:
    """The ``after`` or ``before`` parameter of ``data``, when it names an article id."""
    for direction in CURSOR_PARAMS:
        value = (data.get(direction) or "").strip()
        if value.isascii() and value.isdigit() and 0 < len(value) <= 18:
            return Cursor(direction, int(value))
    return None


@dataclass(frozen=True)
class KeysetPage:
    """One page of a listing and how to reach the pages near it."""

    articles: tuple[Article, ...]
    number: int
    pages: int
    total: int
    # Page number -> the cursor that opens it with a seek (pages near this one).
    cursors: dict[int, Cursor]

    @property
    def start_index(self) -> int:
        """The listing position of the page's first article (1-based)."""
        return (self.number - 1) * PAGE_SIZE + 1 if self.articles else 0


def seek_condition(ordering: Sequence[str], values: tuple, *, forward: bool) -> Q:
    """Rows after (``forward``) or before the row with sort ``values`` in ``ordering``.

    ``ordering`` is a field and ``id``, as in ``SORT_ORDERS``. Written as a
    range on the first field (which an index on it can seek to) narrowed on
    ties by the id, rather than as an OR that the planner would walk.
    """
    field, _ = (name.lstrip("-") for name in ordering)
    value, pk = values
    descending = ordering[0].startswith("-")
    later = forward != descending  # the rows sorting after have greater values
    near, far = ("gte", "gt") if later else ("lte", "lt")
    return Q(**{f"{field}__{near}": value}) & (
        Q(**{f"{field}__{far}": value}) | Q(**{f"pk__{far}": pk})
    )


def reverse_ordering(ordering: Sequence[str]) -> list[str]:
    return [name[1:] if name.startswith("-") else f"-{name}" for name in ordering]


def _sort_values(pk: int, ordering: Sequence[str]) -> tuple | None:
    field = ordering[0].lstrip("-")
    value = Article.objects.filter(pk=pk).values_list(field, flat=True).first()
    return None if value is None else (value, pk)


def _ids_from(
    queryset: QuerySet, ordering: Sequence[str], anchor: tuple, *, forward: bool, n: int
) -> list[int]:
    """Up to ``n`` ids next to the row ``anchor`` in ``ordering``, nearest first."""
    order = list(ordering) if forward else reverse_ordering(ordering)
    rows = queryset.filter(seek_condition(ordering, anchor, forward=forward))
    return list(rows.order_by(*order).values_list("pk", flat=True)[:n])


def keyset_page(
    queryset: QuerySet,
    ordering: Sequence[str],
    *,
    number: int,
    total: int,
    cursor: Cursor | None = None,
    window: int = 2,
) -> KeysetPage:
    """Page ``number`` of ``queryset`` in ``ordering`` (clamp ``number`` first).

    With ``cursor`` the page is read by a seek from that article; without, by
    skipping ids in the index from the nearer end (``total`` must be exact).
    ``cursors`` opens the ``window`` pages either side.
    """
    pages = -(-total // PAGE_SIZE)
    ordering = tuple(ordering)
    ids = _page_ids(queryset, ordering, number, pages, total, cursor)
    found = queryset.model.objects.published().with_relations().by_id(ids)
    articles = tuple(found[pk] for pk in ids if pk in found)
    return KeysetPage(
        articles=articles,
        number=number,
        pages=pages,
        total=total,
        cursors=_neighbour_cursors(queryset, ordering, ids, number, pages, window),
    )


def listed_page(ids: Sequence[int], *, number: int, total: int) -> KeysetPage:
    """Page ``number`` of a listing whose ``ids`` the search index put in order.

    No seek and no cursors: the index lists any page as cheaply as the first.
    An article unpublished since the index saw it is left out at once.
    """
    found = Article.objects.published().with_relations().by_id(ids)
    return KeysetPage(
        articles=tuple(found[pk] for pk in ids if pk in found),
        number=number,
        pages=-(-total // PAGE_SIZE),
        total=total,
        cursors={},
    )


def _page_ids(queryset, ordering, number, pages, total, cursor) -> list[int]:
    anchor = _sort_values(cursor.pk, ordering) if cursor else None
    if anchor is not None:
        forward = cursor.direction == "after"
        ids = _ids_from(queryset, ordering, anchor, forward=forward, n=PAGE_SIZE)
        return ids if forward else ids[::-1]
    start = (number - 1) * PAGE_SIZE
    size = max(min(PAGE_SIZE, total - start), 0)
    # Rows after the page: a page past the middle is read backwards from the
    # end, skipping those (the last page skips none), so no page skips more
    # than half the listing.
    after = total - start - size
    if number > 1 and after < start:
        backwards = queryset.order_by(*reverse_ordering(ordering))
        return list(backwards.values_list("pk", flat=True)[after : after + size])[::-1]
    ordered = queryset.order_by(*ordering).values_list("pk", flat=True)
    return list(ordered[start : start + PAGE_SIZE])


def _neighbour_cursors(queryset, ordering, ids, number, pages, window):
    """Cursors for pages ``number ± 1 … window`` (not the first or last: those need none)."""
    cursors: dict[int, Cursor] = {}
    if not ids:
        return cursors
    after = [n for n in range(number + 1, number + window + 1) if n < pages]
    before = [n for n in range(number - 1, number - window - 1, -1) if n > 1]
    for wanted, kind, edge in ((after, "after", ids[-1]), (before, "before", ids[0])):
        if not wanted:
            continue
        cursors[wanted[0]] = Cursor(kind, edge)
        if len(wanted) > 1:
            further = _ids_from(
                queryset,
                ordering,
                _sort_values(edge, ordering),
                forward=kind == "after",
                n=(len(wanted) - 1) * PAGE_SIZE,
            )
            for step, page in enumerate(wanted[1:], start=1):
                if len(further) >= step * PAGE_SIZE:
                    cursors[page] = Cursor(kind, further[step * PAGE_SIZE - 1])
    return {page: c for page, c in cursors.items() if 1 < page < pages}
