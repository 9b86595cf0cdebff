from django.urls import path

from archive.collect import views

app_name = "collect"

urlpatterns = [
    path(
        "articles/<int:pk>/captures/<int:capture_pk>.warc.gz",
        views.capture_download,
        name="capture-download",
    ),
    path(
        "articles/<int:pk>/captures/<int:capture_pk>/text/",
        views.capture_text,
        name="capture-text",
    ),
]
