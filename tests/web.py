"""A real HTTP server on 127.0.0.1 for tests that fetch: pages, redirects, slow and huge answers.

def test_x(web):
    web.page("/a", "<html>…</html>")
    web.redirect("/old", "/a")
    fetch(web.url("/old"))
    assert web.requests[0].path == "/old"
"""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Seen:
    """A request the server received."""

    path: str
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: "_Server"

    def do_GET(self):
        self.server.web.requests.append(Seen(self.path, dict(self.headers.items())))
        routes = self.server.web.routes
        route = routes.get(self.path) or routes.get(self.path.split("?")[0])
        if route is None:
            self.answer(404, b"<html><body>Not here</body></html>")
            return
        route(self)

    def answer(self, status: int, body: bytes, headers: dict | None = None) -> None:
        self.send_response(status)
        headers = {"Content-Type": "text/html; charset=utf-8", **(headers or {})}
        for name, value in headers.items():
            self.send_header(name, value)
        if "Content-Length" not in headers and "Transfer-Encoding" not in headers:
            self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):  # quiet
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    web: "WebServer"


class WebServer:
    """Routes by path (with its query, else without); records every request."""

    def __init__(self):
        self.routes: dict[str, Callable[[_Handler], None]] = {}
        self.requests: list[Seen] = []
        self.server = _Server(("127.0.0.1", 0), _Handler)
        self.server.web = self
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    def url(self, path: str = "/", host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def page(
        self,
        path: str,
        body: str | bytes,
        *,
        status: int = 200,
        headers: dict | None = None,
        delay: float = 0,
    ) -> None:
        data = body.encode() if isinstance(body, str) else body

        def serve(handler: _Handler) -> None:
            time.sleep(delay)
            handler.answer(status, data, headers)

        self.routes[path] = serve

    def redirect(self, path: str, to: str, status: int = 302) -> None:
        self.routes[path] = lambda handler: handler.answer(
            status, b"", {"Location": to}
        )

    def handler(self, path: str, serve: Callable[[_Handler], None]) -> None:
        self.routes[path] = serve

    def hits(self, path: str) -> list[Seen]:
        return [seen for seen in self.requests if seen.path == path]

    def start(self) -> "WebServer":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
