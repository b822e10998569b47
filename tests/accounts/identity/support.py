"""Helpers for the identity tests: the file SMS backend's outbox, links and tokens out of the
locmem e-mail outbox."""

import json
import re
from datetime import UTC, datetime

import pyotp
from django.core import mail

from tests.conftest import PASSWORD

START = datetime(2026, 3, 2, 9, 0, 10, tzinfo=UTC)  # 10 s into a 30 s TOTP window


class SmsFiles:
    """The file SMS backend's directory: one JSON file per message."""

    def __init__(self, path):
        self.path = path

    def messages(self):
        if not self.path.exists():
            return []
        return [json.loads(p.read_text()) for p in sorted(self.path.glob("*.json"))]

    def last_code(self):
        return re.search(r"\b(\d{6})\b", self.messages()[-1]["body"]).group(1)


def token_from_mail(message, name):
    """The token in an e-mail's link (`...?<name>=<token>`)."""
    return re.search(rf"{name}=([A-Za-z0-9_\-]+)", message.body).group(1)


def last_mail():
    assert mail.outbox, "no e-mail was sent"
    return mail.outbox[-1]


def sign_in(api, user, password=PASSWORD, **extra):
    return api.post("/auth/sign_in", {"username": user.username, "password": password, **extra})


def enable_totp(client, clock):
    """Turn TOTP on through the API; returns (secret, recovery codes). The clock moves on one
    window so that the next code differs from the one used to verify."""
    secret = client.put("/v2/user/mfa/enable", params={"method": "totp"}).json()["secret"]
    body = client.put("/v2/user/mfa/verify_installation",
                      {"method": "totp", "otp_attempt": pyotp.TOTP(secret).now()}).json()
    clock.shift(30)
    return secret, body["recovery_codes"]
