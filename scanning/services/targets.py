"""Target rules: hosts must parse, stay out of blocked networks and within `number_of_ips`."""

from ipaddress import ip_address

from django.db import transaction

from config.api.errors import Conflict, Forbidden, InvalidInput
from organizations.services import check_limit
from scanning.choices import ACTIVE_RUN_STATUSES
from scanning.models import Scan, Target
from scanning.networks import address_key
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


def address_space(target_set):
    """What a target covers, stored with it: merged address-key ranges (as text: IPv6 keys pass
    JSON's safe integers) and hostnames."""
    keys = sorted(address_key(ip_address(address)) for address in target_set.addresses)
    ranges = []
    for key in keys:
        if ranges and key <= ranges[-1][1] + 1:
            ranges[-1][1] = max(ranges[-1][1], key)
        else:
            ranges.append([key, key])
    return {"ranges": [[str(first), str(last)] for first, last in ranges], "hostnames": list(target_set.hostnames)}


def covered(spaces):
    """How many distinct addresses and hostnames a set of address spaces covers: a merge of
    their ranges (overlapping targets count once), no target expanded."""
    ranges = sorted((int(first), int(last)) for space in spaces for first, last in space.get("ranges", ()))
    total, end = 0, -1
    for first, last in ranges:
        if last > end:
            total += last - max(first, end + 1) + 1
            end = last
    return total + len({name for space in spaces for name in space.get("hostnames", ())})


def address_spaces(organization_ids, product, exclude_target=None):
    """{organization_id: [address space of each target]}"""
    targets = Target.objects.filter(organization_id__in=organization_ids, product=product)
    if exclude_target is not None:
        targets = targets.exclude(pk=exclude_target.pk)
    found = {org_id: [] for org_id in organization_ids}
    for org_id, space, hosts, exclude in targets.values_list("organization_id", "address_space", "hosts", "exclude_hosts").iterator():
        found.setdefault(org_id, []).append(space or stored_space_of(hosts, exclude))
    return found


def stored_space_of(hosts, exclude_hosts):
    """A target saved without its address space (written by other code than these services)."""
    try:
        return address_space(parse_targets(hosts, exclude_hosts))
    except TargetError:
        return {}


def ip_usage(organization_ids, product):
    """The `number_of_ips` usage calculator: distinct addresses over all targets of a product."""
    return {org_id: covered(spaces) for org_id, spaces in address_spaces(organization_ids, product).items()}


def _check_ip_limit(organization, product, target_set, exclude_target=None):
    others = address_spaces([organization.pk], product, exclude_target).get(organization.pk, [])
    used = covered(others)
    check_limit(organization, product, "number_of_ips", covered([*others, address_space(target_set)]) - used, current=used)


def apply_credentials(target, credentials):
    """Secrets encrypted at rest; only usernames and ports are ever shown again."""
    import json

    from config.crypto import encrypt

    target.credentials_encrypted = encrypt(json.dumps(credentials)) if credentials else ""
    target.credentials_public = {
        kind: {"username": value.get("username"), "port": value.get("port")} for kind, value in (credentials or {}).items()
    }


def checked_fields(actor, fields):
    """The rules on what a target may be given, whoever writes it: credentials only by a
    caller whose plan and role allow setting them; no port list (or null) means the default."""
    fields = dict(fields)
    if "credentials" in fields:
        from accounts.services.permissions import permissions_for

        if actor is not None and not permissions_for(actor, ["TARGET_CREATE_CREDENTIALS"])["TARGET_CREATE_CREDENTIALS"]:
            raise Forbidden("Your role does not allow setting target credentials")
    if fields.get("port_list") is None:
        from .scans import default_port_list

        fields["port_list"] = default_port_list()
    return fields


@transaction.atomic
def create_target(actor, fields, *, organization=None, product=None):
    """The API creates in the caller's organization and active product; the admin names both."""
    product = product or require_product(actor)
    fields = checked_fields(actor, fields)
    credentials = fields.pop("credentials", None)
    organization = organization or actor.organization
    target_set = parsed_hosts(fields["hosts"], fields.get("exclude_hosts", ""), organization)
    _check_ip_limit(organization, product, target_set)
    target = Target(organization=organization, product=product, created_by=actor, host_count=target_set.count,
                    address_space=address_space(target_set), **fields)
    apply_credentials(target, credentials)
    target.save()
    emit_after_commit("target_created", target, actor)
    return target


def running_scans(target):
    return Scan.objects.filter(target=target, runs__status__in=ACTIVE_RUN_STATUSES)


@transaction.atomic
def update_target(actor, target, fields):
    if "credentials" in fields or "port_list" in fields:
        fields = checked_fields(actor, fields)
    if running_scans(target).exists():
        raise Conflict("The target cannot change while one of its scans runs")
    if "hosts" in fields or "exclude_hosts" in fields:
        target_set = parsed_hosts(fields.get("hosts", target.hosts), fields.get("exclude_hosts", target.exclude_hosts),
                                  target.organization)
        _check_ip_limit(target.organization, target.product, target_set, exclude_target=target)
        fields["host_count"] = target_set.count
        fields["address_space"] = address_space(target_set)
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
