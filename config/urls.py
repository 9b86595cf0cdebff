from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "North Korea Media & Technology Archive"
admin.site.site_title = "Archive admin"
admin.site.index_title = "Curation"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("search/", include("search.urls")),
    path("", include("archive.urls")),
]

handler404 = "archive.views.page_not_found"
handler500 = "archive.views.server_error"
