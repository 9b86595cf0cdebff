"""WARC files: one per capture, written with warcio and read back with it.

A capture's file holds a ``warcinfo`` record, then for every hop of the fetch
(redirects included) a ``response`` record and the ``request`` that asked for
it. When the page's payload is one the archive already holds, the last
response is a ``revisit`` record naming the first capture instead.

The file is written under a temporary name, flushed to disk and renamed into
place before its database row is saved: a crash leaves either nothing, a
temporary file, or a file without a row, which ``check_captures`` finds.
"""

import base64
import datetime
import hashlib
import importlib.metadata
import os
import uuid
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from archive.collect import conf
from archive.collect.fetch import Exchange, Fetched

PARTIAL = ".part"
# The body is stored de-chunked, so a chunked answer's framing header no longer
# describes it; it is kept under the name web archives use for such headers.
REFRAMED = {"transfer-encoding": "X-Archive-Orig-Transfer-Encoding"}


@dataclass(frozen=True)
class Revisited:
    """The earlier capture whose payload this fetch repeats."""

    url: str
    fetched_at: datetime.datetime
    record_id: str


@dataclass(frozen=True)
class StoredFile:
    """A capture file in place: its path under CAPTURE_DIR and what it holds."""

    relative_path: str
    record_id: str
    sha256: str
    size: int


def root() -> Path:
    return Path(conf.capture_dir())


def relative_path(uid: uuid.UUID, fetched_at: datetime.datetime) -> str:
    return f"{fetched_at:%Y/%m}/{uid}.warc.gz"


def payload_sha256(exchange: Exchange) -> str:
    return hashlib.sha256(exchange.body).hexdigest()


def sha1_digest(data: bytes) -> str:
    """A WARC payload digest (sha1, base32), as warcio writes them."""
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()  # noqa: S324 - the WARC convention


def _warc_date(moment: datetime.datetime) -> str:
    naive = moment.astimezone(datetime.UTC).replace(tzinfo=None)
    return datetime_to_iso_date(naive, use_micros=True)


def _response_headers(exchange: Exchange) -> StatusAndHeaders:
    headers = [(REFRAMED.get(k.lower(), k), v) for k, v in exchange.response_headers]
    return StatusAndHeaders(
        f"{exchange.status} {exchange.reason}".strip(),
        headers,
        protocol=exchange.http_version,
    )


def _request_headers(exchange: Exchange) -> StatusAndHeaders:
    return StatusAndHeaders(
        f"GET {exchange.path} HTTP/1.1",
        exchange.request_headers,
        is_http_request=True,
    )


def _write_records(writer: WARCWriter, fetched: Fetched, revisited: Revisited | None):
    last = len(fetched.exchanges) - 1
    record_id = ""
    for number, exchange in enumerate(fetched.exchanges):
        common = {"WARC-Date": _warc_date(exchange.fetched_at)}
        answer_headers = {**common, "WARC-IP-Address": exchange.ip}
        if number == last and revisited:
            answer = writer.create_revisit_record(
                exchange.url,
                digest=sha1_digest(exchange.body),
                refers_to_uri=revisited.url,
                refers_to_date=_warc_date(revisited.fetched_at),
                http_headers=_response_headers(exchange),
                warc_headers_dict={
                    **answer_headers,
                    "WARC-Refers-To": revisited.record_id,
                },
            )
        else:
            answer = writer.create_warc_record(
                exchange.url,
                "response",
                payload=BytesIO(exchange.body),
                length=len(exchange.body),
                http_headers=_response_headers(exchange),
                warc_headers_dict=answer_headers,
            )
        answer_id = answer.rec_headers.get_header("WARC-Record-ID")
        request = writer.create_warc_record(
            exchange.url,
            "request",
            payload=BytesIO(b""),
            length=0,
            http_headers=_request_headers(exchange),
            warc_headers_dict={**common, "WARC-Concurrent-To": answer_id},
        )
        writer.write_record(answer)
        writer.write_record(request)
        record_id = answer_id
    return record_id


def write_capture(
    fetched: Fetched, uid: uuid.UUID, revisited: Revisited | None = None
) -> StoredFile:
    """Write the fetch's records to the capture's file, safely in place before returning."""
    final = fetched.final
    relative = relative_path(uid, final.fetched_at)
    target = root() / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + PARTIAL)
    with open(partial, "wb") as out:
        writer = WARCWriter(out, gzip=True, warc_version="1.1")
        writer.write_record(
            writer.create_warcinfo_record(
                target.name,
                {
                    "software": f"North Korea Media & Technology Archive (warcio {warcio_version()})",
                    "format": "WARC File Format 1.1",
                    "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
                    "http-header-user-agent": conf.user_agent(),
                    "operator": conf.get("CAPTURE_CONTACT_URL"),
                },
            )
        )
        record_id = _write_records(writer, fetched, revisited)
        out.flush()
        os.fsync(out.fileno())
    os.replace(partial, target)
    _sync_directory(target.parent)
    return StoredFile(
        relative_path=relative,
        record_id=record_id,
        sha256=payload_sha256(final),
        size=len(final.body),
    )


def warcio_version() -> str:
    return importlib.metadata.version("warcio")


def _sync_directory(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def remove(relative: str) -> None:
    """Delete a capture file (one whose row could not be saved)."""
    (root() / relative).unlink(missing_ok=True)


@dataclass
class StoredResponse:
    """A response read back from a WARC file: its HTTP headers and payload."""

    target_uri: str
    record_type: str
    http_headers: StatusAndHeaders | None
    payload: bytes

    def header(self, name: str) -> str:
        return (self.http_headers.get_header(name) if self.http_headers else "") or ""


def read_response(relative: str, record_id: str) -> StoredResponse | None:
    """The response (or revisit) record ``record_id`` in the file, or None if absent."""
    with open(root() / relative, "rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_headers.get_header("WARC-Record-ID") == record_id:
                return StoredResponse(
                    target_uri=record.rec_headers.get_header("WARC-Target-URI"),
                    record_type=record.rec_type,
                    http_headers=record.http_headers,
                    # content_stream() undoes the content coding: bound it.
                    payload=record.content_stream().read(conf.get("CAPTURE_MAX_BYTES")),
                )
    return None


def records(path: Path):
    """(type, WARC headers, HTTP headers) of every record in a WARC file."""
    with open(path, "rb") as stream:
        for record in ArchiveIterator(stream):
            yield record.rec_type, record.rec_headers, record.http_headers
