"""DELETE /v2/organizations/{id} "deletes its users and data" (endpoints.md): also when its
scanning rows protect each other (a scan protects its target, a target its port list)."""

import pytest

from accounts.models import User
from organizations.models import Organization
from scanning.builtins import sync_builtins
from scanning.models import PortList, Scan, Scanner, ScanProfile, Target
from tests.api_mixins import assert_error
from tests.factories import OrganizationFactory, UserFactory
from tests.scanning.factories import PortListFactory, ScanFactory, ScanRunFactory, ScheduleFactory, TargetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer_with_data(world):
    sync_builtins(PortList, Scanner, ScanProfile)
    org = OrganizationFactory(name="Doomed", parent=world.partner_org)
    UserFactory(username="doomed_user", organization=org)
    ports = PortListFactory(organization=org)
    target = TargetFactory(organization=org, port_list=ports)
    scan = ScanFactory(organization=org, target=target, schedule=ScheduleFactory(organization=org))
    ScanRunFactory(scan=scan)
    return org


def test_deletes_the_organization_its_users_and_its_scanning_data(api, world, customer_with_data):
    response = api.as_user(world.partner).delete(f"/v2/organizations/{customer_with_data.pk}")
    assert (response.status_code, response.json()) == (200, {})
    assert not Organization.objects.filter(pk=customer_with_data.pk).exists()
    assert not User.objects.filter(username="doomed_user").exists()
    assert not Target.objects.filter(organization_id=customer_with_data.pk).exists()
    assert not Scan.objects.filter(organization_id=customer_with_data.pk).exists()
    assert PortList.objects.filter(predefined=True).exists(), "built-in rows of no organization stay"


def test_rows_of_another_organization_pointing_in_make_it_a_409(api, world, customer_with_data):
    ports = PortList.objects.get(organization=customer_with_data)
    TargetFactory(organization=world.other_org, port_list=ports)
    assert_error(api.as_user(world.admin).delete(f"/v2/organizations/{customer_with_data.pk}"), 409)
    assert Organization.objects.filter(pk=customer_with_data.pk).exists()
    assert User.objects.filter(username="doomed_user").exists(), "nothing is deleted"
    assert Scan.objects.filter(organization=customer_with_data).exists()
