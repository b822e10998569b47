"""Secrets (TOTP seeds, codes, e-mailed tokens, session tokens) never reach the logs, and after
creation never reach an API response again."""

import logging

import pyotp
import pytest

from tests.conftest import PASSWORD

from .support import last_mail, sign_in, token_from_mail

pytestmark = pytest.mark.django_db


def test_no_secret_is_logged_or_shown_again(api, world, clock, caplog, sms_files):
    caplog.set_level(logging.DEBUG)
    me = api.as_user(world.user)
    secrets = []
    enabled = me.put("/v2/user/mfa/enable", {"method": "totp"}).json()
    secrets += [enabled["secret"]]
    totp = pyotp.TOTP(enabled["secret"])
    verified = me.put("/v2/user/mfa/verify_installation", {"method": "totp", "otp_attempt": totp.now()}).json()
    secrets += verified["recovery_codes"]
    clock.shift(30)
    state = sign_in(api, world.user).json()["otp_session_state"]
    secrets += [state]
    token = api.post("/auth/sign_in", {"otp_session_state": state, "otp_attempt": totp.now()}).json()["token"]
    secrets += [token]
    api.post("/auth/sign_in_with_recovery_code",
             {"username": world.user.username, "password": PASSWORD, "recovery_code": verified["recovery_codes"][0]})
    api.post("/auth/password", {"email": world.user.email})
    secrets += [token_from_mail(last_mail(), "reset_password_token")]
    api.post("/auth/sso_link", {"email": world.manager.email})
    secrets += [token_from_mail(last_mail(), "token")]
    api.put("/auth/password", {"reset_password_token": "wrong", "password": "x", "password_confirmation": "x"})
    api.post("/auth/sign_in", {"username": world.user.username, "password": "a-wrong-password"})
    secrets += ["a-wrong-password"]

    logged = "\n".join(record.getMessage() + repr(record.args) for record in caplog.records)
    for secret in secrets:
        assert secret not in logged

    # Nor the audit trail (which records these requests).
    from django.core import serializers

    from events.models import AuditEvent

    audit = serializers.serialize("json", AuditEvent.objects.all())
    assert AuditEvent.objects.exists()
    for secret in secrets:
        assert secret not in audit

    # The user resource never shows them again.
    shown = me.get("/v2/user/me", params={"details": "true"}).content.decode()
    for secret in secrets:
        assert secret not in shown
