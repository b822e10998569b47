"""number_of_ips without expanding targets: each target stores its merged address ranges when it is
saved; the usage is a merge of those ranges (overlaps count once)."""

import pytest

from scanning.models import Target
from scanning.services.targets import address_space, covered, ip_usage
from scanning.targets import parse_targets

pytestmark = pytest.mark.usefixtures("subscribed")


def test_address_space_is_merged_ranges_and_hostnames():
    space = address_space(parse_targets("192.0.2.0/30, 192.0.2.4, 192.0.2.9, example.com", ""))
    assert space["ranges"] == [[str(0xC0000200), str(0xC0000204)], [str(0xC0000209), str(0xC0000209)]]
    assert space["hostnames"] == ["example.com"]
    assert covered([space]) == 7


def test_covered_counts_overlaps_once():
    a = address_space(parse_targets("198.51.100.0/28", ""))
    b = address_space(parse_targets("198.51.100.8-198.51.100.40, 2001:db8::/126", ""))
    assert covered([a, b]) == 41 + 4


def test_a_saved_target_stores_its_space_and_the_usage_reads_it(api, world, monkeypatch):
    client = api.as_user(world.user)
    assert client.post("/v2/targets", {"name": "a", "hosts": "192.0.2.0/29"}).status_code == 201
    target = Target.objects.get(name="a")
    assert target.address_space["ranges"] == [[str(0xC0000200), str(0xC0000207)]]
    import scanning.services.targets as targets

    monkeypatch.setattr(targets, "parse_targets", lambda *a, **k: pytest.fail("expanded a stored target"))
    assert ip_usage([world.customer.pk], "pci") == {world.customer.pk: 8}
