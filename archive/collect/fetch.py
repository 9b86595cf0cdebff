"""Fetching a page from the web: bounded, polite and kept off private networks.

http and https only; one deadline (``CAPTURE_TIMEOUT``) for the page and its
redirects; at most ``CAPTURE_MAX_BYTES`` and ``CAPTURE_MAX_REDIRECTS``; a
User-Agent naming the archive; at most one request per ``CAPTURE_HOST_DELAY``
to a host. Every host name is resolved here and the connection goes to the
address that was checked, so neither a redirect nor a DNS answer can lead a
fetch to a private, loopback, link-local or multicast address (unless
``CAPTURE_ALLOW_PRIVATE_NETWORKS``, which the tests use for local servers).

Every hop is kept as an :class:`Exchange` (what was sent and what came back,
body as received, content coding included) for the WARC file.
"""

import datetime
import ipaddress
import socket
import threading
import time
import zlib
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import certifi
import urllib3
from django.template.defaultfilters import filesizeformat
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
    SSLError,
)

from archive.collect import conf

CHUNK = 64 * 1024


class FetchError(Exception):
    """A page could not be fetched; the message says why, in words."""


@dataclass
class Exchange:
    """One request and the response to it, as sent and received."""

    url: str
    ip: str
    request_headers: list[tuple[str, str]]
    fetched_at: datetime.datetime
    status: int = 0
    reason: str = ""
    http_version: str = "HTTP/1.1"
    response_headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    def header(self, name: str) -> str:
        lowered = name.lower()
        return next((v for k, v in self.response_headers if k.lower() == lowered), "")

    @property
    def path(self) -> str:
        parts = urlsplit(self.url)
        return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")

    @property
    def content_type(self) -> str:
        return self.header("Content-Type").split(";")[0].strip().lower()

    def payload(self) -> bytes:
        """The body without its content coding (gzip, deflate), bounded like the body."""
        coding = self.header("Content-Encoding").strip().lower()
        if coding in ("", "identity"):
            return self.body
        if coding not in ("gzip", "x-gzip", "deflate"):
            raise FetchError(
                f"the server sent the page in an unknown coding “{coding}”"
            )
        wbits = 47 if "gzip" in coding else zlib.MAX_WBITS
        limit = conf.get("CAPTURE_MAX_BYTES")
        try:
            inflater = zlib.decompressobj(wbits)
            data = inflater.decompress(self.body, limit + 1)
        except zlib.error:
            if coding == "deflate":  # some servers send raw deflate
                inflater = zlib.decompressobj(-zlib.MAX_WBITS)
                data = inflater.decompress(self.body, limit + 1)
            else:
                raise FetchError(
                    "the server's gzip-compressed page is corrupt"
                ) from None
        if len(data) > limit:
            raise FetchError(f"the page unpacks to more than {filesizeformat(limit)}")
        return data


@dataclass
class Fetched:
    """Every hop of a fetch; the last one is the page (or the final answer)."""

    exchanges: list[Exchange]

    @property
    def final(self) -> Exchange:
        return self.exchanges[-1]


class HostPacer:
    """Keeps requests to one host at least ``CAPTURE_HOST_DELAY`` apart (across threads)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.next_slot: dict[str, float] = {}

    def wait(self, host: str) -> None:
        delay = float(conf.get("CAPTURE_HOST_DELAY"))
        with self.lock:
            now = time.monotonic()
            slot = max(now, self.next_slot.get(host, 0.0))
            self.next_slot[host] = slot + delay
        if slot > now:
            time.sleep(slot - now)


PACER = HostPacer()


def check_url(url: str) -> tuple[str, str, int]:
    """The scheme, host and port of ``url``; FetchError when it is no http(s) address."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise FetchError("not a valid web address") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise FetchError("only http and https addresses can be captured")
    if not parts.hostname:
        raise FetchError("the address names no host")
    scheme = parts.scheme.lower()
    return scheme, parts.hostname, port or (443 if scheme == "https" else 80)


