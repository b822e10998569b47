from django_tasks import task

from organizations.services.lifecycle import run_subscription_lifecycle


@task()
def subscription_lifecycle():
    """Periodic (daily): expire ended subscriptions and renew auto-renewing ones."""
    return run_subscription_lifecycle()
