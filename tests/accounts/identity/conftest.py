"""Fixtures of the identity tests: a still clock and the file SMS backend."""

import pytest

from .support import START, SmsFiles


@pytest.fixture
def sms_files(settings, tmp_path):
    """SMS go through the file backend into a fresh directory."""
    settings.SMS_BACKEND = "accounts.sms.backends.file.SmsBackend"
    settings.SMS_FILE_PATH = tmp_path / "sms"
    return SmsFiles(tmp_path / "sms")


@pytest.fixture(autouse=True)
def clock(time_machine):
    """Time stands still at START (before any token is issued) unless a test moves it
    (`clock.shift(seconds)`): TOTP windows and expiries are then exact."""
    time_machine.move_to(START, tick=False)
    return time_machine
