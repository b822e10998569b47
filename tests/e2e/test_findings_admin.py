"""Staff filter current findings in the admin with a real browser: the typed host filter."""

import re

import pytest

from tests.e2e.test_admin import sign_in_to_admin
from tests.findings.factories import CheckInfoFactory, FindingFactory, HostFactory
from tests.scanning.conftest import builtins  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_findings_filtered_by_typed_host_address(page, world, builtins):  # noqa: F811
    org = world.customer
    tls = CheckInfoFactory(organization=org, name="TLS 1.0 accepted")
    hsts = CheckInfoFactory(organization=org, name="Missing HSTS header")
    FindingFactory(organization=org, check_info=tls, host=HostFactory(organization=org, ip="198.51.100.7"), severity=7.5)
    FindingFactory(organization=org, check_info=hsts, host=HostFactory(organization=org, ip="198.51.100.8"), severity=2.6)
    sign_in_to_admin(page, world.admin)
    page.goto("/admin/findings/finding/?severity_level__exact=high")
    assert "TLS 1.0 accepted" in page.inner_text("#result_list")
    page.fill("input[name=ip]", "198.51.100.8")
    page.press("input[name=ip]", "Enter")
    page.wait_for_url(re.compile(r"ip=198.51.100.8"))
    assert "severity_level__exact=high" in page.url  # the other filter is kept
    assert "TLS 1.0 accepted" not in page.content()  # high and on .8: nothing
    page.goto("/admin/findings/finding/?ip=198.51.100.8")
    assert "Missing HSTS header" in page.inner_text("#result_list")
    assert "TLS 1.0 accepted" not in page.inner_text("#result_list")
