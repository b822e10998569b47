from .audit import AuditEvent
from .notification import Notification
from .webhook import Webhook, WebhookDelivery
from .whitelabel import Whitelabel

__all__ = ["AuditEvent", "Notification", "Webhook", "WebhookDelivery", "Whitelabel"]
