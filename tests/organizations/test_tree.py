"""The partner tree (closure table) behind every partner's reach: kept in step when organizations
are created, moved (through the API, the admin's save and plain model saves) and deleted, and
what a partner sees follows it at any depth."""

import pytest

from organizations.models import Organization, OrganizationLink
from organizations.services import tree
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def links():
    return set(OrganizationLink.objects.values_list("organization_id", "ancestor_id"))


def expected_links():
    parents = dict(Organization.objects.values_list("id", "parent_id"))
    return set(tree.links_from_parents(parents))


def org_ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["data"]}


@pytest.fixture
def chain(world):
    """partner_org > customer (world) and a second-level partner with its own customer."""
    reseller = OrganizationFactory(name="Reseller", partner=True, parent=world.partner_org)
    end_customer = OrganizationFactory(name="End customer", parent=reseller)
    return reseller, end_customer


def test_every_organization_links_to_itself_and_each_ancestor(world, chain):
    reseller, end_customer = chain
    assert {a for o, a in links() if o == end_customer.pk} == {end_customer.pk, reseller.pk, world.partner_org.pk}
    assert links() == expected_links()


def test_a_partner_sees_organizations_at_any_depth(api, world, chain):
    reseller, end_customer = chain
    seen = org_ids(api.as_user(world.partner).get("/v2/organizations", {"per_page": 100}))
    assert seen == {str(world.partner_org.pk), str(world.customer.pk), str(reseller.pk), str(end_customer.pk)}
    assert api.as_user(world.partner).get(f"/v2/organizations/{end_customer.pk}").status_code == 200


def test_moving_an_organization_moves_everything_below_it(api, world, chain):
    reseller, end_customer = chain
    other_partner = UserFactory(username="otherpartner", role="Partner", organization=world.other_org)
    world.other_org.partner = True
    world.other_org.save()

    response = api.as_user(world.admin).put(
        f"/v2/organizations/{reseller.pk}", {"parent_organization": str(world.other_org.pk)}
    )
    assert response.status_code == 200, response.content

    assert links() == expected_links()
    partner_sees = org_ids(api.as_user(world.partner).get("/v2/organizations", {"per_page": 100}))
    assert str(end_customer.pk) not in partner_sees and str(reseller.pk) not in partner_sees
    assert api.as_user(world.partner).get(f"/v2/organizations/{end_customer.pk}").status_code == 404
    other_sees = org_ids(api.as_user(other_partner).get("/v2/organizations", {"per_page": 100}))
    assert {str(reseller.pk), str(end_customer.pk)} <= other_sees


def test_a_plain_model_save_keeps_the_tree(world, chain):
    """The admin and the services save models; the tree follows without a service call."""
    reseller, end_customer = chain
    loaded = Organization.objects.get(pk=end_customer.pk)
    loaded.parent = None
    loaded.save()
    assert links() == expected_links()
    assert not tree.is_within(end_customer.pk, world.partner_org.pk)
    assert tree.is_within(reseller.pk, world.partner_org.pk)


def test_saving_without_moving_writes_no_links(world, django_assert_num_queries):
    loaded = Organization.objects.get(pk=world.customer.pk)
    loaded.name = "Renamed"
    with django_assert_num_queries(1):  # the UPDATE alone
        loaded.save()


def test_a_deferred_parent_is_placed_again_rather_than_guessed(world):
    loaded = Organization.objects.only("name").get(pk=world.customer.pk)
    loaded.save()
    assert links() == expected_links()


def test_deleting_an_organization_removes_its_links(world, chain):
    _reseller, end_customer = chain
    end_customer.delete()
    assert not OrganizationLink.objects.filter(organization_id=end_customer.pk).exists()
    assert links() == expected_links()


def test_a_cycle_is_refused_at_any_depth(api, world, chain):
    _reseller, end_customer = chain
    end_customer.partner = True
    end_customer.save()
    response = api.as_user(world.admin).put(
        f"/v2/organizations/{world.partner_org.pk}", {"parent_organization": str(end_customer.pk)}
    )
    assert response.status_code == 422
    assert "parent_organization" in str(response.json())
    assert links() == expected_links()


def test_rebuild_restores_a_table_that_bulk_writes_bypassed(world, chain):
    Organization.objects.bulk_create([Organization(name="Bulk", company_name="Bulk", parent=world.partner_org)])
    assert links() != expected_links()
    assert tree.rebuild() == len(expected_links())
    assert links() == expected_links()


def test_partner_scope_is_one_query_however_many_customers(api, world, django_assert_max_num_queries):
    OrganizationFactory.create_batch(30, parent=world.partner_org)
    client = api.as_user(world.partner)
    client.get("/v2/organizations")  # warm caches (throttle, content types)
    with django_assert_max_num_queries(5):  # API key, session, count, page, members
        response = client.get("/v2/organizations", {"per_page": 100})
    assert response.json()["meta"]["total_count"] == 32


def test_the_rebuild_command_reports_what_it_wrote(world, chain):
    from io import StringIO

    from django.core.management import call_command

    OrganizationLink.objects.all().delete()
    out = StringIO()
    call_command("rebuild_organization_tree", stdout=out)
    assert links() == expected_links()
    count = Organization.objects.count()
    assert out.getvalue().strip() == f"Rebuilt the partner tree: {count} organizations, {len(expected_links())} links"
