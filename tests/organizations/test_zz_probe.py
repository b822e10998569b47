import pytest

from organizations.models import Organization
from scanning.builtins import sync_builtins
from scanning.models import PortList, Scanner, ScanProfile
from tests.factories import OrganizationFactory, UserFactory
from tests.scanning.factories import PortListFactory, ScanFactory, ScanRunFactory, ScheduleFactory, TargetFactory


@pytest.mark.django_db
def test_probe(api, world):
    sync_builtins(PortList, Scanner, ScanProfile)
    org = OrganizationFactory(parent=world.partner_org)
    UserFactory(organization=org)
    pl = PortListFactory(organization=org)
    t = TargetFactory(organization=org, port_list=pl)
    sched = ScheduleFactory(organization=org)
    scan = ScanFactory(organization=org, target=t, schedule=sched)
    ScanRunFactory(scan=scan)
    r = api.as_user(world.partner).delete(f"/v2/organizations/{org.pk}")
    print(r.status_code, r.content[:300])
    assert r.status_code == 200
    assert not Organization.objects.filter(pk=org.pk).exists()
