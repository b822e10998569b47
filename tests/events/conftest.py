"""Webhook test fixtures: a real HTTP receiver on 127.0.0.1 (threads in the test) and the real
task worker (`manage.py db_worker --batch`)."""

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes

    @property
    def json(self):
        return json.loads(self.body)


@dataclass
class Receiver:
    """Answers with `statuses` in turn (the last one repeats) and records every request."""

    statuses: list = field(default_factory=lambda: [200])
    body: bytes = b'{"ok": true}'
    redirect_to: str = ""
    requests: list = field(default_factory=list)
    server: object = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_port}/hook"

    def answer(self, handler):
        length = int(handler.headers.get("Content-Length") or 0)
        self.requests.append(Received(handler.path, dict(handler.headers.items()), handler.rfile.read(length)))
        status = self.statuses[min(len(self.requests), len(self.statuses)) - 1]
        handler.send_response(status)
        if self.redirect_to:
            handler.send_header("Location", self.redirect_to)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(self.body)))
        handler.end_headers()
        handler.wfile.write(self.body)


def start_receiver(**kwargs):
    receiver = Receiver(**kwargs)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            receiver.answer(self)

        def do_GET(self):  # noqa: N802
            receiver.answer(self)

        def log_message(self, *args):
            pass

    receiver.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=receiver.server.serve_forever, daemon=True).start()
    return receiver


@pytest.fixture
def receivers():
    """`receivers(statuses=[500, 500, 200])` starts a receiver; all are stopped afterwards."""
    started = []

    def make(**kwargs):
        started.append(start_receiver(**kwargs))
        return started[-1]

    yield make
    for receiver in started:
        receiver.server.shutdown()
        receiver.server.server_close()


@pytest.fixture
def private_targets(settings):
    """Loopback receivers are private targets: allowed here, as on a self-hosted install."""
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    return settings


def run_worker():
    """The real worker, processing every task that is due, then exiting."""
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--queue-name", "*", verbosity=0)
