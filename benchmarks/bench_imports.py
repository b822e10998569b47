"""Import benchmark (issue #11): a generated ~100 MB Nessus file and a ~100 MB Greenbone XML file
imported into a scratch database by `manage.py import_report` in a fresh process (the real parse,
ingestion and finalize); findings per second end to end, CPU seconds (the command with its reader
child, and the PostgreSQL backend serving it) and the peak memory. `--parse-only` reads a
generated file of every format (Nessus, Greenbone XML and CSV, nmap) without a database.

    .venv/bin/python benchmarks/bench_imports.py --database-url postgres://postgres@localhost/bench_imports [--megabytes 100]
    .venv/bin/python benchmarks/bench_imports.py --parse-only [--megabytes 100]
    ... --phases: each import also says where its time went (start, batches, finalize, waiting on the reader)

Target: at least 20,000 findings/s, peak under 300 MB."""

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)

from benchmarks import harness  # noqa: E402

TEXT = ("The remote service accepts connections encrypted with a deprecated protocol version. Attackers in a "
        "privileged network position can exploit known weaknesses of it. ")


def host_ip(index):
    return f"10.0.{index // 250}.{index % 250 + 1}"


def write_nessus(path, megabytes):
    with open(path, "w") as out:
        out.write('<?xml version="1.0" ?>\n<NessusClientData_v2><Report name="bench">\n')
        host, items = 0, 0
        while out.tell() < megabytes * 1_000_000:
            ip = host_ip(host)
            out.write(f'<ReportHost name="{ip}"><HostProperties><tag name="host-ip">{ip}</tag>'
                      f'<tag name="host-fqdn">host-{host}.bench.example</tag></HostProperties>\n')
            for n in range(40):
                plugin = 10000 + (host * 7 + n) % 600
                out.write(f'<ReportItem port="{1000 + n}" svc_name="www" protocol="tcp" severity="{n % 5}" pluginID="{plugin}" '
                          f'pluginName="Bench plugin {plugin}" pluginFamily="General"><cvss3_base_score>{(n % 10) + 0.5}</cvss3_base_score>'
                          f'<cvss3_vector>CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N</cvss3_vector><cve>CVE-2024-{plugin}</cve>'
                          f'<description>{TEXT * 3}</description><synopsis>{TEXT}</synopsis><solution>Upgrade to the latest '
                          f'release.</solution><plugin_output>Port {1000 + n}: {TEXT}</plugin_output></ReportItem>\n')
                items += 1
            out.write("</ReportHost>\n")
            host += 1
        out.write("</Report></NessusClientData_v2>\n")
    return host, items


def write_gvm(path, megabytes):
    with open(path, "w") as out:
        out.write('<report id="b" format_id="x"><report id="b"><results start="1" max="-1">\n')
        count, host = 0, 0
        while out.tell() < megabytes * 1_000_000:
            host = count // 40
            ip, n = host_ip(host), count % 40
            oid = f"1.3.6.1.4.1.25623.1.0.{100000 + (host * 7 + n) % 600}"
            tags = escape(f"cvss_base_vector=AV:N/AC:L/Au:N/C:P/I:N/A:N|summary={TEXT}|insight={TEXT}|solution_type=VendorFix")
            out.write(f'<result id="r{count}"><name>Bench NVT {oid}</name><host>{ip}<hostname>host-{host}.bench.example</hostname></host>'
                      f'<port>{1000 + n}/tcp</port><nvt oid="{oid}"><type>nvt</type><name>Bench NVT {oid}</name><family>General</family>'
                      f'<tags>{tags}</tags><solution type="VendorFix">Upgrade.</solution><refs><ref type="cve" id="CVE-2024-{n}"/></refs></nvt>'
                      f'<threat>Medium</threat><severity>{(n % 10) + 0.5}</severity><qod><value>80</value></qod>'
                      f'<description>{TEXT * 2}</description></result>\n')
            count += 1
        out.write("</results></report></report>\n")
    return host + 1, count


