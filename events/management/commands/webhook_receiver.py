"""A local sink for testing webhook integrations: prints every delivery it gets and checks its
signature. Point a webhook at it (WEBHOOK_ALLOW_PRIVATE_TARGETS=true for a loopback URL):

    manage.py webhook_receiver --port 8787 --secret s3cret
    POST /v2/webhooks {"webhook": {"name": "local", "url": "http://127.0.0.1:8787/hook",
                                   "events": ["scan_completed"], "secret": "s3cret"}}
    POST /v2/webhooks/<id>/test
"""

import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.core.management.base import BaseCommand, CommandError

from events.services.delivery import signature

MAX_BODY = 5 * 1024 * 1024


def verdict(secret, body, header):
    """What to say about a delivery's X-CG-Hook-Signature."""
    if not secret:
        return "not checked (no --secret)"
    if not header:
        return "MISSING (the webhook has no secret?)"
    return "valid" if hmac.compare_digest(signature(secret, body), header) else "INVALID"


def handler_for(command, secret, status, remaining):
    class Handler(BaseHTTPRequestHandler):
        server_version = "cg-webhook-receiver"

        def do_POST(self):  # noqa: N802 (http.server's naming)
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                self.send_error(413)
                return
            body = self.rfile.read(length)
            command.report(self.path, self.headers, body, verdict(secret, body, self.headers.get("X-CG-Hook-Signature")))
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"received": true}')
            if remaining is not None:
                remaining[0] -= 1
                if remaining[0] <= 0:
                    threading.Thread(target=self.server.shutdown, daemon=True).start()

        def log_message(self, format, *args):
            pass  # report() prints what matters

    return Handler


class Command(BaseCommand):
    help = ("Run a local HTTP receiver that prints webhook deliveries and verifies their "
            "X-CG-Hook-Signature with --secret. Stops with Ctrl-C (or after --count deliveries).")

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
        parser.add_argument("--port", type=int, default=8787, help="port to listen on (default 8787)")
        parser.add_argument("--secret", default="", help="the webhook's secret, to verify signatures")
        parser.add_argument("--status", type=int, default=200, help="HTTP status to answer with (default 200)")
        parser.add_argument("--count", type=int, default=None, help="exit after this many deliveries")

    def handle(self, *args, host, port, secret, status, count, **options):
        if not 100 <= status <= 599:
            raise CommandError("--status must be an HTTP status code (100-599)")
        if not 0 <= port <= 65535:
            raise CommandError("--port must be between 0 and 65535")
        try:
            server = ThreadingHTTPServer((host, port), handler_for(self, secret, status, [count] if count else None))
        except OSError as error:
            raise CommandError(f"cannot listen on {host}:{port}: {error}") from None
        self.stdout.write(f"Listening on http://{host}:{server.server_port}/ — answering {status}. Ctrl-C to stop.")
        self.stdout.flush()
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()

    def report(self, path, headers, body, checked):
        try:
            pretty = json.dumps(json.loads(body), indent=2, ensure_ascii=False)
        except ValueError:
            pretty = body[:2000].decode("utf-8", "replace")
        lines = [
            f"--- {headers.get('X-CG-Hook-Event', '?')} delivery {headers.get('X-CG-Hook-Delivery', '?')} → {path}",
            f"User-Agent: {headers.get('User-Agent', '')}",
            f"Signature: {checked}",
            pretty,
        ]
        self.stdout.write("\n".join(lines))
        self.stdout.flush()
