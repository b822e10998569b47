"""Target rules: hosts must parse, stay out of blocked networks and within `number_of_ips`."""

from django.db import transaction

from config.api.errors import Conflict, InvalidInput
from organizations.services import check_limit
from scanning.choices import ACTIVE_RUN_STATUSES
from scanning.models import Scan, Target
from scanning.targets import TargetError, blocked_networks_for, parse_targets

from .common import emit_after_commit, require_product


def parsed_hosts(hosts, exclude_hosts, organization):
    """TargetSet for stored fields; 422 naming `hosts` or `exclude_hosts`. Hosts in the networks
    blocked for `organization` (its allowance subtracted; metadata always) are refused."""
    try:
        parse_targets("", exclude_hosts or "")
    except TargetError as exc:
        raise InvalidInput.field("exclude_hosts", str(exc)) from None
    try:
        return parse_targets(hosts, exclude_hosts or "", blocked_networks=blocked_networks_for(organization))
    except TargetError as exc:
        raise InvalidInput.field("hosts", str(exc)) from None


def distinct_addresses(organization_ids, product, exclude_target=None):
    """{organization_id: set of addresses/hostnames} over the organizations' targets."""
    targets = Target.objects.filter(organization_id__in=organization_ids, product=product)
    if exclude_target is not None:
        targets = targets.exclude(pk=exclude_target.pk)
    found = {org_id: set() for org_id in organization_ids}
    for org_id, hosts, exclude in targets.values_list("organization_id", "hosts", "exclude_hosts").iterator():
        try:
            target_set = parse_targets(hosts, exclude)
        except TargetError:
            continue
        found.setdefault(org_id, set()).update(target_set.addresses, target_set.hostnames)
    return found


def ip_usage(organization_ids, product):
    """The `number_of_ips` usage calculator: distinct addresses over all targets of a product."""
    return {org_id: len(values) for org_id, values in distinct_addresses(organization_ids, product).items()}


def _check_ip_limit(organization, product, target_set, exclude_target=None):
    others = distinct_addresses([organization.pk], product, exclude_target).get(organization.pk, set())
    new = set(target_set.addresses) | set(target_set.hostnames)
    check_limit(organization, product, "number_of_ips", len(new - others), current=len(others))


def apply_credentials(target, credentials):
    """Secrets encrypted at rest; only usernames and ports are ever shown again."""
    import json

    from config.crypto import encrypt

    target.credentials_encrypted = encrypt(json.dumps(credentials)) if credentials else ""
    target.credentials_public = {
        kind: {"username": value.get("username"), "port": value.get("port")} for kind, value in (credentials or {}).items()
    }


@transaction.atomic
def create_target(actor, fields):
    product = require_product(actor)
    fields = dict(fields)
    credentials = fields.pop("credentials", None)
    organization = actor.organization
    target_set = parsed_hosts(fields["hosts"], fields.get("exclude_hosts", ""), organization)
    _check_ip_limit(organization, product, target_set)
    target = Target(organization=organization, product=product, created_by=actor, host_count=target_set.count, **fields)
    apply_credentials(target, credentials)
    target.save()
    emit_after_commit("target_created", target, actor)
    return target


def running_scans(target):
    return Scan.objects.filter(target=target, runs__status__in=ACTIVE_RUN_STATUSES)


@transaction.atomic
def update_target(actor, target, fields):
    if running_scans(target).exists():
        raise Conflict("The target cannot change while one of its scans runs")
    if "hosts" in fields or "exclude_hosts" in fields:
        target_set = parsed_hosts(fields.get("hosts", target.hosts), fields.get("exclude_hosts", target.exclude_hosts),
                                  target.organization)
        _check_ip_limit(target.organization, target.product, target_set, exclude_target=target)
        fields["host_count"] = target_set.count
    if "credentials" in fields:
        apply_credentials(target, fields.pop("credentials"))
    for name, value in fields.items():
        setattr(target, name, value)
    target.save()
    return target


@transaction.atomic
def delete_targets(actor, targets):
    in_use = [str(t.pk) for t in targets if t.scans.exists()]
    if in_use:
        raise InvalidInput(
            "Validation failed: target is used by scans; delete the scans first", {"id": [f"{pk} is used by scans" for pk in in_use]}
        )
    for target in targets:
        target.delete()
