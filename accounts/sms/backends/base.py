class BaseSmsBackend:
    """Subclasses implement `send(message)` and raise SmsDeliveryError when it fails."""

    def __init__(self, **kwargs):
        self.options = kwargs

    def send(self, message):
        raise NotImplementedError
