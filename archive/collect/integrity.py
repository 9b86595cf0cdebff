"""Captures' files and rows agree: what a crash between the two can leave, found and fixed.

A capture's file is written (and renamed into place) before its row is saved.
A crash in between leaves a file without a row: it is adopted (a row is made
from its records) so no evidence is lost. A partial file (``.part``) left by a
crash during writing is removed. A row whose file is missing cannot be repaired
here: it is reported.
"""

import datetime
import hashlib
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from warcio.archiveiterator import ArchiveIterator
from warcio.timeutils import iso_date_to_datetime

from archive.collect import warc
from archive.collect.models import Capture
from archive.models import Article
from archive.urlnorm import normalize_url

# A file younger than this may belong to a capture whose row is being saved.
GRACE_SECONDS = 120


@dataclass
class CaptureCheck:
    """What the check found (and, with repair, did)."""

    orphans: list[str] = field(default_factory=list)
    partials: list[str] = field(default_factory=list)
    missing: list[Capture] = field(default_factory=list)
    adopted: list[Capture] = field(default_factory=list)
    unreadable: dict[str, str] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        unresolved = set(self.orphans) - {c.warc_file for c in self.adopted}
        partials = set(self.partials) - set(self.removed)
        return not (unresolved or partials or self.missing or self.unreadable)


def _settled(path: Path) -> bool:
    return time.time() - path.stat().st_mtime > GRACE_SECONDS


def check_captures(*, repair: bool = False) -> CaptureCheck:
    """Compare CAPTURE_DIR with the Capture rows; with repair, adopt and clean up."""
    root = warc.root()
    result = CaptureCheck()
    known = set(Capture.objects.values_list("warc_file", flat=True))
    if root.exists():
        for path in sorted(root.rglob("*.warc.gz*")):
            relative = path.relative_to(root).as_posix()
            if path.name.endswith(warc.PARTIAL):
                if _settled(path):
                    result.partials.append(relative)
                    if repair:
                        path.unlink(missing_ok=True)
                        result.removed.append(relative)
            elif relative not in known and _settled(path):
                result.orphans.append(relative)
                if repair:
                    _adopt(relative, result)
    for capture in Capture.objects.iterator():
        if not (root / capture.warc_file).exists():
            result.missing.append(capture)
    return result


def _adopt(relative: str, result: CaptureCheck) -> None:
    try:
        fields = _fields_from_records(relative)
    except Exception as exc:  # a damaged file: reported, left in place
        result.unreadable[relative] = f"{type(exc).__name__}: {exc}"
        return
    with transaction.atomic():
        result.adopted.append(Capture.objects.create(**fields))


def _fields_from_records(relative: str) -> dict:
    requested, answer = "", None
    with open(warc.root() / relative, "rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type == "request" and not requested:
                requested = record.rec_headers.get_header("WARC-Target-URI")
            elif record.rec_type in ("response", "revisit"):
                body = record.raw_stream.read()
                answer = (
                    record.rec_type,
                    record.rec_headers,
                    record.http_headers,
                    body,
                )
    if answer is None:
        raise ValueError("the file holds no response")
    kind, headers, http, body = answer
    final_url = headers.get_header("WARC-Target-URI")
    revisit_of = None
    if kind == "revisit":
        revisit_of = Capture.objects.filter(
            record_id=headers.get_header("WARC-Refers-To")
        ).first()
    try:
        key = normalize_url(final_url)
    except ValueError:
        key = ""
    stem = Path(relative).name.removesuffix(".warc.gz")
    return {
        "uid": _free_uid(stem),
        "article": Article.objects.filter(url_key=key).first() if key else None,
        "url": requested or final_url,
        "final_url": final_url,
        "fetched_at": iso_date_to_datetime(headers.get_header("WARC-Date")).replace(
            tzinfo=datetime.UTC
        ),
        "http_status": int(http.get_statuscode()) if http else 0,
        "content_type": (http.get_header("Content-Type") or "")[:200] if http else "",
        "size": len(body)
        if kind == "response"
        else (revisit_of.size if revisit_of else 0),
        "sha256": hashlib.sha256(body).hexdigest()
        if kind == "response"
        else (revisit_of.sha256 if revisit_of else ""),
        "warc_file": relative,
        "record_id": headers.get_header("WARC-Record-ID"),
        "revisit_of": revisit_of,
        "origin": Capture.Origin.ADOPTED,
    }


def _free_uid(stem: str) -> uuid.UUID:
    """The uid the file is named after, unless it is not one or is taken."""
    try:
        uid = uuid.UUID(stem)
    except ValueError:
        return uuid.uuid4()
    return uuid.uuid4() if Capture.objects.filter(uid=uid).exists() else uid
