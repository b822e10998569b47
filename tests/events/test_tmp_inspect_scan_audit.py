import pytest
from events.models import AuditEvent
from tests.events.audit_routes import requests_table, unsafe_routes

R = [(k, m) for k, m, r, v in unsafe_routes() if v.__module__.startswith("scanning")]

@pytest.mark.parametrize("key,method", R)
def test_show(api, world, key, method):
    t = requests_table()
    if key not in t:
        return
    client, path, body, exp = t[key](api, world)
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    r = client._call(method, path, body)
    for e in AuditEvent.objects.exclude(pk__in=before):
        print("\nROW", key, r.status_code, e.action, e.resource_type, e.resource_id[:8], e.resource_repr, e.organization_id == world.customer.pk, e.actor_username, dict(e.changes))
