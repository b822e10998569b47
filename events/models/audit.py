import uuid

from django.db import models
from django.utils import timezone


class AuditEvent(models.Model):
    """One user action (events.md, Audit). Append-only: rows are written once and never
    updated; only `prune_audit` deletes them, in batches, past the retention period.

    People and organizations are kept as plain ids plus a name snapshot (no foreign keys), so the
    trail survives the deletion of the user or organization it talks about and listing it never
    joins."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)
    organization_id = models.UUIDField(null=True, blank=True)
    action = models.CharField(max_length=64)
    source = models.CharField(max_length=8, default="api")
    actor_id = models.UUIDField(null=True, blank=True)
    actor_username = models.CharField(max_length=150, blank=True, default="")
    impersonator_id = models.UUIDField(null=True, blank=True)
    impersonator_username = models.CharField(max_length=150, blank=True, default="")
    resource_type = models.CharField(max_length=64, blank=True, default="")
    resource_id = models.CharField(max_length=64, blank=True, default="")
    resource_repr = models.CharField(max_length=255, blank=True, default="")
    changes = models.JSONField(default=dict, blank=True)
    data = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=512, blank=True, default="")
    request_id = models.CharField(max_length=128, blank=True, default="")

    class Meta:
        ordering = ("-created_at",)
        indexes = [
            models.Index(fields=["organization_id", "-created_at"], name="audit_org_created"),
            models.Index(fields=["organization_id", "action", "-created_at"], name="audit_org_action"),
            models.Index(fields=["organization_id", "resource_type", "resource_id"], name="audit_org_resource"),
            models.Index(fields=["organization_id", "actor_id", "-created_at"], name="audit_org_actor"),
            models.Index(fields=["organization_id", "ip"], name="audit_org_ip"),
        ]

    def __str__(self):
        who = self.actor_username or "system"
        return f"{who} {self.action} {self.resource_type} {self.resource_repr or self.resource_id}".strip()

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("Audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit events are append-only; prune_audit removes old ones")
