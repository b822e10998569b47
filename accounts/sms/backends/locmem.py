from .base import BaseSmsBackend

outbox = []  # the messages "sent" in this process, oldest first


class SmsBackend(BaseSmsBackend):
    """Tests: keeps messages in `accounts.sms.backends.locmem.outbox`."""

    def send(self, message):
        outbox.append(message)
