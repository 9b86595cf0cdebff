"""The admin with the import page mounted the way ArticleAdmin.get_urls() mounts it."""

from functools import partial

from django.contrib import admin
from django.urls import path

from archive.admin_import import article_import_view
from archive.models import Article

import_route = path(
    "archive/article/import/",
    admin.site.admin_view(
        partial(article_import_view, model_admin=admin.site.get_model_admin(Article))
    ),
    name="archive_article_import",
)

urlpatterns = [
    path("admin/", ([import_route, *admin.site.get_urls()], "admin", admin.site.name)),
]
