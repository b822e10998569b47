"""Hosts whose plugin outputs are megabytes (a software inventory per host) are held in bounded
memory: the reader child's messages and the import's batches are measured by what the hosts hold
(importers.weight), not only by their number (docs/imports.md, "Large files")."""

from findings.importers import HostReader, weight
from findings.services.imports import BATCH_WEIGHT, Tally, report_batches
from scanning.engine.types import Finding, HostResult

LINE = "ii  libfoo-package-name 1.2.3-4+deb12u1 amd64 a package of the inventory\n"


def inventory(tmp_path, hosts, evidence_bytes):
    path = tmp_path / "inventory.nessus"
    output = LINE * (evidence_bytes // len(LINE))
    with open(path, "w") as handle:
        handle.write('<?xml version="1.0" ?>\n<NessusClientData_v2><Report name="r">')
        for n in range(hosts):
            handle.write(f'<ReportHost name="10.0.0.{n + 1}"><ReportItem port="22" svc_name="ssh" protocol="tcp" severity="0" '
                         f'pluginID="22869" pluginName="Software Enumeration (SSH)"><plugin_output>{output}</plugin_output>'
                         '</ReportItem></ReportHost>')
        handle.write("</Report></NessusClientData_v2>")
    return path


def test_a_host_weighs_its_findings_and_their_evidence():
    finding = Finding(nvt="nessus:1", name="n", detection="x" * 10_000)
    assert weight(HostResult(ip="10.0.0.1")) == 1
    assert weight(HostResult(ip="10.0.0.1", findings=[finding, finding])) == 1 + 2 + 20_000 // 2048


def test_the_reader_child_sends_hosts_with_megabytes_of_evidence_in_small_messages(tmp_path):
    path = inventory(tmp_path, hosts=40, evidence_bytes=400_000)  # 200 units a host: 10 hosts a message
    messages = []
    with HostReader(path, "nessus", progress=lambda fraction, hosts: messages.append(fraction), child=True) as reader:
        hosts = list(reader)
    assert len(hosts) == 40 and len(hosts[0].findings[0].detection) > 390_000
    assert len(messages) >= 4  # was one message of all 40 hosts (16 MB)


def test_import_batches_end_at_their_weight():
    inventory_output = "x" * 2_000_000  # one object shared by every host: the test holds it once
    hosts = [HostResult(ip=f"10.0.0.{n}", findings=[Finding(nvt="nessus:22869", name="inv", detection=inventory_output)])
             for n in range(1, 101)]
    batches = list(report_batches(iter(hosts), "nessus", lambda ip, name: True, Tally(), None, []))
    assert sum(len(batch) for batch in batches) == 100
    assert all(sum(map(weight, batch)) < BATCH_WEIGHT + weight(hosts[0]) for batch in batches)
    assert max(len(batch) for batch in batches) == 25  # the host that reaches 24,000 (978 a host) ends it; not 50 or 200
