"""Targets, port lists and schedules saved in the admin keep the rules the API keeps."""

import pytest
from django.utils import timezone

from scanning.models import PortList, Schedule, Target
from tests.scanning.factories import PortListFactory, ScanFactory, ScanRunFactory, ScheduleFactory, TargetFactory

from .conftest import admin_save, form_errors, saved

pytestmark = pytest.mark.usefixtures("subscribed")


def target_data(world, builtins, **overrides):
    return {"name": "Web servers", "organization": str(world.customer.pk), "product": "pci", "hosts": "192.0.2.0/30",
            "exclude_hosts": "", "port_list": str(builtins["port_list"].pk), "alive_test": "tcp_ping", "comment": "",
            **overrides}


def test_a_new_target_gets_its_host_count(staff, world, builtins):
    response = admin_save(staff, "/admin/scanning/target/add/", target_data(world, builtins, exclude_hosts="192.0.2.3"))
    assert saved(response), form_errors(response)
    target = Target.objects.get(name="Web servers")
    assert (target.host_count, target.organization, target.created_by) == (3, world.customer, world.admin)


def test_a_bad_host_is_refused_on_its_field(staff, world, builtins):
    response = admin_save(staff, "/admin/scanning/target/add/", target_data(world, builtins, hosts="192.0.2.1, not a host!"))
    assert not saved(response)
    assert list(form_errors(response)) == ["hosts"]
    assert not Target.objects.filter(name="Web servers").exists()


def test_the_plan_limit_of_addresses_holds(staff, world, builtins):
    """pci-standard allows 16 addresses: a /24 is refused on the hosts field, naming the limit."""
    response = admin_save(staff, "/admin/scanning/target/add/", target_data(world, builtins, hosts="198.51.100.0/24"))
    assert "exceeds the plan limit of 16" in form_errors(response)["hosts"][0]
    assert not Target.objects.exists()


def test_changing_hosts_recounts_them(staff, world, builtins):
    target = TargetFactory(organization=world.customer, hosts="192.0.2.1", host_count=1, port_list=builtins["port_list"])
    url = f"/admin/scanning/target/{target.pk}/change/"
    response = admin_save(staff, url, target_data(world, builtins, name=target.name, hosts="192.0.2.0/29"))
    assert saved(response), form_errors(response)
    target.refresh_from_db()
    assert (target.hosts, target.host_count) == ("192.0.2.0/29", 8)


def test_a_target_cannot_change_while_its_scan_runs(staff, world, builtins):
    target = TargetFactory(organization=world.customer, hosts="192.0.2.1", port_list=builtins["port_list"])
    ScanRunFactory(scan=ScanFactory(organization=world.customer, target=target), status="running")
    url = f"/admin/scanning/target/{target.pk}/change/"
    response = admin_save(staff, url, target_data(world, builtins, name=target.name, hosts="192.0.2.2"))
    assert "while one of its scans runs" in form_errors(response)["__all__"][0]
    target.refresh_from_db()
    assert target.hosts == "192.0.2.1"


def port_list_data(world, **overrides):
    return {"name": "Web ports", "organization": str(world.customer.pk), "port_ranges": "T:80,443,8000-8009,U:161",
            "comment": "", **overrides}


def test_a_port_list_is_validated_and_counted(staff, world):
    refused = admin_save(staff, "/admin/scanning/portlist/add/", port_list_data(world, port_ranges="T:80,70000"))
    assert list(form_errors(refused)) == ["port_ranges"]
    response = admin_save(staff, "/admin/scanning/portlist/add/", port_list_data(world))
    assert saved(response), form_errors(response)
    port_list = PortList.objects.get(name="Web ports")
    assert (port_list.tcp_count, port_list.udp_count) == (12, 1)


def test_a_changed_port_list_is_counted_again(staff, world):
    port_list = PortListFactory(organization=world.customer, port_ranges="T:22", tcp_count=1)
    url = f"/admin/scanning/portlist/{port_list.pk}/change/"
    response = admin_save(staff, url, port_list_data(world, name=port_list.name, port_ranges="T:1-100"))
    assert saved(response), form_errors(response)
    port_list.refresh_from_db()
    assert (port_list.tcp_count, port_list.udp_count) == (100, 0)


def test_a_built_in_port_list_stays_read_only(staff, world, builtins):
    built_in = builtins["port_list"]
    url = f"/admin/scanning/portlist/{built_in.pk}/change/"
    response = admin_save(staff, url, {"name": "Mine now", "organization": "", "port_ranges": "T:1", "comment": ""})
    assert "read-only" in form_errors(response)["__all__"][0]
    built_in.refresh_from_db()
    assert built_in.name != "Mine now"


def schedule_data(world, start, **overrides):
    return {"name": "Nightly", "organization": str(world.customer.pk), "product": "pci",
            "start_at_0": start.strftime("%Y-%m-%d"), "start_at_1": start.strftime("%H:%M:%S"),
            "timezone": "Europe/Athens", "frequency": "daily", "interval": "1", "by_weekday": "[]",
            "by_monthday": "[]", "until_0": "", "until_1": "", "count": "", "duration": "", **overrides}


def test_a_new_schedule_gets_its_next_run(staff, world):
    start = (timezone.now() + timezone.timedelta(days=2)).replace(microsecond=0)
    response = admin_save(staff, "/admin/scanning/schedule/add/", schedule_data(world, start))
    assert saved(response), form_errors(response)
    schedule = Schedule.objects.get(name="Nightly")
    assert schedule.next_run_at == schedule.start_at
    assert schedule.next_run_at is not None


def test_a_changed_schedule_moves_its_next_run_and_its_scans(staff, world):
    schedule = ScheduleFactory(organization=world.customer, frequency="daily")
    scan = ScanFactory(organization=world.customer, schedule=schedule, next_run_at=schedule.next_run_at)
    start = (timezone.now() + timezone.timedelta(days=5)).replace(microsecond=0)
    url = f"/admin/scanning/schedule/{schedule.pk}/change/"
    response = admin_save(staff, url, schedule_data(world, start, name=schedule.name, timezone="UTC"))
    assert saved(response), form_errors(response)
    schedule.refresh_from_db()
    scan.refresh_from_db()
    assert schedule.next_run_at == start
    assert scan.next_run_at == start


def test_a_bad_time_zone_is_refused_on_its_field(staff, world):
    start = timezone.now() + timezone.timedelta(days=2)
    response = admin_save(staff, "/admin/scanning/schedule/add/", schedule_data(world, start, timezone="Mars/Olympus"))
    assert "timezone" in form_errors(response)
    assert not Schedule.objects.filter(name="Nightly").exists()
