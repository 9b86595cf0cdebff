"""The text of a fetched page, whatever encoding it came in.

Browsers' rules, in their order: a byte-order mark, the charset in the HTTP
header, the one in a ``<meta>`` tag; then what the bytes show. EUC-KR (and its
labels such as ks_c_5601-1987) is read as Windows-949, its superset, as
browsers do: many Korean and North Korean sites serve it, often undeclared.
"""

import codecs
import re

import charset_normalizer
import webencodings

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.I)
_HANGUL = re.compile("[\uac00-\ud7a3]")


def codec_for(label: str) -> str | None:
    """The Python codec for an encoding label as the web uses it, or None."""
    found = webencodings.lookup(label)
    if found is not None:
        return found.codec_info.name
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _strict(data: bytes, codec: str | None) -> str | None:
    if not codec:
        return None
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_page(data: bytes, content_type: str = "") -> tuple[str, str]:
    """The page's text and the codec it was read with."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data.decode(codec, errors="replace"), codec
    declared = _HEADER_CHARSET.search(content_type or "")
    meta = _META_CHARSET.search(data[:4096])
    for match in (declared, meta):
        if match:
            label = match.group(1)
            label = (
                label.decode("ascii", "replace") if isinstance(label, bytes) else label
            )
            codec = codec_for(label)
            text = _strict(data, codec)
            if text is not None:
                return text, codec
    text = _strict(data, "utf-8")
    if text is not None:
        return text, "utf-8"
    # Undeclared and not UTF-8: Korean pages are the commonest case here.
    text = _strict(data, "cp949")
    if text is not None and _HANGUL.search(text):
        return text, "cp949"
    guess = charset_normalizer.from_bytes(data).best()
    if guess is not None:
        return str(guess), guess.encoding
    return data.decode("utf-8", errors="replace"), "utf-8"
