"""The browse page's form: reads its query string and says what it could not use.

``ArticleFilter`` (``archive/filters.py``) builds its form on ``BrowseForm``.
Every field is lenient: it cleans what it is given and never raises; the form
then applies the rules it shares with the search page (``ListingReader`` in
``archive/params.py``), which drop the unknown values with a notice for each.
"""

from django import forms

from archive.listing.params import ListingReader, clean_text, clean_values

# Browse orders: the listing's ORDER BY, and the ordering the article page's
# previous/next links walk. "relevance" (a search order) falls back to newest.
SORT_ORDERS = {
    "newest": ("-published", "-id"),
    "oldest": ("published", "id"),
    "title": ("title", "id"),
}
DEFAULT_SORT = "newest"


class ValuesField(forms.Field):
    """Every value of a repeatable parameter: cleaned text, no blanks, no repeats."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[str]:
        raw = value if isinstance(value, list | tuple) else [value] if value else []
        return clean_values(map(str, raw))


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
        reader = ListingReader()
        reader.repeats(self.data, ("from", "to", "sort", "page"))
        data.update(reader.facets(data))
        data["from"], data["to"] = reader.dates(
            data.get("from") or "", data.get("to") or ""
        )
        sort = data.get("sort") or ""
        data["sort"] = reader.sort(
            "" if sort == "relevance" else sort, tuple(SORT_ORDERS), DEFAULT_SORT
        )
        data["more"] = reader.more(data.get("more") or [])
        data["page"] = reader.page(data.get("page") or "")
        self.notices: list[str] = reader.notices
        # (facet, value) -> what the page calls it ("bloomberg" -> "Bloomberg").
        self.labels: dict[tuple[str, str], str] = reader.labels
        return data
