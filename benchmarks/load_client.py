"""The load test's clients: asyncio coroutines, each a user of one organization on its own
keep-alive HTTP/1.1 connection (standard library only: a few hundred of them cost the machine
less than the server they measure). Each signs in, then loops over a weighted mix of what a
front end does, with a think time between requests, and records per route: latency, status, and
what it created (for the consistency check afterwards)."""

import asyncio
import json
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field


class HttpError(Exception):
    pass


class Connection:
    """One keep-alive HTTP/1.1 connection; reopened when the server closes it."""

    def __init__(self, host, port):
        self.host, self.port = host, port
        self.reader = self.writer = None

    async def request(self, method, path, headers, body=None):
        payload = json.dumps(body).encode() if body is not None else b""
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", f"Content-Length: {len(payload)}",
                 "Accept: application/json", *(f"{k}: {v}" for k, v in headers.items())]
        if body is not None:
            lines.append("Content-Type: application/json")
        message = ("\r\n".join(lines) + "\r\n\r\n").encode() + payload
        reused = self.writer is not None
        try:
            return await self._exchange(message)
        except (ConnectionError, asyncio.IncompleteReadError, HttpError):
            self.close()
            if not (reused and method == "GET"):  # a write is never sent twice
                raise
            return await self._exchange(message)  # the server had closed an idle connection

    async def _exchange(self, message):
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        self.writer.write(message)
        await self.writer.drain()
        status_line = await self.reader.readline()
        if not status_line:
            raise HttpError("connection closed before a response")
        status = int(status_line.split()[1])
        headers = {}
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        if headers.get("transfer-encoding", "").lower() == "chunked":
            body = await self._chunked()
        else:
            body = await self.reader.readexactly(int(headers.get("content-length", 0)))
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, headers, body

    async def _chunked(self):
        parts = []
        while size := int((await self.reader.readline()).split(b";")[0], 16):
            parts.append(await self.reader.readexactly(size))
            await self.reader.readline()
        await self.reader.readline()
        return b"".join(parts)

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


@dataclass
class Results:
    latencies: dict = field(default_factory=lambda: defaultdict(list))  # route -> seconds
    statuses: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))  # route -> status -> n
    errors: list = field(default_factory=list)  # (route, what) for anything unexpected
    created_targets: dict = field(default_factory=dict)  # id -> organization id
    target_names: dict = field(default_factory=dict)  # id -> last name a 200 answer confirmed
    created_scans: dict = field(default_factory=dict)  # id -> organization id
    started_scans: set = field(default_factory=set)


@dataclass
class Account:
    username: str
    password: str
    role: str
    organization_id: str
    host_prefix: str  # the organization's addresses: f"{host_prefix}{n}"


# (weight, action): the mix of one signed-in client; writes only for roles that may write.
READS = [(12, "me"), (10, "targets_list"), (8, "scans_list"), (5, "users_list"), (10, "target_detail"),
         (8, "scan_detail"), (5, "histories_list"), (5, "vulnerabilities_list"), (4, "hosts_list"),
         (0.5, "sign_in")]
WRITES = [(5, "target_create"), (3, "target_update"), (4, "scan_create"), (3, "scan_start")]
EXPECTED = {"target_create": 201, "scan_create": 201}


