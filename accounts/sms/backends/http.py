import requests
from django.conf import settings

from .. import SmsDeliveryError
from .base import BaseSmsBackend


class SmsBackend(BaseSmsBackend):
    """A JSON HTTP gateway: `POST SMS_GATEWAY_URL` with `{"to", "from", "body"}`, HTTP Basic
    credentials (SMS_GATEWAY_USERNAME / SMS_GATEWAY_PASSWORD) or a bearer token
    (SMS_GATEWAY_TOKEN). Any 2xx answer counts as accepted; redirects are not followed."""

    def __init__(self, url=None, username=None, password=None, token=None, timeout=None, **kwargs):
        super().__init__(**kwargs)
        self.url = url or settings.SMS_GATEWAY_URL
        self.username = settings.SMS_GATEWAY_USERNAME if username is None else username
        self.password = settings.SMS_GATEWAY_PASSWORD if password is None else password
        self.token = settings.SMS_GATEWAY_TOKEN if token is None else token
        self.timeout = timeout or settings.SMS_GATEWAY_TIMEOUT

    def send(self, message):
        if not self.url:
            raise SmsDeliveryError("SMS_GATEWAY_URL is not set")
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        auth = (self.username, self.password) if self.username and not self.token else None
        payload = {"to": message.to, "from": message.sender, "body": message.body}
        try:
            response = requests.post(self.url, json=payload, headers=headers, auth=auth,
                                     timeout=self.timeout, allow_redirects=False)
        except requests.RequestException as exc:
            raise SmsDeliveryError(f"the SMS gateway could not be reached ({type(exc).__name__})") from None
        if not 200 <= response.status_code < 300:
            raise SmsDeliveryError(f"the SMS gateway answered HTTP {response.status_code}")
