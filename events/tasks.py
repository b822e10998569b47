"""Background work of the events app, run by the task worker (`manage.py db_worker`)."""

from django_tasks import task


@task()
def deliver_webhook(delivery_id):
    """One attempt at a webhook delivery; a failed attempt enqueues the next one itself."""
    from events.services.delivery import attempt

    delivery = attempt(delivery_id)
    return None if delivery is None else delivery.status


@task()
def send_notification_emails(user_ids, kind, title, message, organization_id=None, dedupe_key=None,
                             resource_type="", resource_id="", members_only=False):
    from events.services.mail import send_notification_emails as send

    return send(user_ids, kind, title, message, organization_id, resource_type=resource_type,
                resource_id=resource_id, members_only=members_only)
