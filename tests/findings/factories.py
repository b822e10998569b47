"""Findings rows made directly (no ingestion service): for list, filter, scope and count tests."""

import factory
from django.utils import timezone

from findings.choices import severity_level
from findings.models import CheckInfo, Finding, FindingException, Host, Result
from tests.scanning.factories import ScanFactory, ScanRunFactory


class CheckInfoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CheckInfo
        django_get_or_create = ("organization", "nvt")

    nvt = factory.Sequence(lambda n: f"1.3.6.1.4.1.60000.1.{n}")
    name = factory.Sequence(lambda n: f"Check {n}")
    family = "Web servers"
    cvss_vector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N"
    severity = 5.3
    summary = "The server says too much."
    solution = "Configure it to say less."
    solution_type = "Mitigation"
    cves = factory.LazyFunction(lambda: ["CVE-2021-0001"])
    references = factory.LazyFunction(lambda: ["https://example.org/advisory"])


class HostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Host
        django_get_or_create = ("organization", "product", "ip")

    product = "pci"
    ip = factory.Sequence(lambda n: f"198.51.100.{n % 250 + 1}")
    first_seen = factory.LazyFunction(timezone.now)
    last_seen = factory.LazyFunction(timezone.now)
    ports = factory.LazyFunction(lambda: [{"port": 443, "protocol": "tcp", "service": "https", "product": "nginx",
                                           "version": "1.22.1", "cpe": "cpe:/a:nginx:nginx:1.22.1"}])


class FindingFactory(factory.django.DjangoModelFactory):
    """A current finding; `severity` sets the level, `scan` defaults to a new scan of the organization."""

    class Meta:
        model = Finding

    product = "pci"
    check_info = factory.LazyAttribute(lambda f: CheckInfoFactory(organization=f.organization))
    nvt = factory.LazyAttribute(lambda f: f.check_info.nvt)
    name = factory.LazyAttribute(lambda f: f.check_info.name)
    host = factory.LazyAttribute(lambda f: HostFactory(organization=f.organization, product=f.product))
    ip = factory.LazyAttribute(lambda f: f.host.ip)
    hostname = factory.LazyAttribute(lambda f: f.host.hostname)
    port = 443
    severity = 5.3
    original_severity = factory.LazyAttribute(lambda f: f.severity)
    severity_level = factory.LazyAttribute(lambda f: severity_level(f.severity))
    detection = "Server: nginx/1.22.1"
    scan = factory.LazyAttribute(lambda f: ScanFactory(organization=f.organization, product=f.product))
    status = "open"
    first_seen = factory.LazyFunction(timezone.now)
    last_seen = factory.LazyFunction(timezone.now)


class ResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Result

    run = factory.SubFactory(ScanRunFactory)
    scan = factory.LazyAttribute(lambda r: r.run.scan)
    organization = factory.LazyAttribute(lambda r: r.run.organization)
    product = factory.LazyAttribute(lambda r: r.run.product)
    check_info = factory.LazyAttribute(lambda r: CheckInfoFactory(organization=r.organization))
    nvt = factory.LazyAttribute(lambda r: r.check_info.nvt)
    name = factory.LazyAttribute(lambda r: r.check_info.name)
    ip = "198.51.100.7"
    port = 443
    severity = 5.3
    original_severity = factory.LazyAttribute(lambda r: r.severity)
    severity_level = factory.LazyAttribute(lambda r: severity_level(r.severity))
    detection = "Server: nginx/1.22.1"
    delta = "new"


class ExceptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FindingException

    product = "pci"
    text = "Accepted risk"
    nvt = "1.3.6.1.4.1.60000.1.1"
    new_severity = -1.0
