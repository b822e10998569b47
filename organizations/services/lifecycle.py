"""Daily subscription upkeep: expire what ended, renew what renews. Idempotent: a second run on
the same day finds nothing to do."""

from django.db import transaction
from django.utils import timezone

from events.emit import emit
from organizations.choices import LIVE_STATUSES, SubscriptionStatus
from organizations.models import Subscription

from .subscriptions import end_of_period


def _renew(subscription, today):
    """Move the end date on by whole periods until it is today or later (missed runs catch up)."""
    while subscription.end_date < today:
        subscription.end_date = end_of_period(subscription.end_date, subscription.interval)
    if subscription.status == SubscriptionStatus.TRIAL:
        subscription.status = SubscriptionStatus.ACTIVE


@transaction.atomic
def run_subscription_lifecycle(today=None):
    """Returns {"expired": n, "renewed": n}. A subscription is live through its end date."""
    today = today or timezone.localdate()
    now = timezone.now()
    ended = Subscription.objects.select_for_update().filter(status__in=LIVE_STATUSES, end_date__lt=today)
    expired, renewed = [], []
    for subscription in ended.select_related("organization"):
        if subscription.auto_renewal and end_of_period(subscription.end_date, subscription.interval):
            _renew(subscription, today)
            renewed.append(subscription)
        else:
            subscription.status = SubscriptionStatus.EXPIRED
            expired.append(subscription)
        subscription.updated_at = now  # bulk_update does not apply auto_now
    Subscription.objects.bulk_update(renewed + expired, ["end_date", "status", "updated_at"], batch_size=1000)
    for name, changed in (("subscription_expired", expired), ("subscription_renewed", renewed)):
        for subscription in changed:
            transaction.on_commit(lambda s=subscription, n=name: emit(n, s, organization=s.organization))
    return {"expired": len(expired), "renewed": len(renewed)}
