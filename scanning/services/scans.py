"""Scans: create/update/delete, and the wizard that makes target (+ schedule) + scan in one go."""

from django.db import transaction

from config.api.errors import Conflict, InvalidInput
from scanning.choices import ACTIVE_RUN_STATUSES
from scanning.models import PortList, Scan, Scanner, ScanProfile

from .common import emit_after_commit, require_product
from .schedules import save_schedule
from .targets import create_target


def default_profile():
    return ScanProfile.objects.filter(name="Full and fast").first() or ScanProfile.objects.order_by("name").first()


def default_scanner():
    return Scanner.objects.filter(predefined=True, type="builtin").first()


def default_port_list():
    return PortList.objects.filter(predefined=True, name="All IANA assigned TCP").first()


def is_running(scan):
    return scan.runs.filter(status__in=ACTIVE_RUN_STATUSES).exists()


def _check_same_scope(actor, scan_or_fields, organization, product):
    for name in ("target", "schedule"):
        related = scan_or_fields.get(name) if isinstance(scan_or_fields, dict) else getattr(scan_or_fields, name)
        if related is not None and (related.organization_id != organization.pk or related.product != product):
            raise InvalidInput.field(f"{name}_id", "was not found")


@transaction.atomic
def create_scan(actor, fields):
    product = require_product(actor)
    fields = dict(fields)
    _check_same_scope(actor, fields, actor.organization, product)
    fields.setdefault("scan_profile", None)
    fields["scan_profile"] = fields["scan_profile"] or default_profile()
    fields["scanner"] = fields.get("scanner") or default_scanner()
    scan = Scan(organization=actor.organization, product=product, created_by=actor, **fields)
    if scan.schedule is not None:
        scan.next_run_at = scan.schedule.next_run_at
    scan.save()
    emit_after_commit("scan_created", scan, actor)
    return scan


@transaction.atomic
def update_scan(actor, scan, fields):
    if is_running(scan):
        raise Conflict("The scan is running; stop it before changing it")
    _check_same_scope(actor, fields, scan.organization, scan.product)
    for name, value in fields.items():
        setattr(scan, name, value)
    if "schedule" in fields:
        scan.next_run_at = scan.schedule.next_run_at if scan.schedule else None
    scan.save()
    return scan


@transaction.atomic
def delete_scans(actor, scans):
    running = [str(s.pk) for s in scans if is_running(s)]
    if running:
        raise Conflict("A scan is running; stop it before deleting it")
    Scan.objects.filter(pk__in=[s.pk for s in scans]).update(last_history=None)
    for scan in scans:
        scan.delete()


def nested_error(error, prefix):
    errors = {f"{prefix}.{name}": messages for name, messages in error.errors.items()}
    text = "; ".join(f"{name} {' '.join(messages)}" for name, messages in errors.items())
    return type(error)(f"Validation failed: {text}" if errors else error.message, errors)


@transaction.atomic
def run_wizard(actor, data):
    """Target (+ schedule) + scan (+ start) in one transaction: any error leaves nothing."""
    from .runs import start_scan

    target = create_target(actor, {
        "name": data.get("target_name") or data["name"], "hosts": data["hosts"],
        "exclude_hosts": data.get("exclude_hosts", ""), "port_list": data.get("port_list") or default_port_list(),
        "alive_test": data.get("alive_test") or "tcp_ping",
    })
    schedule = None
    if data.get("schedule"):
        try:
            schedule = save_schedule(actor, {"name": data["name"], **data["schedule"]})
        except InvalidInput as exc:  # name the field as the caller sent it: schedule.<field>
            raise nested_error(exc, "schedule") from None
    scan = create_scan(actor, {
        "name": data["name"], "target": target, "scan_profile": data.get("scan_profile"), "schedule": schedule,
    })
    if data.get("start_now"):
        start_scan(scan, actor)
    return scan
