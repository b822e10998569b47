"""Audit records (events.md, Audit): built from emitted events, API writes and admin actions.

Inside a request the rows are collected on the request context and written by the middleware in
one insert when the request ends, so recording adds a constant number of queries whatever the
request does; outside a request (worker, commands) each row is written at once."""

import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from events.choices import AuditSource
from events.context import current
from events.models import AuditEvent
from events.services.values import masked

logger = logging.getLogger("events")

# Event names whose audit action reads better under another name (resources.md, audit_event).
ACTION_NAMES = {
    "scan_started": "start_scan",
    "scan_stopped": "stop_scan",
    "impersonation_started": "impersonate",
    "impersonation_stopped": "stop_impersonation",
    "organizations_exported": "export",
    "report_downloaded": "download",
}
# Recorded even without an actor: a failed sign-in has nobody signed in.
ALWAYS_AUDITED = {"sign_in_failed", "sign_in", "sign_out", "impersonate", "stop_impersonation", "export", "download"}
# Never audit records: notices about the system itself.
NEVER_AUDITED = {"ping", "webhook_disabled", "overdue_pci_reminder"}


# A resource's own life is create / update / delete (resources.md, audit_event), whatever the
# event is called for notifications and webhooks (`target_created`, `schedule_saved`...).
GENERIC_SUFFIXES = (("_created", "create"), ("_saved", "update"), ("_updated", "update"), ("_deleted", "delete"))
GENERIC_ACTIONS = {"create", "update", "delete"}


def action_for(name):
    if name in ACTION_NAMES:
        return ACTION_NAMES[name]
    for suffix, action in GENERIC_SUFFIXES:
        if name.endswith(suffix):
            return action
    return name


def is_audited(event):
    if event.name in NEVER_AUDITED:
        return False
    return event.actor is not None or event.name in ALWAYS_AUDITED or action_for(event.name) in ALWAYS_AUDITED


def new_row(*, action, source, actor=None, organization_id=None, resource_type="", resource_id="",
            resource_repr="", changes=None, data=None, impersonator=None):
    """An unsaved AuditEvent carrying the current request's address, user agent and id."""
    context = current()
    actor = actor if actor is not None else (context.actor if context else None)
    row = AuditEvent(
        action=action[:64], source=source, organization_id=organization_id,
        actor_id=getattr(actor, "pk", None), actor_username=getattr(actor, "username", "") or "",
        resource_type=(resource_type or "")[:64], resource_id=str(resource_id or "")[:64],
        resource_repr=(resource_repr or "")[:255], changes=changes or {}, data=data or {},
    )
    if context is not None:
        row.ip = context.ip or None
        row.user_agent = context.user_agent[:512]
        row.request_id = context.request_id
        if impersonator is None and context.impersonator_id:
            row.impersonator_id = context.impersonator_id
    if impersonator is not None:
        row.impersonator_id = getattr(impersonator, "pk", impersonator)
        row.impersonator_username = getattr(impersonator, "username", "") or ""
    if row.organization_id is None:
        row.organization_id = getattr(actor, "organization_id", None)
    return row


def record_event(event):
    """The audit record of an emitted event (sign-ins, tokens, 2FA, impersonation, scans...)."""
    if not is_audited(event):
        return None
    data = event.public_data()
    row = new_row(
        action=action_for(event.name), source=AuditSource.EVENT, actor=event.actor,
        organization_id=event.organization_id, resource_type=event.resource_type,
        resource_id=event.resource_id, resource_repr=event.resource_repr,
        data={key: masked(key, value) for key, value in data.items()},
        impersonator=event.data.get("impersonator"),
    )
    if event.actor is None and row.actor_username == "" and data.get("login"):
        row.actor_username = str(data["login"])[:150]  # the name a failed sign-in tried
    if not row.ip and event.data.get("ip"):
        row.ip = event.data["ip"]
    context = current()
    if context is not None:
        context.emitted.append((row.resource_type, row.resource_id))
    record([row])
    return row


def record(rows):
    context = current()
    if context is not None:
        context.pending.extend(rows)
    else:
        write(rows)


def write(rows):
    """Insert rows in one statement (usernames of impersonators filled in with one query)."""
    if not rows:
        return
    missing = {row.impersonator_id for row in rows if row.impersonator_id and not row.impersonator_username}
    if missing:
        names = dict(get_user_model().objects.filter(pk__in=missing).values_list("pk", "username"))
        for row in rows:
            row.impersonator_username = row.impersonator_username or names.get(row.impersonator_id, "")
    try:
        if connection.in_atomic_block:
            with transaction.atomic():
                AuditEvent.objects.bulk_create(rows)
        else:
            AuditEvent.objects.bulk_create(rows)
    except Exception:
        # The action itself already happened; losing its record must not turn it into an error.
        logger.exception("could not write %d audit event(s)", len(rows))


def flush(context):
    rows, context.pending = context.pending, []
    write(rows)


def prune(days=None, batch_size=None, now=None):
    """Delete audit events older than `days` (AUDIT_RETENTION_DAYS) in batches; returns the count."""
    days = settings.AUDIT_RETENTION_DAYS if days is None else days
    batch_size = batch_size or settings.AUDIT_PRUNE_BATCH_SIZE
    cutoff = (now or timezone.now()) - timedelta(days=days)
    total = 0
    while True:
        ids = list(AuditEvent.objects.filter(created_at__lt=cutoff).order_by("created_at").values_list("pk", flat=True)[:batch_size])
        if not ids:
            return total
        deleted, _ = AuditEvent.objects.filter(pk__in=ids).delete()
        total += deleted


def parse_request_id(value):
    """An incoming X-Request-Id when it is sane (printable, short), else None."""
    if not value or len(value) > 128:
        return None
    allowed = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:/+=@")
    return value if all(ch in allowed for ch in value) else None


def new_request_id():
    return uuid.uuid4().hex
