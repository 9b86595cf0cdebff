"""A WSGI app for tests/test_serving.py: answers that take as long as asked.

``/stream?lines=N&every=S`` streams N lines, one every S seconds;
``/quick`` answers at once.
"""

import time
from urllib.parse import parse_qs


def application(environ, start_response):
    query = parse_qs(environ.get("QUERY_STRING", ""))
    if environ["PATH_INFO"] == "/quick":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"quick\n"]
    lines = int(query.get("lines", ["5"])[0])
    every = float(query.get("every", ["0.5"])[0])

    def stream():
        for n in range(lines):
            time.sleep(every)
            yield f"line {n}\n".encode()

    start_response("200 OK", [("Content-Type", "text/plain")])
    return stream()
