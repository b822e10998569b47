"""manage.py webhook_receiver: a real delivery from the product to the sink, signature checked."""

import io
import threading
import time

import pytest
from django.core.management import CommandError, call_command

from events.models import Webhook
from events.services.webhooks import ping


def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.django_db(transaction=True)
def test_webhook_receiver_prints_deliveries_and_checks_signatures(world, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    port, out = free_port(), io.StringIO()
    thread = threading.Thread(target=call_command, args=("webhook_receiver",),
                              kwargs={"port": port, "secret": "s3cret", "count": 2, "stdout": out}, daemon=True)
    thread.start()
    for _ in range(50):
        if "Listening" in out.getvalue():
            break
        time.sleep(0.05)
    from config import crypto

    signed = Webhook.objects.create(organization=world.customer, name="sink", url=f"http://127.0.0.1:{port}/hook",
                                    events=["ping"], secret_encrypted=crypto.encrypt("s3cret"))
    wrong = Webhook.objects.create(organization=world.customer, name="wrong", url=f"http://127.0.0.1:{port}/hook",
                                   events=["ping"], secret_encrypted=crypto.encrypt("other"))
    assert ping(signed).succeeded and ping(wrong).succeeded
    thread.join(timeout=10)
    printed = out.getvalue()
    assert "Signature: valid" in printed and "Signature: INVALID" in printed
    assert '"event": "ping"' in printed and "CloneGuard-Hook/" in printed


def test_webhook_receiver_validates_its_options():
    with pytest.raises(CommandError):
        call_command("webhook_receiver", "--status", "99")
