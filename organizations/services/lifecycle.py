"""Daily subscription upkeep: expire what ended, renew what renews. Idempotent: a second run on
the same day finds nothing to do."""

from django.db import transaction
from django.utils import timezone

from events.emit import emit
from organizations.choices import LIVE_STATUSES, SubscriptionStatus
from organizations.models import Subscription

from .subscriptions import end_of_period


@transaction.atomic
def run_subscription_lifecycle(today=None):
    """Returns {"expired": n, "renewed": n}."""
    today = today or timezone.localdate()
    ended = Subscription.objects.select_for_update().filter(status__in=LIVE_STATUSES, end_date__lt=today)
    expired, renewed = [], []
    for subscription in ended.select_related("organization"):
        if subscription.auto_renewal and end_of_period(subscription.end_date, subscription.interval):
            while subscription.end_date < today:
                subscription.end_date = end_of_period(subscription.end_date, subscription.interval)
            if subscription.status == SubscriptionStatus.TRIAL:
                subscription.status = SubscriptionStatus.ACTIVE
            renewed.append(subscription)
        else:
            subscription.status = SubscriptionStatus.EXPIRED
            expired.append(subscription)
    Subscription.objects.bulk_update(renewed + expired, ["end_date", "status", "updated_at"], batch_size=1000)
    for subscription in expired:
        transaction.on_commit(lambda s=subscription: emit("subscription_expired", s, organization=s.organization))
    return {"expired": len(expired), "renewed": len(renewed)}
