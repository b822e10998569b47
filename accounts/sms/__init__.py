"""Sending SMS through a pluggable backend chosen by the SMS_BACKEND setting, the way Django
chooses e-mail backends: `accounts.sms.backends.console` (default: prints to stdout, for
development), `.file` (one JSON file per message in SMS_FILE_PATH), `.locmem` (an in-memory
`outbox`, for tests) and `.http` (a JSON HTTP gateway at SMS_GATEWAY_URL)."""

from dataclasses import asdict, dataclass

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class SmsMessage:
    to: str  # E.164, e.g. +306912345678
    body: str
    sender: str = ""

    def as_dict(self):
        return asdict(self)


class SmsDeliveryError(Exception):
    """The backend could not hand the message over (gateway down, refused, misconfigured)."""


def get_backend(path=None, **kwargs):
    return import_string(path or settings.SMS_BACKEND)(**kwargs)


def send_sms(to, body, *, backend=None):
    message = SmsMessage(to=to, body=body, sender=settings.SMS_SENDER)
    (backend or get_backend()).send(message)
    return message
