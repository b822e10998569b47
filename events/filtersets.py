"""The `q[...]` columns of the audit, notification and webhook lists."""

from config.api.filters import CustomSearchFilter, ResourceFilterSet, SearchFilter
from events import catalogue


class AuditEventFilterSet(ResourceFilterSet):
    action = SearchFilter("action")
    actor_id = SearchFilter("actor_id")
    resource_type = SearchFilter("resource_type")
    resource_id = SearchFilter("resource_id")
    ip = SearchFilter("ip")
    request_id = SearchFilter("request_id")
    source = SearchFilter("source")


class NotificationFilterSet(ResourceFilterSet):
    kind = SearchFilter("kind")
    read = SearchFilter("read")
    seen = SearchFilter("seen")
    event = SearchFilter("event")


def subscribed_to(queryset, value):
    """`q[event]`: the webhooks subscribed to that event (events is a JSON list)."""
    if value not in catalogue.EVENTS:
        raise ValueError(f"is not an event name (one of: {', '.join(catalogue.SUBSCRIBABLE)})")
    ids = [pk for pk, events in queryset.values_list("pk", "events") if value in (events or [])]
    return queryset.filter(pk__in=ids)


class WebhookFilterSet(ResourceFilterSet):
    name = SearchFilter("name")
    url = SearchFilter("url")
    state = SearchFilter("state")
    active = SearchFilter("active")
    event = CustomSearchFilter(subscribed_to)


class WebhookDeliveryFilterSet(ResourceFilterSet):
    """GET /v2/webhooks/{id}/deliveries"""

    event = SearchFilter("event")
    succeeded = SearchFilter("succeeded")
    response_status = SearchFilter("response_status")
    test = SearchFilter("is_test")
