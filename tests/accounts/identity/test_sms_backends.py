"""The pluggable SMS backends, chosen by SMS_BACKEND. The HTTP gateway backend talks to a real
HTTP server on 127.0.0.1 started by the test."""

import base64
import io
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from accounts.sms import SmsDeliveryError, get_backend, send_sms
from accounts.sms.backends import locmem
from tests.api_mixins import assert_error


class Gateway:
    """A tiny SMS gateway: records each request, answers with `status`."""

    def __init__(self, status=202):
        self.status = status
        self.requests = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                gateway.requests.append({"path": self.path, "headers": dict(self.headers),
                                         "body": json.loads(self.rfile.read(length))})
                self.send_response(gateway.status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/messages"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway():
    with Gateway() as running:
        yield running


def test_the_http_backend_posts_json_with_basic_credentials(settings, gateway):
    settings.SMS_BACKEND = "accounts.sms.backends.http.SmsBackend"
    settings.SMS_GATEWAY_URL = gateway.url
    settings.SMS_GATEWAY_USERNAME, settings.SMS_GATEWAY_PASSWORD = "acct", "s3cret"
    send_sms("+306912345678", "123456 is your code")
    [request] = gateway.requests
    assert request["path"] == "/messages"
    assert request["body"] == {"to": "+306912345678", "from": settings.SMS_SENDER, "body": "123456 is your code"}
    assert request["headers"]["Authorization"] == "Basic " + base64.b64encode(b"acct:s3cret").decode()


def test_the_http_backend_can_use_a_bearer_token(gateway):
    get_backend("accounts.sms.backends.http.SmsBackend", url=gateway.url, token="tok-1").send(
        type("M", (), {"to": "+1", "sender": "x", "body": "b"})())
    assert gateway.requests[0]["headers"]["Authorization"] == "Bearer tok-1"


def test_a_refusing_gateway_raises(gateway):
    gateway.status = 500
    with pytest.raises(SmsDeliveryError, match="HTTP 500"):
        send_sms("+306912345678", "x", backend=get_backend("accounts.sms.backends.http.SmsBackend", url=gateway.url))


def test_an_unreachable_gateway_raises():
    backend = get_backend("accounts.sms.backends.http.SmsBackend", url="http://127.0.0.1:9/none", timeout=2)
    with pytest.raises(SmsDeliveryError, match="could not be reached"):
        send_sms("+306912345678", "x", backend=backend)


def test_the_api_answers_503_when_the_gateway_fails(api, world, settings, gateway):
    gateway.status = 503
    settings.SMS_BACKEND = "accounts.sms.backends.http.SmsBackend"
    settings.SMS_GATEWAY_URL = gateway.url
    response = api.as_user(world.user).put(
        "/v2/user/mfa/enable", {"method": "sms", "phone_number": "6912345678", "country_code": "30"})
    body = assert_error(response, 503)
    assert body["status_text"] == "Service Unavailable"
    # Nothing pending: the failed send left no usable code behind.
    assert_error(api.as_user(world.user).put("/v2/user/mfa/verify_installation",
                                             {"method": "sms", "otp_attempt": "123456"}), 409)


def test_the_console_backend_prints_the_message():
    stream = io.StringIO()
    send_sms("+306912345678", "hello", backend=get_backend("accounts.sms.backends.console.SmsBackend", stream=stream))
    assert "+306912345678" in stream.getvalue() and "hello" in stream.getvalue()


def test_the_locmem_backend_keeps_an_outbox():
    locmem.outbox.clear()
    send_sms("+306912345678", "hi", backend=get_backend("accounts.sms.backends.locmem.SmsBackend"))
    assert [(m.to, m.body) for m in locmem.outbox] == [("+306912345678", "hi")]


def test_the_file_backend_writes_one_json_file_per_message(sms_files):
    send_sms("+306912345678", "one")
    send_sms("+306912345679", "two")
    assert [(m["to"], m["body"]) for m in sms_files.messages()] == [("+306912345678", "one"), ("+306912345679", "two")]
