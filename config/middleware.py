"""The interface language, and response headers that Django 5.2 has no setting for."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers

from config.i18n import is_page_visit, is_public_path, localized_path


class ContentSecurityPolicyMiddleware:
    """Send the Content-Security-Policy header (no inline scripts) on every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault(
            "Content-Security-Policy", settings.CONTENT_SECURITY_POLICY
        )
        return response


class LanguageMiddleware(LocaleMiddleware):
    """Choose the interface language: the URL's, else the reader's remembered choice.

    Korean pages live under ``/ko/``; English pages have no prefix, so a shared
    link keeps its language. A public page asked for without a prefix by a
    browser whose remembered choice (the language cookie the switch sets) or, on
    a first visit, whose ``Accept-Language`` prefers another language is
    redirected to that language's address. Pages outside the public URLs (the
    admin, the switch itself, addresses that do not exist) follow the same
    preference without a redirect.
    """

    def process_request(self, request):
        from_path = translation.get_language_from_path(request.path_info)
        preferred = translation.get_language_from_request(request)
        if from_path:
            language = from_path
        elif is_public_path(request.path_info):
            language = settings.LANGUAGE_CODE
            if preferred != language and is_page_visit(request):
                return self._redirect_to(request, preferred)
        else:
            language = preferred
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        return None

    def process_response(self, request, response):
        response = super().process_response(request, response)
        if not translation.get_language_from_path(request.path_info):
            # Which language an unprefixed address answers in depends on the cookie.
            patch_vary_headers(response, ("Cookie",))
        return response

    def _redirect_to(self, request, language):
        redirect = self.response_redirect_class(
            localized_path(request.get_full_path(), language)
        )
        patch_vary_headers(redirect, ("Accept-Language", "Cookie"))
        return redirect
