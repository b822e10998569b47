"""Port-scan benchmark (issue #4): the built-in engine against `nmap -sT -T4`, same ports, same
hosts (16 loopback addresses 127.0.0.1-16, 1,000 TCP ports each, a few listening services that
the benchmark starts), measured in the same run in alternating rounds. Each run of either tool
is checked against the ground truth: no false open and no false closed port.

    .venv/bin/python benchmarks/bench_portscan.py [--rounds 11] [--hosts 16] [--ports 1000] [--with-services]

Target: the engine's median wall time at most 1.0x nmap's (issue #14). See benchmarks/README.md for the figures."""

import argparse
import ipaddress
import os
import platform
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)

from scanning.engine import ScanPlan, run  # noqa: E402
from scanning.engine.nmap import parse_hosts  # noqa: E402
from scanning.engine.types import QuietReporter  # noqa: E402

TARGET = 1.0
BANNERS = [b"SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.1\r\n", b"220 (vsFTPd 3.0.3)\r\n", b"", None]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=11, help="alternating rounds (default 11)")
    parser.add_argument("--hosts", type=int, default=16, help="N addresses from 127.0.0.1 (default 16; 256 = a /24)")
    parser.add_argument("--ports", type=int, default=1000, help="TCP ports per address (default 1000)")
    parser.add_argument("--with-services", action="store_true", help="also time a full engine run with service detection")
    args = parser.parse_args(argv)
    if not 1 <= args.hosts <= 4096 or not 10 <= args.ports <= 20000 or args.rounds < 1:
        parser.error("need 1 <= --hosts <= 4096, 10 <= --ports <= 20000, --rounds >= 1")
    return args


class Listener:
    """A service on ip:port: a banner (or silence, or an immediate close) on every connection."""

    def __init__(self, ip, port, greeting):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((ip, port))
        self.sock.listen(256)
        self.greeting = greeting
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                conn, _peer = self.sock.accept()
            except OSError:
                return
            try:
                if self.greeting:
                    conn.sendall(self.greeting)
            except OSError:
                pass
            conn.close()

    def close(self):
        self.sock.close()


def listening_ports() -> set[int]:
    """Every TCP port something listens on, on any address (Linux /proc)."""
    ports = set()
    for path in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(path) as table:
                for line in table.readlines()[1:]:
                    fields = line.split()
                    if fields[3] == "0A":
                        ports.add(int(fields[1].rsplit(":", 1)[1], 16))
        except OSError:
            pass
    return ports


def pick_window(count: int) -> range:
    """count consecutive ports below the ephemeral range where nothing listens yet."""
    busy = listening_ports()
    for start in range(20000, 32000 - count, 500):
        window = range(start, start + count)
        if not busy.intersection(window):
            return window
    raise SystemExit("no free port window found between 20000 and 32000")


