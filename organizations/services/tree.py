"""The partner tree (organizations and their parents) as a closure table, `OrganizationLink`.

Who may see what is a question of this tree: a partner reaches every organization below it, at
any depth. With the closure table that reach is one indexed subquery, the same size for a partner
with five customers or five thousand, and "is X below Y" is one primary-key-sized lookup."""

from django.db import transaction

from organizations.models import Organization, OrganizationLink

BATCH = 1000


def subtree(organization_id):
    """The ids of an organization and everything below it, as a subquery for `__in` filters."""
    return OrganizationLink.objects.filter(ancestor_id=organization_id).values("organization_id")


def descendants(organization_id):
    """The ids of everything below an organization (itself excluded), as a subquery."""
    return subtree(organization_id).exclude(organization_id=organization_id)


def is_within(organization_id, ancestor_id):
    """True when `organization_id` is `ancestor_id` or below it."""
    if organization_id is None or ancestor_id is None:
        return False
    if organization_id == ancestor_id:
        return True
    return OrganizationLink.objects.filter(organization_id=organization_id, ancestor_id=ancestor_id).exists()


@transaction.atomic
def place(organization):
    """Record where a new or moved organization (and, when moved, everything below it) sits.
    Called by `Organization.save()` when the organization is new or its parent changed."""
    below = list(OrganizationLink.objects.filter(ancestor_id=organization.pk).values_list("organization_id", flat=True))
    if not below:  # new: only itself
        below = [organization.pk]
        OrganizationLink.objects.create(organization_id=organization.pk, ancestor_id=organization.pk)
    else:  # moved: the subtree drops the ancestors it had above the organization
        OrganizationLink.objects.filter(organization_id__in=subtree(organization.pk)).exclude(
            ancestor_id__in=subtree(organization.pk)
        ).delete()
    above = []
    if organization.parent_id is not None:
        above = list(
            OrganizationLink.objects.filter(organization_id=organization.parent_id).values_list(
                "ancestor_id", flat=True
            )
        )
    OrganizationLink.objects.bulk_create(
        (OrganizationLink(organization_id=member, ancestor_id=ancestor) for member in below for ancestor in above),
        batch_size=BATCH,
    )


@transaction.atomic
def rebuild():
    """Rebuild the whole table from the parent links (after a bulk import that bypassed `save()`;
    the migration that introduced the table does the same). Returns the number of links written."""
    OrganizationLink.objects.all().delete()
    pairs = links_from_parents(dict(Organization.objects.values_list("id", "parent_id")))
    links = [OrganizationLink(organization_id=org, ancestor_id=ancestor) for org, ancestor in pairs]
    OrganizationLink.objects.bulk_create(links, batch_size=BATCH)
    return len(links)


def links_from_parents(parents):
    """(organization, ancestor) pairs, each organization with itself, from {id: parent_id}."""
    for org_id in parents:
        node, seen = org_id, set()
        while node is not None and node not in seen:  # a cycle can only come from bad data: stop at it
            seen.add(node)
            yield org_id, node
            node = parents.get(node)
