"""The interface language: Korean pages under /ko/, English without a prefix.

``localized_path`` moves an address between languages; ``switch_language`` is
the switch on every page (a GET form, so it works without JavaScript and on
cached pages), and ``languages`` gives templates what the switch needs.
"""

import functools

from django.conf import settings
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import get_script_prefix, get_urlconf, is_valid_path
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache


def is_page_visit(request) -> bool:
    """A browser navigating to a page (not a feed reader, a script or a form post)."""
    return request.method in ("GET", "HEAD") and "text/html" in request.headers.get(
        "Accept", ""
    )


def is_public_path(path_info: str) -> bool:
    """True when ``path_info`` (unprefixed) is a public page, which has a Korean twin."""
    language = next(
        code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE
    )
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _is_valid(f"/{language}{path_info}", language, urlconf)


# Every request asks (the language middleware); the answer depends only on
# the path, the language and the URLconf.
@functools.lru_cache(maxsize=4096)
def _is_valid(path: str, language: str, urlconf) -> bool:
    with translation.override(language):
        return bool(is_valid_path(path, urlconf))


def localized_path(full_path: str, language: str) -> str:
    """Return ``full_path`` (query included) with the prefix of ``language``.

    The prefix of another language is removed first; the default language has none.
    """
    script_prefix = get_script_prefix()
    rest = "/" + full_path.removeprefix(script_prefix)
    current = translation.get_language_from_path(rest.split("?", 1)[0])
    if current:
        rest = rest.removeprefix(f"/{current}") or "/"
        if rest.startswith("?"):
            rest = "/" + rest
    if language != settings.LANGUAGE_CODE:
        rest = f"/{language}{rest}"
    return script_prefix + rest.removeprefix("/")


@never_cache
def switch_language(request: HttpRequest) -> HttpResponseRedirect:
    """Remember the chosen language and go to the page ``next`` names, in that language."""
    language = request.GET.get("language", "")
    next_path = request.GET.get("next", "")
    if not next_path.startswith("/") or not url_has_allowed_host_and_scheme(
        next_path, allowed_hosts={request.get_host()}
    ):
        next_path = get_script_prefix()
    if language not in dict(settings.LANGUAGES):
        return HttpResponseRedirect(next_path)
    target = localized_path(next_path, language)
    with translation.override(language):
        if not is_valid_path(target.split("?", 1)[0]):
            target = next_path  # not a public page (the admin): same address
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


# A query string longer than this is not one a reader shares (the pages cap
# what they read of it); the switch then leads to the page without it.
MAX_SWITCH_QUERY = 2000


def languages(request: HttpRequest) -> dict:
    """The language switch: every language with its name and this page's address in it."""
    current = translation.get_language()
    full_path = request.get_full_path()
    if len(request.META.get("QUERY_STRING", "")) > MAX_SWITCH_QUERY:
        full_path = request.path
    return {
        "language_switch_path": full_path,
        "interface_languages": [
            {
                "code": code,
                "name": name,
                "current": code == current,
                "url": localized_path(full_path, code),
            }
            for code, name in settings.LANGUAGES
        ],
    }
