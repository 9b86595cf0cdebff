from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from config.i18n import switch_language
from search.views import trends

admin.site.site_header = _("North Korea Media & Technology Archive")
admin.site.site_title = _("Archive admin")
admin.site.index_title = _("Curation")
# The app list in a sidebar squeezed the article list to a narrow title column
# at laptop widths; the home page and breadcrumbs already lead everywhere.
admin.site.enable_nav_sidebar = False

urlpatterns = [
    path("admin/", admin.site.urls),
    path("language/", switch_language, name="switch-language"),
    # English pages without a prefix, Korean ones under /ko/.
    *i18n_patterns(
        path("search/", include("search.urls")),
        path("", include("archive.collect.urls")),
        path("", include("archive.watch.urls")),
        path("trends/", trends, name="trends"),
        path("", include("archive.urls")),
        prefix_default_language=False,
    ),
]

handler400 = "archive.views.bad_request"
handler404 = "archive.views.page_not_found"
handler500 = "archive.views.server_error"
