"""Import benchmark (issue #11): a generated ~100 MB Nessus file and a ~100 MB Greenbone XML file
imported into a scratch database by `manage.py import_report` in a fresh process (the real parse,
spool, ingestion and finalize); findings per second end to end and the process's peak memory.

    .venv/bin/python benchmarks/bench_imports.py --database-url postgres://postgres@localhost/bench_imports [--megabytes 100]

Target: at least 20,000 findings/s, peak under 300 MB."""

import argparse
import os
import subprocess
import sys
import tempfile
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


def run_import(url, scan_id, path, fmt):
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "benchmarks.settings"}
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, str(ROOT / "manage.py"), "import_report", str(path), "--scan", scan_id,
                                "--format", fmt], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    out = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    return time.perf_counter() - start, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime, out.strip(), status


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="a postgres:// URL (created and dropped) or sqlite:////path")
    parser.add_argument("--megabytes", type=int, default=100)
    args = parser.parse_args()
    database = harness.ScratchDatabase(args.database_url, ROOT / "benchmarks" / "bench_imports.sqlite3")
    database.create()
    os.environ["DATABASE_URL"] = database.url
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
    with tempfile.TemporaryDirectory() as folder:
        try:
            import django

            django.setup()
            scan_id = seed_scan()
            from django.db import connections

            connections.close_all()
            print(f"{'format':8} {'MB':>5} {'hosts':>6} {'findings':>9} {'wall s':>7} {'findings/s':>11} {'CPU s':>6} {'peak MB':>8}")
            for fmt, writer in (("nessus", write_nessus), ("gvm_xml", write_gvm)):
                path = Path(folder) / f"bench.{fmt}"
                hosts, findings = writer(path, args.megabytes)
                for label in ("first", "re-import"):
                    wall, peak, cpu, out, status = run_import(database.url, scan_id, path, fmt)
                    print(f"{fmt:8} {path.stat().st_size / 1e6:5.0f} {hosts:6} {findings:9} {wall:7.1f} {findings / wall:11.0f} "
                          f"{cpu:6.1f} {peak:8.0f}  {label}{'' if status == 0 else ' FAILED: ' + out[-200:]}", flush=True)
            print(f"\n{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; {database.label}")
        finally:
            from django.db import connections

            connections.close_all()
            database.drop()


if __name__ == "__main__":
    main()
