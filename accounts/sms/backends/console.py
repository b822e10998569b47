import sys
import threading

from .base import BaseSmsBackend


class SmsBackend(BaseSmsBackend):
    """Development: writes each message to stdout (like Django's console e-mail backend).
    It prints the codes, so never use it where stdout is collected into shared logs."""

    _lock = threading.Lock()

    def __init__(self, stream=None, **kwargs):
        super().__init__(**kwargs)
        self.stream = stream or sys.stdout

    def send(self, message):
        with self._lock:
            self.stream.write(f"SMS from {message.sender or '-'} to {message.to}\n{message.body}\n{'-' * 40}\n")
            self.stream.flush()