class Client:
    def __init__(self, number, account, api_key, token, host, port, results, think, ramp):
        self.number, self.account, self.results, self.think, self.ramp = number, account, results, think, ramp
        self.connection = Connection(host, port)
        self.headers = {"X-API-KEY": api_key}
        if token:  # a returning client: signed in earlier (a token lives JWT_TTL, a day by default)
            self.headers["Authorization"] = f"Bearer {token}"
        self.random = random.Random(number)
        mix = READS + (WRITES if account.role != "Viewer" else [])
        self.actions = [name for _, name in mix]
        self.weights = [weight for weight, _ in mix]
        self.target_ids, self.scan_ids, self.own_targets, self.unstarted = [], [], [], []
        self.created = 0

    async def call(self, route, method, path, body=None):
        start = time.perf_counter()
        try:
            status, _headers, raw = await self.connection.request(method, path, self.headers, body)
        except Exception as exc:  # noqa: BLE001 - every failure is recorded, none stops the run
            self.results.errors.append((route, f"{type(exc).__name__}: {exc}"))
            self.results.statuses[route]["exception"] += 1
            return None, None
        self.results.latencies[route].append(time.perf_counter() - start)
        self.results.statuses[route][status] += 1
        if status != EXPECTED.get(route, 200):
            self.results.errors.append((route, f"HTTP {status}: {raw[:200]!r}"))
            return status, None
        return status, json.loads(raw) if raw else {}

    async def run(self, deadline):
        await asyncio.sleep(self.random.uniform(0, self.ramp))  # clients arrive spread out, as people do
        if "Authorization" not in self.headers:
            await self.sign_in()
        await self.refresh_ids()
        while time.monotonic() < deadline:
            action = self.random.choices(self.actions, self.weights)[0]
            await getattr(self, action)()
            await asyncio.sleep(self.random.uniform(0, 2 * self.think))
        self.connection.close()

    async def sign_in(self):
        _, body = await self.call("sign_in", "POST", "/auth/sign_in",
                                  {"username": self.account.username, "password": self.account.password})
        if body and body.get("token"):
            self.headers["Authorization"] = f"Bearer {body['token']}"

    async def refresh_ids(self):
        _, body = await self.call("targets_list", "GET", "/v2/targets?per_page=50")
        self.target_ids = [row["id"] for row in (body or {}).get("data", [])]
        _, body = await self.call("scans_list", "GET", "/v2/scans?per_page=50")
        self.scan_ids = [row["id"] for row in (body or {}).get("data", [])]

    async def me(self):
        await self.call("me", "GET", "/v2/user/me")

    async def targets_list(self):
        query = self.random.choice(["q[name]=target*&sort_by=name+asc", "sort_by=created_at+desc", "q[hosts]=127.*"])
        await self.call("targets_list", "GET", f"/v2/targets?per_page=25&{query}")

    async def scans_list(self):
        query = self.random.choice(["q[status]=done", "sort_by=name+asc", "q[name]=scan*", "sort_by=created_at+desc"])
        await self.call("scans_list", "GET", f"/v2/scans?per_page=25&{query}")

    async def users_list(self):
        await self.call("users_list", "GET", "/v2/users?per_page=25")

    async def vulnerabilities_list(self):
        await self.call("vulnerabilities_list", "GET", "/v2/vulnerabilities?per_page=25")

    async def hosts_list(self):
        await self.call("hosts_list", "GET", "/v2/hosts?per_page=25")

    async def target_detail(self):
        if self.target_ids:
            await self.call("target_detail", "GET", f"/v2/targets/{self.random.choice(self.target_ids)}")

    async def scan_detail(self):
        if self.scan_ids:
            await self.call("scan_detail", "GET", f"/v2/scans/{self.random.choice(self.scan_ids)}")

    async def histories_list(self):
        if self.scan_ids:
            await self.call("histories_list", "GET", f"/v2/scans/{self.random.choice(self.scan_ids)}/histories")

    async def target_create(self):
        self.created += 1
        host = f"{self.account.host_prefix}{self.random.randint(1, 16)}"
        body = {"target": {"name": f"load-{self.number}-{self.created}", "hosts": host, "alive_test": "consider_alive"}}
        _, answer = await self.call("target_create", "POST", "/v2/targets", body)
        if answer:
            target_id = answer["data"]["id"]
            self.results.created_targets[target_id] = self.account.organization_id
            self.results.target_names[target_id] = body["target"]["name"]
            self.own_targets.append(target_id)
            self.target_ids.append(target_id)

    async def target_update(self):
        if self.own_targets:
            target_id = self.random.choice(self.own_targets)
            name = f"load-{self.number}-{self.created}-renamed-{self.random.randint(1, 10**6)}"
            _, answer = await self.call("target_update", "PUT", f"/v2/targets/{target_id}", {"target": {"name": name}})
            if answer:
                self.results.target_names[target_id] = name

    async def scan_create(self):
        if self.target_ids:  # any target of the organization (its seeded ones included)
            self.created += 1
            body = {"scan": {"name": f"load-scan-{self.number}-{self.created}",
                             "target_id": self.random.choice(self.target_ids)}}
            _, answer = await self.call("scan_create", "POST", "/v2/scans", body)
            if answer:
                scan_id = answer["data"]["id"]
                self.results.created_scans[scan_id] = self.account.organization_id
                self.unstarted.append(scan_id)
                self.scan_ids.append(scan_id)

    async def scan_start(self):
        if self.unstarted:
            scan_id = self.unstarted.pop()
            status, _ = await self.call("scan_start", "POST", f"/v2/scans/{scan_id}/start")
            if status == 200:
                self.results.started_scans.add(scan_id)


async def drive(accounts, api_key, tokens, host, port, clients, seconds, think, ramp):
    """`tokens[n]`: client n's bearer token from an earlier sign-in, or None (it signs in first)."""
    results = Results()
    deadline = time.monotonic() + seconds
    swarm = [Client(n, accounts[n % len(accounts)], api_key, tokens[n], host, port, results, think, ramp)
             for n in range(clients)]
    started = time.monotonic()
    await asyncio.gather(*(client.run(deadline) for client in swarm))
    return results, time.monotonic() - started
