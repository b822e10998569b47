"""The events admin: webhooks with their delivery log inline and the redeliver/test actions,
notifications, branding."""

from events.models import Notification, Webhook, WebhookDelivery, Whitelabel


def test_admin_pages_render_and_redeliver(client, world, django_capture_on_commit_callbacks):
    hook = Webhook.objects.create(organization=world.customer, name="Hook", url="https://93.184.215.14/h", events=["ping"])
    delivery = WebhookDelivery.objects.create(webhook=hook, event="scan_completed", payload={"event": "scan_completed"},
                                              succeeded=False, attempts=4, response_status=500)
    note = Notification.objects.create(user=world.manager, kind="system", event="x", title="Hello", dedupe_key="k")
    branding = Whitelabel.objects.create(organization=world.partner_org, company_name="Acme")
    client.force_login(world.admin)
    change = client.get(f"/admin/events/webhook/{hook.pk}/change/")
    assert change.status_code == 200 and b"scan_completed" in change.content and b"new_secret" in change.content
    for path in ("/admin/events/webhook/", "/admin/events/webhookdelivery/", f"/admin/events/webhookdelivery/{delivery.pk}/change/",
                 "/admin/events/notification/", f"/admin/events/notification/{note.pk}/change/",
                 "/admin/events/whitelabel/", f"/admin/events/whitelabel/{branding.pk}/change/"):
        assert client.get(path).status_code == 200, path
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/events/webhookdelivery/", {"action": "redeliver", "_selected_action": [delivery.pk]})
    assert response.status_code == 302
    copy = WebhookDelivery.objects.get(redelivery_of=delivery)
    assert copy.payload["delivery_id"] == str(copy.pk) and copy.succeeded is None
