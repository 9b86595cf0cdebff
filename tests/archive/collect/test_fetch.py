"""Fetching against real local servers: limits, redirects, refusals, in words."""

import itertools
import time

import pytest

from archive.collect.fetch import FetchError, fetch, resolve


def test_a_page_is_fetched_with_the_archives_user_agent(web, settings):
    settings.CAPTURE_CONTACT_URL = "https://archive.example.org/contact"
    web.page("/a", "<html><body><p>Hello</p></body></html>")
    fetched = fetch(web.url("/a"))
    assert fetched.final.status == 200
    assert fetched.final.body == b"<html><body><p>Hello</p></body></html>"
    agent = web.hits("/a")[0].headers["User-Agent"]
    assert "https://archive.example.org/contact" in agent


def test_redirects_are_followed_and_every_hop_kept(web):
    web.redirect("/old", "/middle", status=301)
    web.redirect("/middle", web.url("/new"))
    web.page("/new", "<p>here</p>")
    fetched = fetch(web.url("/old"))
    assert [e.status for e in fetched.exchanges] == [301, 302, 200]
    assert fetched.final.url == web.url("/new")


def test_a_redirect_loop_is_refused(web):
    web.redirect("/a", "/b")
    web.redirect("/b", "/a")
    with pytest.raises(FetchError, match="redirects in a loop"):
        fetch(web.url("/a"))


def test_more_than_the_allowed_redirects_is_refused(web, settings):
    settings.CAPTURE_MAX_REDIRECTS = 2
    for n in range(4):
        web.redirect(f"/r{n}", f"/r{n + 1}")
    web.page("/r4", "<p>end</p>")
    with pytest.raises(FetchError, match="more than 2 redirects"):
        fetch(web.url("/r0"))


def test_a_slow_server_is_given_up_on_at_the_deadline(web, settings):
    settings.CAPTURE_TIMEOUT = 1
    web.page("/slow", "<p>late</p>", delay=3)
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"stopped answering|longer than 1 s"):
        fetch(web.url("/slow"))
    assert time.monotonic() - started < 2.5


def test_a_trickling_server_is_stopped_at_the_deadline(web, settings):
    settings.CAPTURE_TIMEOUT = 1

    def trickle(handler):
        handler.send_response(200)
        handler.send_header("Content-Length", "100000")
        handler.end_headers()
        for _ in range(100):
            handler.wfile.write(b"x" * 10)
            handler.wfile.flush()
            time.sleep(0.05)

    web.handler("/trickle", trickle)
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"longer than 1 s|stopped answering"):
        fetch(web.url("/trickle"))
    assert time.monotonic() - started < 2.5


def test_a_page_over_the_size_limit_is_refused(web, settings):
    settings.CAPTURE_MAX_BYTES = 50_000
    web.page("/declared", b"x" * 60_000)

    def undeclared(handler):  # no Content-Length: the limit stops the reading
        handler.send_response(200)
        handler.send_header("Connection", "close")
        handler.end_headers()
        for _ in range(100):
            handler.wfile.write(b"y" * 10_000)

    web.handler("/streamed", undeclared)
    for path in ("/declared", "/streamed"):
        with pytest.raises(FetchError, match=r"larger than the limit of 48\.8"):
            fetch(web.url(path))


def test_gzip_bombs_are_refused_when_unpacked(web, settings):
    import gzip

    settings.CAPTURE_MAX_BYTES = 100_000
    web.page(
        "/bomb", gzip.compress(b"\0" * 5_000_000), headers={"Content-Encoding": "gzip"}
    )
    fetched = fetch(web.url("/bomb"))
    with pytest.raises(FetchError, match="unpacks to more than"):
        fetched.final.payload()


@pytest.mark.parametrize(
    "url, reason",
    [
        ("ftp://example.org/file", "only http and https"),
        ("javascript:alert(1)", "only http and https"),
        ("http://", "names no host"),
        ("not a url", "only http and https"),
        ("http://[::1", "not a valid web address"),
        ("http://no-such-host.invalid/", "unknown"),
    ],
)
def test_addresses_that_cannot_be_fetched_say_why(url, reason):
    with pytest.raises(FetchError, match=reason):
        fetch(url)


def test_an_unreachable_port_says_so(web):
    port = web.port
    web.stop()
    with pytest.raises(FetchError, match="could not connect"):
        fetch(f"http://127.0.0.1:{port}/")
    web.server = None


def test_private_addresses_are_refused_also_after_a_redirect(web, settings):
    settings.CAPTURE_ALLOW_PRIVATE_NETWORKS = ["127.0.0.1/32"]  # this server only
    web.redirect("/out", f"http://127.0.0.2:{web.port}/inside")
    with pytest.raises(
        FetchError, match=r"private or local network address \(127.0.0.2\)"
    ):
        fetch(web.url("/out"))
    assert [seen.path for seen in web.requests] == ["/out"]


def test_a_dns_answer_pointing_to_a_local_address_is_refused(settings):
    settings.CAPTURE_ALLOW_PRIVATE_NETWORKS = False
    with pytest.raises(FetchError, match="private or local network"):
        resolve("localhost", 80)
    with pytest.raises(FetchError, match="private or local network"):
        fetch("http://127.0.0.1:9/")


def test_requests_to_one_host_are_spaced_by_the_host_delay(web, settings):
    settings.CAPTURE_HOST_DELAY = 0.3
    web.page("/a", "<p>a</p>")
    for _ in range(3):
        fetch(web.url("/a"))
    times = [seen.at for seen in web.hits("/a")]
    # Arrival times jitter on a busy machine; without pacing they'd be ~1 ms apart.
    assert all(later - earlier >= 0.2 for earlier, later in itertools.pairwise(times))
    assert times[-1] - times[0] >= 0.5
