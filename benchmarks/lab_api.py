"""bench_lab.py's client side: the tenant it creates (organization, Manager, API key) and the
calls it makes through the HTTP API, as a customer's script would."""

import os
import secrets
import time
from dataclasses import dataclass

import requests

LAB_NETWORK = "127.0.0.1/32"  # what the organization may scan (the platform blocks loopback otherwise)


@dataclass
class Tenant:
    username: str
    password: str
    api_key: str


def create_tenant() -> Tenant:
    """An organization allowed to scan 127.0.0.1 with the PCI and VRMS plans, a Manager and an
    organization API key, through the product's own services."""
    from accounts.models import User
    from accounts.services.api_keys import create_api_key
    from organizations.catalogue import seed_catalogue
    from organizations.models import Organization, Plan
    from organizations.services.subscriptions import PlanRequest, subscribe

    seed_catalogue()
    organization = Organization.objects.create(name="Lab Org", company_name="Lab Org Ltd",
                                               scan_allowed_networks=LAB_NETWORK)
    for plan in Plan.objects.select_related("product").filter(code__in=("pci-standard", "vrms-standard")):
        subscribe(None, organization, PlanRequest(plan=plan))
    password = secrets.token_urlsafe(16)
    user = User.objects.create(username="lab-manager", role="Manager", organization=organization,
                               email="lab-manager@example.com", confirmed=True)
    user.set_password(password)
    user.save(update_fields=["password"])
    _key, secret = create_api_key(name="Lab key", organization=organization)
    return Tenant(user.username, password, secret)


def _stat(pid) -> list[str] | None:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and of its descendants, live (nmap, telnet probes ...)
    or reaped, from /proc."""
    stats = {int(entry): _stat(entry) for entry in os.listdir("/proc") if entry.isdigit()}
    children = {}
    for child, fields in stats.items():
        if fields:
            children.setdefault(int(fields[1]), []).append(child)
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        fields = stats.get(current)
        if fields:
            total += sum(int(value) for value in fields[11:15])
            todo.extend(children.get(current, []))
    return total / os.sysconf("SC_CLK_TCK")


def backend_cpu(database_url: str) -> dict:
    """{pid: CPU seconds} of the PostgreSQL backends serving the database ({} on SQLite)."""
    if not database_url.startswith("postgres"):
        return {}
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        pids = [row[0] for row in conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                                               "AND pid <> pg_backend_pid()")]
    return {pid: cpu_seconds(pid) for pid in pids}


def backend_cpu_since(before: dict, database_url: str) -> float:
    """CPU the backends used since `before` (a backend that ended in between is not counted)."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in backend_cpu(database_url).items())


class LabClient:
    def __init__(self, base_url: str, tenant: Tenant, worker_pid: int):
        self.base, self.worker_pid = base_url, worker_pid
        self.http = requests.Session()
        self.http.headers.update({"X-API-KEY": tenant.api_key, "Accept": "application/json"})
        self._wait_until_up()
        token = self.call("post", "/auth/sign_in", {"username": tenant.username, "password": tenant.password})["token"]
        self.http.headers["Authorization"] = f"Bearer {token}"

    def _wait_until_up(self, timeout=60.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self.http.get(self.base + "/healthz", timeout=5).status_code == 200:
                    return
            except requests.RequestException:  # listening, workers still booting
                pass
            time.sleep(0.2)
        raise SystemExit("the web server did not come up (see the product log)")

    def call(self, method, path, body=None, params=None):
        response = self.http.request(method, self.base + path, json=body, params=params, timeout=60)
        if response.status_code >= 300:
            raise SystemExit(f"{method.upper()} {path}: {response.status_code} {response.text[:500]}")
        return response.json()

    def create_scan(self, lab_ports, hosts="127.0.0.1") -> str:
        tcp = sorted({p.port for p in lab_ports if p.protocol == "tcp"})
        udp = sorted({p.port for p in lab_ports if p.protocol == "udp"})
        ranges = ",".join(filter(None, ["T:" + ",".join(map(str, tcp)) if tcp else "",
                                        "U:" + ",".join(map(str, udp)) if udp else ""]))
        port_list = self.call("post", "/v2/port_lists", {"port_list": {"name": "Lab ports", "port_ranges": ranges}})
        target = self.call("post", "/v2/targets", {"target": {
            "name": "Lab", "hosts": hosts, "alive_test": "consider_alive",
            "port_list_id": port_list["data"]["id"]}})
        scan = self.call("post", "/v2/scans", {"scan": {"name": "Lab scan", "target_id": target["data"]["id"]}})
        profile = scan["data"]["attributes"]["scan_profile"]["name"]
        assert profile == "Full and fast", f"default profile is {profile!r}"
        return scan["data"]["id"]

    def run_scan(self, scan_id, timeout):
        """Start a run and wait for it: (wall seconds from start to a final state, run attributes)."""
        started = time.monotonic()
        run_id = self.call("post", f"/v2/scans/{scan_id}/start")["data"]["id"]
        while time.monotonic() - started < timeout:
            run = self.call("get", f"/v2/scans/{scan_id}/histories/{run_id}")["data"]["attributes"]
            if run["status"] in ("done", "stopped", "interrupted"):
                return time.monotonic() - started, {"id": run_id, **run}
            time.sleep(0.25)
        raise SystemExit(f"run {run_id} not finished after {timeout} s")

    def vulnerabilities(self, scan_id, run_id, **params):
        """Every result of the run (all pages), as their attributes."""
        found, page = [], 1
        while True:
            body = self.call("get", f"/v2/scans/{scan_id}/vulnerabilities",
                             params={"history_id": run_id, "per_page": 100, "page": page, **params})
            found.extend(item["attributes"] for item in body["data"])
            if len(body["data"]) < 100:
                return found
            page += 1
