"""Known-vulnerable versions: import rate of `import_vuln_feed`'s NVD reader on a generated NVD
CVE JSON 2.0 file, and the time the CG-9000 check takes per port against the imported feed.

    .venv/bin/python benchmarks/bench_vuln_feed.py [--cves 100000] [--gzip]
"""

import argparse
import asyncio
import gzip
import json
import random
import resource
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scanning.engine.checks import CATALOGUE  # noqa: E402
from scanning.engine.feed.importer import import_file  # noqa: E402
from scanning.engine.types import PortResult  # noqa: E402

WORDS = "buffer overflow remote attacker crafted request allows denial service memory heap arbitrary code via".split()
HOT = [("apache", "http_server", 600), ("openbsd", "openssh", 150), ("f5", "nginx", 80), ("exim", "exim", 60)]


def version(rng):
    return f"{rng.randint(0, 12)}.{rng.randint(0, 30)}.{rng.randint(0, 60)}"


def cve_item(index, rng, vendor, product):
    matches = []
    for _ in range(rng.randint(1, 4)):
        if rng.random() < 0.3:
            matches.append({"vulnerable": True, "criteria": f"cpe:2.3:a:{vendor}:{product}:{version(rng)}:*:*:*:*:*:*:*", "matchCriteriaId": "X"})
        else:
            low, high = sorted([version(rng), version(rng)], key=lambda v: tuple(map(int, v.split("."))))
            matches.append({"vulnerable": True, "criteria": f"cpe:2.3:a:{vendor}:{product}:*:*:*:*:*:*:*:*",
                            "versionStartIncluding": low, "versionEndExcluding": high, "matchCriteriaId": "X"})
    return {"cve": {
        "id": f"CVE-2090-{index:06d}", "sourceIdentifier": "cna@example.org", "published": "2090-01-01T00:00:00.000",
        "lastModified": "2090-02-01T00:00:00.000", "vulnStatus": "Analyzed",
        "descriptions": [{"lang": "en", "value": " ".join(rng.choices(WORDS, k=50))}],
        "metrics": {"cvssMetricV31": [{"source": "nvd@nist.gov", "type": "Primary", "cvssData": {
            "version": "3.1", "vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "baseScore": 9.8}}],
            "cvssMetricV2": [{"source": "nvd@nist.gov", "type": "Primary", "cvssData": {"version": "2.0", "vectorString": "AV:N/AC:L/Au:N/C:P/I:P/A:P", "baseScore": 7.5}}]},
        "weaknesses": [{"source": "nvd@nist.gov", "type": "Primary", "description": [{"lang": "en", "value": "CWE-787"}]}],
        "configurations": [{"nodes": [{"operator": "OR", "negate": False, "cpeMatch": matches}]}],
        "references": [{"url": f"https://example.org/{index}/{n}", "source": "x"} for n in range(5)],
    }}


def generate(path: Path, count: int, compressed: bool) -> None:
    rng = random.Random(7)
    products = [(f"vendor{n}", f"product{n}") for n in range(5000)]
    hot = [(vendor, product) for vendor, product, n in HOT for _ in range(n)]
    opener = gzip.open if compressed else open
    with opener(path, "wt") as out:
        head = {"resultsPerPage": count, "startIndex": 0, "totalResults": count, "format": "NVD_CVE", "version": "2.0",
                "timestamp": "2090-01-01T00:00:00.000"}
        out.write(json.dumps(head)[:-1] + ', "vulnerabilities": [')
        for index in range(count):
            pair = hot[index] if index < len(hot) else rng.choice(products)
            out.write(("," if index else "") + json.dumps(cve_item(index, rng, *pair)))
        out.write("]}")


def per_port(database: Path, rounds: int = 200) -> dict:
    ports = {
        "Apache/2.4.49": PortResult(80, "tcp", service="http", product="Apache httpd", version="2.4.49", cpe="cpe:/a:apache:http_server:2.4.49",
                                    banner="HTTP/1.1 200 OK", extra={"http": {"server": "Apache/2.4.49 (Unix)", "headers": {}}}),
        "OpenSSH Debian": PortResult(22, "tcp", service="ssh", product="OpenSSH", version="9.2p1", cpe="cpe:/a:openbsd:openssh:9.2p1",
                                     banner="SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3"),
        "vsftpd 2.3.4": PortResult(21, "tcp", service="ftp", product="vsftpd", version="2.3.4", cpe="cpe:/a:vsftpd:vsftpd:2.3.4", banner="220 (vsFTPd 2.3.4)"),
    }
    check, context = CATALOGUE["CG-9000"](), SimpleNamespace(feed_path=str(database))

    async def measure(port):
        findings = await check.run(context, None, port)
        started = time.perf_counter()
        for _ in range(rounds):
            await check.run(context, None, port)
        return (time.perf_counter() - started) / rounds * 1000, len(findings)

    return {name: asyncio.run(measure(port)) for name, port in ports.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cves", type=int, default=100_000)
    parser.add_argument("--gzip", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / ("nvd.json.gz" if args.gzip else "nvd.json")
        started = time.perf_counter()
        generate(source, args.cves, args.gzip)
        print(f"generated {args.cves:,} CVEs: {source.stat().st_size / 1e6:,.0f} MB in {time.perf_counter() - started:.1f} s")
        database = Path(folder) / "feed.sqlite3"
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        result = import_file(database, source)
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(f"import: {result.records:,} CVEs in {result.seconds:.1f} s = {result.records / result.seconds:,.0f} CVEs/s; "
              f"database {database.stat().st_size / 1e6:,.0f} MB; peak RSS {rss_after / 1024:,.0f} MB (+{(rss_after - rss_before) / 1024:,.0f} MB)")
        started = time.perf_counter()
        again = import_file(database, source)
        print(f"re-import (idempotent): {again.records:,} CVEs in {time.perf_counter() - started:.1f} s")
        for name, (ms, found) in per_port(database).items():
            print(f"check CG-9000 on {name}: {ms:.2f} ms per port ({found} findings)")


if __name__ == "__main__":
    main()
