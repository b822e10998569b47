"""Service-detection benchmark (issue #14): the built-in engine (discovery + detection, with nmap's
second opinion as configured by default) against `nmap -sT -sV` (and -sU -sV for the UDP port) on
the same real Debian daemons (tests/real_services.py and real_services_more.py: nginx, OpenSSH,
vsftpd, Redis, memcached, dnsmasq over TCP and UDP, snmpd, exim, PostgreSQL, telnetd, Apache,
lighttpd, MariaDB, Dovecot POP3/IMAP/POP3S/IMAPS, BIND over TCP and UDP, OpenLDAP, Squid, HAProxy,
Mosquitto, NATS), started on 127.0.0.1 high ports, in the same run. Wall and CPU time (user +
system: the engine's process and its nmap children; nmap's process) are measured for both. Per
service: product + version + CPE fully right (the truth is the installed Debian package and NVD's
CPE names). Then 4 engine scans started together against the time of the longest.

    .venv/bin/python benchmarks/bench_detection.py [--no-nmap-pass] [--nmap-port-timeout 15]

Targets: at least as many fully right as nmap, no port missed; engine wall time <= 0.5x nmap's;
4 scans together in about the time of the longest (<= 1.5x)."""

import argparse
import os
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)

from scanning.engine import ScanPlan, run  # noqa: E402
from scanning.engine.merge import nvd_cpe  # noqa: E402
from scanning.engine.nmap import parse_hosts  # noqa: E402
from scanning.engine.services.base import clean_version  # noqa: E402
from scanning.engine.types import QuietReporter  # noqa: E402
from tests.real_services import running_services  # noqa: E402


def cpu_seconds() -> float:
    """User + system time of this process and its finished children (nmap)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime



def right(found, expected) -> bool:
    """product, version and CPE fully right (nmap's CPE vendors and versions taken as it gives them)."""
    if found is None:
        return False
    product, version, cpe = found
    if not expected.product:
        return (product, version, cpe) == ("", "", "")
    return expected.product.lower() in product.lower() and version == expected.version and cpe == expected.cpe


def engine_scan(services, use_nmap, nmap_port_timeout):
    plan = ScanPlan(addresses=["127.0.0.1"], alive_test="tcp_ping", use_nmap=use_nmap, nmap_port_timeout=nmap_port_timeout,
                    tcp_ports=sorted({s.port for s in services if s.protocol == "tcp"}),
                    udp_ports=sorted({s.port for s in services if s.protocol == "udp"}))
    started = time.monotonic()
    hosts = run(plan, QuietReporter())
    seconds = time.monotonic() - started
    ports = {(p.port, p.protocol): (p.product, p.version, p.cpe) for h in hosts for p in h.ports}
    return ports, seconds


def nmap_scan(services):
    import subprocess

    tcp = ",".join(f"T:{s.port}" for s in services if s.protocol == "tcp")
    udp = ",".join(f"U:{s.port}" for s in services if s.protocol == "udp")
    args = ["nmap", "-sT", "-sV", "-Pn", "-n", "-oX", "-", "-p", ",".join(filter(None, [tcp, udp])), "127.0.0.1"]
    if udp:
        args.insert(2, "-sU")
    started = time.monotonic()
    out = subprocess.run(args, capture_output=True, check=True).stdout  # noqa: S603
    seconds = time.monotonic() - started
    ports = {}
    for host in parse_hosts(out):
        for key, entry in host["ports"].items():
            if entry["state"] != "open":
                continue
            service = entry["service"]
            apps = [nvd_cpe(c) for c in entry["cpe"] if c.startswith("cpe:/a:")]
            # nmap's own words, with the same cleaning (a leading version token) the engine applies
            ports[key] = (service.get("product", ""), clean_version(service.get("version", "")), apps[0] if apps else "")
    return ports, seconds


def together(services, count, nmap_port_timeout):
    times, threads = [], []

    def one():
        times.append(engine_scan(services, True, nmap_port_timeout)[1])

    started = time.monotonic()
    for _ in range(count):
        threads.append(threading.Thread(target=one))
        threads[-1].start()
    for thread in threads:
        thread.join()
    return time.monotonic() - started, max(times)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-nmap-pass", action="store_true", help="the engine without nmap's second opinion")
    parser.add_argument("--nmap-port-timeout", type=float, default=15.0)
    args = parser.parse_args(argv)
    with running_services(Path(tempfile.mkdtemp(prefix="bench-detection-"))) as services:
        print(f"load average at start: {os.getloadavg()[0]:.2f}")
        cpu = cpu_seconds()
        engine, engine_seconds = engine_scan(services, not args.no_nmap_pass, args.nmap_port_timeout)
        cpu, engine_cpu = cpu_seconds(), cpu_seconds() - cpu
        nmap, nmap_seconds = nmap_scan(services)
        nmap_cpu = cpu_seconds() - cpu
        print(f"{'service':<13} {'port':>11}  {'engine':<58} {'nmap -sV':<58}")
        score = {"engine": 0, "nmap": 0}
        for s in services:
            key = (s.port, s.protocol)
            cells = []
            for name, found in (("engine", engine), ("nmap", nmap)):
                ok = right(found.get(key), s)
                score[name] += ok
                product, version, cpe = found.get(key) or ("MISSED", "", "")
                cells.append(f"{'OK ' if ok else 'no '}{product[:20]} {version} {cpe}"[:58])
            print(f"{s.name:<13} {s.port:>7}/{s.protocol}  {cells[0]:<58} {cells[1]:<58}")
        missed = [s.name for s in services if (s.port, s.protocol) not in engine]
        print(f"\nfully right: engine {score['engine']}/{len(services)}, nmap {score['nmap']}/{len(services)}; engine missed: {missed or 'none'}")
        ratio = engine_seconds / nmap_seconds
        print(f"wall time: engine {engine_seconds:.2f} s, nmap -sT -sV {nmap_seconds:.2f} s, ratio {ratio:.2f} (target <= 0.5)")
        print(f"CPU time: engine {engine_cpu:.2f} s (with its nmap children), nmap {nmap_cpu:.2f} s; load average {os.getloadavg()[0]:.2f}")
        wall, longest = together(services, 4, args.nmap_port_timeout)
        print(f"4 scans together: {wall:.2f} s, the longest alone-in-the-crowd {longest:.2f} s, ratio {wall / longest:.2f}")
    ok = score["engine"] >= score["nmap"] and not missed and ratio <= 0.5
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
