"""Detection against real Debian daemons (tests/real_services.py) started on 127.0.0.1 high ports
with their own configurations: product, version and NVD CPE per service, with and without nmap,
and progress that moves all along the run."""

import time

import pytest

from scanning.engine import ScanPlan, run
from tests.real_services import ALL_SERVICES, running_services

from .conftest import RecordingReporter

SERVICES = ALL_SERVICES


class TimedReporter(RecordingReporter):
    def __init__(self):
        super().__init__()
        self.timeline = []

    def progress(self, stage, percent):
        super().progress(stage, percent)
        self.timeline.append((time.monotonic(), stage, percent))


@pytest.fixture(scope="module")
def daemons(tmp_path_factory):
    with running_services(tmp_path_factory.mktemp("daemons")) as services:
        yield {service.name: service for service in services}


def scan(daemons, use_nmap):
    services = list(daemons.values())
    plan = ScanPlan(
        addresses=["127.0.0.1"], alive_test="consider_alive", use_nmap=use_nmap, nmap_port_timeout=8,
        tcp_ports=sorted({s.port for s in services if s.protocol == "tcp"}),
        udp_ports=sorted({s.port for s in services if s.protocol == "udp"}),
    )
    reporter = TimedReporter()
    started = time.monotonic()
    [host] = run(plan, reporter)
    return {(p.port, p.protocol): p for p in host.ports}, reporter, time.monotonic() - started


@pytest.fixture(scope="module")
def engine_alone(daemons):
    return scan(daemons, use_nmap=False)


@pytest.fixture(scope="module")
def with_nmap(daemons, nmap_present):
    return scan(daemons, use_nmap=True)


@pytest.fixture(scope="module")
def nmap_present():
    import os
    import shutil

    if shutil.which("nmap") is None:
        if os.environ.get("CI"):
            pytest.fail("nmap is not installed but CI is set")
        pytest.skip("nmap is not installed")


def assert_identified(found, expected):
    port = found[(expected.port, expected.protocol)]
    assert port.service == expected.service
    assert expected.product.lower() in port.product.lower()
    assert (port.version, port.cpe) == (expected.version, expected.cpe)
    if not expected.product:
        assert (port.product, port.version, port.cpe) == ("", "", "")  # nothing made up


@pytest.mark.parametrize("name", SERVICES)
def test_the_engine_alone_names_each_daemon(engine_alone, daemons, name):
    found, _reporter, _seconds = engine_alone
    assert_identified(found, daemons[name])


@pytest.mark.parametrize("name", SERVICES)
def test_nmap_second_opinion_loses_nothing(with_nmap, daemons, name):
    found, _reporter, _seconds = with_nmap
    assert_identified(found, daemons[name])


def test_exactly_the_daemons_ports_are_open(engine_alone, daemons):
    found, _reporter, seconds = engine_alone
    assert set(found) == {(s.port, s.protocol) for s in daemons.values()}
    assert seconds < 5  # about 1.3 s here (load 10-15): no port waits out another's greeting wait or a hanging handshake


def test_only_the_unnamed_port_went_to_nmap_and_its_answer_is_kept(with_nmap, daemons):
    found, _reporter, seconds = with_nmap
    asked = {key for key, port in found.items() if "nmap" in port.extra}
    assert asked <= {(daemons["telnetd"].port, "tcp")}
    assert seconds < 8 + 10  # the bounded nmap time, plus the engine's own


def test_progress_is_monotonic_and_moves_during_the_nmap_pass(with_nmap):
    _found, reporter, seconds = with_nmap
    percents = [percent for _t, _stage, percent in reporter.timeline]
    assert percents == sorted(percents) and percents[-1] == 100
    stamps = [t for t, _stage, _percent in reporter.timeline]
    longest_still = max(b - a for a, b in zip(stamps, stamps[1:], strict=False))
    assert longest_still < max(2.0, seconds / 3)  # no long plateau
    assert [p for p in percents if p >= 99] == [100] or percents.count(100) >= 1
    assert {stage for _t, stage, _p in reporter.timeline} >= {"portscan", "services"}
