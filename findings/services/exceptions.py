"""The exceptions service (scanning.md "Exceptions"), called by the API, the admin and the
scheduler alike. Every change re-evaluates, at once and in bulk, the findings and latest results
of the exception's check, and the counts and verdicts that follow from them (reevaluate.py).
Audit: API and admin writes are recorded by their usual paths; `exception_created` and
`exception_expired` are events (webhooks, `exception_event` notifications)."""

from django.db import transaction
from django.utils import timezone

from findings.models import Finding, FindingException
from scanning.services.common import emit_after_commit

from .exception_fields import clean_fields
from .matching import scope_filter
from .reevaluate import reevaluate


def _groups(exceptions):
    """{(organization id, product): {nvt, ...}} of some exceptions."""
    groups = {}
    for exception in exceptions:
        groups.setdefault((exception.organization_id, exception.product), set()).add(exception.nvt)
    return groups


def _reevaluate_groups(groups, now=None):
    for (organization_id, product), nvts in groups.items():
        reevaluate(organization_id, product, nvts, now)


@transaction.atomic
def create_exception(actor, organization, product, data) -> FindingException:
    fields = clean_fields(organization, product, data, creating=True)
    exception = FindingException(organization=organization, product=product,
                                 created_by=actor if getattr(actor, "pk", None) else None, **fields)
    exception.save()
    reevaluate(organization.pk, product, {exception.nvt})
    exception.refresh_from_db()
    emit_after_commit("exception_created", exception, actor)
    return exception


def create_own_exception(actor, data) -> FindingException:
    """POST /v2/exceptions: in the caller's organization and active product."""
    return create_exception(actor, actor.organization, actor.current_product(), data)


@transaction.atomic
def update_exception(actor, exception, data) -> FindingException:
    fields = clean_fields(exception.organization, exception.product, data, creating=False)
    old_nvt = exception.nvt
    for name, value in fields.items():
        setattr(exception, name, value)
    if "active" in fields and fields["active"]:
        exception.expired_at = None
    exception.save()
    reevaluate(exception.organization_id, exception.product, {old_nvt, exception.nvt})
    exception.refresh_from_db()
    return exception


@transaction.atomic
def delete_exceptions(actor, exceptions) -> int:
    exceptions = list(exceptions)
    if not exceptions:
        return 0
    groups = _groups(exceptions)
    FindingException.objects.filter(pk__in=[e.pk for e in exceptions]).delete()
    _reevaluate_groups(groups)
    return len(exceptions)


@transaction.atomic
def set_active(actor, exceptions, active: bool) -> int:
    """Activate (again) or reset: returns how many changed state. A reset finding gets its original
    severity back."""
    exceptions = [e for e in exceptions if e.active != active]
    if not exceptions:
        return 0
    fields = {"active": active, "updated_at": timezone.now()}
    if active:
        fields["expired_at"] = None
    changed = FindingException.objects.filter(pk__in=[e.pk for e in exceptions]).update(**fields)
    for exception in exceptions:
        exception.active = active
    _reevaluate_groups(_groups(exceptions))
    return changed


def expire_exceptions(now=None) -> int:
    """The periodic job: exceptions past their end time are switched off, the findings they
    covered count again, and `exception_expired` tells the organization. Returns how many."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(FindingException.objects.select_for_update(skip_locked=True)
                   .filter(active=True, end_time__isnull=False, end_time__lte=now).select_related("organization"))
        if not due:
            return 0
        FindingException.objects.filter(pk__in=[e.pk for e in due]).update(active=False, expired_at=now, updated_at=now)
        _reevaluate_groups(_groups(due), now)
        # Read back: the event carries the exception as it now is (switched off, its
        # affected_count recomputed by the re-evaluation), as GET /v2/exceptions/{id} shows it.
        for exception in FindingException.objects.filter(pk__in=[e.pk for e in due]).select_related("organization"):
            emit_after_commit("exception_expired", exception, None)
    return len(due)


def matching_findings(exception):
    """The current findings the exception's scope covers (what it changes while in force)."""
    return Finding.objects.filter(scope_filter(exception))
