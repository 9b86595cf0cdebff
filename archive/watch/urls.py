from django.urls import path

from archive.watch import views

app_name = "watch"

urlpatterns = [
    path(
        "articles/<int:pk>/versions/", views.article_versions, name="article-versions"
    ),
    path(
        "articles/<int:pk>/versions/compare/",
        views.compare_versions,
        name="compare-versions",
    ),
    path("changes/", views.changes, name="changes"),
]
