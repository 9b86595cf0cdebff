"""An article's captures for analysts: the WARC file to download, the captured text to read.

The captured HTML itself is never served as a page of this site (its scripts
would run on our origin): the text view shows plain text, escaped.
"""

from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from archive.access import can_view_drafts
from archive.collect import warc
from archive.collect.models import Capture
from archive.collect.text import captured_text

CHUNK = 64 * 1024


def _capture(request, pk: int, capture_pk: int) -> Capture:
    capture = get_object_or_404(
        Capture.objects.select_related("article", "revisit_of"),
        pk=capture_pk,
        article_id=pk,
    )
    if not capture.article.is_published and not can_view_drafts(request.user):
        raise Http404("No such capture.")
    if not (warc.root() / capture.warc_file).exists():
        raise Http404(
            "This capture's file is missing; the archive's staff have been told."
        )
    return capture


def _private_if_draft(response, capture: Capture):
    if not capture.article.is_published:
        patch_cache_control(response, private=True, no_store=True)
    return response


@require_safe
def capture_download(request, pk: int, capture_pk: int):
    """The capture's WARC file; a revisit comes with the capture it refers to."""
    capture = _capture(request, pk, capture_pk)
    files = [capture.warc_file]
    if capture.revisit_of_id:
        files.append(capture.revisit_of.warc_file)

    def chunks():
        for relative in files:
            with open(warc.root() / relative, "rb") as stream:
                while chunk := stream.read(CHUNK):
                    yield chunk

    response = StreamingHttpResponse(chunks(), content_type="application/warc")
    response["Content-Disposition"] = f'attachment; filename="{capture.download_name}"'
    return _private_if_draft(response, capture)


@require_safe
def capture_text(request, pk: int, capture_pk: int):
    """The text of the captured page, as plain text on one of our pages."""
    capture = _capture(request, pk, capture_pk)
    context = {
        "capture": capture,
        "article": capture.article,
        "text": captured_text(capture),
    }
    return _private_if_draft(
        render(request, "collect/capture_text.html", context), capture
    )
