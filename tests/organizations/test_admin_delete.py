"""Deleting organizations in the admin goes through the service the API uses: the owned scanning
rows (which protect each other) go too, the confirmation counts them, and the API's refusals
(staff organization, customers left, data referenced elsewhere) are error messages that delete
and log nothing."""

import pytest
from django.contrib.admin.models import LogEntry

from accounts.models import User
from events.models import AuditEvent
from organizations.models import Organization
from scanning.builtins import sync_builtins
from scanning.models import PortList, Scan, Scanner, ScanProfile, ScanRun, Schedule, Target
from tests.factories import OrganizationFactory, UserFactory
from tests.scanning.factories import PortListFactory, ScanFactory, ScanRunFactory, ScheduleFactory, TargetFactory

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/organizations/organization/"


def delete_page(organization):
    return f"{CHANGELIST}{organization.pk}/delete/"


def owned_rows(organization):
    models = (User, PortList, Target, Schedule, Scan, ScanRun)
    return {model.__name__: model.objects.filter(organization_id=organization.pk).count() for model in models}


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def make_customer(world):
    """A customer of the partner with a user, a port list, a target on it, a scheduled scan and a run."""
    sync_builtins(PortList, Scanner, ScanProfile)

    def make(name):
        org = OrganizationFactory(name=name, parent=world.partner_org)
        UserFactory(username=f"{name.lower()}_user", organization=org)
        target = TargetFactory(organization=org, port_list=PortListFactory(organization=org))
        scan = ScanFactory(organization=org, target=target, schedule=ScheduleFactory(organization=org))
        ScanRunFactory(scan=scan)
        return org

    return make


@pytest.fixture
def staff(client, world):
    client.force_login(world.admin)
    return client


def test_confirmation_counts_the_owned_rows_instead_of_blocking(staff, make_customer):
    doomed = make_customer("Doomed")
    response = staff.get(delete_page(doomed))
    assert response.status_code == 200
    assert response.context["title"] == "Delete" and not response.context["protected"]
    page = response.content.decode()
    for line in ("Organization: Doomed", "Users: 1", "Targets: 1", "Port lists: 1", "Scans: 1", "Scan runs: 1"):
        assert line in page, line
    assert Organization.objects.filter(pk=doomed.pk).exists(), "a confirmation page deletes nothing"


def test_confirmed_delete_removes_the_organization_and_its_data(staff, world, make_customer):
    doomed = make_customer("Doomed")
    response = staff.post(delete_page(doomed), {"post": "yes"}, follow=True)
    assert response.redirect_chain[-1][0] == CHANGELIST
    assert any("was deleted successfully" in m for m in messages_of(response)), messages_of(response)
    assert not Organization.objects.filter(pk=doomed.pk).exists()
    assert set(owned_rows(doomed).values()) == {0}
    assert PortList.objects.filter(predefined=True).exists(), "built-in rows of no organization stay"
    assert LogEntry.objects.filter(object_id=str(doomed.pk), action_flag=3).exists()
    audit = AuditEvent.objects.get(source="admin", action="delete", resource_id=str(doomed.pk))
    assert audit.resource_type == "organization" and audit.actor_id == world.admin.pk


def test_delete_selected_action_confirms_then_deletes_every_selected(staff, world, make_customer):
    first, second = make_customer("First"), make_customer("Second")
    selected = {"action": "delete_selected", "_selected_action": [str(first.pk), str(second.pk)]}
    confirm = staff.post(CHANGELIST, selected)
    assert confirm.status_code == 200 and not confirm.context["protected"]
    assert "Organization: First" in confirm.content.decode() and "Scans: 1" in confirm.content.decode()
    assert dict(confirm.context["model_count"])["scans"] == 2
    response = staff.post(CHANGELIST, {**selected, "post": "yes"}, follow=True)
    assert "Successfully deleted 2 organizations." in messages_of(response)
    assert not Organization.objects.filter(pk__in=[first.pk, second.pk]).exists()
    assert set(owned_rows(first).values()) == set(owned_rows(second).values()) == {0}
    assert AuditEvent.objects.filter(source="admin", action="delete", resource_type="organization").count() == 2
    assert Organization.objects.filter(pk=world.customer.pk).exists(), "unselected organizations stay"


def assert_nothing_deleted(organization, before):
    assert Organization.objects.filter(pk=organization.pk).exists()
    assert owned_rows(organization) == before
    assert not LogEntry.objects.filter(object_id=str(organization.pk)).exists()
    assert not AuditEvent.objects.filter(source="admin", action="delete").exists()


def test_an_organization_with_customers_is_refused(staff, world):
    partner, before = world.partner_org, owned_rows(world.partner_org)
    refusal = f"“{partner}” still has customer organizations; move or delete them first."
    page = staff.get(delete_page(partner), follow=True)
    assert page.redirect_chain[-1][0] == f"{CHANGELIST}{partner.pk}/change/"
    assert refusal in messages_of(page)
    posted = staff.post(delete_page(partner), {"post": "yes"}, follow=True)
    assert refusal in messages_of(posted)
    action = staff.post(
        CHANGELIST, {"action": "delete_selected", "_selected_action": [str(partner.pk)], "post": "yes"}, follow=True
    )
    assert refusal in messages_of(action)
    assert_nothing_deleted(partner, before)


def test_the_staff_organization_is_refused_and_spoils_a_selection(staff, world, make_customer):
    doomed = make_customer("Doomed")
    before = owned_rows(doomed)
    own = f"“{world.staff}” is your own organization and cannot be deleted."
    assert own in messages_of(staff.post(delete_page(world.staff), {"post": "yes"}, follow=True))
    selected = {"action": "delete_selected", "_selected_action": [str(world.staff.pk), str(doomed.pk)]}
    assert own in messages_of(staff.post(CHANGELIST, selected, follow=True)), "refused before confirming"
    assert own in messages_of(staff.post(CHANGELIST, {**selected, "post": "yes"}, follow=True))
    outsider = UserFactory(username="ops", role="Admin", organization=world.other_org, is_staff=True, is_superuser=True)
    staff.force_login(outsider)
    refusal = f"“{world.staff}” is the platform staff organization and cannot be deleted."
    assert refusal in messages_of(staff.get(delete_page(world.staff), follow=True))
    assert refusal in messages_of(staff.post(CHANGELIST, {**selected, "post": "yes"}, follow=True))
    assert Organization.objects.filter(pk=world.staff.pk).exists()
    assert_nothing_deleted(doomed, before)


def test_data_referenced_by_another_organization_is_refused_and_rolled_back(staff, world, make_customer):
    first, doomed = make_customer("First"), make_customer("Doomed")
    TargetFactory(organization=world.other_org, port_list=PortList.objects.get(organization=doomed))
    before = owned_rows(doomed)
    single = staff.post(delete_page(doomed), {"post": "yes"}, follow=True)
    assert single.redirect_chain[-1][0] == f"{CHANGELIST}{doomed.pk}/change/"
    [message] = messages_of(single)
    assert message.startswith("“Doomed” cannot be deleted, so nothing was:") and "referenced elsewhere" in message
    selection = [str(first.pk), str(doomed.pk)]
    staff.post(CHANGELIST, {"action": "delete_selected", "_selected_action": selection, "post": "yes"})
    assert Organization.objects.filter(pk=first.pk).exists(), "the organization deleted before it comes back"
    assert_nothing_deleted(doomed, before)
    assert Target.objects.filter(organization=first).exists() and Scan.objects.filter(organization=first).exists()
