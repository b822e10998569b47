"""Scanning rows made directly (no services, no limits): for list, scope and state tests."""

import factory
from django.utils import timezone

from scanning.models import PortList, RunHost, Scan, Scanner, ScanProfile, ScanRun, Schedule, Target


def _default_port_list():
    return PortList.objects.get(predefined=True, name="All IANA assigned TCP")


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    name = factory.Sequence(lambda n: f"Target {n}")
    hosts = factory.Sequence(lambda n: f"192.0.2.{n % 250 + 1}")
    host_count = 1
    product = "pci"
    port_list = factory.LazyFunction(_default_port_list)


class PortListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PortList

    name = factory.Sequence(lambda n: f"Ports {n}")
    port_ranges = "T:22,80,443"
    tcp_count = 3


class ScannerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Scanner

    name = factory.Sequence(lambda n: f"Scanner {n}")
    type = "builtin"


class ScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Schedule

    name = factory.Sequence(lambda n: f"Schedule {n}")
    start_at = factory.LazyFunction(lambda: timezone.now() + timezone.timedelta(days=1))
    timezone = "UTC"
    frequency = "daily"
    product = "pci"
    next_run_at = factory.LazyAttribute(lambda s: s.start_at)


class ScanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Scan

    name = factory.Sequence(lambda n: f"Scan {n}")
    product = "pci"
    target = factory.LazyAttribute(lambda s: TargetFactory(organization=s.organization, product=s.product))
    scan_profile = factory.LazyFunction(lambda: ScanProfile.objects.get(name="Full and fast"))
    scanner = factory.LazyFunction(lambda: Scanner.objects.get(predefined=True, type="builtin"))


class ScanRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScanRun
        skip_postgeneration_save = True

    scan = factory.SubFactory(ScanFactory)
    organization = factory.LazyAttribute(lambda r: r.scan.organization)
    product = factory.LazyAttribute(lambda r: r.scan.product)
    scanner = factory.LazyAttribute(lambda r: r.scan.scanner)
    status = "done"

    @factory.post_generation
    def point_scan(run, create, extracted, **kwargs):
        """The scan's denormalised state follows its newest run, as the services keep it."""
        if create:
            Scan.objects.filter(pk=run.scan_id).update(status=run.status, last_history=run, last_run_at=run.created_at)


class RunHostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RunHost

    run = factory.SubFactory(ScanRunFactory)
    organization = factory.LazyAttribute(lambda h: h.run.organization)
    ip = factory.Sequence(lambda n: f"192.0.2.{n % 250 + 1}")
    ports = factory.LazyFunction(lambda: [{"port": 80, "protocol": "tcp", "service": "http", "product": "nginx",
                                           "version": "1.18.0", "cpe": "", "tls": False}])
