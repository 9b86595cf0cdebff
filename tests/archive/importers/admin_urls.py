"""The admin with the import page mounted where ArticleAdmin.get_urls() puts it."""

from django.contrib import admin
from django.urls import path

from archive.admin_import import article_import_view
from archive.models import Article


def import_view(request):
    return article_import_view(request, model_admin=admin.site.get_model_admin(Article))


import_route = path(
    "archive/article/import/",
    admin.site.admin_view(import_view),
    name="archive_article_import",
)

urlpatterns = [
    path("admin/", ([import_route, *admin.site.get_urls()], "admin", admin.site.name)),
]