def _refused(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def resolve(host: str, port: int) -> str:
    """The address to connect to for ``host``; FetchError when it is refused or unknown."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise FetchError(f"the host {host} is unknown (no DNS answer)") from None
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    allowed = conf.get("CAPTURE_ALLOW_PRIVATE_NETWORKS")
    if allowed is not True:
        # A list of networks lets those (and only those) through.
        networks = [ipaddress.ip_network(n) for n in allowed or ()]
        refused = [
            a for a in addresses if _refused(a) and not any(a in n for n in networks)
        ]
        if refused:
            raise FetchError(
                f"{host} points to a private or local network address ({refused[0]}); "
                "the archive only fetches public addresses"
            )
    return str(addresses[0])


def _pool(scheme: str, host: str, ip: str, port: int, timeout: float):
    timeouts = urllib3.Timeout(connect=min(10.0, timeout), read=timeout)
    if scheme == "https":
        return urllib3.HTTPSConnectionPool(
            ip,
            port,
            timeout=timeouts,
            retries=False,
            server_hostname=host,
            assert_hostname=host,
            cert_reqs="CERT_REQUIRED",
            ca_certs=certifi.where(),
        )
    return urllib3.HTTPConnectionPool(ip, port, timeout=timeouts, retries=False)


def _host_header(scheme: str, host: str, port: int) -> str:
    default = 443 if scheme == "https" else 80
    shown = f"[{host}]" if ":" in host else host
    return shown if port == default else f"{shown}:{port}"


class _Deadline:
    def __init__(self, seconds: float):
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            raise FetchError(f"the page took longer than {self.seconds:g} s to arrive")
        return left


def _exchange(url: str, headers: dict[str, str], deadline: _Deadline) -> Exchange:
    scheme, host, port = check_url(url)
    ip = resolve(host, port)
    PACER.wait(host)
    request_headers = [
        ("Host", _host_header(scheme, host, port)),
        ("User-Agent", conf.user_agent()),
        ("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
        ("Accept-Encoding", "gzip"),
        *headers.items(),
        ("Connection", "close"),
    ]
    exchange = Exchange(
        url=url,
        ip=ip,
        request_headers=request_headers,
        fetched_at=datetime.datetime.now(datetime.UTC),
    )
    pool = _pool(scheme, host, ip, port, deadline.left())
    try:
        response = pool.urlopen(
            "GET",
            exchange.path,
            headers=dict(request_headers),
            redirect=False,
            retries=False,
            preload_content=False,
            decode_content=False,
            assert_same_host=False,
        )
        exchange.status, exchange.reason = response.status, response.reason or ""
        exchange.http_version = response.version_string or "HTTP/1.1"
        exchange.response_headers = list(response.headers.items())
        exchange.body = _read_body(response, deadline)
    except NewConnectionError:  # before its base class, ConnectTimeoutError
        raise FetchError(f"could not connect to {host} (connection refused)") from None
    except ConnectTimeoutError:
        raise FetchError(f"{host} did not accept a connection in time") from None
    except ReadTimeoutError:
        raise FetchError(f"{host} stopped answering (timed out)") from None
    except SSLError as exc:
        raise FetchError(f"the secure connection to {host} failed ({exc})") from None
    except ProtocolError:
        raise FetchError(f"the connection to {host} broke off") from None
    except HTTPError as exc:
        raise FetchError(f"fetching from {host} failed ({exc})") from None
    finally:
        pool.close()
    return exchange


def _read_body(response, deadline: _Deadline) -> bytes:
    limit = conf.get("CAPTURE_MAX_BYTES")
    too_big = FetchError(
        f"the page is larger than the limit of {filesizeformat(limit)}"
    )
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_big
    # Each read waits at most the time left (the pool's read timeout); a server
    # trickling bytes is stopped by the check after each chunk.
    chunks, size = [], 0
    try:
        while True:
            chunk = response.read1(CHUNK, decode_content=False)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                raise too_big
            chunks.append(chunk)
            deadline.left()
    finally:
        response.release_conn()
    return b"".join(chunks)


def fetch(url: str, headers: dict[str, str] | None = None) -> Fetched:
    """Fetch ``url`` following redirects; FetchError says why when it cannot."""
    deadline = _Deadline(float(conf.get("CAPTURE_TIMEOUT")))
    limit = conf.get("CAPTURE_MAX_REDIRECTS")
    exchanges: list[Exchange] = []
    seen = set()
    while True:
        exchange = _exchange(url, headers or {}, deadline)
        exchanges.append(exchange)
        seen.add(url)
        location = exchange.header("Location")
        if not (300 <= exchange.status < 400 and location):
            return Fetched(exchanges)
        url = urljoin(url, location.strip())
        if url in seen:
            raise FetchError("the server redirects in a loop")
        if len(exchanges) > limit:
            raise FetchError(f"more than {limit} redirects")
