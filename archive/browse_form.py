"""The browse page's form: reads its query string and says what it could not use.

``ArticleFilter`` (``archive/filters.py``) builds its form on ``BrowseForm``.
Every field is lenient: it cleans what it is given and never raises; the form
then checks the values against the archive, drops the unknown ones and keeps
a plain-text notice for each, as the search page's ``SearchForm`` does.
"""

from django import forms

from archive.models import Article, Author, Source, Tag
from archive.params import DateBound, clean_text, echo, parse_date
from search.types import FACET_NAMES

MAX_VALUES_PER_FILTER = 50
FACET_NOUNS = {
    "source": "source",
    "tag": "tag",
    "author": "author",
    "year": "year",
    "lang": "language",
    "kind": "kind",
}
# Browse orders: the listing's ORDER BY, and the ordering the article page's
# previous/next links walk. "relevance" (a search order) falls back to newest.
SORT_ORDERS = {
    "newest": ("-published", "-id"),
    "oldest": ("published", "id"),
    "title": ("title", "id"),
}
DEFAULT_SORT = "newest"
SLUG_MODELS = {"source": Source, "tag": Tag, "author": Author}
CHOICE_LABELS = {
    "lang": dict(Article.Language.choices),
    "kind": dict(Article.Kind.choices),
}


def _is_year(value: str) -> bool:
    return len(value) == 4 and value.isascii() and value.isdigit() and value[0] != "0"


class ValuesField(forms.Field):
    """Every value of a repeatable parameter: cleaned text, no blanks, no repeats."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[str]:
        raw = value if isinstance(value, list | tuple) else [value] if value else []
        return list(dict.fromkeys(filter(None, (clean_text(str(v)) for v in raw))))


class FirstValueInput(forms.HiddenInput):
    def value_from_datadict(self, data, files, name):
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
        return values[0] if values else None


class TextField(forms.Field):
    """The first value of a single-valued parameter, as cleaned text ("" when absent)."""

    widget = FirstValueInput

    def to_python(self, value) -> str:
        return clean_text(str(value)) if value else ""


class BrowseForm(forms.Form):
    """Checks the values against the archive and turns what it cannot use into notices."""

    # Not filters: which facets to list in full, and which page to show.
    more = ValuesField(required=False)
    page = TextField(required=False)

    def clean(self) -> dict:
        data = super().clean()
        self.notices: list[str] = []
        # (facet, value) -> what the page calls it ("bloomberg" -> "Bloomberg").
        self.labels: dict[tuple[str, str], str] = {}
        for facet in FACET_NAMES:
            for name in (facet, f"not_{facet}"):
                data[name] = self._known(facet, name, data.get(name) or [])
            both = set(data[facet]) & set(data[f"not_{facet}"])
            for value in sorted(both):
                self.notices.append(
                    f"The {FACET_NOUNS[facet]} {echo(self.labels[facet, value])} was "
                    "both chosen and excluded; it is excluded."
                )
            data[facet] = [v for v in data[facet] if v not in both]
        data["from"], data["to"] = self._dates(data.get("from"), data.get("to"))
        data["sort"] = self._sort(data.get("sort") or "")
        data["more"] = self._more(data.get("more") or [])
        data["page"] = self._page(data.get("page") or "")
        return data

    def _more(self, values: list[str]) -> frozenset[str]:
        for value in values:
            if value not in FACET_NAMES:
                self.notices.append(f"There is no facet {echo(value)} to show in full.")
        return frozenset(v for v in values if v in FACET_NAMES)

    def _page(self, value: str) -> int:
        if not value:
            return 1
        if not (value.isascii() and value.isdigit()) or len(value) > 9:
            self.notices.append(
                f"Page {echo(value)} is not a page number; showing page 1."
            )
            return 1
        if int(value) < 1:
            self.notices.append(f"There is no page {int(value)}; showing page 1.")
            return 1
        return int(value)

    def _known(self, facet: str, name: str, values: list[str]) -> list[str]:
        if len(values) > MAX_VALUES_PER_FILTER:
            self.notices.append(
                f"Only the first {MAX_VALUES_PER_FILTER} values of “{name}” were used."
            )
            values = values[:MAX_VALUES_PER_FILTER]
        known = known_values(facet, values)
        for value in values:
            if value not in known:
                self.notices.append(
                    f"There is no {FACET_NOUNS[facet]} {echo(value)}; "
                    "that filter was ignored."
                )
        self.labels.update(((facet, v), label) for v, label in known.items())
        return [v for v in values if v in known]

    def _dates(
        self, start_text: str | None, end_text: str | None
    ) -> tuple[DateBound | None, DateBound | None]:
        bounds = []
        for text, noun in ((start_text, "start"), (end_text, "end")):
            bound = parse_date(text) if text else None
            if text and bound is None:
                self.notices.append(
                    f"The {noun} date {echo(text)} is not a date (use 2012, 2012-05 "
                    "or 2012-05-09); it was ignored."
                )
            bounds.append(bound)
        start, end = bounds
        if start and end and start.first > end.last:
            self.notices.append(
                "The start date was after the end date; the two were swapped."
            )
            start, end = end, start
        return start, end

    def _sort(self, value: str) -> str:
        if value in SORT_ORDERS:
            return value
        if value and value != "relevance":
            self.notices.append(
                f"Unknown sort order {echo(value)}; sorted by newest instead "
                "(choose newest, oldest or title)."
            )
        return DEFAULT_SORT


def known_values(facet: str, values: list[str]) -> dict[str, str]:
    """Return ``{value: label}`` for the values of ``facet`` the archive knows."""
    if not values:
        return {}
    if facet in SLUG_MODELS:
        rows = SLUG_MODELS[facet].objects.filter(slug__in=values)
        return dict(rows.values_list("slug", "name"))
    if facet == "year":
        return {v: v for v in values if _is_year(v)}
    return {v: CHOICE_LABELS[facet][v] for v in values if v in CHOICE_LABELS[facet]}
