import itertools
import json
import os
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from .. import SmsDeliveryError
from .base import BaseSmsBackend

_sequence = itertools.count()  # orders messages sent within one clock tick


class SmsBackend(BaseSmsBackend):
    """Tests and air-gapped installs: one JSON file per message in SMS_FILE_PATH
    (`{"to", "body", "sender", "sent_at"}`), named so that a listing sorts oldest first."""

    def __init__(self, file_path=None, **kwargs):
        super().__init__(**kwargs)
        self.path = Path(file_path or settings.SMS_FILE_PATH)

    def send(self, message):
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise SmsDeliveryError(f"SMS_FILE_PATH {self.path} is not a writable directory") from exc
        now = timezone.now()
        name = f"{now:%Y%m%d-%H%M%S-%f}-{next(_sequence):08d}-{os.getpid()}.json"
        body = {**message.as_dict(), "sent_at": now.isoformat()}
        (self.path / name).write_text(json.dumps(body), encoding="utf-8")