def write_gvm_csv(path, megabytes):
    columns = ["IP", "Hostname", "Port", "Port Protocol", "CVSS", "Severity", "QoD", "Solution Type", "NVT Name", "Summary",
               "Specific Result", "NVT OID", "CVEs", "Vulnerability Insight", "Solution", "Other References"]
    with open(path, "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(columns)
        count = 0
        while out.tell() < megabytes * 1_000_000:
            host, n = count // 40, count % 40
            oid = f"1.3.6.1.4.1.25623.1.0.{100000 + (host * 7 + n) % 600}"
            writer.writerow([host_ip(host), f"host-{host}.bench.example", 1000 + n, "tcp", (n % 10) + 0.5, "Medium", 80,
                             "VendorFix", f"Bench NVT {oid}", TEXT, TEXT * 2, oid, f"CVE-2024-{n}", TEXT, "Upgrade.",
                             "https://www.example.org/advisory"])
            count += 1
    return count // 40 + 1, count


def write_nmap(path, megabytes):
    with open(path, "w") as out:
        out.write('<?xml version="1.0"?>\n<!DOCTYPE nmaprun>\n<nmaprun scanner="nmap" version="7.94">\n')
        host = 0
        while out.tell() < megabytes * 1_000_000:
            out.write(f'<host><status state="up"/><address addr="{host_ip(host)}" addrtype="ipv4"/><hostnames>'
                      f'<hostname name="host-{host}.bench.example"/></hostnames><ports>')
            for n in range(20):
                out.write(f'<port protocol="tcp" portid="{1000 + n}"><state state="open"/><service name="http" '
                          f'product="Apache httpd" version="2.4.{n}" method="probed" conf="10"><cpe>cpe:/a:apache:http_server:2.4.{n}</cpe>'
                          f'</service><script id="http-title" output="Bench page {n}"/></port>')
            out.write("</ports></host>\n")
            host += 1
        out.write("</nmaprun>\n")
    return host, host * 20  # ports, not findings: nmap reports have none of their own


def seed_scan():
    from django.core.management import call_command

    from organizations.models import Organization
    from scanning.builtins import sync_builtins
    from scanning.models import PortList, Scan, Scanner, ScanProfile, Target

    call_command("migrate", verbosity=0)
    sync_builtins(PortList, Scanner, ScanProfile)
    organization = Organization.objects.create(name="Bench Org", company_name="Bench Org Ltd")
    target = Target.objects.create(organization=organization, product="pci", name="Bench", hosts="10.0.0.0/18",
                                   port_list=PortList.objects.filter(predefined=True).first())
    scan = Scan.objects.create(organization=organization, product="pci", name="Bench scan", target=target,
                               scanner=Scanner.objects.get(predefined=True, type="builtin"),
                               scan_profile=ScanProfile.objects.get(name="Full and fast"))
    return str(scan.pk)


class BackendClock:
    """CPU seconds of the PostgreSQL backends serving `database` (their process title names it),
    read from /proc every 0.2 s while they live: the server must run on this machine."""

    def __init__(self, database):
        self.marker, self.tick, self.seen, self.stop = f" {database} ", 1 / os.sysconf("SC_CLK_TCK"), {}, threading.Event()
        self.thread = threading.Thread(target=self.poll, daemon=True)

    def poll(self):
        while not self.stop.wait(0.2):
            for pid in filter(str.isdigit, os.listdir("/proc")):
                try:
                    title = open(f"/proc/{pid}/cmdline", "rb").read().decode(errors="replace")
                    if title.startswith("postgres: ") and self.marker in title:
                        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
                        self.seen[pid] = (int(fields[11]) + int(fields[12])) * self.tick
                except OSError:
                    continue

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()

    @property
    def seconds(self):
        return sum(self.seen.values())


class ChildClock:
    """CPU seconds of the children of process `pid` (the command's reader child), read from
    /proc every 0.05 s while they live: the last 0.05 s of a child may be missed."""

    def __init__(self, pid):
        self.pid, self.tick, self.seen, self.stop = pid, 1 / os.sysconf("SC_CLK_TCK"), {}, threading.Event()
        self.thread = threading.Thread(target=self.poll, daemon=True)
        self.thread.start()

    def poll(self):
        while not self.stop.wait(0.05):
            try:
                children = open(f"/proc/{self.pid}/task/{self.pid}/children").read().split()
            except OSError:
                continue
            for child in children:
                try:
                    fields = open(f"/proc/{child}/stat").read().rsplit(")", 1)[1].split()
                    self.seen[child] = (int(fields[11]) + int(fields[12])) * self.tick
                except OSError:
                    continue

    def finish(self):
        self.stop.set()
        self.thread.join()
        return sum(self.seen.values())


def run_import(database, scan_id, path, fmt, phases=False):
    """The command in a fresh process (through import_phases.py with `phases`: its phases are
    returned too)."""
    env = {**os.environ, "DATABASE_URL": database.url, "DJANGO_SETTINGS_MODULE": "benchmarks.settings"}
    program = [str(ROOT / "benchmarks" / "import_phases.py")] if phases else [str(ROOT / "manage.py"), "import_report"]
    with BackendClock(database.name or "-") as backend, tempfile.TemporaryFile("w+") as errors:
        start = time.perf_counter()
        process = subprocess.Popen([sys.executable, *program, str(path), "--scan", scan_id, "--format", fmt], env=env,
                                   stdout=subprocess.PIPE, stderr=errors if phases else subprocess.DEVNULL, text=True)
        children = ChildClock(process.pid)
        out = process.stdout.read()
        child = children.finish()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        errors.seek(0)
        report = [line.strip() for line in errors if line.startswith("phases:")]
    return (wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime, child, backend.seconds, out.strip(), status,
            report[0] if report else "")


def parse_one(path, fmt):
    """In a fresh process: read the report's hosts (no database), print hosts, findings, CPU s."""
    from findings.importers import RESTART
    from findings.importers.reader import read_hosts

    hosts = findings = 0
    for host in read_hosts(path, fmt):
        if host == RESTART:
            hosts = findings = 0
            continue
        hosts += 1
        findings += len(host.findings) or len(host.ports)
    print(hosts, findings)


WRITERS = {"nessus": write_nessus, "gvm_xml": write_gvm, "gvm_csv": write_gvm_csv, "nmap_xml": write_nmap}


def parse_only(megabytes):
    print(f"{'format':8} {'MB':>5} {'hosts':>6} {'items':>9} {'wall s':>7} {'items/s':>9} {'CPU s':>6} {'items/CPU s':>12} {'peak MB':>8}")
    with tempfile.TemporaryDirectory() as folder:
        for fmt, writer in WRITERS.items():
            path = Path(folder) / f"bench.{fmt}"
            writer(path, megabytes)
            start = time.perf_counter()
            process = subprocess.Popen([sys.executable, __file__, "--parse-one", str(path), fmt], stdout=subprocess.PIPE, text=True)
            out = process.stdout.read()
            _, status, usage = os.wait4(process.pid, 0)
            wall, cpu = time.perf_counter() - start, usage.ru_utime + usage.ru_stime
            hosts, items = (int(n) for n in out.split()) if status == 0 else (0, 0)
            print(f"{fmt:8} {path.stat().st_size / 1e6:5.0f} {hosts:6} {items:9} {wall:7.2f} {items / wall:9.0f} {cpu:6.2f} "
                  f"{items / cpu:12.0f} {usage.ru_maxrss / 1024:8.0f}", flush=True)
            path.unlink()
    print(f"\n{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; nmap items are open ports (it has no findings); "
          "CPU includes the interpreter's start (~0.3 s)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="a postgres:// URL (created and dropped) or sqlite:////path")
    parser.add_argument("--megabytes", type=int, default=100)
    parser.add_argument("--parse-only", action="store_true", help="read every format without a database")
    parser.add_argument("--phases", action="store_true", help="print where each import's time went (import_phases.py)")
    parser.add_argument("--formats", default="nessus,gvm_xml", help="the reports to import (each into an empty database)")
    parser.add_argument("--parse-one", nargs=2, metavar=("PATH", "FORMAT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.parse_one:
        return parse_one(*args.parse_one)
    if args.parse_only:
        return parse_only(args.megabytes)
    database = harness.ScratchDatabase(args.database_url, ROOT / "benchmarks" / "bench_imports.sqlite3")
    os.environ["DATABASE_URL"] = database.url
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
    import django

    django.setup()
    from django.db import connections

    print(f"{'format':8} {'MB':>5} {'hosts':>6} {'findings':>9} {'wall s':>7} {'findings/s':>11} {'CPU s':>6} "
          f"{'child':>6} {'DB CPU s':>8} {'peak MB':>8}")
    with tempfile.TemporaryDirectory() as folder:
        for fmt in args.formats.split(","):
            path = Path(folder) / f"bench.{fmt}"
            hosts, findings = WRITERS[fmt](path, args.megabytes)
            # Each format into an empty database: imported after another report into the same scan,
            # it would also pay for turning that report's findings fixed (finalize) and write into
            # tables the other report filled (this is why Greenbone once looked 30-70 % dearer).
            database.create()
            try:
                scan_id = seed_scan()
                connections.close_all()
                for label in ("first", "re-import"):
                    wall, peak, cpu, child, backend, out, status, phases = run_import(database, scan_id, path, fmt, args.phases)
                    print(f"{fmt:8} {path.stat().st_size / 1e6:5.0f} {hosts:6} {findings:9} {wall:7.1f} {findings / wall:11.0f} "
                          f"{cpu:6.1f} {child:6.1f} {backend:8.1f} {peak:8.0f}  {label}{'' if status == 0 else ' FAILED: ' + out[-200:]}",
                          flush=True)
                    if phases:
                        print(f"         {phases}", flush=True)
            finally:
                connections.close_all()
                database.drop()
            path.unlink()
    print(f"\n{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; {database.label}, created empty for each "
          "format; CPU s = the command and its reader child, of which child = the reader child (read from /proc); peak = "
          "the larger of the two processes")


if __name__ == "__main__":
    main()
