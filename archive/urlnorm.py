"""Normalized article URLs: one key per page, however it was linked."""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that only track where a click came from.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "yclid",
        "_ga",
        "_gl",
        "ref",
        "ref_src",
        "cmpid",
        "s_cid",
        "ocid",
        "spm",
    }
)
DEFAULT_PORTS = {"http": "80", "https": "443"}


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered.startswith("utm_") or lowered in TRACKING_PARAMS


def normalize_url(url: str) -> str:
    """Return the key that identifies the page at ``url``.

    Scheme and host are lowercased, ``http`` and ``https`` count as one, a
    ``www.`` prefix, default ports, fragments, trailing slashes and tracking
    parameters are dropped, and the remaining parameters are sorted.
    """
    url = url.strip()
    if not url:
        return ""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().rstrip(".")
    host = host.removeprefix("www.")
    port = (
        parts.port
        if parts.port and str(parts.port) != DEFAULT_PORTS.get(parts.scheme.lower())
        else None
    )
    netloc = f"{host}:{port}" if port else host
    path = parts.path.rstrip("/") or ""
    query = urlencode(
        sorted(
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not _is_tracking(k)
        )
    )
    return urlunsplit(
        (
            "https"
            if parts.scheme.lower() in ("http", "https")
            else parts.scheme.lower(),
            netloc,
            path,
            query,
            "",
        )
    )
