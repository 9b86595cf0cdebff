from django.urls import path, register_converter

from archive import registry_views, views

app_name = "archive"


class IdConverter:
    """An article id: digits that fit the database's 64-bit integer (longer ones 404)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


class UnicodeSlugConverter:
    """A registry slug: letters of any script, digits, hyphens and underscores."""

    regex = r"[-\w]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class CitationFormatConverter(UnicodeSlugConverter):
    """The citation downloads: RIS, BibTeX, CSL-JSON."""

    regex = "ris|bib|json"


register_converter(IdConverter, "id")
register_converter(CitationFormatConverter, "citefmt")
register_converter(UnicodeSlugConverter, "uslug")

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/", views.article_list, name="article-list"),
    path("articles/<id:pk>/", views.article_permalink, name="article-permalink"),
    path(
        "articles/<id:pk>/cite.<citefmt:fmt>",
        views.article_citation,
        name="article-citation",
    ),
    path("articles/<id:pk>/<str:slug>/", views.article_detail, name="article-detail"),
    path("sources/", registry_views.source_list, name="source-list"),
    path("sources/<uslug:slug>/", registry_views.source_detail, name="source-detail"),
    path("tags/", registry_views.tag_list, name="tag-list"),
    path("tags/<uslug:slug>/", registry_views.tag_detail, name="tag-detail"),
    path("authors/", registry_views.author_list, name="author-list"),
    path("authors/<uslug:slug>/", registry_views.author_detail, name="author-detail"),
]
