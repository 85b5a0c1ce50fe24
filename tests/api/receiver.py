"""A system that receives gridapp's case events: an HTTP server on 127.0.0.1 in a thread, which
answers each POST with the next status of its list (the last one repeated) and keeps what came."""

import hashlib
import hmac
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Post:
    headers: dict
    body: bytes

    @property
    def json(self):
        return json.loads(self.body)


@dataclass
class Receiver:
    url: str = ""
    statuses: list = field(default_factory=lambda: [200])
    posts: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self):
        with self.lock:
            return self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]


def start(statuses=(200,), *, tls=None):
    """A receiver answering ``statuses`` in turn; ``tls``: an ssl.SSLContext to serve https with.
    Returns (receiver, server); the caller shuts the server down."""
    receiver = Receiver(statuses=list(statuses))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            receiver.posts.append(Post(headers={k.lower(): v for k, v in self.headers.items()}, body=body))
            self.send_response(receiver.answer())
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass  # keep the test output quiet

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if tls:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    receiver.url = f"{'https' if tls else 'http'}://127.0.0.1:{server.server_port}/gridapp/events"
    return receiver, server


def verifies(post, secret):
    """What a receiver does (docs/api.md): recompute the signature over "<t>.<raw body>"."""
    parts = dict(item.split("=", 1) for item in post.headers["x-gridapp-signature"].split(","))
    expected = hmac.new(secret.encode(), f"{parts['t']}.".encode() + post.body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["v1"])