def start_services(ips, window):
    """A few services spread over the hosts and the window; returns ({ip: {ports}}, listeners)."""
    truth = {ip: set() for ip in ips}
    listeners = []
    for index, ip in enumerate(ips[::3]):
        for offset in (7, len(window) // 2 + index, len(window) - 3 - index):
            port = window[offset]
            listeners.append(Listener(ip, port, BANNERS[(index + offset) % len(BANNERS)]))
            truth[ip].add(port)
    return truth, listeners



def cpu_seconds(who) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def time_engine(ips, window, service_detection=False):
    """(wall seconds, CPU seconds, {ip: open ports}) of one engine run."""
    plan = ScanPlan(addresses=ips, tcp_ports=list(window), use_nmap=False, service_detection=service_detection)
    cpu, started = cpu_seconds(resource.RUSAGE_SELF), time.perf_counter()
    hosts = run(plan, QuietReporter())
    elapsed, cpu = time.perf_counter() - started, cpu_seconds(resource.RUSAGE_SELF) - cpu
    return elapsed, cpu, {h.ip: {p.port for p in h.ports if p.protocol == "tcp"} for h in hosts}


def time_nmap(ips, window):
    command = ["nmap", "-sT", "-T4", "-n", "-p", f"{window[0]}-{window[-1]}", "-oX", "-", *ips]
    cpu, started = cpu_seconds(resource.RUSAGE_CHILDREN), time.perf_counter()
    out = subprocess.run(command, capture_output=True, check=True).stdout
    elapsed, cpu = time.perf_counter() - started, cpu_seconds(resource.RUSAGE_CHILDREN) - cpu
    found = {}
    for host in parse_hosts(out):
        found[host["ip"]] = {port for (port, proto), p in host["ports"].items() if proto == "tcp" and p["state"] == "open"}
    return elapsed, cpu, found


def errors(found, truth):
    """(false open, false closed) counts against the ground truth."""
    false_open = sum(len(found.get(ip, set()) - ports) for ip, ports in truth.items())
    false_closed = sum(len(ports - found.get(ip, set())) for ip, ports in truth.items())
    return false_open, false_closed


def machine():
    load = os.getloadavg() if hasattr(os, "getloadavg") else ("?",)
    nmap_version = subprocess.run(["nmap", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    return (
        f"{platform.machine()} {os.cpu_count()} CPUs, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, {nmap_version}, load average {load[0]:.2f} at start"
    )


def main(argv=None):
    args = parse_args(argv)
    if shutil.which("nmap") is None:
        raise SystemExit("nmap is not installed (apt-get install nmap)")
    # 127.0.0.1 onwards: --hosts 256 is a /24's worth of addresses (127.0.0.1-127.0.1.0)
    ips = [str(ipaddress.IPv4Address(0x7F000000 + i)) for i in range(1, args.hosts + 1)]
    window = pick_window(args.ports)
    truth, listeners = start_services(ips, window)
    print(f"{args.hosts} addresses x {args.ports} TCP ports ({window[0]}-{window[-1]}), "
          f"{sum(map(len, truth.values()))} listening services; {args.rounds} rounds")
    print(machine())
    times = {"engine": [], "nmap": []}
    cpus = {"engine": [], "nmap": []}
    mistakes = {"engine": [0, 0], "nmap": [0, 0]}
    try:
        time_engine(ips, window[:50])  # warm-up: imports, first event loop
        for round_no in range(args.rounds):
            order = ("engine", "nmap") if round_no % 2 == 0 else ("nmap", "engine")
            for tool in order:
                seconds, cpu, found = time_engine(ips, window) if tool == "engine" else time_nmap(ips, window)
                times[tool].append(seconds)
                cpus[tool].append(cpu)
                for i, count in enumerate(errors(found, truth)):
                    mistakes[tool][i] += count
            print(f"  round {round_no + 1}: engine {times['engine'][-1]:.3f} s, nmap {times['nmap'][-1]:.3f} s")
        full = time_engine(ips, window, service_detection=True)[0] if args.with_services else None
    finally:
        for listener in listeners:
            listener.close()
    return report(times, cpus, mistakes, full)


def report(times, cpus, mistakes, full):
    engine, nmap = statistics.median(times["engine"]), statistics.median(times["nmap"])
    ratio = engine / nmap
    print(f"median wall time: engine {engine:.3f} s (min {min(times['engine']):.3f}), "
          f"nmap -sT -T4 {nmap:.3f} s (min {min(times['nmap']):.3f})")
    print(f"median CPU time (user+system): engine {statistics.median(cpus['engine']):.3f} s, "
          f"nmap {statistics.median(cpus['nmap']):.3f} s")
    print(f"ratio engine/nmap (median wall): {ratio:.2f} (target <= {TARGET}) -> {'met' if ratio <= TARGET else 'NOT met'}; "
          f"best round vs best round: {min(times['engine']) / min(times['nmap']):.2f}")
    for tool, (false_open, false_closed) in mistakes.items():
        print(f"{tool}: {false_open} false open, {false_closed} false closed ports over all rounds")
    if full is not None:
        print(f"engine with service detection (no nmap): {full:.3f} s")
    wrong = any(sum(m) for m in mistakes.values())
    return 1 if wrong or ratio > TARGET else 0


if __name__ == "__main__":
    sys.exit(main())
